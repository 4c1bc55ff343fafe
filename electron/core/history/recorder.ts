/**
 * The recorder, on the thread that takes in MQTT messages: it copies the
 * samples of charted series and the raw messages its connections chose into
 * compact batches of typed arrays, and hands a batch to its worker thread
 * (worker.ts) every FLUSH_MS or when one fills up: one postMessage per batch,
 * buffers transferred, never one per message, and nothing here waits on the
 * disk. When the worker falls behind, batches wait up to a bound; past it,
 * new data is dropped and counted, and the count is reported. A database that
 * cannot be used (newer, damaged, unwritable, full disk) turns recording off
 * with a notice; the app goes on live-only.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { topicMatchesFilter } from '../../../shared/mqtt';
import type { AlertHistoryRequest, AlertRecord } from '../../../shared/alerts';
import type { ConnectionUsage, HistoryHealth, RecorderState } from '../../../shared/history';
import type { Profile } from '../../../shared/profiles';
import type { Qos } from '../../../shared/mqtt';
import type { AppError } from '../../../shared/result';
import type { AlertStorage, SavedAlert } from '../alerts/journal';
import type { Logger } from '../logger';
import { copyBytes } from '../telemetry/messages';
import type { RecordingSlot } from '../telemetry/service';
import { workerEntry } from '../process/worker-entry';
import { noticeOf, type HistoryProblem } from './problems';
import { batchBuffers, RETAIN_FLAG, type FromWorker, type SpentBatch, type RecordBatch, type Requests, type RequestKind, type RetentionRule, type SeriesDefinition, type ToWorker, type TopicDefinition, type WorkerInput } from './protocol';

export const HISTORY_FILE = 'history.sqlite';
/** The built worker, beside out/main/index.js (electron.vite.config.ts names the entry). */
export const BUILT_WORKER_FILE = 'history-worker.js';
/** A batch goes to the worker at least this often while it holds anything. */
export const FLUSH_MS = 150;
const SAMPLES_PER_BATCH = 32_768;
const MESSAGES_PER_BATCH = 16_384;
const ARENA_START_BYTES = 256 * 1024;
const ARENA_MAX_BYTES = 8 * 1024 * 1024;
/** Batches handed over and not yet written, at most: past either bound new data is dropped (and counted). */
export const MAX_PENDING_BATCHES = 64;
export const MAX_PENDING_BYTES = 96 * 1024 * 1024;
/** Written batches whose arrays are kept to be filled again. */
const SPARE_BATCHES = 2;
const DAY_MS = 86_400_000;
/** Retention runs this often, and this soon after the settings changed (a smaller limit applies without waiting). */
export const RETENTION_EVERY_MS = 10 * 60_000;
const RETENTION_AFTER_CHANGE_MS = 2000;

/** Appends one sample of a series; made once per series, called per sample. */
export type SampleSink = (time: number, value: number) => void;

class Batch {
  series: SeriesDefinition[] = [];
  topics: TopicDefinition[] = [];
  sampleCount = 0;
  readonly sampleSeries: Uint32Array;
  readonly sampleTimes: Float64Array;
  readonly sampleValues: Float64Array;
  messageCount = 0;
  readonly topic: Uint32Array;
  readonly times: Float64Array;
  readonly flags: Uint8Array;
  readonly sizes: Uint32Array;
  readonly ends: Uint32Array;
  arena: Uint8Array;
  used = 0;

  /** New arrays, or those of a batch the worker has written (their old contents are overwritten before they are read). */
  constructor(spent?: SpentBatch) {
    this.sampleSeries = spent?.samples.series ?? new Uint32Array(SAMPLES_PER_BATCH);
    this.sampleTimes = spent?.samples.times ?? new Float64Array(SAMPLES_PER_BATCH);
    this.sampleValues = spent?.samples.values ?? new Float64Array(SAMPLES_PER_BATCH);
    this.topic = spent?.messages.topic ?? new Uint32Array(MESSAGES_PER_BATCH);
    this.times = spent?.messages.times ?? new Float64Array(MESSAGES_PER_BATCH);
    this.flags = spent?.messages.flags ?? new Uint8Array(MESSAGES_PER_BATCH);
    this.sizes = spent?.messages.sizes ?? new Uint32Array(MESSAGES_PER_BATCH);
    this.ends = spent?.messages.ends ?? new Uint32Array(MESSAGES_PER_BATCH);
    this.arena = spent?.messages.arena ?? new Uint8Array(ARENA_START_BYTES);
  }

  get empty(): boolean {
    return this.sampleCount === 0 && this.messageCount === 0 && this.series.length === 0 && this.topics.length === 0;
  }

  get bytes(): number {
    return SAMPLES_PER_BATCH * 20 + MESSAGES_PER_BATCH * 21 + this.arena.byteLength;
  }

  /** Room for `n` more payload bytes, growing the arena up to its cap. */
  fits(n: number): boolean {
    if (this.used + n <= this.arena.byteLength) return true;
    if (this.used + n > ARENA_MAX_BYTES) return false;
    let size = this.arena.byteLength;
    while (size < this.used + n) size *= 2;
    const grown = new Uint8Array(Math.min(ARENA_MAX_BYTES, size));
    grown.set(this.arena.subarray(0, this.used));
    this.arena = grown;
    return true;
  }

  toMessage(seq: number): { batch: RecordBatch; transfer: ArrayBuffer[] } {
    const batch: RecordBatch = {
      seq,
      series: this.series,
      topics: this.topics,
      samples: { count: this.sampleCount, series: this.sampleSeries, times: this.sampleTimes, values: this.sampleValues },
      messages: { count: this.messageCount, topic: this.topic, times: this.times, flags: this.flags, sizes: this.sizes, ends: this.ends, arena: this.arena },
    };
    return { batch, transfer: batchBuffers(batch) };
  }
}

interface ConnectionRecording {
  filters: string[];
  maxPayloadBytes: number;
  /** Topic → this run's topic index, or -1 for a topic no filter matches. Null: no raw messages recorded. */
  topics: Map<string, number> | null;
}

export interface RecorderOptions {
  dataDir: string;
  logger?: Logger;
  /** Told when the state, the notice or the drop counts change (drops at most once a flush). */
  onHealth?: (health: HistoryHealth) => void;
  /** Test hook: SQLite's page limit, to reach a real "database or disk is full". */
  maxPageCount?: number;
  flushMs?: number;
  /** The clock retention measures age by. */
  now?: () => number;
  retentionEveryMs?: number;
}

export class Recorder implements AlertStorage {
  readonly file: string;
  state: RecorderState = 'starting';
  notice: AppError | null = null;
  readonly dropped = { samples: 0, messages: 0 };
  /** Whether the database answers reads (it may still after writing stopped). */
  private readable = false;
  private accepting = true;
  private readonly worker: Worker;
  private readonly opened: Promise<void>;
  private batch = new Batch();
  /** Arrays of written batches, to fill again. */
  private readonly spare: Batch[] = [];
  private seq = 0;
  /** Batches handed to the worker and not yet written: their size, and what they hold (dropped when they fail). */
  private readonly pending = new Map<number, { bytes: number; samples: number; messages: number }>();
  private pendingBytes = 0;
  private readonly seriesIndex = new Map<string, number>();
  private nextTopic = 0;
  private connections = new Map<string, ConnectionRecording>();
  private lastConnection: string | null = null;
  private lastRecording: ConnectionRecording | undefined;
  private nextRequest = 1;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private readonly timer: NodeJS.Timeout;
  private readonly retentionTimer: NodeJS.Timeout;
  private retentionSoon: NodeJS.Timeout | null = null;
  private reportedDrops = 0;
  private exited = false;
  private closed: () => void = () => undefined;

  constructor(private readonly options: RecorderOptions) {
    this.file = path.join(options.dataDir, HISTORY_FILE);
    const entry = workerEntry(__dirname, 'worker.ts', BUILT_WORKER_FILE);
    const workerData: WorkerInput = { file: this.file, maxPageCount: options.maxPageCount };
    this.worker = new Worker(entry.file, { workerData, execArgv: entry.execArgv });
    let opened: () => void = () => undefined;
    this.opened = new Promise((resolve) => (opened = resolve));
    this.worker.on('message', (message: FromWorker) => this.received(message, opened));
    this.worker.on('error', (error) => {
      this.options.logger?.error('The history writer failed', error);
      this.stop({ kind: 'failed', detail: error.message }, false);
      opened();
    });
    this.worker.on('exit', () => {
      this.exited = true;
      this.closed();
      if (this.state !== 'live-only' && this.accepting) this.stop({ kind: 'failed', detail: 'the writer thread ended' }, false);
      opened();
      for (const w of this.waiting.values()) w.reject(new Error('the history writer ended'));
      this.waiting.clear();
    });
    this.timer = setInterval(() => this.tick(), options.flushMs ?? FLUSH_MS);
    this.timer.unref?.();
    this.retentionTimer = setInterval(() => this.retainInBackground(), options.retentionEveryMs ?? RETENTION_EVERY_MS);
    this.retentionTimer.unref?.();
  }

  private received(message: FromWorker, opened: () => void): void {
    switch (message.type) {
      case 'opened':
        if (message.problem) this.stop(message.problem, false);
        else {
          this.readable = true;
          this.setState('recording');
        }
        opened();
        return;
      case 'written': {
        const sent = this.pending.get(message.seq);
        this.pending.delete(message.seq);
        this.pendingBytes -= sent?.bytes ?? 0;
        if (message.spent && this.spare.length < SPARE_BATCHES) this.spare.push(new Batch(message.spent));
        if (message.problem) this.givenUp(message.problem, message.lostSamples + (sent?.samples ?? 0), sent?.messages ?? 0);
        return;
      }
      case 'stopped':
        this.givenUp(message.problem, message.lostSamples, 0);
        return;
      case 'answer': {
        const w = this.waiting.get(message.id);
        this.waiting.delete(message.id);
        if (!w) return;
        if (message.ok) w.resolve(message.value);
        else w.reject(Object.assign(new Error(message.problem.detail), { problem: message.problem }));
        return;
      }
      case 'closed':
        this.closed();
    }
  }

  /** The writer could not write (a batch, or samples it held): counted dropped, and recording stops if it has not. */
  private givenUp(problem: HistoryProblem, samples: number, messages: number): void {
    this.dropped.samples += samples;
    this.dropped.messages += messages;
    if (this.accepting) this.stop(problem, problem.kind !== 'corrupt');
  }

  /** Recording ends for this run: what is held is dropped (counted), later data is not taken. */
  private stop(problem: HistoryProblem, stillReadable: boolean): void {
    this.accepting = false;
    this.readable = stillReadable && this.readable;
    this.dropped.samples += this.batch.sampleCount;
    this.dropped.messages += this.batch.messageCount;
    this.batch = new Batch();
    this.notice = noticeOf(problem, HISTORY_FILE, this.readable);
    this.options.logger?.warn(`${this.notice.code}: ${this.notice.message}`);
    this.setState('live-only');
  }

  private setState(state: RecorderState): void {
    this.state = state;
    this.options.onHealth?.(this.health());
  }

  health(): HistoryHealth {
    return { state: this.state, notice: this.notice, dropped: { ...this.dropped } };
  }

  private tick(): void {
    this.flush();
    const drops = this.dropped.samples + this.dropped.messages;
    if (drops !== this.reportedDrops) {
      this.reportedDrops = drops;
      this.options.onHealth?.(this.health());
    }
  }

  // ---- what is recorded

  /** Applies every connection's recording settings (saved with its profile). */
  configure(profiles: readonly Profile[]): void {
    const next = new Map<string, ConnectionRecording>();
    const rules: RetentionRule[] = [];
    for (const p of profiles) {
      const r = p.recording;
      const before = this.connections.get(p.id);
      const same = before && before.filters.join('\n') === r.messageFilters.join('\n') && before.maxPayloadBytes === r.maxPayloadBytes;
      next.set(p.id, same ? before : { filters: [...r.messageFilters], maxPayloadBytes: r.maxPayloadBytes, topics: r.messageFilters.length ? new Map() : null });
      rules.push({ connectionId: p.id, maxAgeMs: r.retentionDays * DAY_MS, maxBytes: r.retentionMB * 1024 * 1024 });
    }
    this.connections = next;
    this.lastConnection = null;
    this.post({ type: 'rules', rules });
    if (this.retentionSoon) clearTimeout(this.retentionSoon);
    this.retentionSoon = setTimeout(() => this.retainInBackground(), RETENTION_AFTER_CHANGE_MS);
    this.retentionSoon.unref?.();
  }

  private retainInBackground(): void {
    if (this.exited || !this.accepting) return;
    this.retain((this.options.now ?? Date.now)()).catch((error: unknown) => this.options.logger?.warn(`History retention did not finish: ${(error as Error).message}`));
  }

  /** The sink for one series' samples; its samples are recorded while the recorder is. */
  sink(key: string): SampleSink {
    let index = this.seriesIndex.get(key);
    if (index === undefined) {
      index = this.seriesIndex.size;
      this.seriesIndex.set(key, index);
      this.batch.series.push({ index, key, connectionId: key.slice(0, key.indexOf('|')) });
    }
    const series = index;
    return (time, value) => this.sample(series, time, value);
  }

  private sample(series: number, time: number, value: number): void {
    if (!this.accepting || Number.isNaN(value)) return;
    let b = this.batch;
    if (b.sampleCount === SAMPLES_PER_BATCH) {
      if (!this.flush()) {
        this.dropped.samples++;
        return;
      }
      b = this.batch;
    }
    const i = b.sampleCount++;
    b.sampleSeries[i] = series;
    b.sampleTimes[i] = time;
    b.sampleValues[i] = value;
  }

  /**
   * One MQTT message: recorded when a filter of its connection matches its
   * topic. The hot path: `slot` (the topic's statistics) remembers the topic's
   * index, so a topic is looked up by name only when the connection's filters changed.
   */
  message(connectionId: string, topic: string, slot: RecordingSlot, payload: Buffer, qos: Qos, retain: boolean, time: number): void {
    if (!this.accepting) return;
    let recording = this.lastRecording;
    if (connectionId !== this.lastConnection) {
      recording = this.connections.get(connectionId);
      this.lastConnection = connectionId;
      this.lastRecording = recording;
    }
    const topics = recording?.topics;
    if (!recording || !topics) return;
    let index = slot.recordIndex;
    if (slot.recordTopics !== topics) {
      index = this.topicIndex(connectionId, topic, recording.filters, topics);
      slot.recordTopics = topics;
      slot.recordIndex = index;
    }
    if (index < 0) return;
    const kept = Math.min(payload.length, recording.maxPayloadBytes);
    let b = this.batch;
    if (b.messageCount === MESSAGES_PER_BATCH || !b.fits(kept)) {
      if (!this.flush() || !this.batch.fits(kept)) {
        this.dropped.messages++;
        return;
      }
      b = this.batch;
    }
    const i = b.messageCount++;
    b.topic[i] = index;
    b.times[i] = time;
    b.flags[i] = qos | (retain ? RETAIN_FLAG : 0);
    b.sizes[i] = payload.length;
    copyBytes(b.arena, b.used, payload, kept);
    b.used += kept;
    b.ends[i] = b.used;
  }

  /** This run's index of a topic of a connection (defined to the worker on first sight), or -1 when no filter matches it. */
  private topicIndex(connectionId: string, topic: string, filters: readonly string[], topics: Map<string, number>): number {
    let index = topics.get(topic);
    if (index === undefined) {
      index = filters.some((f) => topicMatchesFilter(f, topic)) ? this.nextTopic++ : -1;
      topics.set(topic, index);
      if (index >= 0) this.batch.topics.push({ index, connectionId, topic });
    }
    return index;
  }

  /** Hands the current batch to the worker; false when the worker is too far behind to take it now. */
  flush(): boolean {
    const b = this.batch;
    if (b.empty || this.exited) return true;
    if (!this.accepting) {
      // Stopped: names defined since are of no use to a worker that writes nothing.
      this.batch = new Batch();
      return false;
    }
    const bytes = b.bytes;
    if (this.pending.size >= MAX_PENDING_BATCHES || this.pendingBytes + bytes > MAX_PENDING_BYTES) return false;
    const { batch, transfer } = b.toMessage(++this.seq);
    this.pending.set(batch.seq, { bytes, samples: b.sampleCount, messages: b.messageCount });
    this.pendingBytes += bytes;
    this.batch = this.spare.pop() ?? new Batch();
    this.worker.postMessage({ type: 'batch', batch } satisfies ToWorker, transfer);
    return true;
  }

  private post(message: ToWorker): void {
    if (!this.exited) this.worker.postMessage(message);
  }

  // ---- reading

  private request<K extends RequestKind>(kind: K, query: Requests[K]['query']): Promise<Requests[K]['answer']> {
    if (this.exited) return Promise.reject(new Error('the history writer ended'));
    const id = this.nextRequest++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ type: 'request', id, kind, query } satisfies ToWorker);
    });
  }

  /** Whether views may read the database (after it opened, unless it was found damaged). */
  async canRead(): Promise<boolean> {
    await this.opened;
    return this.readable && !this.exited;
  }

  async view(query: Requests['view']['query']): Promise<Requests['view']['answer'] | null> {
    if (!(await this.canRead())) return null;
    return this.request('view', query);
  }

  /** Values of a topic's recorded raw messages for a newly charted series (telemetry/seeding.ts), or null when history cannot be read. */
  async seed(query: Requests['seed']['query']): Promise<Requests['seed']['answer'] | null> {
    if (!(await this.canRead())) return null;
    return this.request('seed', query);
  }

  async usage(): Promise<ConnectionUsage[]> {
    if (!(await this.canRead())) return [];
    return this.request('usage', null);
  }

  fileBytes(): number {
    let total = 0;
    for (const suffix of ['', '-wal']) {
      try {
        total += statSync(this.file + suffix).size;
      } catch {
        // Not there (yet, or any more).
      }
    }
    return total;
  }

  exportCount(query: Requests['exportCount']['query']): Promise<number> {
    return this.request('exportCount', query);
  }

  exportChunk(query: Requests['exportChunk']['query']): Promise<Requests['exportChunk']['answer']> {
    return this.request('exportChunk', query);
  }

  // ---- alerts (electron/core/alerts/journal.ts): a few changes a minute, each written at once

  writeAlerts(records: readonly AlertRecord[], saved: readonly SavedAlert[], removed: readonly string[]): void {
    if (this.accepting) this.post({ type: 'alerts', records, saved, removed });
  }

  async alertStates(): Promise<unknown[] | null> {
    if (!(await this.canRead())) return null;
    return this.request('alertStates', null);
  }

  async alertHistory(query: AlertHistoryRequest): Promise<AlertRecord[] | null> {
    if (!(await this.canRead())) return null;
    return this.request('alertHistory', query);
  }

  /** Removes data past the connections' limits as of `now`, in small steps between batches. */
  async retain(now: number): Promise<Requests['retain']['answer']> {
    this.flush();
    return this.request('retain', { now });
  }

  /** Resolves once everything taken so far is written (or given up). */
  async settle(): Promise<void> {
    await this.opened;
    if (this.exited) return;
    while (this.accepting && !this.flush()) await new Promise((resolve) => setTimeout(resolve, 20));
    await this.request('settle', null);
  }

  async dispose(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.retentionTimer);
    if (this.retentionSoon) clearTimeout(this.retentionSoon);
    if (this.exited) return;
    await this.settle().catch(() => undefined);
    this.accepting = false;
    const closed = new Promise<void>((resolve) => (this.closed = resolve));
    this.post({ type: 'close' });
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref());
    await Promise.race([closed, timeout]);
    await this.worker.terminate();
  }
}
