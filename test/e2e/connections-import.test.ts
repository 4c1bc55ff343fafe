/**
 * Connections from MQTTX in Chromium, through the headless host: the operator
 * picks an MQTTX export (written at test time in MQTTX's format), sees the
 * summary (what arrived, which passwords went to the keychain, that the file
 * still holds them, which file to pick) and the collections as groups in the
 * sidebar; no password reaches the page. Then a new connection starts from
 * the Azure IoT Hub preset, which fills the form with the hub's user name
 * and a SAS token sign-in.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mqttxConnection, mqttxExportJson } from '../fixtures/foreign-exports';
import { tempDir } from '../support/backend';
import { screenshotPath, type BrowserSession } from '../support/browser';
import { openDashboard, type TestHost } from '../support/host';

const PASSWORDS = [`north-${randomBytes(6).toString('hex')}`, `south-${randomBytes(6).toString('hex')}`];
const NORTH = '6a1e9d0c-1111-4c2a-9e55-0c8d3b7a2f10';
const SOUTH = '6a1e9d0c-2222-4c2a-9e55-0c8d3b7a2f10';

let b: BrowserSession;
let app: TestHost;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ b, app, close } = await openDashboard());
  await b.page.getByTestId('empty-state').waitFor();
});

afterAll(async () => {
  await close?.();
});

describe('an MQTTX export in the window', () => {
  it('shows the summary and the collections as groups in the sidebar', async () => {
    const page = b.page;
    const file = join(tempDir('mqttx'), 'All Connections.json');
    writeFileSync(
      file,
      mqttxExportJson([
        mqttxConnection({ name: 'North gateway', host: 'north.example', port: 8883, protocol: 'mqtts', ssl: true, username: 'ops', password: PASSWORDS[0], parentId: NORTH, certType: 'self', ca: 'C:\\certs\\north-ca.pem' }),
        mqttxConnection({ name: 'North sensors', host: 'north.example', port: 1883, parentId: NORTH }),
        mqttxConnection({ name: 'South gateway', host: 'south.example', port: 8883, protocol: 'mqtts', ssl: true, username: 'ops', password: PASSWORDS[1], parentId: SOUTH }),
      ]),
    );
    await page.getByTestId('import-connections-file').setInputFiles(file);
    const result = page.getByTestId('transfer-result');
    await result.waitFor();
    const lines = await result.getByTestId('import-summary-line').allTextContents();
    expect(lines).toEqual(
      expect.arrayContaining([
        'Imported 3 connections from MQTTX, in 2 groups: MQTTX collection 1 and MQTTX collection 2.',
        'Moved to the OS keychain: the passwords of North gateway and South gateway.',
        expect.stringMatching(/North gateway: CA file C:\\certs\\north-ca\.pem/),
      ]),
    );
    expect(await result.getByTestId('import-source-warning').textContent()).toMatch(/still holds these secrets in clear text/);

    await expect.poll(() => page.locator('.sidebar .group-name').allTextContents(), { timeout: 10_000 }).toEqual(['MQTTX collection 1', 'MQTTX collection 2']);
    const group = (name: string) => page.locator('.sidebar .group').filter({ has: page.locator('.group-name', { hasText: name }) });
    expect(await group('MQTTX collection 1').getByTestId('connection-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-name')))).toEqual(['North gateway', 'North sensors']);
    expect(await group('MQTTX collection 2').getByTestId('connection-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-name')))).toEqual(['South gateway']);

    // The passwords are in the keychain, and nowhere in the page.
    const imported = app.backend.profiles.list().find((p) => p.name === 'North gateway');
    expect(await app.secrets.get(imported?.id ?? '', 'password')).toBe(PASSWORDS[0]);
    const html = await page.content();
    for (const password of PASSWORDS) expect(html.includes(password)).toBe(false);
    await page.screenshot({ path: screenshotPath('mqttx-import.png') });
  });

  it('starts a new connection from the Azure IoT Hub preset', async () => {
    const page = b.page;
    await page.getByTestId('new-connection').click();
    await page.getByTestId('preset-select').selectOption('azure-iot-hub');
    await page.getByTestId('preset-apply').click();
    expect(await page.getByTestId('preset-problem').textContent()).toMatch(/Enter the iot hub/);
    await page.getByTestId('preset-host').fill('plant-hub');
    await page.getByTestId('preset-deviceId').fill('press-12');
    await page.getByTestId('preset-apply').click();
    await page.getByTestId('preset-next').waitFor();
    expect(await page.locator('input[name=url]').inputValue()).toBe('mqtts://plant-hub.azure-devices.net:8883');
    expect(await page.locator('input[name=username]').inputValue()).toBe('plant-hub.azure-devices.net/press-12/?api-version=2021-04-12');
    expect(await page.locator('input[name=clientId]').inputValue()).toBe('press-12');
    expect(await page.locator('input[name=sasToken]').isChecked()).toBe(true);
    expect(await page.locator('input[name=password]').count()).toBe(0);
    // Saving without the device key is refused in the form, before main is asked.
    await page.getByTestId('save-connect').click();
    expect(await page.getByTestId('form-error').textContent()).toMatch(/Type the device key/);
    await page.getByTestId('connection-form').screenshot({ path: screenshotPath('azure-preset.png') });
  });

  it('logged no errors', () => {
    expect(b.errors).toEqual([]);
  });
});
