/**
 * Publishing, the demo and the import wizard as an operator uses them, in
 * Chromium through the headless host against a real mosquitto: "publish to
 * this topic" from the tree, JSON checked and formatted, Ctrl+Enter to send,
 * the payloads sent before picked again, a base64 complaint gone with base64;
 * a locked PKCS#12 file shows only its passphrase prompt, focused; the demo
 * offered while connections exist, removed after a confirmation that then says
 * what went; and at 1024×700 topic names keep their room and "Chart this
 * field" stays within reach.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotPath, type BrowserSession } from '../support/browser';
import { openDashboard } from '../support/host';
import { useTlsBroker } from '../support/tls-broker';

const LONG_LEVEL = 'packaging-robot-cell-with-a-long-name-42';
const STATUS = `plant/line1/${LONG_LEVEL}/status`;
const COMMAND = 'plant/line1/press/cmd';

const { pki, broker, url } = useTlsBroker();
let device: MqttClient;
/** What the device received on its command topic. */
const received: string[] = [];
let b: BrowserSession;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  device = await mqtt.connectAsync(url(), { ca: pki().rootOnly.pem, reconnectPeriod: 0 });
  await device.subscribeAsync(COMMAND, { qos: 1 });
  device.on('message', (_topic, payload) => received.push(payload.toString()));
  // Retained, so the dashboard has it as soon as it subscribes.
  await device.publishAsync(STATUS, JSON.stringify({ temperature: 21.5, motor: { rpm: 1450 } }), { qos: 1, retain: true });
  await device.publishAsync(COMMAND, 'idle', { qos: 1, retain: true });
  ({ b, close } = await openDashboard(async (app) => {
    const saved = await app.backend.dispatch('profiles.save', {
      settings: { name: 'Plant', url: url(), protocolVersion: 5, tls: { trust: 'custom', ca: [pki().rootOnly.pem] }, subscriptions: [{ filter: '#', qos: 1 }] },
    });
    if (!saved.ok) throw new Error(saved.error.message);
  }));
});

afterAll(async () => {
  await device?.endAsync();
  await close?.();
});

const row = (page: Page, topic: string) => page.locator(`[data-testid=topic-row][data-topic="${topic}"]`);
const tab = (page: Page, name: string) => page.getByRole('tab', { name });

/** Opens the tree down to `topic` and selects it. */
async function selectTopic(page: Page, topic: string) {
  const levels = topic.split('/');
  for (let i = 1; i < levels.length; i++) {
    const parent = row(page, levels.slice(0, i).join('/'));
    await parent.waitFor({ timeout: 15_000 });
    if ((await parent.getAttribute('aria-expanded')) === 'false') await parent.locator('.tree-toggle').click();
  }
  await row(page, topic).click();
  await page.locator(`[data-testid=payload-panel][data-topic="${topic}"]`).waitFor();
}

describe('publishing, the demo and the wizard', () => {
  it('publishes to the topic picked in the tree, checks and formats JSON, and sends with Ctrl+Enter', async () => {
    const page = b.page;
    await page.locator('[data-testid=connection-item][data-name="Plant"]').click();
    await page.getByTestId('connect').click();
    await expect.poll(() => page.getByTestId('session-state').textContent(), { timeout: 15_000 }).toBe('connected');
    await tab(page, 'Topics').click();
    await selectTopic(page, COMMAND);
    await page.getByTestId('publish-to-topic').click();

    const panel = page.getByTestId('publish-panel');
    expect(await panel.getByTestId('publish-topic').inputValue()).toBe(COMMAND);
    const payload = panel.getByTestId('publish-payload');
    await payload.fill('{"cmd": "start", "speed": 3');
    expect(await panel.getByTestId('publish-json').getAttribute('data-valid')).toBe('false');
    expect(await panel.getByTestId('publish-json').textContent()).toMatch(/Not valid JSON: .*line 1/);
    await payload.fill('{"cmd": "start", "speed": 3}');
    expect(await panel.getByTestId('publish-json').getAttribute('data-valid')).toBe('true');
    await panel.getByTestId('publish-format-json').click();
    expect(await payload.inputValue()).toBe('{\n  "cmd": "start",\n  "speed": 3\n}');

    await page.screenshot({ path: screenshotPath('publish-json.png') });
    await payload.press('Control+Enter');
    await panel.getByTestId('publish-sent').waitFor({ timeout: 15_000 });
    await expect.poll(() => received.at(-1), { timeout: 15_000 }).toBe('{\n  "cmd": "start",\n  "speed": 3\n}');

    // Text that is not meant as JSON is not checked as JSON.
    await payload.fill('stop');
    expect(await panel.getByTestId('publish-json').count()).toBe(0);
    await payload.press('Control+Enter');
    await expect.poll(() => received.at(-1), { timeout: 15_000 }).toBe('stop');
  });

  it('offers the payloads sent to the topic before, newest first', async () => {
    const page = b.page;
    const panel = page.getByTestId('publish-panel');
    const recent = panel.getByTestId('publish-recent');
    expect(await recent.locator('option').allTextContents()).toEqual(['Pick a recent payload (2)…', expect.stringMatching(/· stop$/), expect.stringMatching(/· \{ "cmd": "start", "speed": 3 \}$/)]);
    await recent.selectOption({ index: 2 });
    expect(await panel.getByTestId('publish-payload').inputValue()).toBe('{\n  "cmd": "start",\n  "speed": 3\n}');
    // Another topic has its own (none yet).
    await panel.getByTestId('publish-topic').fill('plant/line2/press/cmd');
    expect(await recent.count()).toBe(0);
    await panel.getByTestId('publish-topic').fill(COMMAND);
    expect(await recent.count()).toBe(1);
  });

  it('drops a base64 complaint when the encoding goes back to text', async () => {
    const page = b.page;
    const panel = page.getByTestId('publish-panel');
    await panel.getByTestId('publish-payload').fill('not base64!');
    await panel.getByTestId('publish-encoding').selectOption('base64');
    await panel.getByTestId('publish-send').click();
    expect(await panel.getByTestId('publish-error').textContent()).toMatch(/not valid base64/);
    await panel.getByTestId('publish-encoding').selectOption('text');
    expect(await panel.getByTestId('publish-error').count()).toBe(0);
  });

  it('shows only the passphrase prompt, focused, for a locked PKCS#12 file; a name in use is pointed out', async () => {
    const page = b.page;
    const p12 = path.join(pki().dir, 'device-001.p12');
    execFileSync('openssl', ['pkcs12', '-export', '-inkey', pki().client.key.path, '-in', pki().client.cert.path, '-passout', 'pass:p12-pass', '-out', p12]);
    await page.getByTestId('import-button').click();
    const wizard = page.getByTestId('import-wizard');
    await wizard.getByTestId('import-files').setInputFiles(p12);
    await wizard.getByTestId('import-locked').waitFor({ timeout: 15_000 });
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('import-passphrase');
    const text = await wizard.evaluate((el) => (el as HTMLElement).innerText);
    expect(text).toMatch(/device-001\.p12 is encrypted and needs its passphrase/);
    expect(text).not.toMatch(/holds no certificate or key|system roots will verify|Client identity/);
    expect(await wizard.getByTestId('import-save').count()).toBe(0);

    await page.keyboard.type('p12-pass');
    await page.keyboard.press('Enter');
    await wizard.locator('[data-testid=import-summary][data-usable=true]').waitFor({ timeout: 15_000 });
    await wizard.getByTestId('import-name').fill('Plant');
    expect(await wizard.getByTestId('import-name-warning').textContent()).toContain(`already called Plant (localhost:${broker().ports.tls})`);
    await wizard.getByTestId('import-name').fill('Plant, device 001');
    expect(await wizard.getByTestId('import-name-warning').count()).toBe(0);
    await page.keyboard.press('Escape');
    await wizard.waitFor({ state: 'detached' });
  });

  it('keeps topic names readable and "Chart this field" within reach in a 1024×700 window', async () => {
    const page = b.page;
    await page.setViewportSize({ width: 1024, height: 700 });
    try {
      await tab(page, 'Topics').click();
      await selectTopic(page, STATUS);
      // The long level is shown whole; the marks beside it gave way.
      const name = row(page, STATUS).locator('.tree-name');
      expect(await name.textContent()).toBe('status');
      const parent = row(page, `plant/line1/${LONG_LEVEL}`).locator('.tree-name');
      expect(await parent.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);

      await page.locator('[data-testid=json-field]', { hasText: '1450' }).click();
      const chartField = page.getByTestId('chart-field');
      await chartField.scrollIntoViewIfNeeded();
      const box = await chartField.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 1024 && box.y >= 0 && box.y + box.height <= 700).toBe(true);
      await page.screenshot({ path: screenshotPath('narrow-topics.png') });
      await chartField.click();
      await page.getByTestId('chart-added').waitFor({ timeout: 15_000 });
    } finally {
      await page.setViewportSize({ width: 1400, height: 900 });
    }
  });

  it('offers the demo while other connections exist, and removes it after saying what goes', async () => {
    const page = b.page;
    await page.getByTestId('sidebar-start-demo').click();
    await page.getByTestId('demo-banner').waitFor({ timeout: 30_000 });
    await page.getByTestId('dashboard').waitFor();
    expect(await page.getByTestId('sidebar-start-demo').count()).toBe(0);

    await page.getByTestId('remove-demo').click();
    await page.screenshot({ path: screenshotPath('demo-remove-confirm.png') });
    const confirm = page.getByTestId('confirm-remove-demo');
    expect(await confirm.textContent()).toBe('Remove the demo broker, its devices, its connection and its keychain secrets');
    // Nothing is removed until the operator confirms.
    expect(await page.locator('[data-testid=connection-item][data-name="Demo fleet"]').count()).toBe(1);
    await confirm.click();
    const notice = page.getByTestId('app-notice');
    await notice.waitFor({ timeout: 30_000 });
    await page.screenshot({ path: screenshotPath('demo-removed.png') });
    expect(await notice.textContent()).toMatch(/^Demo removed: its broker and simulated devices, the connection Demo fleet with its 5 charts, and its client key from the keychain\./);
    expect(await page.locator('[data-testid=connection-item][data-name="Demo fleet"]').count()).toBe(0);
    expect(await page.getByTestId('sidebar-start-demo').count()).toBe(1);
    await notice.getByTestId('dismiss').click();
    expect(await notice.count()).toBe(0);
    expect(b.errors).toEqual([]);
  });
});
