/**
 * The alert engine on a fake clock: each rule kind fires and clears, with
 * hysteresis and "for N seconds"; mute, acknowledge; rules removed; alerts
 * raised by other parts of the app; a restart resumes from the alert tables
 * of a real SQLite history file. Samples and messages enter through the real
 * telemetry service, as a session hands them over.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertRulesSchema, describeRule, type AlertChange, type AlertRuleInput } from '../../shared/alerts';
import { createProfile, ProfileSettingsSchema, type Profile } from '../../shared/profiles';
import type { Grade, SecurityStatus } from '../../shared/security';
import { NO_LINK_FAULTS, type SessionState, type SessionView } from '../../shared/sessions';
import { seriesKey } from '../../shared/telemetry';
import { readAlertHistory, readAlertStates, retainAlerts, UNATTACHED_RETENTION_MS, writeAlerts } from '../../electron/core/alerts/alert-table';
import { AlertEngine, ruleKey, type AlertNotice } from '../../electron/core/alerts/engine';
import { databaseJournal, type AlertJournal } from '../../electron/core/alerts/journal';
import { createDemoPki } from '../../electron/core/demo/demo-broker';
import { openHistoryFile } from '../../electron/core/history/schema/open';
import { exportProfiles, importProfiles } from '../../electron/core/profiles/exchange';
import { Telemetry } from '../../electron/core/telemetry/service';
import { tempDir } from '../support/backend';
import { fakeClock, type FakeClock } from '../support/fake-clock';

const MIN = 60_000;

function profile(id: string, rules: AlertRuleInput[], extra: Partial<Profile> = {}): Profile {
  return createProfile(ProfileSettingsSchema.parse({ name: `Plant ${id}`, url: `mqtts://${id}.example:8883` }), id, { alerts: AlertRulesSchema.parse(rules), ...extra });
}

function view(id: string, state: SessionState, grade: Grade = 'unknown', security: Partial<SecurityStatus> = {}, extra: Partial<SessionView> = {}): SessionView {
  return {
    id,
    name: `Plant ${id}`,
    url: `mqtts://${id}.example:8883`,
    state,
    reason: `now ${state}`,
    error: null,
    attempt: 0,
    nextRetryAt: null,
    history: [],
    faults: NO_LINK_FAULTS,
    security: { transport: 'mqtts', encrypted: true, tls: null, grade, reasons: [{ level: 'warning', code: 'peer_expiring', message: 'The broker certificate expires in 9 days.' }], error: null, ...security },
    ...extra,
  };
}

interface Rig {
  clock: FakeClock;
  engine: AlertEngine;
  telemetry: Telemetry;
  notices: AlertNotice[];
  changes: AlertChange[];
  /** Applies the profiles as the backend does: rules first, then the series telemetry keeps. */
  apply(...profiles: Profile[]): void;
  /** One MQTT message as a session hands it over, at the clock's time. */
  message(connectionId: string, topic: string, payload: string, retain?: boolean): void;
}

const rigs: Rig[] = [];
afterEach(() => {
  for (const r of rigs.splice(0)) {
    r.engine.dispose();
    r.telemetry.dispose();
  }
});

function rig(options: { clock?: FakeClock; journal?: AlertJournal } = {}): Rig {
  const clock = options.clock ?? fakeClock();
  const notices: AlertNotice[] = [];
  const changes: AlertChange[] = [];
  const engine = new AlertEngine({ clock, notify: (n) => notices.push(n), emit: (c) => changes.push(c), journal: options.journal });
  const telemetry = new Telemetry({ now: () => clock.now(), watcher: engine });
  const r: Rig = {
    clock,
    engine,
    telemetry,
    notices,
    changes,
    apply(...profiles) {
      engine.configure(profiles);
      telemetry.setCharted([...profiles.flatMap((p) => p.dashboard.charts.flatMap((c) => c.series)), ...engine.series().map((s) => ({ ...s, label: '' }))]);
    },
    message(connectionId, topic, payload, retain = false) {
      telemetry.ingest(connectionId, topic, Buffer.from(payload), 0, retain);
    },
  };
  rigs.push(r);
  return r;
}

const boiler = { connectionId: 'a', topic: 'plant/boiler', extractor: { kind: 'json' as const, path: 'temp' } };
const hot = (temp: number) => JSON.stringify({ temp });

describe('a value past a threshold', () => {
  it('fires on the sample that crosses, clears only once back at the clear-again value (hysteresis)', async () => {
    const r = rig();
    r.apply(profile('a', [{ id: 'hot', kind: 'threshold', series: boiler, direction: 'above', value: 80, clearAt: 75 }]));
    r.message('a', 'plant/boiler', hot(70));
    r.message('a', 'plant/boiler', hot(80));
    expect(r.notices).toEqual([]);
    r.message('a', 'plant/boiler', hot(82.5));
    expect(r.notices).toEqual([{ title: 'Plant a: plant/boiler · temp above 80 (clears at or below 75)', body: '82.5: above 80', key: ruleKey('a', 'hot'), change: 'fired' }]);
    // Between the clear-again value and the threshold: still firing, no flapping.
    r.clock.advance(1000);
    r.message('a', 'plant/boiler', hot(78));
    r.message('a', 'plant/boiler', hot(81));
    expect(r.notices).toHaveLength(1);
    expect(r.engine.list().alerts).toMatchObject([{ state: 'firing', value: 82.5, seriesKey: seriesKey(boiler) }]);
    r.clock.advance(1000);
    r.message('a', 'plant/boiler', hot(74.9));
    expect(r.notices[1]).toMatchObject({ title: 'Cleared: Plant a: plant/boiler · temp above 80 (clears at or below 75)', body: 'Back to 74.9 (at or below 75)', change: 'cleared' });
    const history = await r.engine.history({ limit: 10 });
    expect(history.from).toBe('memory');
    expect(history.records.map((x) => [x.change, x.value, x.at - r.clock.now()])).toEqual([
      ['cleared', 74.9, 0],
      ['fired', 82.5, -2000],
    ]);
  });

  it('fires only after staying past it for N seconds, on the timer when no sample comes; a sample back resets the wait', () => {
    const r = rig();
    r.apply(profile('a', [{ id: 'cold', kind: 'threshold', series: { ...boiler, extractor: { kind: 'number' } }, direction: 'below', value: 5, forSeconds: 30 }]));
    r.message('a', 'plant/boiler', '4');
    r.clock.advance(20_000);
    r.message('a', 'plant/boiler', '6');
    r.clock.advance(20_000);
    expect(r.notices).toEqual([]);
    r.message('a', 'plant/boiler', '3');
    r.clock.advance(29_999);
    expect(r.notices).toEqual([]);
    r.clock.advance(1);
    expect(r.notices).toMatchObject([{ body: '3: below 5 for 30 s', change: 'fired' }]);
    expect(r.engine.list().alerts[0]?.firedAt).toBe(r.clock.now());
    r.message('a', 'plant/boiler', '5');
    expect(r.notices.at(-1)).toMatchObject({ change: 'cleared', body: 'Back to 5 (at or above 5)' });
  });

  it('costs the message loop one lookup per topic: a topic nothing watches is never asked about again', () => {
    const r = rig();
    const asked: string[] = [];
    const topicWatch = r.engine.topicWatch.bind(r.engine);
    r.engine.topicWatch = (c, t) => {
      asked.push(t);
      return topicWatch(c, t);
    };
    r.apply(profile('a', [{ id: 'quiet', kind: 'silence', filter: 'plant/dev7/#', seconds: 60 }]));
    for (let i = 0; i < 50; i++) {
      r.message('a', 'plant/dev7/temp', '1');
      r.message('a', 'plant/dev8/temp', '1');
    }
    expect(asked.sort()).toEqual(['plant/dev7/temp', 'plant/dev8/temp']);
    expect(r.telemetry.store('a').get('plant/dev8/temp')?.watch).toBeNull();
    expect(r.engine.sampleSink(seriesKey({ ...boiler, topic: 'plant/other' }))).toBeNull();
  });
});

describe('a silent topic (device offline)', () => {
  it('fires N seconds after the last message while the connection is up, and clears when it speaks again', () => {
    const r = rig();
    r.apply(profile('a', [{ id: 'dev7', kind: 'silence', filter: 'plant/dev7/#', seconds: 60 }]));
    r.engine.session(view('a', 'connected'));
    r.clock.advance(10_000);
    r.message('a', 'plant/dev7/temp', '21');
    r.clock.advance(50_000);
    r.message('a', 'plant/dev8/temp', '21');
    // Replayed by the broker on subscribing: says nothing about the device now.
    r.message('a', 'plant/dev7/status', 'online', true);
    r.clock.advance(9_999);
    expect(r.notices).toEqual([]);
    r.clock.advance(1);
    expect(r.notices).toEqual([{ title: 'Plant a: Nothing on plant/dev7/# for 1 min', body: 'Last message on plant/dev7/temp, 1 min ago', key: ruleKey('a', 'dev7'), change: 'fired' }]);
    r.clock.advance(5 * MIN);
    expect(r.notices).toHaveLength(1);
    r.message('a', 'plant/dev7/temp', '22');
    expect(r.notices[1]).toMatchObject({ change: 'cleared', body: 'plant/dev7/temp spoke again after 6 min of silence' });
    // Silent again, with no other rule to set the timer: it fires again a minute later.
    r.clock.advance(MIN - 1);
    expect(r.notices).toHaveLength(2);
    r.clock.advance(1);
    expect(r.notices[2]).toMatchObject({ change: 'fired', body: 'Last message on plant/dev7/temp, 1 min ago' });
  });

  it('counts from the moment the connection came up, and not while it is down (that is the connection’s alert)', () => {
    const r = rig();
    r.apply(profile('a', [{ id: 'any', kind: 'silence', filter: '#', seconds: 30 }]));
    r.clock.advance(10 * MIN);
    expect(r.notices).toEqual([]);
    r.engine.session(view('a', 'connected'));
    r.clock.advance(20_000);
    r.engine.session(view('a', 'reconnecting'));
    r.clock.advance(10 * MIN);
    expect(r.notices).toEqual([]);
    r.engine.session(view('a', 'connected'));
    r.clock.advance(30_000);
    expect(r.notices).toMatchObject([{ body: 'No message since the connection came up 30 s ago', change: 'fired' }]);
  });
});

describe('a connection down', () => {
  it('fires after N seconds of trying, clears when connected again, and a short drop says nothing', () => {
    const r = rig();
    r.apply(profile('a', [{ id: 'down', kind: 'down', seconds: 30 }]));
    r.engine.session(view('a', 'connecting'));
    r.clock.advance(2000);
    r.engine.session(view('a', 'connected'));
    r.engine.session(view('a', 'reconnecting', 'unknown', {}, { error: { code: 'net_refused', message: 'Nothing accepted the connection.', hint: '' } }));
    r.clock.advance(10_000);
    r.engine.session(view('a', 'connected'));
    r.clock.advance(60_000);
    expect(r.notices).toEqual([]);
    r.engine.session(view('a', 'reconnecting', 'unknown', {}, { error: { code: 'net_refused', message: 'Nothing accepted the connection.', hint: '' } }));
    r.clock.advance(15_000);
    r.engine.session(view('a', 'connecting'));
    r.clock.advance(15_000);
    expect(r.notices).toEqual([{ title: 'Plant a: Connection down for 30 s', body: 'Not connected for 30 s: Nothing accepted the connection.', key: ruleKey('a', 'down'), change: 'fired' }]);
    r.clock.advance(45_000);
    r.engine.session(view('a', 'connected'));
    expect(r.notices[1]).toMatchObject({ change: 'cleared', body: 'Connected again after 75 s' });
  });

  it('is not down when the operator disconnects: a firing alert clears without a notification', () => {
    const r = rig();
    r.apply(profile('a', [{ id: 'down', kind: 'down', seconds: 0 }]));
    r.engine.session(view('a', 'reconnecting'));
    expect(r.notices).toHaveLength(1);
    r.engine.session(view('a', 'closed', 'unknown', {}, { reason: 'Disconnected by the operator.' }));
    expect(r.notices).toHaveLength(1);
    expect(r.changes.at(-1)).toMatchObject({ change: 'cleared', notify: false, alert: { detail: 'Disconnected: Disconnected by the operator.' } });
  });
});

describe('the grade below secure', () => {
  it('fires with the reason, ignores unknown (reconnecting), and clears when secure again', () => {
    const r = rig();
    r.apply(profile('a', [{ id: 'grade', kind: 'grade' }]));
    r.engine.session(view('a', 'connected', 'secure'));
    r.engine.session(view('a', 'connected', 'warning'));
    expect(r.notices).toEqual([{ title: 'Plant a: Security grade below secure', body: 'Graded warning: The broker certificate expires in 9 days.', key: ruleKey('a', 'grade'), change: 'fired' }]);
    r.engine.session(view('a', 'reconnecting', 'unknown'));
    r.engine.session(view('a', 'connected', 'insecure'));
    expect(r.notices).toHaveLength(1);
    r.engine.session(view('a', 'connected', 'secure'));
    expect(r.notices[1]).toMatchObject({ change: 'cleared', body: 'Graded secure again' });
  });
});

describe('a certificate in use expiring', () => {
  const pki = createDemoPki();

  it('watches the saved client certificate, checked again as days pass', () => {
    const clock = fakeClock(Date.now());
    const r = rig({ clock });
    r.apply(profile('a', [{ id: 'exp', kind: 'expiry', days: 10 }], { tls: { ...ProfileSettingsSchema.parse({ name: 'x', url: 'mqtts://x' }).tls, clientCertificate: pki.expiringDevice.certificate } }));
    expect(r.notices).toEqual([]);
    clock.advance(3 * 86_400_000);
    expect(r.notices).toHaveLength(1);
    expect(r.notices[0]?.body).toMatch(/CN=door-7 expires in (8|9) days \(\d{4}-\d\d-\d\d\)$/);
  });

  it('watches the broker’s chain as the last handshake showed it, and clears once it is renewed', () => {
    const clock = fakeClock(Date.parse('2026-03-01T00:00:00Z'));
    const r = rig({ clock });
    r.apply(profile('a', [{ id: 'exp', kind: 'expiry', days: 30 }]));
    const cert = (notAfter: string) => ({ subject: 'CN=broker', issuer: 'CN=ca', subjectAltNames: [], serialNumber: '01', notBefore: '2025-01-01T00:00:00Z', notAfter, fingerprint256: 'AA', keyType: 'EC', keyBits: 256, isCA: false, selfSigned: false, unreadable: [] });
    const tls = (notAfter: string) => ({ version: 'TLSv1.3', cipher: null, cipherStandardName: null, forwardSecret: true, alpnProtocol: null, servername: null, verification: true, authorized: true, authorizationError: null, hostname: { expected: 'a', matched: true }, peerChain: [cert(notAfter)], clientCertificate: null, pin: { configured: 0, matched: null }, revocation: null });
    r.engine.session(view('a', 'connected', 'warning', { tls: tls('2026-03-13T00:00:00Z') }));
    expect(r.notices).toMatchObject([{ body: 'CN=broker expires in 12 days (2026-03-13)', change: 'fired' }]);
    // Dropped: the chain as last seen still counts.
    r.engine.session(view('a', 'reconnecting'));
    clock.advance(2 * 3600_000);
    expect(r.notices).toHaveLength(1);
    r.engine.session(view('a', 'connected', 'secure', { tls: tls('2027-03-13T00:00:00Z') }));
    expect(r.notices[1]).toMatchObject({ change: 'cleared', body: 'No certificate in use ends within 30 days now' });
  });
});

describe('the operator’s hand on alerts', () => {
  function firing(r: Rig) {
    r.apply(profile('a', [{ id: 'hot', kind: 'threshold', series: boiler, direction: 'above', value: 80 }]));
    r.message('a', 'plant/boiler', hot(90));
    return ruleKey('a', 'hot');
  }

  it('mute holds notifications back for a time, while the alert is still listed and recorded', async () => {
    const r = rig();
    const key = firing(r);
    expect(r.engine.mute(key, 15).mutedUntil).toBe(r.clock.now() + 15 * MIN);
    r.message('a', 'plant/boiler', hot(70));
    r.message('a', 'plant/boiler', hot(95));
    expect(r.notices.map((n) => n.change)).toEqual(['fired']);
    expect(r.changes.slice(-2).map((c) => [c.change, c.notify])).toEqual([
      ['cleared', false],
      ['fired', false],
    ]);
    expect(r.engine.list().alerts).toMatchObject([{ key, state: 'firing', value: 95 }]);
    r.clock.advance(15 * MIN);
    r.message('a', 'plant/boiler', hot(70));
    expect(r.notices.map((n) => n.change)).toEqual(['fired', 'cleared']);
    expect((await r.engine.history({ key, limit: 10 })).records.map((x) => x.change)).toEqual(['cleared', 'fired', 'cleared', 'muted', 'fired']);
    r.message('a', 'plant/boiler', hot(99));
    r.engine.mute(key, 60);
    expect(r.engine.mute(key, 0).mutedUntil).toBeNull();
  });

  it('acknowledge keeps a firing alert listed as seen; a cleared one leaves the list once acknowledged', () => {
    const r = rig();
    const key = firing(r);
    expect(r.engine.acknowledge(key).acknowledgedAt).toBe(r.clock.now());
    expect(r.engine.list().alerts).toMatchObject([{ key, state: 'firing' }]);
    r.message('a', 'plant/boiler', hot(70));
    expect(r.engine.list().alerts).toEqual([]);
    r.message('a', 'plant/boiler', hot(90));
    r.message('a', 'plant/boiler', hot(70));
    expect(r.engine.list().alerts).toMatchObject([{ key, state: 'cleared', acknowledgedAt: null }]);
    r.engine.acknowledge(key);
    expect(r.engine.list().alerts).toEqual([]);
    expect(() => r.engine.acknowledge('rule:a:nothing')).toThrow(/not listed/);
  });

  it('a rule removed or turned off takes its alert off the list, closed on the record without a notification', async () => {
    const r = rig();
    const key = firing(r);
    r.apply(profile('a', [{ id: 'hot', kind: 'threshold', series: boiler, direction: 'above', value: 80, enabled: false }]));
    expect(r.engine.list().alerts).toEqual([]);
    expect(r.notices).toHaveLength(1);
    expect(r.changes.at(-1)).toMatchObject({ change: 'removed', notify: false });
    expect((await r.engine.history({ key, limit: 1 })).records[0]).toMatchObject({ change: 'cleared', detail: 'The rule was removed or turned off' });
    r.message('a', 'plant/boiler', hot(99));
    expect(r.notices).toHaveLength(1);
  });

  it('other parts of the app raise and resolve their own alerts in the same list', () => {
    const r = rig();
    r.apply(profile('a', []));
    const raised = r.engine.raise({ source: 'certificates', id: 'AA:BB', kind: 'expiry', connectionId: 'a', title: 'Plant a: CA certificate expires soon', detail: 'CN=ca expires in 5 days' });
    r.engine.raise({ source: 'certificates', id: 'AA:BB', kind: 'expiry', connectionId: 'a', title: 'Plant a: CA certificate expires soon', detail: 'again' });
    expect(raised).toMatchObject({ key: 'certificates:AA:BB', kind: 'expiry', state: 'firing' });
    expect(r.notices).toHaveLength(1);
    r.engine.resolve('certificates', 'AA:BB', 'Renewed');
    expect(r.notices[1]).toMatchObject({ change: 'cleared', body: 'Renewed' });
    expect(r.engine.list().alerts).toMatchObject([{ key: 'certificates:AA:BB', state: 'cleared' }]);
    // With the connection deleted, its raised alerts go too.
    r.engine.raise({ source: 'certificates', id: 'CC', connectionId: 'a', title: 't', detail: 'd' });
    r.apply();
    expect(r.engine.list().alerts).toEqual([]);
  });
});

describe('a restart', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  function database(): Database {
    const dir = tempDir('alerts-db');
    dirs.push(dir);
    const opened = openHistoryFile(path.join(dir, 'history.sqlite'));
    if (!opened.ok) throw new Error(opened.problem.detail);
    return opened.db;
  }

  /** The alert tables of a real history file, written where the worker would write them. */
  function journal(db: Database): AlertJournal {
    return databaseJournal({
      state: 'recording',
      writeAlerts: (records, saved, removed) => writeAlerts(db, records, saved, removed),
      alertStates: async () => readAlertStates(db),
      alertHistory: async (q) => readAlertHistory(db, q),
    });
  }

  const rules: AlertRuleInput[] = [
    { id: 'hot', kind: 'threshold', series: boiler, direction: 'above', value: 80, clearAt: 75 },
    { id: 'down', kind: 'down', seconds: 0 },
    { id: 'cold', kind: 'threshold', series: { ...boiler, topic: 'plant/freezer' }, direction: 'below', value: 10 },
  ];

  it('keeps a firing alert firing without announcing it again, with its acknowledgement and mute; it clears as it would have', async () => {
    const db = database();
    const clock = fakeClock();
    const before = rig({ clock, journal: journal(db) });
    before.apply(profile('a', rules));
    await before.engine.restore();
    before.message('a', 'plant/boiler', hot(90));
    before.engine.session(view('a', 'reconnecting'));
    const hotKey = ruleKey('a', 'hot');
    before.engine.acknowledge(hotKey);
    before.engine.mute(ruleKey('a', 'down'), 60);
    before.message('a', 'plant/freezer', hot(5));
    before.message('a', 'plant/freezer', hot(50));
    expect(before.notices.map((n) => n.key)).toEqual([hotKey, ruleKey('a', 'down'), ruleKey('a', 'cold'), ruleKey('a', 'cold')]);
    const firedAt = before.engine.list().alerts.find((a) => a.key === hotKey)?.firedAt;
    before.engine.dispose();

    clock.advance(10 * MIN);
    const after = rig({ clock, journal: journal(db) });
    after.apply(profile('a', rules));
    // Samples that arrive before the saved states are read back: the same episode, not a new alert.
    after.message('a', 'plant/boiler', hot(85));
    expect(after.engine.list().alerts).toEqual([]);
    await after.engine.restore();
    const listed = after.engine.list().alerts;
    expect(listed.find((a) => a.key === hotKey)).toMatchObject({ state: 'firing', firedAt, acknowledgedAt: firedAt, value: 90 });
    // The down alert: the app restarted, the connection is not being connected, so it is not down; no one is told.
    expect(listed.find((a) => a.key === ruleKey('a', 'down'))).toMatchObject({ state: 'cleared', detail: 'Not connected since the app started', mutedUntil: clock.now() + 50 * MIN });
    // The cold alert cleared before the restart and nobody acknowledged it: still listed.
    expect(listed.find((a) => a.key === ruleKey('a', 'cold'))).toMatchObject({ state: 'cleared' });
    expect(after.notices).toEqual([]);
    after.message('a', 'plant/boiler', hot(74));
    expect(after.notices).toMatchObject([{ key: hotKey, change: 'cleared' }]);
    const history = await after.engine.history({ connectionId: 'a', limit: 100 });
    expect(history.from).toBe('database');
    expect(history.records.filter((x) => x.key === hotKey).map((x) => x.change)).toEqual(['cleared', 'acknowledged', 'fired']);
  });

  it('old records go with their connection’s retention, all of a deleted connection’s, a year for those of none', () => {
    const db = database();
    const now = Date.UTC(2026, 5, 1);
    const record = (connectionId: string | null, ageDays: number) => ({ at: now - ageDays * 86_400_000, key: `k-${connectionId}`, connectionId, ruleId: null, chartId: null, seriesKey: null, kind: 'raised' as const, change: 'fired' as const, title: 't', detail: 'd', value: null });
    writeAlerts(db, [record('a', 40), record('a', 10), record('gone', 1), record(null, 400), record(null, 300)], [], []);
    const rules = [{ connectionId: 'a', maxAgeMs: 30 * 86_400_000, maxBytes: 1e9 }];
    expect(retainAlerts(db, rules, now, 2)).toBe(2);
    expect(retainAlerts(db, rules, now, 2000)).toBe(1);
    expect(retainAlerts(db, rules, now, 2000)).toBe(0);
    const left = readAlertHistory(db, { limit: 10 }).map((r) => [r.connectionId, Math.round((now - r.at) / 86_400_000)]);
    expect(left).toEqual([
      ['a', 10],
      [null, 300],
    ]);
    expect(UNATTACHED_RETENTION_MS).toBe(365 * 86_400_000);
  });

  it('announces an alert that fired while the states were read back if it was not firing before', async () => {
    const db = database();
    const clock = fakeClock();
    const first = rig({ clock, journal: journal(db) });
    first.apply(profile('a', rules));
    await first.engine.restore();
    first.engine.dispose();
    const second = rig({ clock, journal: journal(db) });
    second.apply(profile('a', rules));
    second.message('a', 'plant/boiler', hot(95));
    expect(second.notices).toEqual([]);
    await second.engine.restore();
    expect(second.notices).toMatchObject([{ key: ruleKey('a', 'hot'), change: 'fired', body: '95: above 80' }]);
  });
});

describe('rules as saved', () => {
  it('describe themselves in one line', () => {
    const [threshold, silence, down, grade, expiry] = AlertRulesSchema.parse([
      { id: '1', kind: 'threshold', series: boiler, direction: 'above', value: 80, clearAt: 75, forSeconds: 120 },
      { id: '2', kind: 'silence', filter: 'plant/dev7/#', seconds: 3600 },
      { id: '3', kind: 'down' },
      { id: '4', kind: 'grade' },
      { id: '5', kind: 'expiry', days: 14 },
    ]);
    expect([threshold, silence, down, grade, expiry].map((r) => describeRule(r!))).toEqual([
      'plant/boiler · temp above 80 for 2 min (clears at or below 75)',
      'Nothing on plant/dev7/# for 1 h',
      'Connection down for 30 s',
      'Security grade below secure',
      'A certificate in use expires within 14 days',
    ]);
  });

  it('refuse a clear-again value on the wrong side, a bad filter and twice the same id', () => {
    const bad = AlertRulesSchema.safeParse([
      { id: 'x', kind: 'threshold', series: boiler, direction: 'below', value: 10, clearAt: 5 },
      { id: 'x', kind: 'silence', filter: 'a/#/b', seconds: 10 },
    ]);
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['0.clearAt', '1.filter', '1.id']);
  });
});

describe('rules in a connections export', () => {
  it('travel without ids and, when they watch another exported connection, point at its copy', () => {
    const yard = profile('yard', []);
    const plant = profile('plant', [
      { id: 'wind', kind: 'threshold', series: { connectionId: 'yard', topic: 'yard/mast', extractor: { kind: 'number' } }, direction: 'above', value: 20, chartId: 'c1' },
      { id: 'yard-quiet', kind: 'silence', connectionId: 'yard', filter: 'yard/#', seconds: 300 },
      { id: 'down', kind: 'down', seconds: 10 },
    ]);
    const { text } = exportProfiles([yard, plant]);
    expect(text).not.toMatch(/"id"/);
    const [yardCopy, plantCopy] = importProfiles(text);
    expect(plantCopy?.alerts.map((r) => r.id)).toEqual(['rule-1', 'rule-2', 'rule-3']);
    expect(plantCopy?.alerts).toMatchObject([{ series: { connectionId: yardCopy?.id }, chartId: 'c1' }, { connectionId: yardCopy?.id }, { kind: 'down', seconds: 10 }]);
    expect(yardCopy?.alerts).toEqual([]);
  });
});
