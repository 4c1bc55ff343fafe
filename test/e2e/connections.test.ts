/**
 * Several brokers at once in Chromium: three connections to three real
 * mosquitto listeners, each with its own state light and grade; the security
 * panel shows the chain, the client certificate, and a failure's fix. A file
 * that holds a private key never becomes a certificate of a connection.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type Broker, tlsListener } from '../fixtures/mosquitto';
import { createTestPki, type TestPki } from '../fixtures/pki';
import { tempDir } from '../support/backend';
import { type BrowserSession } from '../support/browser';
import { openDashboard } from '../support/host';

let pki: TestPki;
let broker: Broker;
let b: BrowserSession;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  pki = createTestPki(tempDir('pki'));
  broker = await startMosquitto([
    tlsListener(pki.server, 'mtls', { cafile: pki.caBundle.path, requireCertificate: true }),
    tlsListener(pki.serverExpiring, 'expiring'),
    tlsListener(pki.serverWrongHost, 'wrongHost'),
  ]);
  ({ b, close } = await openDashboard());
  await b.page.getByTestId('empty-state').waitFor();
});

afterAll(async () => {
  await close?.();
  await broker?.stop();
});

async function addConnection(page: Page, name: string, url: string, files: { ca: string; cert?: string; key?: string }) {
  await page.getByTestId('new-connection').click();
  await page.locator('input[name=url]').fill(url);
  await page.locator('input[name=name]').fill(name);
  await page.getByTestId('ca-file').setInputFiles(files.ca);
  if (files.cert) await page.locator('input[name=clientCertificate]').setInputFiles(files.cert);
  if (files.key) await page.locator('input[name=clientKey]').setInputFiles(files.key);
  await page.getByTestId('save-connect').click();
  await page.locator(`[data-testid=connection-view][data-name="${name}"]`).waitFor();
}

const item = (page: Page, name: string) => page.locator(`[data-testid=connection-item][data-name="${name}"]`);

describe('three brokers at once', () => {
  it('connects to three listeners, each with its own state and grade', async () => {
    const page = b.page;
    await addConnection(page, 'Line 1 (mTLS)', `mqtts://localhost:${broker.ports.mtls}`, { ca: pki.rootOnly.path, cert: pki.client.cert.path, key: pki.client.key.path });
    await addConnection(page, 'Line 2 (expiring)', `mqtts://localhost:${broker.ports.expiring}`, { ca: pki.rootOnly.path });
    await addConnection(page, 'Line 3 (wrong host)', `mqtts://localhost:${broker.ports.wrongHost}`, { ca: pki.rootOnly.path });

    await expect.poll(() => item(page, 'Line 1 (mTLS)').getByTestId('grade').getAttribute('data-grade'), { timeout: 15_000 }).toBe('secure');
    await expect.poll(() => item(page, 'Line 2 (expiring)').getByTestId('grade').getAttribute('data-grade'), { timeout: 15_000 }).toBe('warning');
    await expect.poll(() => item(page, 'Line 3 (wrong host)').getByTestId('grade').getAttribute('data-grade'), { timeout: 15_000 }).toBe('insecure');
    expect(await item(page, 'Line 1 (mTLS)').getByRole('img').getAttribute('aria-label')).toBe('state connected');
    expect(await item(page, 'Line 2 (expiring)').getByRole('img').getAttribute('aria-label')).toBe('state connected');
    expect(await item(page, 'Line 3 (wrong host)').getByRole('img').getAttribute('aria-label')).toBe('state failed');
  });

  it('shows the chain and the client certificate of the mutual-TLS connection', async () => {
    const page = b.page;
    await item(page, 'Line 1 (mTLS)').click();
    const panel = page.getByTestId('security-panel');
    await expect.poll(() => panel.getByTestId('chain-certificate').count()).toBeGreaterThanOrEqual(3);
    const text = await panel.textContent();
    expect(text).toContain('Client certificate');
    expect(text).toContain('device-001');
    expect(text).toMatch(/Intermediate CA/);
    expect(await panel.getByTestId('chain-verdict').textContent()).toBe('verified');
  });

  it('explains the expiring certificate as a warning', async () => {
    const page = b.page;
    await item(page, 'Line 2 (expiring)').click();
    const reasons = page.getByTestId('reasons');
    expect(await reasons.locator('[data-code=peer_expiring]').textContent()).toMatch(/expires in \d+ days/);
  });

  it('shows the failure cause and its fix for the wrong host', async () => {
    const page = b.page;
    await item(page, 'Line 3 (wrong host)').click();
    expect(await page.getByTestId('failure-message').textContent()).toMatch(/not issued for localhost/);
    expect(await page.getByTestId('failure-hint').textContent()).toMatch(/Fix: Connect using a host name the certificate lists/);
    expect(await page.getByTestId('peer-chain').textContent()).toContain('wrong.example');
  });

  it('turning verification off needs an acknowledgement and is then graded insecure', async () => {
    const page = b.page;
    await item(page, 'Line 3 (wrong host)').click();
    await page.getByTestId('edit').click();
    await page.locator('input[name=verify]').uncheck();
    await page.getByTestId('save-connect').click();
    expect(await page.getByTestId('form-error').textContent()).toMatch(/not acknowledged/);
    await page.locator('input[name=insecureAcknowledged]').check();
    await page.getByTestId('save-connect').click();
    const view = page.locator('[data-testid=connection-view][data-name="Line 3 (wrong host)"]');
    await expect.poll(() => view.getByTestId('session-state').textContent(), { timeout: 15_000 }).toBe('connected');
    expect(await view.getByTestId('grade').first().getAttribute('data-grade')).toBe('insecure');
    expect(await view.locator('[data-code=verification_off]').count()).toBe(1);
  });

  it('refuses a CA file holding a key, and sends the key of a combined client certificate file to the keychain', async () => {
    const page = b.page;
    const dir = tempDir('combined');
    const caWithKey = path.join(dir, 'ca-with-key.pem');
    const combined = path.join(dir, 'device-combined.pem');
    writeFileSync(caWithKey, `${pki.rootOnly.pem}${pki.client.key.pem}`);
    writeFileSync(combined, `${pki.client.cert.pem}${pki.client.key.pem}`);
    await page.getByTestId('new-connection').click();
    await page.locator('input[name=url]').fill(`mqtts://localhost:${broker.ports.mtls}`);
    await page.locator('input[name=name]').fill('Line 4 (combined file)');
    await page.getByTestId('ca-file').setInputFiles(caWithKey);
    expect(await page.getByTestId('file-refused').textContent()).toMatch(/ca-with-key\.pem was not added\. This CA file also holds a private key/);
    await page.getByTestId('ca-file').setInputFiles(pki.rootOnly.path);
    await page.locator('input[name=clientCertificate]').setInputFiles(combined);
    expect(await page.getByTestId('certificate-key-note').textContent()).toMatch(/device-combined\.pem also holds the private key\. On save, the key goes to the OS keychain/);
    await page.getByTestId('save-connect').click();
    await expect.poll(() => item(page, 'Line 4 (combined file)').getByTestId('grade').getAttribute('data-grade'), { timeout: 15_000 }).toBe('secure');
  });

  it('keeps the private key out of the page', async () => {
    const keyBody = pki.client.key.pem.split('\n')[1] ?? '';
    expect(keyBody.length).toBeGreaterThan(20);
    expect(await b.page.content()).not.toContain(keyBody);
    expect(b.errors).toEqual([]);
  });
});
