/**
 * A PKCS#12 file whose key derivation takes seconds on purpose (legacy
 * encryption, 600,000 iterations, written by openssl at test time): the
 * wizard says what the core is doing while it derives, and Cancel stops it
 * and leaves the wizard ready for another pick, with nothing read.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPki, type TestPki } from '../fixtures/pki';
import { tempDir } from '../support/backend';
import type { BrowserSession } from '../support/browser';
import { openDashboard } from '../support/host';

let pki: TestPki;
let slow: string;
let b: BrowserSession;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  const dir = tempDir('import-progress');
  pki = createTestPki(path.join(dir, 'pki'));
  slow = path.join(dir, 'slow.p12');
  execFileSync('openssl', ['pkcs12', '-export', '-legacy', '-iter', '600000', '-inkey', pki.client.key.path, '-in', pki.client.cert.path, '-passout', 'pass:slow', '-out', slow]);
  ({ b, close } = await openDashboard());
  await b.page.getByTestId('empty-state').waitFor();
});

afterAll(async () => {
  await close?.();
});

describe('import progress', () => {
  it('shows the key derivation under way, and Cancel stops it', async () => {
    const page = b.page;
    await page.getByTestId('import-button').click();
    await page.getByTestId('import-files').setInputFiles(slow);
    await page.locator('[data-testid=import-progress][data-stage=deriving]').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('import-progress').textContent()).toMatch(/Deriving the key from the passphrase… \d+%/);
    await page.getByTestId('import-cancel').click();
    await page.getByTestId('import-progress').waitFor({ state: 'detached' });
    expect(await page.getByTestId('import-summary').count()).toBe(0);
    expect(await page.getByTestId('import-error').count()).toBe(0);
    // The picked file stays listed until the operator starts over; then the wizard takes the next pick.
    expect(await page.getByTestId('import-picked').textContent()).toContain('slow.p12');
    await page.getByRole('button', { name: 'Start over' }).click();
    await page.getByTestId('import-files').setInputFiles(pki.rootOnly.path);
    await page.getByTestId('import-summary').waitFor({ timeout: 15_000 });
  });
});
