/**
 * Exports of a time range, written by the core as a stream: the worker formats
 * chunks of rows (export-format.ts) read by keyset from the database, and this
 * module writes each chunk to a sink before asking for the next, so a large
 * range never sits in memory, and reports progress as `history.export` events.
 * The sink is a file main's own save dialog named (desktop: the renderer never
 * names a path) or the HTTP response of the headless host's download endpoint
 * (browser), which takes the prepared export by its id. Documents made whole
 * in memory (the trust report) travel the same two ways.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { ExportProgress, ExportRequest, ExportStart } from '../../../shared/history';
import type { Profile } from '../../../shared/profiles';
import { AppFailure, type AppError } from '../../../shared/result';
import { CSV_BOM, csvLine, MESSAGE_CSV_HEADER, SAMPLE_CSV_HEADER } from './export-format';
import { START_CURSOR, type ExportCursor, type ExportQuery } from './protocol';
import type { Recorder } from './recorder';

/** Rows per chunk the worker formats: a few hundred kilobytes of text. */
export const EXPORT_CHUNK_ROWS = 5000;
/** A download the browser has not fetched within this time is forgotten. */
export const DOWNLOAD_TTL_MS = 60_000;
/** Progress events at most this often per export (plus the last one). */
const PROGRESS_MS = 200;

export interface ExportSink {
  write(chunk: Buffer): Promise<void>;
  /** The export is complete. */
  end(): Promise<void>;
  /** The export failed or was abandoned: nothing half-written may pass for complete. */
  abort(): Promise<void>;
}

/** Asks the operator where to save (main's save dialog); null when they cancel. */
export type ChooseExportFile = (fileName: string, client: string) => Promise<string | null>;

/** A range of the recorded history, read chunk by chunk; or a document already whole in memory (the trust report). */
export type PreparedExport = { id: string; fileName: string; contentType: string } & ({ query: ExportQuery; document?: undefined } | { document: Buffer; query?: undefined });

/**
 * A file written beside its final name and renamed into place only when
 * complete, so a failed export never leaves a truncated file under the name
 * the operator chose.
 */
export async function fileSink(file: string): Promise<ExportSink> {
  const partial = `${file}.partial`;
  const handle = await fs.open(partial, 'w');
  return {
    write: async (chunk) => {
      // One write may take only part of the chunk without an error (a disk that just filled up):
      // the rest is written, where the disk's error is then thrown.
      for (let at = 0; at < chunk.length; ) {
        const { bytesWritten } = await handle.write(chunk, at);
        if (bytesWritten <= 0) throw new Error('the file took no more bytes');
        at += bytesWritten;
      }
    },
    end: async () => {
      await handle.sync();
      await handle.close();
      await fs.rename(partial, file);
    },
    abort: async () => {
      await handle.close().catch(() => undefined);
      await fs.rm(partial, { force: true });
    },
  };
}

function stamp(t: number): string {
  return new Date(t).toISOString().slice(0, 16).replace(/:/g, '-');
}

export interface ExportsDeps {
  recorder: Pick<Recorder, 'settle' | 'exportCount' | 'exportChunk' | 'canRead'> | null;
  profiles: { list(): Profile[] };
  emit(progress: ExportProgress): void;
  /** Desktop only: main's save dialog. Without it, exports are offered as downloads. */
  chooseFile?: ChooseExportFile;
  now?: () => number;
}

export class Exports {
  private readonly downloads = new Map<string, { prepared: PreparedExport; expires: number }>();

  constructor(private readonly deps: ExportsDeps) {}

  private prepare(request: ExportRequest): PreparedExport {
    const names = Object.fromEntries(this.deps.profiles.list().map((p) => [p.id, p.name]));
    const { from, to } = request.range;
    const extension = request.format === 'jsonl' ? 'jsonl' : 'csv';
    const query: ExportQuery =
      request.kind === 'samples'
        ? { kind: 'samples', keys: request.keys, from, to, names }
        : { kind: 'messages', format: request.format, connectionIds: request.connectionIds, topicFilter: request.topicFilter ?? null, from, to, names };
    return {
      id: randomBytes(16).toString('hex'),
      fileName: `mqtts-${request.kind}-${stamp(from)}_${stamp(to)}.${extension}`,
      contentType: extension === 'jsonl' ? 'application/x-ndjson; charset=utf-8' : 'text/csv; charset=utf-8',
      query,
    };
  }

  /** Prepares an export; on the desktop asks where to save it and starts writing there. */
  async start(request: ExportRequest, client: string): Promise<ExportStart> {
    const recorder = this.deps.recorder;
    if (!recorder || !(await recorder.canRead())) {
      throw new AppFailure('history_unavailable', 'There is no recorded history to export: the history database is not available.', 'See the history notice at the top of the window for why, and how to fix it.');
    }
    return this.deliver(this.prepare(request), client);
  }

  /** A document made whole in memory (the trust report), delivered as history exports are: main's save dialog or a signed download. */
  startDocument(document: { fileName: string; contentType: string; body: Buffer }, client: string): Promise<ExportStart> {
    return this.deliver({ id: randomBytes(16).toString('hex'), fileName: document.fileName, contentType: document.contentType, document: document.body }, client);
  }

  private async deliver(prepared: PreparedExport, client: string): Promise<ExportStart> {
    if (this.deps.chooseFile) {
      const file = await this.deps.chooseFile(prepared.fileName, client);
      if (!file) return { exportId: prepared.id, fileName: prepared.fileName, delivery: 'cancelled', path: null };
      void fileSink(file).then(
        (sink) => this.run(prepared, sink),
        (error: unknown) => this.failed(prepared.id, error),
      );
      return { exportId: prepared.id, fileName: prepared.fileName, delivery: 'file', path: null };
    }
    const now = (this.deps.now ?? Date.now)();
    for (const [id, d] of this.downloads) if (d.expires < now) this.downloads.delete(id);
    this.downloads.set(prepared.id, { prepared, expires: now + DOWNLOAD_TTL_MS });
    return { exportId: prepared.id, fileName: prepared.fileName, delivery: 'download', path: `/export/${prepared.id}` };
  }

  /** The host's download endpoint takes a prepared export once (the caller has checked its signature). */
  takeDownload(id: string): PreparedExport | null {
    const entry = this.downloads.get(id);
    this.downloads.delete(id);
    if (!entry || entry.expires < (this.deps.now ?? Date.now)()) return null;
    return entry.prepared;
  }

  private failed(exportId: string, error: unknown, rows = 0, total = 0, bytes = 0): void {
    const appError: AppError =
      error instanceof AppFailure
        ? error.error
        : { code: 'export_failed', message: `The export could not be written (${error instanceof Error ? error.message : String(error)}).`, hint: 'Check the free space and permissions where you saved it, then export again.' };
    this.deps.emit({ exportId, state: 'failed', rows, total, bytes, error: appError });
  }

  /** Writes the export to the sink chunk by chunk; resolves when done or failed (reported either way). */
  async run(prepared: PreparedExport, sink: ExportSink): Promise<void> {
    const recorder = this.deps.recorder;
    let rows = 0;
    let total = 0;
    let bytes = 0;
    try {
      if (prepared.document) {
        await sink.write(prepared.document);
        await sink.end();
        this.deps.emit({ exportId: prepared.id, state: 'done', rows: 1, total: 1, bytes: prepared.document.length, error: null });
        return;
      }
      if (!recorder) throw new AppFailure('history_unavailable', 'There is no recorded history to export.', 'See the history notice for why.');
      // Everything taken in so far goes into the database first, so the export ends where the chart does.
      await recorder.settle();
      total = await recorder.exportCount(prepared.query);
      const q = prepared.query;
      const header = q.kind === 'samples' ? CSV_BOM + csvLine(SAMPLE_CSV_HEADER) : q.format === 'csv' ? CSV_BOM + csvLine(MESSAGE_CSV_HEADER) : '';
      const write = async (text: string) => {
        if (!text) return;
        const chunk = Buffer.from(text, 'utf8');
        await sink.write(chunk);
        bytes += chunk.length;
      };
      await write(header);
      this.deps.emit({ exportId: prepared.id, state: 'running', rows, total, bytes, error: null });
      let cursor: ExportCursor | null = START_CURSOR;
      let reported = Date.now();
      while (cursor) {
        const chunk = await recorder.exportChunk({ export: q, cursor, rows: EXPORT_CHUNK_ROWS });
        await write(chunk.text);
        rows += chunk.rows;
        cursor = chunk.next;
        if (cursor && Date.now() - reported >= PROGRESS_MS) {
          reported = Date.now();
          this.deps.emit({ exportId: prepared.id, state: 'running', rows, total: Math.max(total, rows), bytes, error: null });
        }
      }
      await sink.end();
      this.deps.emit({ exportId: prepared.id, state: 'done', rows, total: Math.max(total, rows), bytes, error: null });
    } catch (error) {
      await sink.abort().catch(() => undefined);
      const problem = (error as { problem?: { detail: string } }).problem;
      this.failed(prepared.id, problem ? new Error(problem.detail) : error, rows, total, bytes);
    }
  }
}
