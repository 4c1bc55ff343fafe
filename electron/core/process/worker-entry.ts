/**
 * Where a worker thread's code is: its TypeScript source beside the module
 * that starts it when running from the sources (tsx, vitest; the worker then
 * loads tsx itself), or its own built file beside main's bundle, where
 * electron.vite.config.ts makes it an entry of its own.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

export interface WorkerEntry {
  file: string;
  execArgv?: string[];
}

/** `dir` is the starting module's `__dirname`; `source` the worker's file name there; `built` its name in out/main/. */
export function workerEntry(dir: string, source: string, built: string): WorkerEntry {
  if (__filename.endsWith('.ts')) return { file: path.join(dir, source), execArgv: ['--require', createRequire(__filename).resolve('tsx/cjs')] };
  return { file: path.join(dir, built) };
}
