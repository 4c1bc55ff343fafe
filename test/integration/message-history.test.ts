/**
 * Message history against a real mosquitto over TLS: each topic keeps its last
 * N messages however busy the others are, the connection's byte cap and the
 * memory budget's share are never passed (the oldest go, counted), the
 * settings are saved with the profile and apply at once; and a topic charted
 * after a restart starts from the raw messages recorded for it, read by the
 * history worker.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Profile } from '../../shared/profiles';
import { seriesKey, type SeriesSpec, type TopicHistory } from '../../shared/telemetry';
import { MESSAGE_SHARE } from '../../electron/core/telemetry/samples';
import { call, createTestBackend, tempDir, waitForSession, type TestBackend } from '../support/backend';
import { until } from '../support/until';
import { useTlsBroker } from '../support/tls-broker';

const MB = 1024 * 1024;
const { pki, url } = useTlsBroker();
let device: MqttClient;

beforeAll(async () => {
  device = await mqtt.connectAsync(url(), { ca: pki().rootOnly.pem, reconnectPeriod: 0 });
});
afterAll(async () => {
  await device?.endAsync();
});

async function connected(t: TestBackend, extra: Record<string, unknown> = {}): Promise<Profile> {
  const settings = { name: 'plant', url: url(), tls: { trust: 'custom', ca: [pki().rootOnly.pem] }, subscriptions: [{ filter: 'plant/#', qos: 1 }], ...extra };
  const profile = await call<Profile>(t, 'profiles.save', { settings });
  await call(t, 'sessions.connect', { id: profile.id });
  await waitForSession(t.backend, profile.id, (v) => v.state === 'connected');
  return profile;
}

/** Publishes `count` messages round-robin over `topics` topics, in parallel batches, and waits until all arrived. */
async function flood(t: TestBackend, profile: Profile, count: number, topics: number, size: number): Promise<void> {
  const store = t.backend.telemetry.store(profile.id);
  const before = store.messages;
  const payload = Buffer.alloc(size, 0x61);
  for (let i = 0; i < count; i += 200) {
    await Promise.all(Array.from({ length: Math.min(200, count - i) }, (_, k) => device.publishAsync(`plant/flood/${(i + k) % topics}`, payload, { qos: 1 })));
  }
  await until(() => (store.messages >= before + count ? true : undefined), `${count} messages`, 30_000);
}

describe('message history from a real broker', () => {
  let t: TestBackend;
  let profile: Profile;

  beforeAll(async () => {
    t = await createTestBackend({ recordHistory: false });
    profile = await connected(t);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('keeps each topic its last N, with time, QoS, retain and size, whatever the other topics do', async () => {
    profile = await call<Profile>(t, 'topics.historySettings', { connectionId: profile.id, messageHistory: { perTopic: 5, maxMB: 16 } });
    expect(t.backend.profiles.get(profile.id).messageHistory).toEqual({ perTopic: 5, maxMB: 16 });
    for (let i = 0; i < 8; i++) await device.publishAsync('plant/line1/temp', JSON.stringify({ temp: i }), { qos: i % 2 === 0 ? 1 : 0 });
    await flood(t, profile, 2000, 50, 100);
    const history = await call<TopicHistory>(t, 'topics.history', { connectionId: profile.id, topic: 'plant/line1/temp' });
    expect(history.perTopic).toBe(5);
    expect(history.messages.map((m) => JSON.parse(m.preview.data) as { temp: number })).toEqual([3, 4, 5, 6, 7].map((temp) => ({ temp })));
    expect(history.messages.map((m) => m.qos)).toEqual([0, 1, 0, 1, 0]);
    expect(history.messages.every((m) => m.retain === false && m.size === 10)).toBe(true);
    const times = history.messages.map((m) => m.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const newest = history.messages.at(-1);
    const full = await call<{ base64: string; complete: boolean }>(t, 'topics.message', { connectionId: profile.id, topic: 'plant/line1/temp', seq: newest?.seq });
    expect(Buffer.from(full.base64, 'base64').toString()).toBe('{"temp":7}');
    const flooded = await call<TopicHistory>(t, 'topics.history', { connectionId: profile.id, topic: 'plant/flood/7' });
    expect(flooded.messages).toHaveLength(5);
  });

  it('never holds more than the connection’s cap: the oldest go first, counted, and the newest of each topic stay', async () => {
    profile = await call<Profile>(t, 'topics.historySettings', { connectionId: profile.id, messageHistory: { perTopic: 1000, maxMB: 1 } });
    await flood(t, profile, 3000, 100, 1000);
    const log = t.backend.telemetry.historyOf(profile.id);
    expect(log?.bytes).toBeLessThanOrEqual(1 * MB);
    expect(log?.evicted).toBeGreaterThan(0);
    const budget = await call<{ messageBytes: number; evictedMessages: number }>(t, 'telemetry.budget', {});
    expect(budget.messageBytes).toBeLessThanOrEqual(1 * MB);
    expect(budget.evictedMessages).toBeGreaterThan(0);
    const last = await call<TopicHistory>(t, 'topics.history', { connectionId: profile.id, topic: 'plant/flood/99' });
    expect(last.messages.length).toBeGreaterThan(0);
    // A smaller N applies at once to what is kept.
    profile = await call<Profile>(t, 'topics.historySettings', { connectionId: profile.id, messageHistory: { perTopic: 2, maxMB: 1 } });
    await device.publishAsync('plant/flood/99', 'newest', { qos: 1 });
    await until(async () => ((await call<TopicHistory>(t, 'topics.history', { connectionId: profile.id, topic: 'plant/flood/99' })).messages.at(-1)?.preview.data === 'newest' ? true : undefined), 'the newest message');
    expect((await call<TopicHistory>(t, 'topics.history', { connectionId: profile.id, topic: 'plant/flood/99' })).messages).toHaveLength(2);
  });

  it('takes at most its share of the memory budget, whatever the cap says', async () => {
    profile = await call<Profile>(t, 'topics.historySettings', { connectionId: profile.id, messageHistory: { perTopic: 1000, maxMB: 64 } });
    await call(t, 'telemetry.budget', { megabytes: 16 });
    const evicted = t.backend.telemetry.budget().evictedMessages ?? 0;
    await flood(t, profile, 12_000, 100, 1000);
    const budget = t.backend.telemetry.budget();
    expect(budget.usedBytes).toBeLessThanOrEqual(16 * MB);
    expect(budget.messageBytes).toBeLessThanOrEqual(16 * MB * MESSAGE_SHARE);
    expect(budget.evictedMessages).toBeGreaterThan(evicted);
    expect((await call<TopicHistory>(t, 'topics.history', { connectionId: profile.id, topic: 'plant/flood/42' })).messages.length).toBeGreaterThan(0);
  });
});

describe('a topic charted after a restart', () => {
  const dataDir = tempDir('seed');

  it('starts from the raw messages recorded for it, read off the message loop', async () => {
    const first = await createTestBackend({ dataDir });
    let profile = await connected(first);
    profile = await call<Profile>(first, 'history.settings', { connectionId: profile.id, recording: { messageFilters: ['plant/#'], maxPayloadBytes: 1024, retentionDays: 30, retentionMB: 100 } });
    for (let i = 1; i <= 6; i++) await device.publishAsync('plant/line2/temp', JSON.stringify({ temp: 10 * i }), { qos: 1 });
    await until(() => (first.backend.telemetry.store(profile.id).get('plant/line2/temp')?.count === 6 ? true : undefined), 'six messages');
    await first.backend.history.recorder?.settle();
    await first.backend.dispose();

    // A new run: nothing of that topic is in memory; its recorded raw messages are all there is.
    const second = await createTestBackend({ dataDir });
    try {
      const spec: SeriesSpec = { connectionId: profile.id, topic: 'plant/line2/temp', extractor: { kind: 'json', path: 'temp' }, label: '' };
      expect(second.backend.telemetry.store(profile.id).get(spec.topic)).toBeNull();
      await call(second, 'dashboard.save', { profileId: profile.id, dashboard: { charts: [{ id: 'c1', title: '', unit: '', window: '1h', series: [spec] }] } });
      const key = seriesKey(spec);
      await until(() => (second.backend.telemetry.view(key, 'all', 100).samples === 6 ? true : undefined), 'the seeded samples');
      expect(second.backend.telemetry.csv(key).trim().split('\n').slice(1).map((line) => Number(line.split(',')[1]))).toEqual([10, 20, 30, 40, 50, 60]);
      // A window watching the series is told to read it again.
      expect(second.backend.telemetry.getSeries(key)?.revision).toBe(1);
    } finally {
      await second.cleanup();
    }
  });
});
