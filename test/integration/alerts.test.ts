/**
 * Alerts against real parts: a real mosquitto over TLS, the real backend with
 * its history database. Rules saved through `alerts.rules` fire and clear on
 * what the broker delivers (a value crossing a threshold, a device going
 * silent and speaking again, the broker stopped and started), each change
 * reaching the injected notifier, the `alerts.changed` event and the alert
 * list; the records and states survive a restart of the backend.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import type { AlertChange, AlertHistory, AlertList, AlertRuleInput, AlertView } from '../../shared/alerts';
import type { Profile } from '../../shared/profiles';
import { seriesKey, type ChartViewData } from '../../shared/telemetry';
import { ruleKey, type AlertNotice } from '../../electron/core/alerts/engine';
import { HISTORY_FILE } from '../../electron/core/history/recorder';
import { call, createTestBackend, tempDir, waitForSession, type TestBackend } from '../support/backend';
import { until } from '../support/until';
import { useTlsBroker } from '../support/tls-broker';

const { pki, broker, url } = useTlsBroker();

/** A backend whose notifications and pushed alert changes are kept for the test to read. */
async function alertingBackend(dataDir: string) {
  const notices: AlertNotice[] = [];
  const t = await createTestBackend({ dataDir, notify: (n) => notices.push(n) });
  const changes: AlertChange[] = [];
  t.backend.events.attach((name, payload) => {
    if (name === 'alerts.changed') changes.push(payload as AlertChange);
  });
  return { t, notices, changes };
}

const noticeOf = (notices: AlertNotice[], key: string, change: 'fired' | 'cleared') => () => notices.find((n) => n.key === key && n.change === change);

describe('alerts on a real broker', () => {
  const dataDir = tempDir('alerts');
  let first: Awaited<ReturnType<typeof alertingBackend>>;
  let plant: Profile;
  let publisher: mqtt.MqttClient;
  const boiler = { topic: 'plant/boiler', extractor: { kind: 'json' as const, path: 'temp' } };

  afterAll(async () => {
    await publisher?.endAsync();
    await first?.t.backend.dispose().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('fires when a value crosses its threshold and when a device goes silent, and clears when it speaks again', async () => {
    first = await alertingBackend(dataDir);
    const { t, notices, changes } = first;
    plant = await call<Profile>(t, 'profiles.save', { settings: { name: 'Plant', url: url(), tls: { trust: 'custom', ca: [pki().rootOnly.pem] }, subscriptions: [{ filter: 'plant/#', qos: 1 }] } });
    const rules: AlertRuleInput[] = [
      { id: 'hot', name: 'Boiler too hot', kind: 'threshold', series: { connectionId: plant.id, ...boiler }, direction: 'above', value: 80, clearAt: 75 },
      { id: 'dev7', kind: 'silence', filter: 'plant/dev7/#', seconds: 1 },
      { id: 'down', kind: 'down', seconds: 1 },
    ];
    plant = await call<Profile>(t, 'alerts.rules', { connectionId: plant.id, rules });
    expect(plant.alerts.map((r) => r.id)).toEqual(['hot', 'dev7', 'down']);
    await call(t, 'sessions.connect', { id: plant.id });
    await waitForSession(t.backend, plant.id, (v) => v.state === 'connected');
    publisher = await mqtt.connectAsync(url(), { ca: pki().rootOnly.pem, reconnectPeriod: 0 });

    // The device speaks, then nothing: 1 s later (on the engine's timer) it is offline.
    await publisher.publishAsync('plant/dev7/temp', '21', { qos: 1 });
    const silent = await until(noticeOf(notices, ruleKey(plant.id, 'dev7'), 'fired'), 'the silence alert', 15_000);
    expect(silent).toMatchObject({ title: 'Plant: Nothing on plant/dev7/# for 1 s' });
    expect(silent.body).toMatch(/^Last message on plant\/dev7\/temp, \d+ s ago$/);
    await publisher.publishAsync('plant/dev7/temp', '22', { qos: 1 });
    expect(await until(noticeOf(notices, ruleKey(plant.id, 'dev7'), 'cleared'), 'the device back')).toMatchObject({ body: expect.stringMatching(/^plant\/dev7\/temp spoke again after \d+ s of silence$/) });
    // Silent again: it fires again. Then the operator turns the rule off (closed quietly), so nothing else depends on timing.
    const dev7Fired = () => notices.filter((n) => n.key === ruleKey(plant.id, 'dev7') && n.change === 'fired');
    await until(() => (dev7Fired().length === 2 ? true : undefined), 'the device silent again', 15_000);
    plant = await call<Profile>(t, 'alerts.rules', { connectionId: plant.id, rules: rules.map((r) => (r.id === 'dev7' ? { ...r, enabled: false } : r)) });
    expect(plant.alerts.find((r) => r.id === 'dev7')?.enabled).toBe(false);

    for (const temp of [70, 79, 91.5, 78]) await publisher.publishAsync('plant/boiler', JSON.stringify({ temp }), { qos: 1 });
    const hot = await until(noticeOf(notices, ruleKey(plant.id, 'hot'), 'fired'), 'the threshold alert');
    expect(hot).toEqual({ title: 'Plant: Boiler too hot', body: '91.5: above 80', key: ruleKey(plant.id, 'hot'), change: 'fired' });
    // 78 is above the clear-again value: still firing.
    const key = seriesKey({ connectionId: plant.id, ...boiler });
    await until(async () => ((await call<ChartViewData>(t, 'telemetry.view', { key, window: '5m', width: 100 })).samples === 4 ? true : undefined), 'the four samples');
    const listed = await call<AlertList>(t, 'alerts.list', {});
    expect(listed.recorded).toBe(true);
    expect(listed.alerts.find((a) => a.key === ruleKey(plant.id, 'hot'))).toMatchObject({ state: 'firing', value: 91.5, acknowledgedAt: null });
    expect(listed.alerts.find((a) => a.key === ruleKey(plant.id, 'dev7'))).toBeUndefined();
    expect(changes.filter((c) => c.alert.key === ruleKey(plant.id, 'hot')).map((c) => [c.change, c.notify])).toEqual([['fired', true]]);

    const seen = await call<AlertView>(t, 'alerts.acknowledge', { key: ruleKey(plant.id, 'hot') });
    expect(seen.acknowledgedAt).not.toBeNull();
    expect((await call<AlertList>(t, 'alerts.list', {})).alerts.map((a) => a.key)).toEqual([ruleKey(plant.id, 'hot')]);
    const refused = await t.backend.dispatch('alerts.mute', { key: 'rule:nobody:nothing', minutes: 15 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('fires when the broker stops and the connection stays down, and clears when it is back', async () => {
    const { t, notices } = first;
    const key = ruleKey(plant.id, 'down');
    await publisher.endAsync();
    await broker().stop();
    const down = await until(noticeOf(notices, key, 'fired'), 'the down alert', 20_000);
    expect(down.title).toBe('Plant: Connection down for 1 s');
    expect(down.body).toMatch(/^Not connected for \d+ s/);
    await broker().start();
    await waitForSession(t.backend, plant.id, (v) => v.state === 'connected', 30_000);
    expect(await until(noticeOf(notices, key, 'cleared'), 'the connection back')).toMatchObject({ body: expect.stringMatching(/^Connected again after \d+ s$/) });
    publisher = await mqtt.connectAsync(url(), { ca: pki().rootOnly.pem, reconnectPeriod: 0 });
  });

  it('keeps the records, and a firing alert as it was, across a restart of the backend', async () => {
    const before = first.t;
    const beforeList = await call<AlertList>(before, 'alerts.list', {});
    await before.backend.dispose();
    const second = await alertingBackend(dataDir);
    try {
      const { t, notices } = second;
      await until(async () => ((await call<AlertList>(t, 'alerts.list', {})).alerts.length > 0 ? true : undefined), 'the restored alert');
      const after = await call<AlertList>(t, 'alerts.list', {});
      const hot = beforeList.alerts.find((a) => a.key === ruleKey(plant.id, 'hot'));
      expect(after.alerts.find((a) => a.key === hot?.key)).toEqual(hot);
      const history = await call<AlertHistory>(t, 'alerts.history', { connectionId: plant.id, limit: 100 });
      expect(history.from).toBe('database');
      const summary = history.records.map((r) => `${r.ruleId} ${r.change}`).reverse();
      expect(summary).toEqual(['dev7 fired', 'dev7 cleared', 'dev7 fired', 'dev7 cleared', 'hot fired', 'hot acknowledged', 'down fired', 'down cleared']);
      // The chart-mark query: the threshold's records by time range.
      const ranged = await call<AlertHistory>(t, 'alerts.history', { key: ruleKey(plant.id, 'hot'), from: (hot?.firedAt ?? 0) - 1, to: (hot?.firedAt ?? 0) + 1 });
      expect(ranged.records.map((r) => r.change)).toEqual(['fired']);
      expect(notices).toEqual([]);

      // The same episode goes on: after the restart it clears on the first value back below 75.
      await call(t, 'sessions.connect', { id: plant.id });
      await waitForSession(t.backend, plant.id, (v) => v.state === 'connected');
      await publisher.publishAsync('plant/boiler', JSON.stringify({ temp: 74 }), { qos: 1 });
      expect(await until(noticeOf(notices, ruleKey(plant.id, 'hot'), 'cleared'), 'the clear after the restart')).toMatchObject({ body: 'Back to 74 (at or below 75)' });
      expect(notices.filter((n) => n.key === ruleKey(plant.id, 'hot') && n.change === 'fired')).toEqual([]);
    } finally {
      await second.t.cleanup();
    }
  });
});

describe('alerts without a history database', () => {
  async function liveOnly(t: TestBackend, notices: AlertNotice[]) {
    const profile = await call<Profile>(t, 'profiles.save', { settings: { name: 'Site', url: 'mqtts://broker.invalid:8883' } });
    const rules: AlertRuleInput[] = [{ id: 'low', kind: 'threshold', series: { connectionId: profile.id, topic: 'site/tank', extractor: { kind: 'number' } }, direction: 'below', value: 10 }];
    await call(t, 'alerts.rules', { connectionId: profile.id, rules });
    // Messages enter where a session hands them over.
    for (const level of ['50', '9', '40']) t.backend.telemetry.ingest(profile.id, 'site/tank', Buffer.from(level), 0, false);
    expect(notices.map((n) => [n.change, n.body])).toEqual([
      ['fired', '9: below 10'],
      ['cleared', 'Back to 40 (at or above 10)'],
    ]);
    const list = await call<AlertList>(t, 'alerts.list', {});
    expect(list).toMatchObject({ recorded: false, alerts: [{ key: ruleKey(profile.id, 'low'), state: 'cleared' }] });
    const history = await call<AlertHistory>(t, 'alerts.history', { connectionId: profile.id });
    expect(history).toMatchObject({ from: 'memory', records: [{ change: 'cleared' }, { change: 'fired' }] });
  }

  it('fire, clear and keep their history in memory when recording is off', async () => {
    const notices: AlertNotice[] = [];
    const t = await createTestBackend({ recordHistory: false, notify: (n) => notices.push(n) });
    try {
      await liveOnly(t, notices);
    } finally {
      await t.cleanup();
    }
  });

  it('do the same when the database is from a newer app, and leave it untouched', async () => {
    const dataDir = tempDir('alerts-newer');
    const db = new Database(path.join(dataDir, HISTORY_FILE));
    db.pragma('user_version = 99');
    db.close();
    const notices: AlertNotice[] = [];
    const t = await createTestBackend({ dataDir, notify: (n) => notices.push(n) });
    try {
      await until(() => (t.backend.history.recorder?.state === 'live-only' ? true : undefined), 'the recorder live-only');
      await liveOnly(t, notices);
    } finally {
      await t.backend.dispose();
      const after = new Database(path.join(dataDir, HISTORY_FILE), { readonly: true });
      expect(after.pragma('user_version', { simple: true })).toBe(99);
      after.close();
      await t.cleanup().catch(() => undefined);
    }
  });
});
