/**
 * Zooming a chart into recorded history in Chromium, against a real mosquitto
 * over TLS: samples published through the broker are recorded, the backend
 * restarts (memory empty, history on disk), live samples flow again, and the
 * operator drags across the recorded burst: the chart stops following live
 * data and reads exactly that range from the core at its pixel width, where
 * every recorded sample shows that the live window's view had thinned; "Back
 * to live" follows live data again; the wheel zooms around the pointer and a
 * double click goes back to live.
 */
import { rmSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TimeRange } from '../../shared/history';
import type { Profile } from '../../shared/profiles';
import { tempDir, waitForSession } from '../support/backend';
import { openBrowser, type BrowserSession } from '../support/browser';
import { startTestHost, type TestHost } from '../support/host';
import { until } from '../support/until';
import { useTlsBroker } from '../support/tls-broker';

const dataDir = tempDir('e2e-zoom');
const BURST = 200;
const { pki, url } = useTlsBroker();
let device: MqttClient;
let app: TestHost | undefined;
let b: BrowserSession | undefined;
let live: NodeJS.Timeout | undefined;
let profile: Profile;
/** When the recorded burst began and ended, on the host's clock. */
let burst = { from: 0, to: 0 };
/** Every range view the core answered, as asked, with how many samples it read and how many points it gave. */
const rangeViews: Array<{ range: TimeRange; width: number; samples: number; points: number }> = [];

async function connect(host: TestHost): Promise<void> {
  await host.backend.dispatch('sessions.connect', { id: profile.id });
  await waitForSession(host.backend, profile.id, (v) => v.state === 'connected');
}

beforeAll(async () => {
  device = await mqtt.connectAsync(url(), { ca: pki().rootOnly.pem, reconnectPeriod: 0 });

  const first = await startTestHost({ dataDir });
  const saved = await first.backend.dispatch('profiles.save', { settings: { name: 'Site', url: url(), tls: { trust: 'custom', ca: [pki().rootOnly.pem] }, subscriptions: [{ filter: 'site/#', qos: 1 }] } });
  if (!saved.ok) throw new Error(saved.error.message);
  profile = saved.value as Profile;
  const series = { connectionId: profile.id, topic: 'site/power', extractor: { kind: 'number' as const }, label: 'power' };
  const charted = await first.backend.dispatch('dashboard.save', { profileId: profile.id, dashboard: { charts: [{ id: 'p', title: 'Power', unit: 'kW', window: '1m', series: [series] }] } });
  if (!charted.ok) throw new Error(charted.error.message);
  await connect(first);
  // A dense burst, about 15 ms apart: denser than a one-minute view at this width can draw.
  burst.from = Date.now();
  for (let i = 0; i < BURST; i++) {
    await device.publishAsync('site/power', String(100 + (i % 10) * 5), { qos: 1 });
    await new Promise((r) => setTimeout(r, 13));
  }
  await until(() => (first.backend.telemetry.getSeries(`${profile.id}|number|site/power`)?.count === BURST ? true : undefined), 'the burst to arrive');
  burst = { from: burst.from, to: Date.now() };
  await first.host.close();
  await first.backend.dispose();

  app = await startTestHost({ dataDir });
  const views = app.backend.history.views;
  const view = views.view.bind(views);
  views.view = async (request) => {
    const answer = await view(request);
    if (request.range) rangeViews.push({ range: request.range, width: request.width, samples: answer.samples, points: answer.times.length });
    return answer;
  };
  await connect(app);
  b = await openBrowser();
  await b.page.goto(app.host.url);
});

afterAll(async () => {
  clearInterval(live);
  await device?.endAsync();
  await b?.close();
  await app?.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('zooming into recorded history and back to live', () => {
  it('drags across the recorded burst: the range is read from the core at the chart’s width, live data no longer moves it', async () => {
    const page = (b as BrowserSession).page;
    const host = app as TestHost;
    await page.locator('[data-testid=connection-item][data-name="Site"]').click();
    await page.getByTestId('tab-dashboard').click();
    const chart = page.getByTestId('chart-card').first();
    const plot = chart.getByTestId('chart-plot');
    const points = () => plot.getAttribute('data-points').then(Number);
    // Live again, in another range of values than the recorded burst.
    let n = 0;
    live = setInterval(() => void device.publishAsync('site/power', String(500 + (n++ % 5))).catch(() => undefined), 100);
    await expect.poll(() => host.backend.telemetry.budget().samples, { timeout: 10_000 }).toBeGreaterThan(3);
    // The one-minute view holds the burst thinned to its pixel columns, plus the live samples.
    await expect.poll(points, { timeout: 15_000 }).toBeGreaterThan(10);
    const thinned = await points();
    expect(thinned).toBeLessThan(BURST);

    const overlay = chart.getByTestId('chart-overlay');
    const box = await overlay.boundingBox();
    if (!box) throw new Error('the plot is not on screen');
    const left = Number(await overlay.getAttribute('data-plot-left'));
    const width = Number(await overlay.getAttribute('data-plot-width'));
    const from = Number(await chart.getAttribute('data-from'));
    const to = Number(await chart.getAttribute('data-to'));
    const x = (t: number) => box.x + left + ((t - from) / (to - from)) * width;
    const y = box.y + 100;
    // A second either side: the live window slides on while the pointer moves.
    await page.mouse.move(x(burst.from - 1000), y);
    await page.mouse.down();
    await page.mouse.move(x(burst.to + 1000), y, { steps: 4 });
    await page.mouse.up();

    await expect.poll(() => chart.getAttribute('data-zoomed')).toBe('true');
    await chart.getByTestId('chart-live').waitFor();
    const zoomed = { from: Number(await chart.getAttribute('data-from')), to: Number(await chart.getAttribute('data-to')) };
    expect(zoomed.from).toBeLessThan(burst.from);
    expect(zoomed.to).toBeGreaterThan(burst.to);
    expect(zoomed.to - zoomed.from).toBeLessThan(burst.to - burst.from + 5000);
    // Exactly that range read at the plot's width: every recorded sample of the burst (and what came live in it, if it reaches that far).
    let liveInRange = 0;
    host.backend.telemetry.getSeries(`${profile.id}|number|site/power`)?.forEach(zoomed.from, zoomed.to, () => liveInRange++);
    await expect.poll(() => rangeViews.at(-1)?.range, { timeout: 10_000 }).toEqual(zoomed);
    const asked = rangeViews.at(-1) as (typeof rangeViews)[number];
    expect(asked.width).toBe(Math.round(box.width));
    expect(asked.samples).toBe(BURST + liveInRange);
    // Drawn as read: one point per sample where a pixel column holds one or two (a loaded machine may hand
    // over a few samples in one read, in one column, kept as its lowest and highest), far more than the thinned window.
    await expect.poll(points, { timeout: 10_000 }).toBe(asked.points);
    expect(asked.points).toBeGreaterThan(thinned);
    expect(asked.points).toBeGreaterThan(BURST * 0.8);

    // Live samples keep arriving; the zoomed chart stays as it is.
    const path = await plot.locator('path.recharts-line-curve').first().getAttribute('d');
    const before = host.backend.telemetry.budget().samples;
    await expect.poll(() => host.backend.telemetry.budget().samples, { timeout: 10_000 }).toBeGreaterThan(before + 5);
    await expect.poll(() => host.backend.telemetry.budget().samples, { timeout: 10_000 }).toBeGreaterThan(before + 10);
    expect(await plot.locator('path.recharts-line-curve').first().getAttribute('d')).toBe(path);
    expect(await points()).toBe(asked.points);
    expect(await chart.getAttribute('data-from')).toBe(String(zoomed.from));
  });

  it('goes back to live, then zooms with the wheel around the pointer and back with a double click', async () => {
    const page = (b as BrowserSession).page;
    const chart = page.getByTestId('chart-card').first();
    await chart.getByTestId('chart-live').click();
    await expect.poll(() => chart.getAttribute('data-zoomed')).toBe('false');
    await chart.getByTestId('chart-window').waitFor();
    // Following live data again: the window ends now and moves on.
    const end = Number(await chart.getAttribute('data-to'));
    expect(Date.now() - end).toBeLessThan(5000);
    await expect.poll(() => chart.getAttribute('data-to').then(Number), { timeout: 10_000 }).toBeGreaterThan(end);

    const overlay = chart.getByTestId('chart-overlay');
    const box = await overlay.boundingBox();
    if (!box) throw new Error('the plot is not on screen');
    const left = Number(await overlay.getAttribute('data-plot-left'));
    const width = Number(await overlay.getAttribute('data-plot-width'));
    await page.mouse.move(box.x + left + width / 2, box.y + 100);
    await page.mouse.wheel(0, -300);
    await expect.poll(() => chart.getAttribute('data-zoomed')).toBe('true');
    const span = Number(await chart.getAttribute('data-to')) - Number(await chart.getAttribute('data-from'));
    // Three notches in, each showing 80 % of the span: about half a minute, never past now.
    expect(span).toBeGreaterThan(60_000 * 0.8 ** 3 * 0.9);
    expect(span).toBeLessThan(60_000 * 0.8 ** 3 * 1.1);
    expect(Number(await chart.getAttribute('data-to'))).toBeLessThanOrEqual(Date.now());

    await overlay.dblclick({ position: { x: left + width / 2, y: 100 } });
    await expect.poll(() => chart.getAttribute('data-zoomed')).toBe('false');
    expect((b as BrowserSession).errors).toEqual([]);
  });
});
