/**
 * Running one bundle inspection in a worker thread (inspect-worker.ts), from
 * the thread that also takes in MQTT messages: start it with the files, pass
 * its progress on, get its result, or cancel it by ending the thread (a key
 * derivation cannot be interrupted otherwise, and nothing of a cancelled
 * import should stay in memory). The worker's file is found beside this
 * module when running from the TypeScript sources (tsx, vitest: loaded
 * through tsx), and beside main's bundle in the electron-vite build, where it
 * is its own entry.
 */
import { Worker } from 'node:worker_threads';
import { AppFailure } from '../../../shared/result';
import { workerEntry } from '../process/worker-entry';
import type { InspectProgress } from './budget';
import type { BundleInput, BundleResult, InspectOptions } from './bundle';

/** What the worker gets as workerData. */
export interface WorkerInput {
  files: Array<{ name: string; bytes: Uint8Array }>;
  options: Pick<InspectOptions, 'passphrase' | 'now' | 'zipLimits'>;
}

export type FromWorker = { type: 'progress'; progress: InspectProgress } | { type: 'done'; result: BundleResult } | { type: 'failed'; message: string };

/** The built worker, beside out/main/index.js (electron.vite.config.ts names the entry). */
export const BUILT_WORKER_FILE = 'certificates-worker.js';

/**
 * Heap for one inspection: inputs are at most 16 MB (a PEM text twice that as
 * a string) and 64 MB unpacked, which live outside the heap as Buffers.
 */
const WORKER_HEAP_MB = 256;

export interface Inspection {
  result: Promise<BundleResult>;
  /** Ends the worker; `result` then rejects with import_cancelled. Safe to call at any time. */
  cancel(): void;
}

export function startInspection(files: BundleInput[], options: WorkerInput['options'], onProgress: (progress: InspectProgress) => void = () => undefined): Inspection {
  const entry = workerEntry(__dirname, 'inspect-worker.ts', BUILT_WORKER_FILE);
  const workerData: WorkerInput = { files: files.map((f) => ({ name: f.name, bytes: f.bytes })), options };
  const worker = new Worker(entry.file, { workerData, execArgv: entry.execArgv, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
  let settled = false;
  let cancelled = false;
  const result = new Promise<BundleResult>((resolve, reject) => {
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      outcome();
      void worker.terminate();
    };
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'progress') {
        if (!settled) onProgress(message.progress);
      } else if (message.type === 'done') {
        settle(() => resolve(message.result));
      } else {
        settle(() => reject(failed(message.message)));
      }
    });
    worker.on('error', (error: Error & { code?: string }) => {
      settle(() =>
        reject(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new AppFailure('import_too_large', 'Reading the bundle needed more memory than an import may use; nothing was imported.', 'Pick only the certificate, key and CA files (or the zip they came in).')
            : failed(error.message),
        ),
      );
    });
    worker.on('exit', (code) => {
      settle(() => reject(cancelled ? cancelledFailure() : failed(`the reader stopped with code ${code}`)));
    });
  });
  return {
    result,
    cancel() {
      if (settled) return;
      cancelled = true;
      void worker.terminate();
    },
  };
}

function cancelledFailure(): AppFailure {
  return new AppFailure('import_cancelled', 'The import was cancelled; nothing was read or saved.', 'Pick the files again to start over.');
}

function failed(detail: string): AppFailure {
  return new AppFailure('import_failed', `The bundle could not be read: the reader stopped unexpectedly (${detail}).`, 'Try again; if it happens again, import the files one at a time to find the one at fault.');
}
