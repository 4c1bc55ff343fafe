/**
 * A new operator's first minute, in Chromium through the headless host: an
 * empty first start, the demo fleet (embedded TLS broker requiring client
 * certificates, simulated devices) started from the empty state, live charts
 * and the grade `secure`; then the demo removed once confirmed, with no demo
 * secret left in the keychain. Takes the README's screenshot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keytarBackend } from '../../electron/core/secrets/keytar-backend';
import type { TopicHistory } from '../../shared/telemetry';
import { screenshotPath, type BrowserSession } from '../support/browser';
import { openDashboard, type TestHost } from '../support/host';

let app: TestHost;
let b: BrowserSession;
let close: (() => Promise<void>) | undefined;
let demoId = '';

beforeAll(async () => {
  ({ app, b, close } = await openDashboard());
});

afterAll(async () => {
  await close?.();
});

describe('the demo fleet', () => {
  it('is offered on an empty first start', async () => {
    await b.page.getByTestId('empty-state').waitFor();
    expect(await b.page.getByTestId('start-demo').textContent()).toBe('Try the demo fleet');
  });

  it('starts in one click and lands on live charts of a secure connection', async () => {
    const page = b.page;
    await page.getByTestId('start-demo').click();
    await page.getByTestId('demo-banner').waitFor({ timeout: 30_000 });
    const view = page.locator('[data-testid=connection-view][data-name="Demo fleet"]');
    // It opens on the dashboard; the header shows the state light and the grade.
    await page.getByTestId('dashboard').waitFor();
    await view.getByRole('img', { name: 'state connected' }).first().waitFor({ timeout: 30_000 });
    expect(await view.getByTestId('grade').first().getAttribute('data-grade')).toBe('secure');
    expect(await page.getByTestId('chart-card').count()).toBe(5);
    // Live: the oven chart gets points, and gets more of them as the devices keep publishing.
    const plot = page.locator('[data-chart-id=ovens] [data-testid=chart-plot]');
    await expect.poll(async () => Number(await plot.getAttribute('data-points')), { timeout: 30_000 }).toBeGreaterThan(6);
    const before = Number(await plot.getAttribute('data-points'));
    await expect.poll(async () => Number(await plot.getAttribute('data-points')), { timeout: 30_000 }).toBeGreaterThan(before);
    expect(await page.locator('[data-chart-id=ovens] [data-testid=legend-series]').count()).toBe(3);
    demoId = app.backend.demo.status().profileId ?? '';
    expect(demoId).not.toBe('');
    // The devices started once the connection listened: their very first readings arrived (the gateway counts its uptime from 2 s).
    const kept = await app.backend.dispatch('topics.history', { connectionId: demoId, topic: 'demo/plant/line1/gateway/status' });
    expect(kept.ok && JSON.parse((kept.value as TopicHistory).messages[0]?.preview.data ?? '{}')).toMatchObject({ uptime: 2 });
    // The demo's client key went to the keychain like any other.
    const accounts = (await keytarBackend().findCredentials(app.secrets.service)).map((c) => c.account);
    expect(accounts).toContain(`${demoId}/clientKey`);
    // A third of a minute of data for the picture, with the pointer off the charts.
    await expect.poll(async () => Number(await plot.getAttribute('data-points')), { timeout: 40_000, interval: 1000 }).toBeGreaterThan(50);
    await page.mouse.move(0, 0);
    await page.waitForTimeout(500);
    await page.screenshot({ path: screenshotPath('dashboard.png', { readme: true }) });
  });

  it('shows the demo connection as verified mutual TLS in its security panel', async () => {
    const page = b.page;
    await page.getByRole('tab', { name: 'Security' }).click();
    const panel = page.getByTestId('security-panel');
    expect(await panel.getByTestId('chain-verdict').textContent()).toBe('verified');
    expect(await panel.textContent()).toContain('demo-operator');
  });

  it('removes the demo once confirmed, and no demo secret is left in the keychain', async () => {
    const page = b.page;
    await page.getByTestId('remove-demo').click();
    await page.getByTestId('confirm-remove-demo').click();
    await page.getByTestId('empty-state').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('app-notice').textContent()).toMatch(/^Demo removed: /);
    const accounts = (await keytarBackend().findCredentials(app.secrets.service)).map((c) => c.account);
    expect(accounts.filter((a) => a.startsWith(`${demoId}/`))).toEqual([]);
    expect(app.backend.profiles.list()).toEqual([]);
    expect(app.backend.demo.status()).toEqual({ running: false, profileId: null });
    expect(b.errors).toEqual([]);
  });
});
