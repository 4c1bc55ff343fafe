/**
 * Decoders in Chromium, through the headless host, against a real mosquitto:
 * the operator imports a .proto in the connection form (a broken one is
 * refused naming the line), points a rule at it, sees Protobuf payloads
 * decoded with the raw hex one click away and a payload that did not decode
 * counted with the reason, and charts a nested field picked in the decoded
 * view; kept messages of a decoded topic open and compare as decoded
 * documents. A Sparkplug B device whose DATA arrived before any birth is shown as
 * such; the rebirth button sends NCMD Node Control/Rebirth, which a
 * subscriber receives; after the births the Sparkplug view lists group, edge
 * node, device and metrics.
 */
import mqtt from 'mqtt';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { acmeTelemetry, ACME_PROTO as ACME } from '../fixtures/acme-proto';
import { decodeFixture, EdgeNodeFixture } from '../fixtures/sparkplug';
import { screenshotPath } from '../support/browser';
import { useTlsBroker } from '../support/tls-broker';
import { useDashboardOnBroker } from '../support/dashboard-on-broker';

const tls = useTlsBroker();
const { pki, url } = tls;

const TOPIC = 'factory/line1/telemetry';
const Telemetry = acmeTelemetry();
const reading = (temp: number) => Buffer.from(Telemetry.encode(Telemetry.fromObject({ device: 'press-7', at: { seconds: 1_700_000_000 }, reading: { temp, status: temp > 25 ? 1 : 0 } })).finish());
const node = new EdgeNodeFixture('Plant1', 'Edge1', 'Press7', ['Temperature', 'Pressure']);

const row = (page: Page, topic: string) => page.locator(`[data-testid=topic-row][data-topic="${topic}"]`);
const chart = (page: Page) => page.getByTestId('chart-card').first();

const dash = useDashboardOnBroker(tls, { name: 'Factory', subscriptions: [{ filter: 'factory/#', qos: 1 }, { filter: 'spBv1.0/#', qos: 1 }] });

describe('payload decoders in the window', () => {
  it('imports a .proto in the connection form, refusing a broken one with its line, and saves a rule naming its message', async () => {
    const page = dash.b.page;
    await page.locator('[data-testid=connection-item][data-name="Factory"]').click();
    await page.getByTestId('edit').click();
    const fieldset = page.getByTestId('decoders-fieldset');
    // Sparkplug B is decoded by default, and said so.
    expect(await fieldset.getByTestId('decoder-filter').first().inputValue()).toBe('spBv1.0/#');

    await fieldset.getByTestId('proto-import').setInputFiles({ name: 'acme.proto', mimeType: 'text/plain', buffer: Buffer.from(ACME.replace('double temp = 1;', 'double temp = 1')) });
    await expect.poll(() => fieldset.getByTestId('decoders-error').textContent()).toContain("acme.proto, line 13: illegal token 'Status', ';' expected.");
    expect(await fieldset.getByTestId('proto-file').count()).toBe(0);

    await fieldset.getByTestId('proto-import').setInputFiles({ name: 'acme.proto', mimeType: 'text/plain', buffer: Buffer.from(ACME) });
    await expect.poll(() => fieldset.getByTestId('proto-messages').textContent()).toBe('Messages: acme.Reading, acme.Telemetry');
    expect(await fieldset.getByTestId('decoders-error').count()).toBe(0);
    // The import added a Protobuf rule with the file's first message: the operator points it at the topics and the right message.
    const rule = fieldset.getByTestId('decoder-rule').nth(1);
    expect(await rule.getByTestId('decoder-kind').inputValue()).toBe('protobuf');
    await rule.getByTestId('decoder-filter').fill('factory/+/telemetry');
    await rule.getByTestId('decoder-message').fill('acme.Telemetry');
    await page.getByTestId('save-connect').click();
    const view = page.locator('[data-testid=connection-view][data-name="Factory"]');
    await expect.poll(() => view.getByTestId('session-state').textContent(), { timeout: 15_000 }).toBe('connected');
    expect(dash.app.backend.profiles.get(dash.profile.id).decoders).toEqual({
      rules: [
        { filter: 'spBv1.0/#', decoder: 'sparkplug', message: '' },
        { filter: 'factory/+/telemetry', decoder: 'protobuf', message: 'acme.Telemetry' },
      ],
      protos: [{ name: 'acme.proto', text: ACME }],
    });
  });

  it('shows a Protobuf payload decoded, the raw hex one click away, and a payload that did not decode with the reason', async () => {
    const page = dash.b.page;
    await dash.device.publishAsync(TOPIC, reading(21.5), { qos: 1 });
    await dash.device.publishAsync('factory/line2/telemetry', Buffer.from([0x1a, 0x09, 0x09, 1, 2]), { qos: 1 });
    await page.getByTestId('tab-topics').click();
    await row(page, TOPIC).click();
    const panel = page.getByTestId('payload-panel');
    await panel.locator('[data-testid=json-field][data-path="reading.temp"]').waitFor();
    expect(await panel.getByTestId('view-decoded').getAttribute('aria-pressed')).toBe('true');
    expect(await panel.getByTestId('payload-json').textContent()).toContain('"2023-11-14T22:13:20.000Z"');
    await page.screenshot({ path: screenshotPath('decoders-protobuf.png') });
    await panel.getByTestId('view-hex').click();
    expect(await panel.getByTestId('payload-hex').textContent()).toMatch(/^00000000 {2}0a 07 70 72 65 73 73 2d/);
    await panel.getByTestId('view-decoded').click();

    await row(page, 'factory/line2/telemetry').click();
    await expect.poll(() => page.getByTestId('decode-failures').textContent()).toMatch(/^1 payload of this topic did not decode as Protobuf\. Not Protobuf: it is not a acme\.Telemetry message: .+/);
    expect(await page.getByTestId('payload-panel').getByTestId('view-hex').getAttribute('aria-pressed')).toBe('true');
  });

  it('opens and compares kept messages of a decoded topic as decoded documents, not bytes', async () => {
    const page = dash.b.page;
    await dash.device.publishAsync(TOPIC, reading(23.5), { qos: 1 });
    await row(page, TOPIC).click();
    const history = page.getByTestId('topic-history');
    await expect.poll(() => history.getByTestId('history-row').count()).toBe(2);
    await history.getByTestId('history-pick').nth(0).check();
    await history.getByTestId('history-pick').nth(1).check();
    const compare = page.getByTestId('history-compare');
    await compare.getByTestId('diff-json').waitFor();
    expect(await compare.getByTestId('diff-change').evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-kind')} ${r.getAttribute('data-path')}`))).toEqual(['changed reading.temp']);

    await page.getByTestId('show-messages').click();
    const list = page.getByTestId('message-list');
    await list.locator(`[data-testid=message-row][data-topic="${TOPIC}"]`).first().click();
    await expect.poll(() => list.getByTestId('message-payload').textContent()).toContain('"temp": 23.5');
    await list.locator('[data-testid=message-row][data-topic="factory/line2/telemetry"]').first().click();
    await expect.poll(() => list.getByTestId('message-decode-error').textContent()).toMatch(/^Not Protobuf: it is not a acme\.Telemetry message: /);
    await page.getByTestId('show-tree').click();
  });

  it('charts a nested field picked in the decoded view', async () => {
    const page = dash.b.page;
    await row(page, TOPIC).click();
    const panel = page.getByTestId('payload-panel');
    await panel.locator('[data-testid=json-field][data-path="reading.temp"]').click();
    expect(await panel.getByTestId('chart-path').inputValue()).toBe('reading.temp');
    await panel.getByTestId('chart-field').click();
    await panel.getByTestId('chart-added').waitFor();
    expect(dash.app.backend.profiles.get(dash.profile.id).dashboard.charts[0]?.series[0]).toMatchObject({ topic: TOPIC, extractor: { kind: 'json', path: 'reading.temp' } });

    await page.getByTestId('tab-dashboard').click();
    let temp = 20;
    const timer = setInterval(() => void dash.device.publishAsync(TOPIC, reading((temp = temp >= 30 ? 20 : temp + 1))).catch(() => undefined), 100);
    try {
      await expect.poll(() => chart(page).getByTestId('chart-plot').getAttribute('data-points').then(Number), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
      await expect.poll(() => chart(page).getByTestId('series-last').textContent(), { timeout: 10_000 }).toMatch(/\d/);
    } finally {
      clearInterval(timer);
    }
  });

  it('shows Sparkplug DATA before any birth as such, and the rebirth button reaches the edge node; the births then fill the Sparkplug view', async () => {
    const page = dash.b.page;
    const edge = await mqtt.connectAsync(url(), { ca: pki().rootOnly.pem, reconnectPeriod: 0 });
    try {
      const commands: Buffer[] = [];
      await edge.subscribeAsync(node.topic('NCMD'), { qos: 1 });
      edge.on('message', (topic, payload) => {
        if (topic !== node.topic('NCMD')) return;
        commands.push(payload);
        for (const m of [node.nbirth(), node.dbirth([20, 1.2]), node.ddata([22.5, 1.3])]) void edge.publishAsync(m.topic, m.payload, { qos: 1 });
      });
      const early = node.ddata([21, 1.1]);
      await edge.publishAsync(early.topic, early.payload, { qos: 1 });

      await page.getByTestId('tab-topics').click();
      await page.getByTestId('topic-filter').fill('DDATA');
      await row(page, node.topic('DDATA', true)).click();
      const facts = page.getByTestId('sparkplug-facts');
      await expect.poll(() => facts.getAttribute('data-born')).toBe('false');
      expect(await page.getByTestId('sparkplug-unborn').textContent()).toContain('2 metrics carry only an alias no birth named');
      await facts.getByTestId('rebirth').click();
      await expect.poll(() => page.getByTestId('rebirth-sent').textContent()).toBe('Sent to spBv1.0/Plant1/NCMD/Edge1.');
      await expect.poll(() => commands.length, { timeout: 10_000 }).toBeGreaterThan(0);
      expect(decodeFixture(commands[0] as Buffer).metrics[0]).toMatchObject({ name: 'Node Control/Rebirth', boolean_value: true });
      await expect.poll(() => facts.getAttribute('data-born'), { timeout: 10_000 }).toBe('true');

      await page.getByTestId('topic-filter').fill('');
      await page.getByTestId('view-sparkplug').click();
      const tree = page.getByTestId('sparkplug-view');
      await tree.locator('[data-testid=sp-device][data-name="Press7"]').click();
      await tree.locator('[data-testid=sp-device][data-name="Press7"] .tree-toggle').click();
      const metric = tree.locator('[data-testid=sp-metric][data-name="Temperature"]');
      await expect.poll(() => metric.getByTestId('sp-value').textContent(), { timeout: 10_000 }).toBe('22.5');
      expect(await tree.locator('[data-testid=sp-node][data-name="Edge1"]').getByTestId('sp-state').textContent()).toBe('online');
      await metric.click();
      expect(await tree.getByTestId('sp-details').textContent()).toContain('metrics["Temperature"]');
      await page.screenshot({ path: screenshotPath('decoders-sparkplug.png') });
    } finally {
      await edge.endAsync();
    }
  });

  it('logged no errors in the page', () => {
    expect(dash.b.errors).toEqual([]);
  });
});
