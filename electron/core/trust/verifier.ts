/**
 * Hands OCSP responses and CRLs to the verifying worker (verify-worker.ts)
 * and gets back what they say. The worker starts with the first job, stays
 * while there is work and a while after, and is ended when idle, when a job
 * overruns its time (a pathological CRL), or when it fails; jobs in flight
 * then fail with the reason and the next job starts a fresh worker. While
 * jobs are pending it keeps the process alive (the command line waits for
 * it); idle, it does not.
 */
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../process/worker-entry';
import { AnswerError, type RevocationAnswer } from './answers';

export type VerifyJob =
  | { id: number; kind: 'ocsp'; response: Uint8Array; cert: Uint8Array; issuer: Uint8Array; nonce: Uint8Array | null; now: number }
  | { id: number; kind: 'crl'; crl: Uint8Array; cert: Uint8Array; issuer: Uint8Array; now: number };

export type VerifyResult = { id: number; ok: true; answer: RevocationAnswer } | { id: number; ok: false; kind: AnswerError['kind']; message: string };

/** Beside out/main/index.js (electron.vite.config.ts names the entry). */
export const BUILT_WORKER_FILE = 'trust-worker.js';

/** A CRL of 16 MB is hashed and walked in well under a second; this only catches what must never happen. */
const JOB_TIMEOUT_MS = 20_000;
const IDLE_MS = 30_000;
/** A CRL parsed into entries stays small; the bytes live outside the heap. */
const WORKER_HEAP_MB = 128;

type JobInput = VerifyJob extends infer J ? (J extends VerifyJob ? Omit<J, 'id'> : never) : never;

interface Pending {
  resolve(answer: RevocationAnswer): void;
  reject(error: AnswerError): void;
  timer: NodeJS.Timeout;
}

export class Verifier {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(private readonly limits: { jobTimeoutMs?: number; idleMs?: number } = {}) {}

  verify(job: JobInput): Promise<RevocationAnswer> {
    const id = this.nextId++;
    const worker = this.ensureWorker();
    return new Promise<RevocationAnswer>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new AnswerError('reading it took too long; it was abandoned')), this.limits.jobTimeoutMs ?? JOB_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      worker.ref();
      worker.postMessage({ ...job, id } as VerifyJob);
    });
  }

  private ensureWorker(): Worker {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.worker) return this.worker;
    const entry = workerEntry(__dirname, 'verify-worker.ts', BUILT_WORKER_FILE);
    const worker = new Worker(entry.file, { execArgv: entry.execArgv, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    worker.on('message', (result: VerifyResult) => this.settle(result));
    worker.on('error', (error: Error & { code?: string }) => {
      if (this.worker === worker) this.fail(new AnswerError(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'reading it needed more memory than allowed' : `the reader stopped unexpectedly (${error.message})`));
    });
    worker.on('exit', () => {
      if (this.worker === worker) this.fail(new AnswerError('the reader stopped unexpectedly'));
    });
    this.worker = worker;
    return worker;
  }

  private settle(result: VerifyResult): void {
    const entry = this.pending.get(result.id);
    if (!entry) return;
    this.pending.delete(result.id);
    clearTimeout(entry.timer);
    if (result.ok) entry.resolve(result.answer);
    else entry.reject(new AnswerError(result.message, result.kind));
    if (this.pending.size === 0) this.idle();
  }

  private idle(): void {
    this.worker?.unref();
    this.idleTimer = setTimeout(() => this.stopWorker(), this.limits.idleMs ?? IDLE_MS);
    this.idleTimer.unref();
  }

  /** Every job in flight fails with `error`; the worker is ended (the next job starts another). */
  private fail(error: AnswerError): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    this.stopWorker();
    for (const entry of pending) {
      clearTimeout(entry.timer);
      entry.reject(error);
    }
  }

  private stopWorker(): void {
    const worker = this.worker;
    this.worker = null;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (worker) void worker.terminate();
  }

  dispose(): void {
    this.fail(new AnswerError('the app is shutting down'));
  }
}
