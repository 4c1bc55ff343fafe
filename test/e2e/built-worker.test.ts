/**
 * The certificate reader's worker thread as the electron-vite build ships it
 * (global-setup builds): its file sits beside main's bundle, where main looks
 * for it, and it loads and reads a real bundle with no TypeScript loader,
 * giving the same summary as the reader run from the sources.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { inspectBundle } from '../../electron/core/certificates/bundle';
import { BUILT_WORKER_FILE, type FromWorker, type WorkerInput } from '../../electron/core/certificates/inspection';
import { deviceIdentity } from '../fixtures/device-identity';
import { mainBundleText, OUT_MAIN } from '../support/main-bundle';


describe('the built certificate worker', () => {
  it('is emitted beside main, which starts it from its own folder', () => {
    expect(existsSync(path.join(OUT_MAIN, BUILT_WORKER_FILE))).toBe(true);
    expect(mainBundleText()).toContain(JSON.stringify(BUILT_WORKER_FILE));
    expect(readFileSync(path.join(OUT_MAIN, BUILT_WORKER_FILE), 'utf8')).not.toMatch(/require\("tsx/);
  });

  it('loads without a TypeScript loader and reads a bundle as the sources do', async () => {
    const now = Date.now();
    const { ca, leaf, keyPem } = deviceIdentity('device', now);
    const files = [
      { name: 'ca.pem', bytes: Buffer.from(ca.pem) },
      { name: 'client.pem', bytes: Buffer.from(leaf.pem) },
      { name: 'client.key', bytes: Buffer.from(keyPem) },
    ];
    const workerData: WorkerInput = { files, options: { now } };
    const worker = new Worker(path.join(OUT_MAIN, BUILT_WORKER_FILE), { workerData, execArgv: [] });
    const messages: FromWorker[] = [];
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (m: FromWorker) => {
        messages.push(m);
        if (m.type !== 'progress') resolve();
      });
      worker.on('error', reject);
      worker.on('exit', () => resolve());
    });
    await worker.terminate();
    const done = messages.find((m) => m.type === 'done');
    if (done?.type !== 'done') throw new Error(`the built worker answered ${JSON.stringify(messages.at(-1))}`);
    expect(done.result.summary).toEqual(inspectBundle(files, { now }).summary);
    expect(done.result.material?.key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(messages.some((m) => m.type === 'progress' && m.progress.stage === 'reading')).toBe(true);
  });
});
