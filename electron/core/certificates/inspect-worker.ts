/**
 * The worker thread that reads one bundle: everything heavy of an import
 * (PEM and DER parsing, archives, PKCS#12 and key derivation) runs here, off
 * the thread that takes in MQTT messages. It gets the files and options as
 * workerData, posts progress at most every PROGRESS_INTERVAL_MS (and at
 * every change of stage), then the result, and ends; being cancelled is
 * being terminated. Built as its own entry (out/main/certificates-worker.js)
 * and started by inspection.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { InspectProgress } from './budget';
import { inspectBundle } from './bundle';
import type { FromWorker, WorkerInput } from './inspection';

const PROGRESS_INTERVAL_MS = 100;

function post(message: FromWorker): void {
  parentPort?.postMessage(message);
}

function run(): void {
  const input = workerData as WorkerInput;
  // Structured cloning turns Buffers into Uint8Arrays.
  const files = input.files.map((f) => ({ name: f.name, bytes: Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength) }));
  let lastStage: InspectProgress['stage'] | null = null;
  let lastAt = 0;
  const onProgress = (progress: InspectProgress) => {
    const now = Date.now();
    if (progress.stage === lastStage && now - lastAt < PROGRESS_INTERVAL_MS) return;
    lastStage = progress.stage;
    lastAt = now;
    post({ type: 'progress', progress });
  };
  try {
    post({ type: 'done', result: inspectBundle(files, { ...input.options, onProgress }) });
  } catch (error) {
    // inspectBundle reports what it meets as findings; reaching this is a bug, reported without the input.
    post({ type: 'failed', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
}

run();
