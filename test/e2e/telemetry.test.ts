/**
 * Live data in Chromium, through the headless host, against a real mosquitto
 * over TLS: subscriptions edited in the UI fill the topic tree (counts, the
 * retained mark, filter-as-you-type); a JSON field is charted from the
 * payload view and its line moves as values change; the window switches, the
 * series exports as CSV; the publish panel sends a message that arrives in
 * the tree and at a bare subscriber; a retained message is cleared after a
 * confirmation naming the count.
 */
import { readFileSync } from 'node:fs';
import mqtt from 'mqtt';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshotPath } from '../support/browser';
import { useTlsBroker } from '../support/tls-broker';
import { useDashboardOnBroker } from '../support/dashboard-on-broker';

const tls = useTlsBroker();
const { pki, url } = tls;

const connectBare = () => mqtt.connectAsync(url(), { ca: pki().rootOnly.pem, reconnectPeriod: 0 });
const TOPICS = [1, 2, 3, 4, 5].flatMap((line) => Array.from({ length: 10 }, (_, i) => `plant/line${line}/dev${i + 1}/status`));
const CHARTED = 'plant/line3/dev7/status';
const RETAINED = 'plant/line1/config';

function reading(temp: number): string {
  return JSON.stringify({ temp, hum: 40 + (temp % 7), sensors: [{ value: temp / 10 }] });
}

const dash = useDashboardOnBroker(
  tls,
  { name: 'Plant', subscriptions: [{ filter: 'other/#', qos: 0 }] },
  {
    // The retained message is on the broker before the dashboard subscribes, so it arrives marked retained.
    beforeOpen: async (device) => {
      await device.publishAsync(RETAINED, '{"setpoint":21}', { qos: 1, retain: true });
    },
  },
);

const row = (page: Page, topic: string) => page.locator(`[data-testid=topic-row][data-topic="${topic}"]`);
const countOf = async (page: Page, topic: string) => Number(await row(page, topic).getByTestId('topic-count').getAttribute('data-count'));
const chart = (page: Page) => page.getByTestId('chart-card').first();
const linePath = (page: Page) => chart(page).locator('path.recharts-line-curve').first().getAttribute('d');

describe('live topics, charts and publishing', () => {
  it('connects and subscribes to plant/# from the topics view', async () => {
    const page = dash.b.page;
    await page.locator(`[data-testid=connection-item][data-name="Plant"]`).click();
    await page.getByTestId('connect').click();
    await expect.poll(() => page.getByTestId('session-state').textContent(), { timeout: 15_000 }).toBe('connected');

    await page.getByTestId('tab-topics').click();
    const filter = page.getByTestId('subscription-filter');
    expect(await filter.inputValue()).toBe('other/#');
    await filter.fill('plant/#');
    await page.getByTestId('subscription-qos').selectOption('1');
    await page.getByTestId('subscriptions-save').click();
    await page.getByTestId('subscriptions-saved').waitFor();
    expect(dash.app.backend.profiles.get(dash.profile.id).subscriptions).toEqual([{ filter: 'plant/#', qos: 1 }]);
    // The retained message arrives on subscribing, marked.
    await row(page, RETAINED).getByTestId('retained-badge').waitFor({ timeout: 10_000 });
  });

  it('fills the tree with counts, and filters it as you type', async () => {
    const page = dash.b.page;
    for (let round = 0; round < 2; round++) {
      await Promise.all(TOPICS.map((topic, i) => dash.device.publishAsync(topic, reading(20 + i + round), { qos: 1 })));
    }
    await expect.poll(() => countOf(page, 'plant'), { timeout: 10_000 }).toBe(2 * TOPICS.length + 1);
    expect(await countOf(page, 'plant/line3')).toBe(20);
    expect(await page.getByTestId('tree-summary').textContent()).toMatch(/^51 topics · 101 messages/);

    await page.getByTestId('topic-filter').fill('dev7/st');
    await expect.poll(() => page.getByTestId('topic-row').count()).toBe(1 + 5 * 3);
    const shown = await page.getByTestId('topic-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-topic') ?? ''));
    const leaves = shown.filter((t) => t.endsWith('/status'));
    expect(leaves).toHaveLength(5);
    expect(leaves.every((t) => t.includes('dev7'))).toBe(true);
    expect(shown).toContain('plant');
    await page.getByTestId('topic-filter').fill('');
    await row(page, RETAINED).waitFor();
  });

  it('moves through the tree with the keyboard', async () => {
    const page = dash.b.page;
    await row(page, 'plant').click();
    await page.getByTestId('topic-tree').focus();
    const selected = () => page.getByTestId('payload-panel').getAttribute('data-topic');
    await page.keyboard.press('ArrowDown');
    expect(await selected()).toBe('plant/line1');
    expect(await row(page, 'plant/line1').getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.press('ArrowLeft');
    expect(await row(page, 'plant/line1').getAttribute('aria-expanded')).toBe('false');
    expect(await row(page, RETAINED).count()).toBe(0);
    await page.keyboard.press('ArrowLeft');
    expect(await selected()).toBe('plant');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    expect(await row(page, 'plant/line1').getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.press('ArrowRight');
    expect(await selected()).toBe(RETAINED);
  });

  it('charts a JSON field picked in the payload view', async () => {
    const page = dash.b.page;
    await page.getByTestId('topic-filter').fill(CHARTED);
    await row(page, CHARTED).click();
    const panel = page.getByTestId('payload-panel');
    await panel.getByTestId('payload-json').waitFor();
    expect(await panel.getByTestId('payload-facts').textContent()).toContain('QoS1');
    await panel.locator('[data-testid=json-field][data-path=temp]').click();
    expect(await panel.getByTestId('chart-path').inputValue()).toBe('temp');
    await panel.getByTestId('chart-field').click();
    await panel.getByTestId('chart-added').waitFor();
    await expect.poll(() => dash.app.backend.profiles.get(dash.profile.id).dashboard.charts.length).toBe(1);
    const series = dash.app.backend.profiles.get(dash.profile.id).dashboard.charts[0]?.series[0];
    expect(series).toMatchObject({ connectionId: dash.profile.id, topic: CHARTED, extractor: { kind: 'json', path: 'temp' } });

    await page.getByTestId('tab-dashboard').click();
    // The topic's two kept messages are on the chart at once, before any new one arrives.
    await expect.poll(() => chart(page).getByTestId('chart-plot').getAttribute('data-points').then(Number), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    expect(await chart(page).getByTestId('chart-waiting').count()).toBe(0);

    // The memory budget is on screen and can be changed.
    const budget = page.getByTestId('budget-status');
    await expect.poll(() => budget.textContent()).toMatch(/of 256\.0 MB budget/);
    await budget.getByTestId('budget-change').click();
    await budget.getByTestId('budget-input').fill('64');
    await budget.getByTestId('budget-apply').click();
    await expect.poll(() => budget.textContent()).toMatch(/of 64\.0 MB budget/);
    expect(dash.app.backend.telemetry.budget().budgetBytes).toBe(64 * 1024 * 1024);
  });

  it('draws the values as they change', async () => {
    const page = dash.b.page;
    let temp = 10;
    const timer = setInterval(() => void dash.device.publishAsync(CHARTED, reading((temp = temp === 10 ? 30 : temp - 1))).catch(() => undefined), 100);
    try {
      await expect.poll(() => chart(page).getByTestId('chart-plot').getAttribute('data-points').then(Number), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
      expect(await chart(page).getByTestId('chart-waiting').count()).toBe(0);
      const first = await linePath(page);
      const lastValue = await chart(page).getByTestId('series-last').textContent();
      await expect.poll(() => linePath(page), { timeout: 10_000 }).not.toBe(first);
      await expect.poll(() => chart(page).getByTestId('series-last').textContent(), { timeout: 10_000 }).not.toBe(lastValue);
      expect(first).toMatch(/^M[\d.]+,[\d.]+L/);

      // A shorter window and back: the views are read again and the line is still drawn.
      await chart(page).getByTestId('chart-window').selectOption('1m');
      await expect.poll(() => chart(page).getAttribute('data-window')).toBe('1m');
      await expect.poll(() => dash.app.backend.profiles.get(dash.profile.id).dashboard.charts[0]?.window).toBe('1m');
      await expect.poll(() => chart(page).getByTestId('chart-plot').getAttribute('data-points').then(Number)).toBeGreaterThanOrEqual(3);
      await chart(page).getByTestId('chart-window').selectOption('5m');
      await expect.poll(() => chart(page).getAttribute('data-window')).toBe('5m');
      await expect.poll(() => chart(page).getByTestId('chart-plot').getAttribute('data-points').then(Number)).toBeGreaterThanOrEqual(3);

      // Pausing freezes the drawing while data keeps arriving.
      await chart(page).getByTestId('chart-pause').click();
      const frozen = await linePath(page);
      await page.waitForTimeout(600);
      expect(await linePath(page)).toBe(frozen);
      await chart(page).getByTestId('chart-pause').click();
      await expect.poll(() => linePath(page), { timeout: 5_000 }).not.toBe(frozen);

      // Title, unit and window are saved with the dashboard; "all" spans the samples kept.
      await chart(page).getByTestId('chart-title').fill('Line 3 / device 7 temperature');
      await chart(page).getByTestId('chart-unit').fill('°C');
      await chart(page).getByTestId('chart-unit').press('Enter');
      await chart(page).getByTestId('chart-window').selectOption('all');
      await expect.poll(() => dash.app.backend.profiles.get(dash.profile.id).dashboard.charts[0]).toMatchObject({ title: 'Line 3 / device 7 temperature', unit: '°C', window: 'all' });
      await expect.poll(() => chart(page).getByTestId('series-last').textContent()).toMatch(/°C$/);
      await page.waitForTimeout(1000);
    } finally {
      clearInterval(timer);
    }
    await page.screenshot({ path: screenshotPath('telemetry-dashboard.png') });
  });

  it('exports a series as CSV', async () => {
    const page = dash.b.page;
    const [download] = await Promise.all([page.waitForEvent('download'), chart(page).getByTestId('series-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const text = readFileSync(await download.path(), 'utf8');
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('time,value');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z,-?[\d.]+$/);
  });

  it('publishes from the publish panel: the message reaches a subscriber and the tree', async () => {
    const page = dash.b.page;
    const topic = 'plant/line5/dev10/status';
    await page.getByTestId('tab-topics').click();
    await page.getByTestId('topic-filter').fill('');
    const before = await countOf(page, 'plant');
    const listener = await connectBare();
    await listener.subscribeAsync(topic, { qos: 1 });
    const received = new Promise<string>((resolve) => listener.on('message', (_t, payload) => resolve(payload.toString('utf8'))));
    try {
      await page.getByTestId('tab-publish').click();
      await page.getByTestId('publish-topic').fill(topic);
      await page.getByTestId('publish-payload').fill('{"temp":99.5,"from":"dashboard"}');
      await page.getByTestId('publish-qos').selectOption('1');
      await page.getByTestId('publish-send').click();
      await page.getByTestId('publish-sent').waitFor();
      expect(await received).toBe('{"temp":99.5,"from":"dashboard"}');
    } finally {
      await listener.endAsync();
    }
    await page.getByTestId('tab-topics').click();
    await expect.poll(() => countOf(page, 'plant')).toBe(before + 1);
  });

  it('clears the retained message after confirming the count', async () => {
    const page = dash.b.page;
    await row(page, RETAINED).click();
    await page.getByTestId('clear-retained').click();
    const confirm = page.getByTestId('clear-retained-confirm');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain(`This deletes 1 retained message under ${RETAINED}`);
    await page.getByTestId('confirm-clear-retained').click();
    expect(await page.getByTestId('retained-cleared').textContent()).toContain('Cleared 1 retained message');
    await expect.poll(() => row(page, RETAINED).getByTestId('retained-badge').count()).toBe(0);
    expect(dash.app.backend.telemetry.store(dash.profile.id).retainedUnder('plant')).toEqual([]);
  });

  it('logged no errors in the page', () => {
    expect(dash.b.errors).toEqual([]);
  });
});
