/**
 * An operator's first hour with their own brokers, in Chromium through the
 * headless host against real mosquitto listeners: a new connection starts on
 * `#`; a name already taken is pointed out in the form and the list, which
 * shows each broker's host:port and names in full; a tree with no
 * subscription says how to get one; an encrypted key is seen
 * as soon as it is picked and its passphrase asked at the field; a wrong host
 * is a verified chain and one host name mismatch; a wrong CA names the CA the
 * broker needs next to the configured one, and the form names the saved CA by
 * its subject; an outage keeps the last verdict with "offline"; a failed
 * import of connections can be dismissed; and at 1024×700 the list folds away.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, tlsListener, type Broker } from '../fixtures/mosquitto';
import { CLIENT_KEY_PASSPHRASE, createTestPki, type TestPki } from '../fixtures/pki';
import { tempDir } from '../support/backend';
import { screenshotPath, type BrowserSession } from '../support/browser';
import { openDashboard } from '../support/host';

let pki: TestPki;
let broker: Broker;
let b: BrowserSession;
let close: (() => Promise<void>) | undefined;

const LONG_NAME = 'Line 3 packaging hall, west wing (wrong host certificate)';

beforeAll(async () => {
  pki = createTestPki(tempDir('pki'));
  broker = await startMosquitto([
    tlsListener(pki.server, 'tls'),
    tlsListener(pki.server, 'mtls', { cafile: pki.caBundle.path, requireCertificate: true }),
    tlsListener(pki.serverWrongHost, 'wrongHost'),
  ]);
  ({ b, close } = await openDashboard());
  await b.page.getByTestId('empty-state').waitFor();
});

afterAll(async () => {
  await close?.();
  await broker?.stop();
});

const url = (listener: string) => `mqtts://localhost:${broker.ports[listener]}`;
const item = (page: Page, name: string) => page.locator(`[data-testid=connection-item][data-name="${name}"]`);
const view = (page: Page, name: string) => page.locator(`[data-testid=connection-view][data-name="${name}"]`);
const gradeOf = (where: Locator) => where.getByTestId('grade').first().getAttribute('data-grade');
/** What the operator can read there (closed <details> and hidden parts excluded). */
const visibleText = (where: Locator) => where.evaluate((el) => (el as HTMLElement).innerText);
const occurrences = (text: string, part: string) => text.split(part).length - 1;

async function newConnection(page: Page, name: string, listener: string, ca: string) {
  await page.getByTestId('new-connection').click();
  await page.locator('input[name=url]').fill(url(listener));
  await page.locator('input[name=name]').fill(name);
  await page.getByTestId('ca-file').setInputFiles(ca);
}

describe('connections as an operator meets them', () => {
  it('starts a new connection on # with a note that it can be narrowed', async () => {
    const page = b.page;
    await page.getByTestId('new-connection').click();
    const form = page.getByTestId('connection-form');
    expect(await form.getByTestId('subscription-filter').evaluateAll((rows) => rows.map((r) => (r as HTMLInputElement).value))).toEqual(['#']);
    expect(await form.getByTestId('subscription-note').textContent()).toMatch(/# receives every topic.*narrow it/);
    await page.locator('input[name=url]').fill(url('tls'));
    await page.locator('input[name=name]').fill('Line A');
    await page.getByTestId('ca-file').setInputFiles(pki.rootOnly.path);
    // Nothing else is called Line A yet.
    expect(await form.getByTestId('name-warning').count()).toBe(0);
    await page.getByTestId('save-connect').click();
    await expect.poll(() => gradeOf(item(page, 'Line A')), { timeout: 15_000 }).toBe('secure');
    expect(await item(page, 'Line A').getByTestId('connection-address').textContent()).toBe(`localhost:${broker.ports.tls}`);
  });

  it('sees an encrypted key when it is picked and asks for its passphrase at the field; warns about a name in use', async () => {
    const page = b.page;
    await newConnection(page, 'Line A', 'mtls', pki.rootOnly.path);
    const form = page.getByTestId('connection-form');
    expect(await form.getByTestId('name-warning').textContent()).toContain(`already called Line A (localhost:${broker.ports.tls})`);

    await page.locator('input[name=clientCertificate]').setInputFiles(pki.clientEncryptedKey.cert.path);
    await page.locator('input[name=clientKey]').setInputFiles(pki.clientEncryptedKey.key.path);
    // At once, before any save: the field says so, has the focus, and is on screen.
    const problem = form.getByTestId('passphrase-problem');
    await problem.waitFor();
    expect(await problem.getAttribute('data-code')).toBe('key_passphrase_missing');
    expect(await problem.textContent()).toMatch(/client-encrypted\.key holds an encrypted private key\. Type its passphrase here/);
    expect(await problem.textContent()).not.toMatch(/connection settings/);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('passphrase');
    expect(await form.getByTestId('passphrase').isVisible()).toBe(true);
    await page.screenshot({ path: screenshotPath('encrypted-key.png') });
    const box = await form.getByTestId('passphrase').boundingBox();
    const viewport = page.viewportSize();
    expect(box && viewport && box.y >= 0 && box.y + box.height <= viewport.height).toBe(true);

    // The core refuses a wrong passphrase: said at the same field, not at the foot of the form.
    await form.getByTestId('passphrase').fill('wrong horse');
    expect(await form.getByTestId('passphrase-problem').count()).toBe(0);
    await page.getByTestId('save-connect').click();
    await expect.poll(() => form.getByTestId('passphrase-problem').getAttribute('data-code'), { timeout: 15_000 }).toBe('key_wrong_passphrase');
    expect(await form.getByTestId('form-error').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('passphrase');

    await form.getByTestId('passphrase').fill(CLIENT_KEY_PASSPHRASE);
    await page.getByTestId('save-connect').click();
    await expect.poll(() => page.getByTestId('connection-item').count(), { timeout: 15_000 }).toBe(2);
    const twins = page.locator('[data-testid=connection-item][data-name="Line A"]');
    await expect.poll(async () => (await twins.evaluateAll((items) => items.map((i) => i.querySelector('[data-testid=grade]')?.getAttribute('data-grade')))).join(), { timeout: 15_000 }).toBe('secure,secure');
    // Two connections of one name: each marked, each with its own host:port.
    expect(await twins.getByTestId('duplicate-name').count()).toBe(2);
    expect(new Set(await twins.getByTestId('connection-address').allTextContents())).toEqual(new Set([`localhost:${broker.ports.tls}`, `localhost:${broker.ports.mtls}`]));
  });

  it('reports a certificate for another host as a verified chain and one host name mismatch, and shows a long name whole', async () => {
    const page = b.page;
    await newConnection(page, LONG_NAME, 'wrongHost', pki.rootOnly.path);
    await page.getByTestId('save-connect').click();
    const connection = view(page, LONG_NAME);
    await expect.poll(() => connection.getByTestId('session-state').textContent(), { timeout: 15_000 }).toBe('failed');
    const panel = connection.getByTestId('security-panel');
    expect(await panel.getByTestId('chain-verdict').textContent()).toBe('verified');
    expect(await panel.locator('[data-code=chain_verified]').count()).toBe(1);
    expect(await panel.textContent()).toContain('does not match localhost');
    const text = await visibleText(connection);
    expect(occurrences(text, 'not issued for localhost')).toBe(1);
    expect(text).not.toContain('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(text).not.toContain('not verified');
    expect(await page.getByTestId('failure-hint').textContent()).toMatch(/host name the certificate lists/);

    // The whole name is in the list, not cut off by the badge next to it.
    const name = item(page, LONG_NAME).locator('.conn-name');
    expect(await name.textContent()).toBe(LONG_NAME);
    expect(await name.evaluate((el) => el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight + 1)).toBe(true);
  });

  it('names the CA the broker needs next to the configured one, and the form names the saved CA by its subject', async () => {
    const page = b.page;
    await newConnection(page, 'Wrong CA', 'tls', pki.untrustedCa.cert.path);
    // This one subscribes to nothing.
    await page.getByTestId('connection-form').getByTestId('subscription-remove').click();
    await page.getByTestId('save-connect').click();
    const connection = view(page, 'Wrong CA');
    await expect.poll(() => connection.getByTestId('session-state').textContent(), { timeout: 15_000 }).toBe('failed');
    const failure = await connection.getByTestId('failure-message').textContent();
    expect(failure).toMatch(/needs the CA MQTTS Dashboard Test Root CA, which this connection does not trust: it trusts Untrusted Test Root CA\./);
    expect(occurrences(await visibleText(connection), 'Untrusted Test Root CA')).toBe(1);
    await page.screenshot({ path: screenshotPath('wrong-ca.png') });

    // An empty tree says why it is empty, and what to do.
    await connection.getByRole('tab', { name: 'Topics' }).click();
    expect(await connection.getByTestId('no-subscriptions').textContent()).toMatch(/subscribes to nothing yet: add a filter above \(# for every topic\)/);
    await connection.getByRole('tab', { name: 'Security' }).click();

    await connection.getByTestId('edit').click();
    const entries = page.getByTestId('connection-form').getByTestId('ca-entry');
    await expect.poll(() => entries.first().textContent(), { timeout: 10_000 }).toContain('Untrusted Test Root CA');
    expect(await entries.first().textContent()).not.toContain('CA 1');
    await page.locator('form[data-testid=connection-form] button.link', { hasText: 'Cancel' }).click();
  });

  it('keeps the last verdict with its time and shows "offline" through an outage', async () => {
    const page = b.page;
    await item(page, 'Line A').first().click();
    const first = item(page, 'Line A').first();
    await broker.kill();
    try {
      await expect.poll(() => first.getByRole('img').first().getAttribute('aria-label'), { timeout: 15_000 }).not.toBe('state connected');
      // The badge keeps the grade of the last handshake, with "offline" beside it.
      expect(await gradeOf(first)).toBe('secure');
      expect(await first.getByTestId('offline-badge').textContent()).toBe('offline');
      const panel = page.getByTestId('security-panel');
      expect(await panel.getByTestId('last-verdict').textContent()).toMatch(/At the last handshake, \d\d:\d\d:\d\d, this connection was graded secure/);
      expect(await panel.locator('[data-code=chain_verified]').count()).toBe(1);
      expect(await page.getByText('not verified yet').count()).toBe(0);
      await page.screenshot({ path: screenshotPath('outage.png') });
    } finally {
      await broker.start();
    }
    await expect.poll(() => first.getByRole('img').first().getAttribute('aria-label'), { timeout: 30_000 }).toBe('state connected');
    expect(await first.getByTestId('offline-badge').count()).toBe(0);
    expect(await page.getByTestId('last-verdict').count()).toBe(0);
  });

  it('lets a failed import of connections be dismissed, and clears it at the next action', async () => {
    const page = b.page;
    const notExport = path.join(tempDir('not-export'), 'settings.json');
    writeFileSync(notExport, JSON.stringify({ theme: 'dark' }));
    const error = page.getByTestId('transfer-error');
    await page.getByTestId('import-connections-file').setInputFiles(notExport);
    await error.waitFor();
    expect(await error.textContent()).toMatch(/not a connections file this app reads/);
    await error.getByTestId('dismiss').click();
    await error.waitFor({ state: 'detached' });

    await page.getByTestId('import-connections-file').setInputFiles(notExport);
    await error.waitFor();
    await item(page, 'Wrong CA').click();
    await error.waitFor({ state: 'detached' });
  });

  it('folds the list away in a 1024×700 window, with a toggle to bring it back', async () => {
    const page = b.page;
    await page.setViewportSize({ width: 1024, height: 700 });
    try {
      await expect.poll(() => page.getByTestId('sidebar').count()).toBe(0);
      const toggle = page.getByTestId('sidebar-toggle');
      expect(await toggle.getAttribute('aria-expanded')).toBe('false');
      await toggle.click();
      await page.getByTestId('sidebar').waitFor();
      // Picking a connection in a narrow window makes way for it.
      await item(page, LONG_NAME).click();
      await expect.poll(() => page.getByTestId('sidebar').count()).toBe(0);
      const main = await page.locator('main').boundingBox();
      expect(main?.width).toBeGreaterThan(1000);
      expect(await view(page, LONG_NAME).isVisible()).toBe(true);
    } finally {
      await page.setViewportSize({ width: 1400, height: 900 });
    }
    await page.getByTestId('sidebar').waitFor();
    expect(b.errors).toEqual([]);
  });
});
