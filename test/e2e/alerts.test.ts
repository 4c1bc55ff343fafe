/**
 * Alerts in Chromium, through the headless host, against a real mosquitto
 * over TLS: the operator defines a threshold on a chart's series in the
 * connection's Alerts tab, a device pushes the value past it, the alert shows
 * in the list (and in the top bar's count), is acknowledged, and marks the
 * chart where it fired.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Profile } from '../../shared/profiles';
import { screenshotPath, type BrowserSession } from '../support/browser';
import { openDashboard, type TestHost } from '../support/host';
import { useTlsBroker } from '../support/tls-broker';

const { pki, url } = useTlsBroker();
let app: TestHost;
let b: BrowserSession;
let close: (() => Promise<void>) | undefined;
let device: MqttClient | undefined;
let profile: Profile;

beforeAll(async () => {
  ({ app, b, close } = await openDashboard(async (host) => {
    const saved = await host.backend.dispatch('profiles.save', {
      settings: { name: 'Plant', url: url(), tls: { trust: 'custom', ca: [pki().rootOnly.pem] }, subscriptions: [{ filter: 'plant/#', qos: 1 }] },
    });
    if (!saved.ok) throw new Error(saved.error.message);
    profile = saved.value as Profile;
    const series = { connectionId: profile.id, topic: 'plant/boiler', extractor: { kind: 'json' as const, path: 'temp' }, label: '' };
    const charted = await host.backend.dispatch('dashboard.save', { profileId: profile.id, dashboard: { charts: [{ id: 'boiler', title: 'Boiler', unit: '°C', window: '5m', series: [series] }] } });
    if (!charted.ok) throw new Error(charted.error.message);
  }));
});

afterAll(async () => {
  await device?.endAsync();
  await close?.();
});

describe('an alert rule defined in the window', () => {
  it('fires on a value from the broker, is listed, acknowledged, muted for an hour, and marks the chart', async () => {
    const page = b.page;
    await page.locator('[data-testid=connection-item][data-name="Plant"]').click();
    await page.getByTestId('connect').click();
    await expect.poll(() => page.getByTestId('session-state').textContent(), { timeout: 15_000 }).toBe('connected');

    await page.getByTestId('tab-alerts').click();
    // A new connection starts with the two default rules.
    await expect.poll(() => page.getByTestId('rule-item').count()).toBe(2);
    await page.getByTestId('rule-name').fill('Boiler too hot');
    expect(await page.getByTestId('rule-source').inputValue()).toBe('boiler#0');
    await page.getByTestId('rule-value').fill('50');
    await page.getByTestId('rule-clearAt').fill('45');
    await page.getByTestId('rule-add').click();
    await expect.poll(() => page.getByTestId('rule-item').count(), { timeout: 10_000 }).toBe(3);
    expect(app.backend.profiles.get(profile.id).alerts.at(-1)).toMatchObject({ kind: 'threshold', chartId: 'boiler', value: 50, clearAt: 45, name: 'Boiler too hot' });
    expect(await page.getByTestId('alerts-none').isVisible()).toBe(true);

    device = await mqtt.connectAsync(url(), { ca: pki().rootOnly.pem, reconnectPeriod: 0 });
    for (const temp of [40, 47, 63.5]) await device.publishAsync('plant/boiler', JSON.stringify({ temp }), { qos: 1 });

    const item = page.getByTestId('alert-list').getByTestId('alert-item').filter({ hasText: 'Boiler too hot' });
    await item.waitFor({ timeout: 15_000 });
    expect(await item.getAttribute('data-state')).toBe('firing');
    expect(await item.getByTestId('alert-title').textContent()).toBe('Plant: Boiler too hot');
    expect(await item.getByTestId('alert-detail').textContent()).toBe('63.5: above 50');
    expect(await page.getByTestId('alerts-toggle').getAttribute('data-unseen')).toBe('1');

    await item.getByTestId('alert-acknowledge').click();
    await item.getByTestId('alert-acknowledged').waitFor({ timeout: 10_000 });
    expect(await item.getAttribute('data-acknowledged')).toBe('true');
    await expect.poll(() => page.getByTestId('alerts-toggle').getAttribute('data-unseen')).toBe('0');
    expect(app.backend.alerts.list().alerts.find((a) => a.title === 'Plant: Boiler too hot')?.acknowledgedAt).not.toBeNull();

    // Muted for an hour: still listed, no desktop notification until then.
    await item.getByTestId('alert-mute').selectOption('60');
    await item.getByTestId('alert-muted').waitFor({ timeout: 10_000 });
    const mutedUntil = app.backend.alerts.list().alerts.find((a) => a.title === 'Plant: Boiler too hot')?.mutedUntil ?? 0;
    expect(mutedUntil - Date.now()).toBeGreaterThan(55 * 60_000);
    expect(mutedUntil - Date.now()).toBeLessThanOrEqual(60 * 60_000);

    // The same alert in the top bar's list of every connection, and its history.
    await page.getByTestId('alerts-toggle').click();
    const drawer = page.getByTestId('alerts-drawer');
    await drawer.getByTestId('alert-item').filter({ hasText: 'Boiler too hot' }).waitFor();
    await drawer.getByTestId('alert-history-toggle').click();
    await expect.poll(() => drawer.getByTestId('alert-record').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-change')))).toEqual(['muted', 'acknowledged', 'fired']);
    await page.screenshot({ path: screenshotPath('alerts-list.png') });
    await page.getByTestId('alerts-toggle').click();

    await page.getByTestId('tab-dashboard').click();
    const card = page.locator('[data-testid=chart-card][data-chart-id=boiler]');
    await expect.poll(() => card.locator('.alert-mark-fired').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: screenshotPath('alerts.png') });
    expect(b.errors).toEqual([]);
  });
});
