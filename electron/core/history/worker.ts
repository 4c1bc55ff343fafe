/**
 * The recorder's worker thread: it alone opens the history database, writes
 * the batches main posts (one transaction each), answers views, usage and
 * export chunks, and removes old data in small steps between batches. Chart
 * samples are held by the store and written together (see SAMPLES_HELD), at
 * most SAMPLE_HOLD_MS after they arrive and always before any read; a crash
 * loses at most those. When writing fails (disk full, file gone read-only or
 * damaged) it stops writing, says why once, and keeps answering reads while
 * the file can be read. Built as its own entry (out/main/history-worker.js)
 * and started by recorder.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runInBackground } from '../process/background-thread';
import { problemOf, type HistoryProblem } from './problems';
import { batchBuffers, type FromWorker, type RecordBatch, type Requests, type RequestKind, type RetentionReport, type RetentionRule, type ToWorker, type WorkerInput } from './protocol';
import { keepAside, openHistoryFile } from './schema/open';
import { SeedRead } from './seed';
import { HistoryStore, RETENTION_STEP_ROWS, SAMPLE_HOLD_MS } from './store';
import { readAlertHistory, readAlertStates, retainAlerts, writeAlerts } from '../alerts/alert-table';

const input = workerData as WorkerInput;
// Writing falls behind (queued, then dropped and counted) before taking in messages would slow down.
runInBackground();

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  parentPort?.postMessage(message, transfer);
}

const opened = openHistoryFile(input.file, { maxPageCount: input.maxPageCount });
let store: HistoryStore | null = opened.ok ? new HistoryStore(opened.db) : null;
/** Once set, nothing more is written this run. */
let writeProblem: HistoryProblem | null = opened.ok ? null : opened.problem;
/** Held samples given up when writing stopped, not yet reported to main. */
let lostSamples = 0;

function takeLost(): number {
  const n = lostSamples;
  lostSamples = 0;
  return n;
}
/** The connections' retention, also applied to their alert records. */
let retentionRules: RetentionRule[] | null = null;
post({ type: 'opened', problem: writeProblem });

/** A damaged file found while running is closed and moved aside, as on open. */
function stopOn(error: unknown): HistoryProblem {
  // Nothing more is written this run: samples still held are given up, and reported lost with the problem.
  lostSamples += store?.discardHeld() ?? 0;
  const problem = problemOf(error);
  if (problem.kind === 'corrupt' && store) {
    try {
      store.db.close();
    } catch {
      // Already unusable; it is moved aside below all the same.
    }
    store = null;
    try {
      problem.keptAs = keepAside(input.file, Date.now());
    } catch (moveError) {
      problem.detail += `; it could not be moved aside (${(moveError as Error).message})`;
    }
  }
  writeProblem ??= problem;
  return problem;
}

function write(batch: RecordBatch): void {
  if (!store || writeProblem) {
    post({ type: 'written', seq: batch.seq, problem: writeProblem, lostSamples: takeLost() });
    return;
  }
  try {
    store.write(batch);
    const spent = { samples: batch.samples, messages: batch.messages };
    post({ type: 'written', seq: batch.seq, problem: null, lostSamples: 0, spent }, batchBuffers(spent));
  } catch (error) {
    post({ type: 'written', seq: batch.seq, problem: stopOn(error), lostSamples: takeLost() });
  }
  if (store && store.heldSamples > 0 && !holdTimer) holdTimer = setTimeout(writeHeld, SAMPLE_HOLD_MS);
}

/** Samples held by the store wait at most SAMPLE_HOLD_MS, or until a request or a retention pass comes. */
let holdTimer: NodeJS.Timeout | null = null;

function writeHeld(): void {
  if (holdTimer) clearTimeout(holdTimer);
  holdTimer = null;
  if (!store || writeProblem) return;
  try {
    store.writeHeld();
  } catch (error) {
    post({ type: 'stopped', problem: stopOn(error), lostSamples: takeLost() });
  }
}

// Retention runs as a chain of small steps, each its own transaction, with
// incoming batches and requests handled between them (setImmediate yields).
let retention: { now: number; report: RetentionReport; waiting: number[] } | null = null;

function retentionStep(): void {
  const run = retention;
  if (!run) return;
  // Sizes are measured with every sample taken so far in the file.
  writeHeld();
  let more = false;
  try {
    if (store && !writeProblem) {
      const step = store.retentionStep(run.now);
      run.report.deletedSamples += step.deletedSamples;
      run.report.deletedMessages += step.deletedMessages;
      run.report.deletedRollups += step.deletedRollups;
      more = step.deletedSamples + step.deletedMessages + step.deletedRollups > 0;
      if (!more && retentionRules) more = retainAlerts(store.db, retentionRules, run.now, RETENTION_STEP_ROWS) > 0;
      if (!more) store.shrink();
    }
  } catch (error) {
    post({ type: 'stopped', problem: stopOn(error), lostSamples: takeLost() });
  }
  if (more) {
    setImmediate(retentionStep);
    return;
  }
  retention = null;
  for (const id of run.waiting) post({ type: 'answer', id, ok: true, value: run.report });
}

/** Reads a seed a few blocks at a time, batches and requests handled between steps (setImmediate yields). */
function seedStep(id: number, read: SeedRead): void {
  try {
    if (store && read.step()) {
      setImmediate(() => seedStep(id, read));
      return;
    }
    post({ type: 'answer', id, ok: true, value: read.result() });
  } catch (error) {
    post({ type: 'answer', id, ok: false, problem: problemOf(error) });
  }
}

function answer(id: number, kind: RequestKind, query: unknown): void {
  if (kind === 'retain') {
    const now = (query as Requests['retain']['query']).now;
    if (retention) {
      retention.now = Math.max(retention.now, now);
      retention.waiting.push(id);
    } else {
      retention = { now, report: { deletedSamples: 0, deletedMessages: 0, deletedRollups: 0 }, waiting: [id] };
      setImmediate(retentionStep);
    }
    return;
  }
  // Batches are handled in order, so every batch posted before this request is written; held samples are
  // written here, before any read of the store, where a failure stops writing as a batch's does.
  writeHeld();
  if (kind === 'settle') return post({ type: 'answer', id, ok: true, value: null });
  if (!store) return post({ type: 'answer', id, ok: false, problem: writeProblem ?? { kind: 'failed', detail: 'no history database is open' } });
  if (kind === 'seed') {
    try {
      seedStep(id, new SeedRead(store.db, query as Requests['seed']['query']));
    } catch (error) {
      post({ type: 'answer', id, ok: false, problem: problemOf(error) });
    }
    return;
  }
  try {
    let value: unknown;
    if (kind === 'view') value = store.view(query as Requests['view']['query']);
    else if (kind === 'usage') value = store.usage();
    else if (kind === 'exportCount') value = store.count(query as Requests['exportCount']['query']);
    else if (kind === 'alertStates') value = readAlertStates(store.db);
    else if (kind === 'alertHistory') value = readAlertHistory(store.db, query as Requests['alertHistory']['query']);
    else {
      const q = query as Requests['exportChunk']['query'];
      value = store.exportChunk(q.export, q.cursor, q.rows);
    }
    post({ type: 'answer', id, ok: true, value });
  } catch (error) {
    post({ type: 'answer', id, ok: false, problem: problemOf(error) });
  }
}

parentPort?.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'batch':
      return write(message.batch);
    case 'rules':
      retentionRules = message.rules;
      return store?.setRules(message.rules);
    case 'alerts':
      if (!store || writeProblem) return;
      try {
        writeAlerts(store.db, message.records, message.saved, message.removed);
      } catch (error) {
        post({ type: 'stopped', problem: stopOn(error), lostSamples: takeLost() });
      }
      return;
    case 'request':
      return answer(message.id, message.kind, message.query);
    case 'close':
      writeHeld();
      try {
        store?.db.close();
      } catch {
        // The file is left as SQLite left it; its write-ahead log is replayed on the next open.
      }
      store = null;
      post({ type: 'closed' });
      parentPort?.close();
  }
});
