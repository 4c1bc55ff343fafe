/**
 * Reading charts in Chromium, through the headless host, against a real
 * mosquitto over TLS with two connections: a chart gets a series of the other
 * connection from its own "+ Series" form; pressure (~1.2) and temperature
 * (~25) get an axis each, by range and then by unit; the tooltip lists every
 * series at the hovered time; the chart's CSV (one column per series, local
 * time with its offset) reads back; a door's boolean is drawn as steps (only
 * horizontal and vertical segments) and as a line when the operator says so,
 * and a state code in a JSON field as steps without being told;
 * a stat panel placed beside a chart shows the value in its threshold colour
 * and, once the topic stops, "offline for …"; a chart with no sample yet
 * says it is waiting and draws its plot from the first sample on.
 */
import { readFileSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Profile } from '../../shared/profiles';
import type { ChartSpec } from '../../shared/telemetry';
import { waitForSession } from '../support/backend';
import { screenshotPath, type BrowserSession } from '../support/browser';
import { parseCsv } from '../support/csv';
import { openDashboard, type TestHost } from '../support/host';
import { useTlsBroker } from '../support/tls-broker';

const { pki, url } = useTlsBroker();
let app: TestHost;
let b: BrowserSession;
let close: (() => Promise<void>) | undefined;
let device: MqttClient;
let plantA: Profile;
let plantB: Profile;
const timers: NodeJS.Timeout[] = [];

/** Publishes `payload(i)` on `topic` every `ms` until stopped. */
function feed(topic: string, ms: number, payload: (i: number) => string): NodeJS.Timeout {
  let i = 0;
  const timer = setInterval(() => void device.publishAsync(topic, payload(i++)).catch(() => undefined), ms);
  timers.push(timer);
  return timer;
}

async function saveProfile(host: TestHost, name: string, filter: string): Promise<Profile> {
  const saved = await host.backend.dispatch('profiles.save', { settings: { name, url: url(), tls: { trust: 'custom', ca: [pki().rootOnly.pem] }, subscriptions: [{ filter, qos: 0 }] } });
  if (!saved.ok) throw new Error(saved.error.message);
  return saved.value as Profile;
}

beforeAll(async () => {
  device = await mqtt.connectAsync(url(), { ca: pki().rootOnly.pem, reconnectPeriod: 0 });
  ({ app, b, close } = await openDashboard(async (host) => {
    plantA = await saveProfile(host, 'Plant A', 'a/#');
    plantB = await saveProfile(host, 'Plant B', 'b/#');
    const pressure: ChartSpec = { id: 'mixed', title: '', unit: '', window: '1m', series: [{ connectionId: plantA.id, topic: 'a/pressure', extractor: { kind: 'number' }, label: '' }] };
    const door: ChartSpec = { id: 'door', title: 'Door', unit: '', window: '1m', series: [{ connectionId: plantA.id, topic: 'a/door', extractor: { kind: 'boolean' }, label: '' }] };
    const mode: ChartSpec = { id: 'mode', title: 'Mode', unit: '', window: '1m', series: [{ connectionId: plantA.id, topic: 'a/status', extractor: { kind: 'json', path: 'mode' }, label: '' }] };
    const charted = await host.backend.dispatch('dashboard.save', { profileId: plantA.id, dashboard: { charts: [pressure, door, mode] } });
    if (!charted.ok) throw new Error(charted.error.message);
    for (const p of [plantA, plantB]) {
      await host.backend.dispatch('sessions.connect', { id: p.id });
      await waitForSession(host.backend, p.id, (v) => v.state === 'connected');
    }
  }));
  feed('a/pressure', 100, (i) => String(1.2 + 0.05 * Math.sin(i / 3)));
  feed('b/temp', 100, (i) => String(25 + Math.sin(i / 4)));
  feed('a/door', 400, (i) => (i % 2 ? 'open' : 'closed'));
  // A state code: idle 0, running 2, fault 1, running 2, idle 0, …
  feed('a/status', 400, (i) => JSON.stringify({ mode: [0, 2, 1, 2][i % 4] }));
});

afterAll(async () => {
  timers.forEach(clearInterval);
  await device?.endAsync();
  await close?.();
});

const card = (page: Page, id: string) => page.locator(`[data-testid=chart-card][data-chart-id="${id}"]`);
const pointsOf = (chart: Locator) => chart.getByTestId('chart-plot').getAttribute('data-points').then(Number);

/** The vertices of an SVG path made of M/L commands (what recharts writes for linear and step curves). */
function vertices(d: string): Array<[number, number]> {
  return [...d.matchAll(/[ML]\s*(-?[\d.]+)[ ,](-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

/** A path's segments as [dx, dy] pairs, in px. */
function segments(d: string): Array<readonly [number, number]> {
  const v = vertices(d);
  return v.slice(1).map(([x, y], i) => [x - (v[i] as [number, number])[0], y - (v[i] as [number, number])[1]] as const);
}

/** Drawn as steps: only horizontal and vertical segments, and more than 3 vertical ones taller than `rise` px (the state really changes). */
function drawnAsSteps(d: string, rise: number): boolean {
  const s = segments(d);
  return s.every(([dx, dy]) => Math.abs(dx) < 0.01 || Math.abs(dy) < 0.01) && s.filter(([dx, dy]) => Math.abs(dx) < 0.01 && Math.abs(dy) > rise).length > 3;
}

/** The vertical extent of a path, in px. */
function height(d: string): number {
  const ys = vertices(d).map(([, y]) => y);
  return Math.max(...ys) - Math.min(...ys);
}

describe('charts an operator reads', () => {
  it('adds a series of another connection to a chart, from the chart', async () => {
    const page = b.page;
    await page.locator('[data-testid=connection-item][data-name="Plant A"]').click();
    await page.getByTestId('tab-dashboard').click();
    const chart = card(page, 'mixed');
    await expect.poll(() => pointsOf(chart), { timeout: 15_000 }).toBeGreaterThan(3);
    // Untitled: the chart is titled by its series.
    expect(await chart.getByTestId('chart-title').getAttribute('placeholder')).toBe('a/pressure');

    await chart.getByTestId('chart-add-series').click();
    const form = chart.getByTestId('add-series');
    await form.getByTestId('add-series-connection').selectOption({ label: 'Plant B' });
    // The topics Plant B received are offered.
    await expect.poll(() => form.locator('datalist option').evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value)), { timeout: 10_000 }).toContain('b/temp');
    await form.getByTestId('add-series-topic').fill('b/temp');
    await form.getByTestId('add-series-submit').click();
    await expect.poll(() => app.backend.profiles.get(plantA.id).dashboard.charts[0]?.series.map((s) => [s.connectionId, s.topic])).toEqual([
      [plantA.id, 'a/pressure'],
      [plantB.id, 'b/temp'],
    ]);
    await expect.poll(() => chart.getByTestId('legend-series').count()).toBe(2);
    expect(await chart.getByTestId('legend-series').nth(1).textContent()).toContain('on Plant B');
    expect(await chart.getByTestId('chart-title').getAttribute('placeholder')).toBe('a/pressure · b/temp');
  });

  it('gives pressure and temperature an axis each, by range and then by unit', async () => {
    const page = b.page;
    const chart = card(page, 'mixed');
    // By range: no units yet, and 1.2 next to 25 would lie flat on one axis.
    await expect.poll(() => chart.locator('.recharts-yAxis').count(), { timeout: 10_000 }).toBe(2);
    await expect.poll(() => chart.locator('[data-testid=series-axis-tag]').evaluateAll((tags) => tags.map((t) => t.getAttribute('data-side')))).toEqual(['left', 'right']);
    const pressurePath = () => chart.locator('.line-v0 path.recharts-line-curve').getAttribute('d');
    const plotHeight = 220;
    await expect.poll(async () => height((await pressurePath()) ?? ''), { timeout: 10_000 }).toBeGreaterThan(plotHeight * 0.3);

    // By unit: each series says its own, and each axis says whose it is.
    const legend = chart.getByTestId('legend-series');
    for (const [i, unit] of [[0, 'bar'], [1, '°C']] as const) {
      await legend.nth(i).getByTestId('series-options').click();
      await legend.nth(i).getByTestId('series-unit').fill(unit);
      await legend.nth(i).getByTestId('series-unit').press('Enter');
      await expect.poll(() => app.backend.profiles.get(plantA.id).dashboard.charts[0]?.series[i]?.unit).toBe(unit);
    }
    await expect.poll(() => chart.getByTestId('axis-unit-left').textContent()).toBe('bar');
    await expect.poll(() => chart.getByTestId('axis-unit-right').textContent()).toBe('°C');
    expect(await chart.locator('.recharts-yAxis').count()).toBe(2);
    await expect.poll(() => legend.nth(1).getByTestId('series-last').textContent()).toMatch(/°C$/);

    // The operator's choice wins: both on the left, one axis, the pressure flat again.
    await legend.nth(1).getByTestId('series-axis').selectOption('left');
    await legend.nth(0).getByTestId('series-options').click();
    await legend.nth(0).getByTestId('series-axis').selectOption('left');
    await expect.poll(() => app.backend.profiles.get(plantA.id).dashboard.charts[0]?.series.map((s) => s.axis)).toEqual(['left', 'left']);
    await expect.poll(() => chart.locator('.recharts-yAxis').count()).toBe(1);
    await expect.poll(async () => height((await pressurePath()) ?? ''), { timeout: 10_000 }).toBeLessThan(plotHeight * 0.1);
    await legend.nth(0).getByTestId('series-axis').selectOption('');
    await expect.poll(() => chart.locator('.recharts-yAxis').count()).toBe(2);
  });

  it('lists every series at the hovered time in the tooltip', async () => {
    const page = b.page;
    const chart = card(page, 'mixed');
    const overlay = chart.getByTestId('chart-overlay');
    const box = await overlay.boundingBox();
    const left = Number(await overlay.getAttribute('data-plot-left'));
    const width = Number(await overlay.getAttribute('data-plot-width'));
    if (!box) throw new Error('the plot is not on screen');
    await page.mouse.move(box.x + left + width * 0.9, box.y + 100);
    const tooltip = chart.getByTestId('chart-tooltip');
    await tooltip.waitFor();
    const rows = tooltip.getByTestId('chart-tooltip-row');
    await expect.poll(() => rows.count()).toBe(2);
    const values = (await rows.evaluateAll((r) => r.map((x) => Number(x.getAttribute('data-value'))))) as number[];
    expect(values[0]).toBeGreaterThan(1.1);
    expect(values[0]).toBeLessThan(1.3);
    expect(values[1]).toBeGreaterThan(23.5);
    expect(values[1]).toBeLessThan(26.5);
    expect(await rows.nth(0).textContent()).toContain('bar');
    expect(await rows.nth(1).textContent()).toContain('°C');
    await page.mouse.move(0, 0);
    await expect.poll(() => tooltip.count()).toBe(0);
  });

  it('exports the whole chart as one CSV, a column per series, in local time with the offset', async () => {
    const page = b.page;
    const chart = card(page, 'mixed');
    const [download] = await Promise.all([page.waitForEvent('download'), chart.getByTestId('chart-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const text = readFileSync(await download.path(), 'utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const [header, ...rows] = parseCsv(text.slice(1));
    expect(header).toEqual(['time', 'a/pressure (bar)', 'b/temp (°C)']);
    expect(rows.length).toBeGreaterThan(20);
    const offset = await page.evaluate(() => -new Date().getTimezoneOffset());
    const sign = offset >= 0 ? '+' : '-';
    const zone = `${sign}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')}`;
    let last = 0;
    for (const [time, pressure, temp] of rows as Array<[string, string, string]>) {
      expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/);
      expect(time.slice(-6)).toBe(zone);
      const t = Date.parse(time);
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
      expect(pressure !== '' || temp !== '').toBe(true);
      if (pressure) expect(Math.abs(Number(pressure) - 1.2)).toBeLessThan(0.1);
      if (temp) expect(Math.abs(Number(temp) - 25)).toBeLessThan(1.5);
    }
    expect(rows.filter((r) => r[1]).length).toBeGreaterThan(10);
    expect(rows.filter((r) => r[2]).length).toBeGreaterThan(10);
    expect(Date.now() - last).toBeLessThan(60_000);
  });

  it('draws a door’s boolean as steps, and as a line when the operator says so', async () => {
    const page = b.page;
    const chart = card(page, 'door');
    const path = () => chart.locator('path.recharts-line-curve').first().getAttribute('d');
    // The door opens and shuts the whole height of the plot at once (polled: a loaded machine may not have drawn 4 changes yet).
    await expect.poll(async () => drawnAsSteps((await path()) ?? '', 100), { timeout: 20_000 }).toBe(true);

    await chart.getByTestId('series-options').click();
    await chart.getByTestId('series-draw').selectOption('line');
    await expect.poll(() => app.backend.profiles.get(plantA.id).dashboard.charts[1]?.series[0]?.draw).toBe('line');
    await expect
      .poll(async () => segments((await path()) ?? '').some(([dx, dy]) => Math.abs(dx) > 0.5 && Math.abs(dy) > 100))
      .toBe(true);
  });

  it('draws a state code (a few whole numbers that come back) as steps too, without being told', async () => {
    const chart = card(b.page, 'mode');
    const path = () => chart.locator('path.recharts-line-curve').first().getAttribute('d');
    // Three states over the plot's height: each change is a vertical of a third or more of it.
    await expect.poll(async () => drawnAsSteps((await path()) ?? '', 40), { timeout: 20_000 }).toBe(true);
    await chart.getByTestId('series-options').click();
    expect(await chart.getByTestId('series-draw').locator('option[value=""]').textContent()).toBe('Automatic (steps)');
  });

  it('places a stat panel beside a chart: value in its threshold colour, then "offline for …" when the topic stops', async () => {
    const page = b.page;
    await card(page, 'mixed').getByTestId('chart-add-stat').click();
    await expect.poll(() => app.backend.profiles.get(plantA.id).dashboard.charts.map((c) => c.kind ?? 'line')).toEqual(['line', 'stat', 'line', 'line']);
    const panel = page.locator('[data-testid=chart-card][data-kind=stat]');
    const pressure = panel.locator(`[data-testid=stat-tile][data-key^="${plantA.id}|"]`);
    await expect.poll(() => pressure.getAttribute('data-state'), { timeout: 10_000 }).toBe('live');
    await expect.poll(() => pressure.getByTestId('stat-value').textContent()).toMatch(/^1\.[12]\d* bar$/);
    expect(await pressure.getByTestId('stat-age').textContent()).toMatch(/ago$/);
    const stat = async (id: string) => Number((await pressure.getByTestId(id).textContent())?.replace(/[^\d.]/g, ''));
    // The window's statistics fill in with the chart's view: read once they are there.
    await expect.poll(async () => Math.abs((await stat('stat-mean')) - 1.2)).toBeLessThan(0.05);
    // Over the window the pressure swings 1.2 ± 0.05: the lowest and highest seen, either side of the mean.
    const [min, max] = [await stat('stat-min'), await stat('stat-max')];
    expect(min).toBeGreaterThan(1.14);
    expect(min).toBeLessThan(1.19);
    expect(max).toBeGreaterThan(1.21);
    expect(max).toBeLessThan(1.26);
    expect(await pressure.getAttribute('data-color')).toBe('green');

    await panel.getByTestId('stat-settings-toggle').click();
    await panel.getByTestId('stat-silence').fill('2');
    await panel.getByTestId('stat-add-threshold').click();
    await panel.getByTestId('stat-threshold-value').fill('1');
    await panel.getByTestId('stat-threshold-color').selectOption('red');
    await panel.getByTestId('stat-gauge-min').fill('0');
    await panel.getByTestId('stat-gauge-max').fill('2');
    await panel.getByTestId('stat-settings-save').click();
    await expect.poll(() => app.backend.profiles.get(plantA.id).dashboard.charts[1]?.stat).toMatchObject({ silenceSeconds: 2, thresholds: [{ value: 1, color: 'red' }], gaugeMin: 0, gaugeMax: 2 });
    await expect.poll(() => pressure.getAttribute('data-color')).toBe('red');
    // Green up to 1, red from 1 on a scale of 0 to 2; the value (~1.2) a little past the middle.
    expect(await pressure.getByTestId('gauge-band').evaluateAll((bands) => bands.map((x) => x.getAttribute('data-color')))).toEqual(['green', 'red']);
    const fraction = Number(await pressure.getByTestId('stat-gauge').getAttribute('data-fraction'));
    expect(fraction).toBeGreaterThan(0.55);
    expect(fraction).toBeLessThan(0.65);

    clearInterval(timers[0]);
    await expect.poll(() => pressure.getAttribute('data-state'), { timeout: 10_000 }).toBe('silent');
    expect(await pressure.getByTestId('stat-offline').textContent()).toMatch(/^Offline for \d+ s$/);
    // The other connection's series still arrives.
    expect(await panel.locator(`[data-testid=stat-tile][data-key^="${plantB.id}|"]`).getAttribute('data-state')).toBe('live');
    await page.screenshot({ path: screenshotPath('charts.png') });
  });

  it('says a chart with no sample yet is waiting, draws no empty plot, and draws it from the first sample on', async () => {
    const page = b.page;
    const quiet: ChartSpec = { id: 'quiet', title: 'Quiet', unit: '', window: '1m', series: [{ connectionId: plantA.id, topic: 'a/quiet', extractor: { kind: 'number' }, label: '' }] };
    const saved = await app.backend.dispatch('dashboard.save', { profileId: plantA.id, dashboard: { charts: [...app.backend.profiles.get(plantA.id).dashboard.charts, quiet] } });
    expect(saved.ok).toBe(true);
    const chart = card(page, 'quiet');
    await chart.getByTestId('chart-waiting').waitFor();
    // Below the others: charts out of view are not redrawn.
    await chart.scrollIntoViewIfNeeded();
    // Sized (its pointer overlay is there), and still no axes, grid or line.
    await chart.getByTestId('chart-overlay').waitFor();
    expect(await chart.locator('.recharts-surface').count()).toBe(0);
    await device.publishAsync('a/quiet', '7');
    await expect.poll(() => pointsOf(chart), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => chart.locator('.recharts-surface').count()).toBe(1);
    expect(await chart.getByTestId('chart-waiting').count()).toBe(0);
    expect(await chart.locator('.recharts-yAxis').count()).toBe(1);
  });

  it('logged no errors in the page', () => {
    expect(b.errors).toEqual([]);
  });
});
