/**
 * The revocation verifier's worker thread as the electron-vite build ships it
 * (global-setup builds): beside main's bundle, where main looks for it, it
 * loads with no TypeScript loader and reads a real CRL (`openssl ca
 * -gencrl`) as the sources do.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { BUILT_WORKER_FILE, type VerifyJob, type VerifyResult } from '../../electron/core/trust/verifier';
import { createRevocationPki } from '../fixtures/revocation-pki';
import { tempDir } from '../support/backend';
import { mainBundleText, OUT_MAIN } from '../support/main-bundle';


describe('the built revocation worker', () => {
  it('is emitted beside main, which starts it from its own folder, and reads a CRL without a TypeScript loader', async () => {
    expect(existsSync(path.join(OUT_MAIN, BUILT_WORKER_FILE))).toBe(true);
    expect(mainBundleText()).toContain(JSON.stringify(BUILT_WORKER_FILE));
    const pki = createRevocationPki(tempDir('built-trust'), { leaves: [{ name: 'gone', revoke: 'keyCompromise' }] });
    const worker = new Worker(path.join(OUT_MAIN, BUILT_WORKER_FILE), { execArgv: [] });
    try {
      const job: VerifyJob = { id: 7, kind: 'crl', crl: pki.intermediateCrl(), cert: pki.leaves.gone!.der, issuer: pki.intermediate.der, now: Date.now() };
      const answer = await new Promise<VerifyResult>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.postMessage(job);
      });
      expect(answer).toMatchObject({ id: 7, ok: true, answer: { status: 'revoked', reason: 'keyCompromise' } });
    } finally {
      await worker.terminate();
    }
  });
});
