/**
 * The certificate import wizard in Chromium, through the headless host,
 * against a real mosquitto that requires client certificates: a zip shaped
 * like an AWS IoT download becomes a connection that connects and is graded
 * secure; an encrypted key is unlocked with its passphrase (a wrong one is
 * refused); connections are exported without secrets, imported back, and the
 * imported copy asks for its key before it connects.
 */
import { createPublicKey } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type Broker, tlsListener } from '../fixtures/mosquitto';
import { CLIENT_KEY_PASSPHRASE, createTestPki, type TestPki } from '../fixtures/pki';
import { tempDir } from '../support/backend';
import { PROFILES_FILE } from '../../electron/core/profiles/profile-store';
import { screenshotPath, type BrowserSession } from '../support/browser';
import { openDashboard, startTestHost } from '../support/host';
import { writeZip } from '../support/zip';

const PASSWORD = 'hunter2-never-exported';

let pki: TestPki;
let broker: Broker;
let b: BrowserSession;
let close: (() => Promise<void>) | undefined;
let exported = '';

beforeAll(async () => {
  pki = createTestPki(tempDir('pki'));
  broker = await startMosquitto([
    tlsListener(pki.server, 'mtls', { cafile: pki.caBundle.path, requireCertificate: true }),
  ]);
  ({ b, close } = await openDashboard());
  await b.page.getByTestId('empty-state').waitFor();
});

afterAll(async () => {
  await close?.();
  await broker?.stop();
});

/** What AWS IoT hands out for a new thing, with the intermediate in a subfolder. */
function awsIotZip(dir: string): string {
  const publicKey = createPublicKey(pki.client.privateKey).export({ type: 'spki', format: 'pem' }).toString();
  const path = join(dir, 'abc123-bundle.zip');
  writeFileSync(
    path,
    writeZip([
      { path: 'abc123-certificate.pem.crt', data: pki.client.cert.pem },
      { path: 'abc123-private.pem.key', data: pki.client.key.pem },
      { path: 'abc123-public.pem.key', data: publicKey },
      { path: 'AmazonRootCA1.pem', data: pki.rootOnly.pem },
      { path: 'chain/', data: '' },
      { path: 'chain/intermediate-ca.pem', data: pki.intermediateCa.cert.pem },
    ]),
  );
  return path;
}

const wizard = (page: Page) => page.getByTestId('import-wizard');
const summary = (page: Page) => page.getByTestId('import-summary');
const kinds = async (page: Page) => (await summary(page).getByTestId('import-item').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind'))));
const view = (page: Page, name: string) => page.locator(`[data-testid=connection-view][data-name="${name}"]`);
const item = (page: Page, name: string) => page.locator(`[data-testid=connection-item][data-name="${name}"]`);

describe('certificate import wizard', () => {
  it('imports an AWS IoT style zip, saves a new connection, connects and is graded secure', async () => {
    const page = b.page;
    await page.getByTestId('import-button').click();
    await wizard(page).waitFor();
    await page.getByTestId('import-files').setInputFiles(awsIotZip(pki.dir));
    await summary(page).waitFor({ timeout: 15_000 });

    expect(await page.getByTestId('import-identity-subject').textContent()).toContain('device-001');
    expect(await page.getByTestId('import-ca').textContent()).toContain('MQTTS Dashboard Test Root CA');
    expect(new Set(await kinds(page))).toEqual(new Set(['certificate', 'private-key', 'public-key', 'root-ca', 'intermediate-ca']));
    expect(await summary(page).textContent()).toContain('chain/intermediate-ca.pem');
    expect(await page.getByTestId('import-error').count()).toBe(0);
    expect(await summary(page).getAttribute('data-usable')).toBe('true');
    await page.screenshot({ path: screenshotPath('import.png') });

    await page.getByTestId('import-target-new').check();
    expect(await page.getByTestId('import-name').inputValue()).toBe('device-001');
    await page.getByTestId('import-url').fill(`mqtts://localhost:${broker.ports.mtls}`);
    await page.getByTestId('import-save').click();
    await page.getByTestId('import-connect').click();
    await wizard(page).waitFor({ state: 'detached' });

    const connection = view(page, 'device-001');
    await expect.poll(() => connection.getByTestId('session-state').textContent(), { timeout: 15_000 }).toBe('connected');
    expect(await connection.getByTestId('grade').first().getAttribute('data-grade')).toBe('secure');
    expect(await connection.getByTestId('security-panel').textContent()).toContain('device-001');
  });

  it('reads a picked folder with its subfolders, and files dropped on the zone; Escape closes without saving', async () => {
    const page = b.page;
    const folder = join(pki.dir, 'device-folder');
    mkdirSync(join(folder, 'ca'), { recursive: true });
    writeFileSync(join(folder, 'device.crt'), pki.client.cert.pem);
    writeFileSync(join(folder, 'device.key'), pki.client.key.pem);
    writeFileSync(join(folder, 'ca', 'root.pem'), pki.rootOnly.pem);
    const before = await page.getByTestId('connection-item').count();

    await page.getByTestId('import-button').click();
    await page.getByTestId('import-folder').setInputFiles(folder);
    await summary(page).waitFor({ timeout: 15_000 });
    expect(new Set(await kinds(page))).toEqual(new Set(['certificate', 'private-key', 'root-ca']));
    expect(await summary(page).textContent()).toContain('device-folder/ca/root.pem');
    await page.keyboard.press('Escape');
    await wizard(page).waitFor({ state: 'detached' });

    await page.getByTestId('import-button').click();
    const dropped = await page.evaluateHandle((pem) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([pem], 'dropped-root.pem', { type: 'application/x-pem-file' }));
      return transfer;
    }, pki.rootOnly.pem);
    await page.getByTestId('import-dropzone').dispatchEvent('drop', { dataTransfer: dropped });
    await summary(page).waitFor({ timeout: 15_000 });
    expect(await kinds(page)).toEqual(['root-ca']);
    expect(await summary(page).textContent()).toContain('dropped-root.pem');
    await page.keyboard.press('Escape');
    await wizard(page).waitFor({ state: 'detached' });
    expect(await page.getByTestId('connection-item').count()).toBe(before);
  });

  it('asks for the passphrase of an encrypted key, refuses a wrong one, and unlocks with the right one', async () => {
    const page = b.page;
    await page.getByTestId('import-button').click();
    await wizard(page).waitFor();
    await page.getByTestId('import-files').setInputFiles([pki.clientEncryptedKey.key.path, pki.client.cert.path]);

    // Locked: only the passphrase prompt, nothing to save yet.
    await page.getByTestId('import-passphrase').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('import-error').first().getAttribute('data-code')).toBe('key_passphrase_missing');
    expect(await page.getByTestId('import-save').count()).toBe(0);

    await page.getByTestId('import-passphrase').fill('wrong horse');
    await page.getByTestId('import-unlock').click();
    await page.locator('[data-testid=import-error][data-code=key_wrong_passphrase]').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('import-passphrase').inputValue()).toBe('');
    expect(await page.getByTestId('import-save').count()).toBe(0);

    // Enter submits the unlock form.
    await page.getByTestId('import-passphrase').fill(CLIENT_KEY_PASSPHRASE);
    await page.getByTestId('import-passphrase').press('Enter');
    await page.locator('[data-testid=import-summary][data-usable=true]').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('import-error').count()).toBe(0);
    expect(await page.getByTestId('import-passphrase').count()).toBe(0);
    expect(new Set(await kinds(page))).toEqual(new Set(['certificate', 'private-key']));
    expect(await page.getByTestId('import-save').isEnabled()).toBe(true);

    await page.getByTestId('import-name').fill('Unlocked key');
    await page.getByTestId('import-url').fill(`mqtts://localhost:${broker.ports.mtls}`);
    await page.getByTestId('import-url').press('Enter');
    await page.getByTestId('import-saved').waitFor();
    await page.keyboard.press('Escape');
    await wizard(page).waitFor({ state: 'detached' });

    // The form describes what the connection now uses; the key is only described.
    await view(page, 'Unlocked key').waitFor();
    await page.getByTestId('edit').click();
    const inUse = page.getByTestId('profile-certificates');
    await expect.poll(() => inUse.getByTestId('profile-key').textContent(), { timeout: 10_000 }).toContain('EC P-256, stored in the OS keychain');
    expect(await inUse.getByTestId('profile-client-cert').textContent()).toContain('device-001');
    // Key and certificate only: no CA came with them, so the system roots stay in charge.
    expect(await inUse.getByTestId('profile-ca').textContent()).toContain('none');
    expect(await inUse.getByTestId('profile-key-mismatch').count()).toBe(0);

    // "Import bundle…" in the form targets this connection; the form takes over the new CA.
    await page.getByTestId('import-bundle').click();
    await page.getByTestId('import-files').setInputFiles(pki.rootOnly.path);
    await summary(page).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('import-target-existing').isChecked()).toBe(true);
    await page.getByTestId('import-save').click();
    await page.getByTestId('import-saved').waitFor();
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await wizard(page).waitFor({ state: 'detached' });
    await expect.poll(() => inUse.getByTestId('profile-ca').textContent(), { timeout: 10_000 }).toContain('MQTTS Dashboard Test Root CA');
    expect(await page.locator('select[name=trust]').inputValue()).toBe('custom');
    expect(await inUse.getByTestId('profile-key').textContent()).toContain('EC P-256, stored in the OS keychain');
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  it('exports connections as JSON without keys or passwords', async () => {
    const page = b.page;
    await page.getByTestId('new-connection').click();
    await page.locator('input[name=url]').fill(`mqtts://localhost:${broker.ports.mtls}`);
    await page.locator('input[name=name]').fill('With password');
    await page.locator('input[name=username]').fill('operator');
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await view(page, 'With password').waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-connections').click()]);
    expect(download.suggestedFilename()).toMatch(/\.json$/);
    exported = readFileSync(await download.path(), 'utf8');
    const names = (JSON.parse(exported) as { profiles: Array<{ name: string }> }).profiles.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['device-001', 'Unlocked key', 'With password']));
    expect(exported).not.toContain('PRIVATE');
    expect(exported).not.toContain(PASSWORD);
    expect(exported).not.toContain(CLIENT_KEY_PASSPHRASE);
  });

  it('imports the export back; the copy asks for its key before it connects', async () => {
    const page = b.page;
    const file = join(pki.dir, 'connections.json');
    writeFileSync(file, exported);
    await page.getByTestId('import-connections-file').setInputFiles(file);
    expect(await page.getByTestId('transfer-result').textContent()).toMatch(/Imported 3 connections/);
    await expect.poll(() => page.getByTestId('needs-secrets').count()).toBeGreaterThanOrEqual(2);

    const copy = item(page, 'device-001').nth(1);
    expect(await copy.getByTestId('needs-secrets').count()).toBe(1);
    await copy.click();
    await page.getByTestId('connect').click();
    const prompt = page.getByTestId('pending-secrets');
    expect(await prompt.textContent()).toContain('This connection was imported without its secrets');
    await prompt.getByTestId('pending-key').setInputFiles(pki.client.key.path);
    await prompt.getByTestId('pending-save').click();
    await prompt.waitFor({ state: 'detached', timeout: 15_000 });
    await expect.poll(() => page.getByTestId('connection-view').getByTestId('session-state').textContent(), { timeout: 15_000 }).toBe('connected');
    await expect.poll(() => copy.getByTestId('needs-secrets').count()).toBe(0);
  });

  it('never puts a private key into the page, and logged no errors', async () => {
    const page = b.page;
    for (const pem of [pki.client.key.pem, pki.clientEncryptedKey.key.pem]) {
      const body = pem.split('\n')[1] ?? '';
      expect(body.length).toBeGreaterThan(20);
      expect(await page.content()).not.toContain(body);
    }
    expect(b.errors).toEqual([]);
  });
});

describe('profiles notice', () => {
  it('shows a damaged profiles file as a dismissable banner', async () => {
    const dataDir = tempDir('data');
    writeFileSync(join(dataDir, PROFILES_FILE), '{"version": 1, "profiles": [');
    const damaged = await startTestHost({ dataDir });
    const page = await b.context.newPage();
    try {
      await page.goto(damaged.host.url);
      const notice = page.getByTestId('profiles-notice');
      await notice.waitFor();
      expect(await notice.textContent()).toMatch(/profiles file/i);
      await notice.getByRole('button', { name: 'Dismiss this notice' }).click();
      await notice.waitFor({ state: 'detached' });
    } finally {
      await page.close();
      await damaged.cleanup();
    }
  });
});
