/**
 * Message history in Chromium, through the headless host, against a real
 * mosquitto over TLS: counts worded "1 message"/"2 messages" and the filtered
 * tree's count; a row that just took a message flashes and a quiet one does
 * not; the kept messages of a topic with time, QoS, retain and size, and the
 * diff of two of them; the connection's message list narrowed by topic filter
 * and text, paused and resumed; a newly charted field that starts from the
 * values already kept; "Clear retained…" only where a retained message is, and
 * "Load full payload" only when the preview was cut.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { until } from '../support/until';
import { useTlsBroker } from '../support/tls-broker';
import { useDashboardOnBroker } from '../support/dashboard-on-broker';

const tls = useTlsBroker();

const RETAINED = 'plant/line1/config';
const TEMP = 'plant/line1/temp';
const QUIET = 'fleet/tracker1/battery';

const row = (page: Page, topic: string) => page.locator(`[data-testid=topic-row][data-topic="${topic}"]`);
const countOf = async (page: Page, topic: string) => Number(await row(page, topic).getByTestId('topic-count').getAttribute('data-count'));
const publish = (topic: string, payload: string) => dash.device.publishAsync(topic, payload, { qos: 1 });

const dash = useDashboardOnBroker(
  tls,
  { name: 'Plant', subscriptions: [{ filter: '#', qos: 1 }] },
  {
    // On the broker before the dashboard subscribes: it arrives marked retained.
    beforeOpen: async (device) => {
      await device.publishAsync(RETAINED, '{"setpoint":21}', { qos: 1, retain: true });
    },
    prepare: async (host, profile) => {
      const connected = await host.backend.dispatch('sessions.connect', { id: profile.id });
      if (!connected.ok) throw new Error(connected.error.message);
    },
  },
);

beforeAll(async () => {
  await until(() => (dash.app.backend.sessions.get(dash.profile.id).view().state === 'connected' ? true : undefined), 'the connection', 15_000);
});

describe('message history in the window', () => {
  it('says "1 message", then counts what the filter keeps', async () => {
    const page = dash.b.page;
    await page.locator(`[data-testid=connection-item][data-name="Plant"]`).click();
    await page.getByTestId('tab-topics').click();
    await row(page, RETAINED).waitFor({ timeout: 10_000 });
    await expect.poll(() => page.getByTestId('tree-summary').textContent()).toMatch(/^1 topic · 1 message( ·|$)/);
    await publish(QUIET, '87');
    await publish(TEMP, '{"temp":20.5,"mode":"auto"}');
    await publish(TEMP, '{"temp":21,"mode":"auto"}');
    await expect.poll(() => page.getByTestId('tree-summary').textContent()).toMatch(/^3 topics · 4 messages/);
    await page.getByTestId('topic-filter').fill('line1');
    await expect.poll(() => page.getByTestId('tree-summary').textContent()).toBe('2 of 3 topics match · 3 messages');
    await page.getByTestId('topic-filter').fill('');
  });

  it('flashes the rows of a topic that just took a message, and not those of a quiet one', async () => {
    const page = dash.b.page;
    await page.waitForTimeout(1000);
    await publish(TEMP, '{"temp":21.5,"mode":"auto"}');
    await expect.poll(() => countOf(page, TEMP)).toBe(3);
    // The topic and the levels above it flash; the quiet topic's row has no flash.
    expect(await row(page, TEMP).getByTestId('topic-flash').count()).toBe(1);
    expect(await row(page, 'plant').getByTestId('topic-flash').count()).toBe(1);
    expect(await row(page, QUIET).getByTestId('topic-flash').count()).toBe(0);
    const animation = await row(page, TEMP).getByTestId('topic-flash').evaluate((el) => getComputedStyle(el).animationName);
    expect(animation).toBe('tree-flash');
  });

  it('offers "Clear retained…" only where a retained message is', async () => {
    const page = dash.b.page;
    await row(page, TEMP).click();
    await page.getByTestId('payload-panel').waitFor();
    expect(await page.getByTestId('clear-retained').count()).toBe(0);
    await row(page, QUIET).click();
    await expect.poll(() => page.getByTestId('payload-panel').getAttribute('data-topic')).toBe(QUIET);
    expect(await page.getByTestId('clear-retained').count()).toBe(0);
    await row(page, RETAINED).click();
    await page.getByTestId('clear-retained').waitFor();
    // A level with a retained topic below it offers it too.
    await row(page, 'plant').click();
    await page.getByTestId('clear-retained').waitFor();
  });

  it('offers "Load full payload" only when the preview was cut', async () => {
    const page = dash.b.page;
    await row(page, TEMP).click();
    await page.getByTestId('payload-text').or(page.getByTestId('payload-json')).first().waitFor();
    expect(await page.getByTestId('load-full').count()).toBe(0);
    const big = 'plant/line1/dump';
    await publish(big, 'x'.repeat(5000));
    await row(page, big).click();
    await page.getByTestId('load-full').click();
    await expect.poll(() => page.getByTestId('load-full').count()).toBe(0);
    expect((await page.getByTestId('payload-text').textContent())?.length).toBe(5000);
  });

  it('lists the kept messages of a topic with time, QoS, retain and size, and compares two', async () => {
    const page = dash.b.page;
    await publish(TEMP, '{"temp":23,"mode":"manual","alarm":true}');
    await row(page, TEMP).click();
    const history = page.getByTestId('topic-history');
    await expect.poll(() => history.getByTestId('history-row').count()).toBe(4);
    const newest = history.getByTestId('history-row').first();
    expect(await newest.textContent()).toMatch(/^\d\d:\d\d:\d\d\.\d{3}1 *\d+ B\{"temp":23,"mode":"manual","alarm":true\}$/);
    expect(await history.textContent()).toContain('4 messages kept (the last 20)');
    await history.getByTestId('history-pick').nth(0).check();
    await history.getByTestId('history-pick').nth(1).check();
    const compare = page.getByTestId('history-compare');
    await compare.getByTestId('diff-json').waitFor();
    const changes = await compare.getByTestId('diff-change').evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-kind')} ${r.getAttribute('data-path')}`));
    expect(changes).toEqual(['changed temp', 'changed mode', 'added alarm']);
    expect(await compare.textContent()).toContain('21.5');
  });

  it('lists the connection’s messages, narrowed by topic filter and text, and pauses', async () => {
    const page = dash.b.page;
    await page.getByTestId('show-messages').click();
    const list = page.getByTestId('message-list');
    const rows = list.getByTestId('message-row');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(7);
    await list.getByTestId('message-topic-filter').fill('plant/+/temp');
    await expect.poll(async () => new Set(await rows.evaluateAll((r) => r.map((e) => e.getAttribute('data-topic')))).size === 1 && (await rows.count()) === 4).toBe(true);
    await list.getByTestId('message-text-filter').fill('MANUAL');
    await expect.poll(() => rows.count()).toBe(1);
    await list.getByTestId('message-text-filter').fill('');
    await expect.poll(() => rows.count()).toBe(4);
    await publish(TEMP, '{"temp":24,"mode":"manual"}');
    await publish(QUIET, '86');
    await expect.poll(() => rows.first().textContent()).toContain('"temp":24');
    expect(await rows.count()).toBe(5);

    await list.getByTestId('message-pause').click();
    // The window draws the change on its next frame.
    await expect.poll(() => list.getByTestId('message-status').textContent()).toMatch(/^Paused/);
    await publish(TEMP, '{"temp":25,"mode":"manual"}');
    await expect.poll(() => dash.app.backend.telemetry.store(dash.profile.id).get(TEMP)?.count).toBe(6);
    await page.waitForTimeout(500);
    expect(await rows.count()).toBe(5);
    await list.getByTestId('message-pause').click();
    await expect.poll(() => rows.first().textContent()).toContain('"temp":25');
    expect(await rows.count()).toBe(6);
    await rows.first().click();
    expect(await list.getByTestId('message-detail').textContent()).toContain('QoS 1');
    await page.getByTestId('show-tree').click();
  });

  it('starts a newly charted field from the values already kept', async () => {
    const page = dash.b.page;
    await row(page, TEMP).click();
    const panel = page.getByTestId('payload-panel');
    await panel.locator('[data-testid=json-field][data-path=temp]').click();
    await panel.getByTestId('chart-field').click();
    await panel.getByTestId('chart-added').waitFor();
    await page.getByTestId('tab-dashboard').click();
    const chart = page.getByTestId('chart-card').first();
    // No new message: the line is drawn from the six kept ones at once.
    await expect.poll(() => chart.getByTestId('chart-plot').getAttribute('data-points').then(Number), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    expect(await chart.getByTestId('chart-waiting').count()).toBe(0);
    expect(await chart.getByTestId('series-last').textContent()).toContain('25');
    expect(dash.app.backend.telemetry.view(`${dash.profile.id}|json:temp|${TEMP}`, 'all', 100).samples).toBe(6);
  });

  it('logged no errors in the page', () => {
    expect(dash.b.errors).toEqual([]);
  });
});
