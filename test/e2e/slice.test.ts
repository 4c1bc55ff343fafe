/**
 * The foundation slice in Chromium, through the headless host, against a real
 * mosquitto over TLS: enter a URL and a CA file, connect, see "connected" and
 * the TLS version; with the wrong CA, see the cause and the fix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type Broker, tlsListener } from '../fixtures/mosquitto';
import { createTestPki, type TestPki } from '../fixtures/pki';
import { tempDir } from '../support/backend';
import { screenshotPath, type BrowserSession } from '../support/browser';
import { openDashboard } from '../support/host';

let pki: TestPki;
let broker: Broker;
let b: BrowserSession;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  pki = createTestPki(tempDir('pki'));
  broker = await startMosquitto([
    tlsListener(pki.server),
    { name: 'plain' },
  ]);
  ({ b, close } = await openDashboard());
});

afterAll(async () => {
  await close?.();
  await broker?.stop();
});

describe('first connection in the browser', () => {
  it('shows the empty state and removes the token from the address bar', async () => {
    await b.page.getByTestId('empty-state').waitFor();
    expect(b.page.url()).not.toContain('token');
  });

  it('connects with a CA file and shows "connected" and the TLS version', async () => {
    const page = b.page;
    await page.getByRole('button', { name: 'Add a connection' }).click();
    await page.locator('input[name=url]').fill(`mqtts://localhost:${broker.ports.tls}`);
    await page.locator('input[name=name]').fill('Plant A');
    await page.getByTestId('ca-file').setInputFiles(pki.rootOnly.path);
    await page.getByTestId('save-connect').click();
    const view = page.getByTestId('connection-view');
    await expect.poll(() => view.getByTestId('session-state').textContent(), { timeout: 15_000 }).toBe('connected');
    expect(await view.getByTestId('tls-version').textContent()).toBe('TLSv1.3');
    expect(await view.getByTestId('grade').first().getAttribute('data-grade')).toBe('secure');
    await page.screenshot({ path: screenshotPath('connection.png') });
  });

  it('shows the cause and the fix when the CA is wrong', async () => {
    const page = b.page;
    await page.getByTestId('new-connection').click();
    await page.locator('input[name=url]').fill(`mqtts://localhost:${broker.ports.tls}`);
    await page.locator('input[name=name]').fill('Wrong CA');
    await page.getByTestId('ca-file').setInputFiles(pki.untrustedCa.cert.path);
    await page.getByTestId('save-connect').click();
    const view = page.locator('[data-testid=connection-view][data-name="Wrong CA"]');
    await expect.poll(() => view.getByTestId('session-state').textContent(), { timeout: 15_000 }).toBe('failed');
    expect(await view.getByTestId('failure-message').textContent()).toMatch(/needs the CA MQTTS Dashboard Test Root CA, which this connection does not trust/);
    expect(await view.getByTestId('failure-hint').textContent()).toMatch(/Import the broker's root CA/);
  });

  it('grades a plain mqtt:// connection insecure', async () => {
    const page = b.page;
    await page.getByTestId('new-connection').click();
    await page.locator('input[name=url]').fill(`mqtt://127.0.0.1:${broker.ports.plain}`);
    await page.locator('input[name=name]').fill('Plain');
    await page.getByTestId('save-connect').click();
    const view = page.locator('[data-testid=connection-view][data-name="Plain"]');
    await expect.poll(() => view.getByTestId('session-state').textContent(), { timeout: 15_000 }).toBe('connected');
    expect(await view.getByTestId('grade').first().getAttribute('data-grade')).toBe('insecure');
    expect(await view.getByTestId('transport').textContent()).toContain('not encrypted');
  });

  it('logged no errors (CSP violations included) in the page', () => {
    expect(b.errors).toEqual([]);
  });
});
