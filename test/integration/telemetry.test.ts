/**
 * Live data through a real mosquitto over TLS: messages become topic updates
 * and samples in the right series, retained messages are marked and can be
 * cleared, and the dashboard publishes.
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Profile } from '../../shared/profiles';
import { seriesKey, type ChartViewData, type SeriesSpec, type TopicUpdate } from '../../shared/telemetry';
import { call, createTestBackend, waitForSession, type TestBackend } from '../support/backend';
import { until } from '../support/until';
import { useTlsBroker } from '../support/tls-broker';

const { pki, url } = useTlsBroker();
let t: TestBackend;
let profile: Profile;

beforeAll(async () => {
  t = await createTestBackend();
  // A retained message is already on the broker before the dashboard subscribes.
  const setup = await mqtt.connectAsync(url(), { ca: pki().rootOnly.pem, reconnectPeriod: 0 });
  await setup.publishAsync('plant/line1/config', '{"setpoint":21}', { qos: 1, retain: true });
  await setup.endAsync();
  profile = await call<Profile>(t, 'profiles.save', {
    settings: { name: 'plant', url: url(), tls: { trust: 'custom', ca: [pki().rootOnly.pem] }, subscriptions: [{ filter: 'plant/#', qos: 1 }] },
  });
});

afterAll(async () => {
  await t?.cleanup();
});

describe('live telemetry from a real broker', () => {
  const temp: SeriesSpec = { connectionId: '', topic: 'plant/line1/dev1', extractor: { kind: 'json', path: 'temp' }, label: 'temperature' };
  const hum: SeriesSpec = { connectionId: '', topic: 'plant/line1/dev1', extractor: { kind: 'json', path: '$.hum' }, label: 'humidity' };
  const other: SeriesSpec = { connectionId: '', topic: 'plant/line2/dev7', extractor: { kind: 'json', path: 'sensors[1].value' }, label: '' };

  it('charts JSON fields of several topics into their own series', async () => {
    for (const s of [temp, hum, other]) s.connectionId = profile.id;
    await call(t, 'dashboard.save', { profileId: profile.id, dashboard: { charts: [{ id: 'c1', title: 'Line 1', unit: '°C', window: '5m', series: [temp, hum, other] }] } });
    await call(t, 'sessions.connect', { id: profile.id });
    await waitForSession(t.backend, profile.id, (v) => v.state === 'connected');
    await new Promise((r) => setTimeout(r, 200));

    const publisher = await mqtt.connectAsync(url(), { ca: pki().rootOnly.pem, reconnectPeriod: 0 });
    for (let i = 0; i < 20; i++) {
      await publisher.publishAsync('plant/line1/dev1', JSON.stringify({ t: i, temp: 20 + i / 10, hum: 40 + i }), { qos: 1 });
      await publisher.publishAsync('plant/line2/dev7', JSON.stringify({ sensors: [{ value: 0 }, { value: i * 2 }] }), { qos: 1 });
    }
    await publisher.publishAsync('plant/line1/dev1', 'not json', { qos: 1 });
    await publisher.endAsync();

    const tempView = await until(async () => {
      const v = await call<ChartViewData>(t, 'telemetry.view', { key: seriesKey(temp), window: '5m', width: 500 });
      return v.samples === 20 ? v : undefined;
    }, 'temperature samples');
    expect(tempView.values[0]).toBeCloseTo(20);
    expect(tempView.values.at(-1)).toBeCloseTo(21.9, 5);
    expect(tempView.errors).toBe(1);
    expect(tempView.lastError).toBe('the payload is not valid JSON');
    // Drawn one pixel wide, the 20 samples share one column however slowly they came: the view keeps its extremes.
    const humView = await call<ChartViewData>(t, 'telemetry.view', { key: seriesKey(hum), window: '5m', width: 1 });
    expect(humView).toMatchObject({ samples: 20, values: [40, 59] });
    const otherView = await call<ChartViewData>(t, 'telemetry.view', { key: seriesKey(other), window: '5m', width: 500 });
    expect(otherView.values.at(-1)).toBe(38);

    const csv = await call<{ fileName: string; text: string }>(t, 'telemetry.csv', { key: seriesKey(hum) });
    expect(csv.fileName).toBe('plant_line1_dev1_hum.csv');
    expect(csv.text.split('\n')[0]).toBe('time,value');
    const rows = csv.text.trim().split('\n').slice(1);
    expect(rows.map((r) => Number(r.split(',')[1]))).toEqual(Array.from({ length: 20 }, (_, i) => 40 + i));
    expect(rows[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z,40$/);
  });

  it('keeps the topic tree: counts, QoS, the retained message marked', async () => {
    const topics = await call<TopicUpdate[]>(t, 'topics.snapshot', { connectionId: profile.id });
    const byTopic = new Map(topics.map((u) => [u.topic, u]));
    expect(byTopic.get('plant/line1/dev1')).toMatchObject({ count: 21, qos: 1, retained: false });
    expect(byTopic.get('plant/line1/config')).toMatchObject({ count: 1, retained: true, preview: { encoding: 'text', data: '{"setpoint":21}' } });
    const payload = await call<{ base64: string; size: number; complete: boolean }>(t, 'topics.payload', { connectionId: profile.id, topic: 'plant/line1/config' });
    expect(Buffer.from(payload.base64, 'base64').toString()).toBe('{"setpoint":21}');
  });

  it('publishes from the dashboard, with MQTT 5 properties ignored on 3.1.1', async () => {
    const watcher = await mqtt.connectAsync(url(), { ca: pki().rootOnly.pem, reconnectPeriod: 0 });
    const got: string[] = [];
    watcher.on('message', (topic, payload) => got.push(`${topic}=${payload.toString()}`));
    await watcher.subscribeAsync('cmd/#', { qos: 1 });
    await call(t, 'sessions.publish', { id: profile.id, topic: 'cmd/line1', payload: 'start', qos: 1, retain: false, properties: { contentType: 'text/plain' } });
    await call(t, 'sessions.publish', { id: profile.id, topic: 'cmd/bin', payload: Buffer.from([1, 2, 3]).toString('base64'), encoding: 'base64', qos: 0, retain: false });
    await until(() => (got.length === 2 ? true : undefined), 'published messages');
    expect(got[0]).toBe('cmd/line1=start');
    await watcher.endAsync();
    const refused = await t.backend.dispatch('sessions.publish', { id: profile.id, topic: 'cmd/#', payload: 'x' });
    expect(refused.ok || refused.error.code).toBe('invalid_payload');
  });

  it('clears retained messages only after a confirmation with the right count', async () => {
    const retained = await call<{ topics: string[] }>(t, 'topics.retained', { connectionId: profile.id, prefix: 'plant' });
    expect(retained.topics).toEqual(['plant/line1/config']);
    // A confirmation for another set (a topic that is not, or no longer, retained) is refused.
    const stale = await t.backend.dispatch('topics.clearRetained', { connectionId: profile.id, prefix: 'plant', topics: ['plant/line1/dev1'] });
    expect(stale.ok || stale.error.code).toBe('retained_changed');
    expect(await call(t, 'topics.clearRetained', { connectionId: profile.id, prefix: 'plant', topics: retained.topics })).toEqual({ cleared: 1 });
    // A new subscriber no longer receives it.
    const fresh = await mqtt.connectAsync(url(), { ca: pki().rootOnly.pem, reconnectPeriod: 0 });
    const got: string[] = [];
    fresh.on('message', (topic) => got.push(topic));
    await fresh.subscribeAsync('plant/line1/config', { qos: 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect(got).toEqual([]);
    await fresh.endAsync();
    await until(async () => ((await call<{ topics: string[] }>(t, 'topics.retained', { connectionId: profile.id, prefix: 'plant' })).topics.length === 0 ? true : undefined), 'retained flag cleared');
  });

  it('reports the memory budget and applies a new one', async () => {
    const stats = await call<{ budgetBytes: number; samples: number }>(t, 'telemetry.budget', {});
    expect(stats.samples).toBeGreaterThanOrEqual(60);
    const smaller = await call<{ budgetBytes: number }>(t, 'telemetry.budget', { megabytes: 32 });
    expect(smaller.budgetBytes).toBeLessThanOrEqual(32 * 1024 * 1024);
  });
});
