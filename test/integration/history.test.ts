/**
 * Recorded history against real parts: messages from a real mosquitto over
 * TLS are recorded (charted series of two connections, raw messages of one),
 * survive a restart of the backend on the same data folder, come back in
 * chart views and exports (a file written where "main's dialog" said, and a
 * download from the headless host signed with its token); a damaged, newer,
 * unwritable or full database leaves the app live-only with a notice and
 * everything else intact; samples the writer holds reach the file in time.
 */
import { createHmac } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { exportSignatureInput, type ExportProgress, type ExportStart, type HistoryStatus } from '../../shared/history';
import { createProfile, ProfileSettingsSchema, type Profile } from '../../shared/profiles';
import { seriesKey, type ChartViewData, type SeriesSpec } from '../../shared/telemetry';
import { startHost } from '../../electron/host/server';
import { HISTORY_FILE, Recorder } from '../../electron/core/history/recorder';
import { SAMPLE_HOLD_MS } from '../../electron/core/history/store';
import { BACKGROUND_NICE } from '../../electron/core/process/background-thread';
import { call, createTestBackend, tempDir, waitForSession, type TestBackend } from '../support/backend';
import { parseCsv } from '../support/csv';
import { until } from '../support/until';
import { useTlsBroker } from '../support/tls-broker';

const { pki, url } = useTlsBroker();

function exportDone(t: TestBackend, exportId: string): Promise<ExportProgress> {
  return new Promise((resolve) => {
    const detach = t.backend.events.attach((name, payload) => {
      const p = payload as ExportProgress;
      if (name === 'history.export' && p.exportId === exportId && p.state !== 'running') {
        detach();
        resolve(p);
      }
    });
  });
}

describe('history recorded from a real broker', () => {
  const dataDir = tempDir('history');
  const saveAs = path.join(tempDir('exports'), 'messages.jsonl');
  let a: TestBackend;
  let plant: Profile;
  let yard: Profile;
  let temp: SeriesSpec;
  let wind: SeriesSpec;

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('records charted series of two connections and raw messages, then reads them back after a restart', async () => {
    a = await createTestBackend({ dataDir, chooseExportFile: async () => saveAs });
    const settings = (name: string) => ({ name, url: url(), tls: { trust: 'custom', ca: [pki().rootOnly.pem] }, subscriptions: [{ filter: `${name}/#`, qos: 1 }] });
    plant = await call<Profile>(a, 'profiles.save', { settings: settings('plant') });
    yard = await call<Profile>(a, 'profiles.save', { settings: settings('yard') });
    plant = await call<Profile>(a, 'history.settings', { connectionId: plant.id, recording: { messageFilters: ['plant/+/alarm', 'plant/line1/#'], maxPayloadBytes: 1024, retentionDays: 30, retentionMB: 100 } });
    expect(plant.recording.messageFilters).toEqual(['plant/+/alarm', 'plant/line1/#']);
    // One chart on the plant's dashboard mixes a series of each connection.
    temp = { connectionId: plant.id, topic: 'plant/line1/dev1', extractor: { kind: 'json', path: 'temp' }, label: '' };
    wind = { connectionId: yard.id, topic: 'yard/mast', extractor: { kind: 'number' }, label: '' };
    await call(a, 'dashboard.save', { profileId: plant.id, dashboard: { charts: [{ id: 'c1', title: '', unit: '', window: '1h', series: [temp, wind] }] } });
    for (const p of [plant, yard]) {
      await call(a, 'sessions.connect', { id: p.id });
      await waitForSession(a.backend, p.id, (v) => v.state === 'connected');
    }
    await new Promise((r) => setTimeout(r, 200));

    const publisher = await mqtt.connectAsync(url(), { ca: pki().rootOnly.pem, reconnectPeriod: 0 });
    for (let i = 0; i < 30; i++) {
      await publisher.publishAsync('plant/line1/dev1', JSON.stringify({ temp: 20 + i }), { qos: 1 });
      await publisher.publishAsync('yard/mast', String(100 - i), { qos: 1 });
    }
    await publisher.publishAsync('plant/line7/alarm', Buffer.from([0xff, 0x00, 0x10]), { qos: 1, retain: true });
    await publisher.publishAsync('plant/line7/noise', 'not recorded', { qos: 1 });
    // Larger than the connection's payload cap (1024 bytes): recorded cut, with its real size.
    await publisher.publishAsync('plant/line8/alarm', 'a'.repeat(1000) + 'b'.repeat(2000), { qos: 1 });
    await publisher.endAsync();
    await until(async () => ((await call<ChartViewData>(a, 'telemetry.view', { key: seriesKey(wind), window: '5m', width: 300 })).samples === 30 ? true : undefined), 'live samples');

    // The recorder has what arrived once it settles; closing the backend writes the rest.
    await a.backend.dispose();
    expect(readdirSync(dataDir)).toContain(HISTORY_FILE);

    const b = await createTestBackend({ dataDir, chooseExportFile: async () => saveAs });
    try {
      for (const s of [temp, wind]) {
        const view = await call<ChartViewData>(b, 'telemetry.view', { key: seriesKey(s), window: '1h', width: 300 });
        expect(view.samples).toBe(30);
        expect(view.recorded).toBe(30);
        expect(Math.min(...view.values)).toBe(s === temp ? 20 : 71);
        expect(Math.max(...view.values)).toBe(s === temp ? 49 : 100);
        expect(view.times.every((t, i) => i === 0 || t >= (view.times[i - 1] as number))).toBe(true);
      }
      const status = await call<HistoryStatus>(b, 'history.status', {});
      expect(status).toMatchObject({ state: 'recording', notice: null, dropped: { samples: 0, messages: 0 } });
      const plantUse = status.connections.find((c) => c.connectionId === plant.id);
      expect(plantUse).toMatchObject({ samples: 30, messages: 32 });
      expect(status.connections.find((c) => c.connectionId === yard.id)).toMatchObject({ samples: 30, messages: 0 });
      expect(status.fileBytes).toBeGreaterThan(0);

      // Desktop path: the file main's dialog named, JSON Lines, the binary payload in base64.
      const range = { from: Date.now() - 3_600_000, to: Date.now() };
      const started = await call<ExportStart>(b, 'history.export', { kind: 'messages', format: 'jsonl', connectionIds: [plant.id], range });
      expect(started.delivery).toBe('file');
      const done = await exportDone(b, started.exportId);
      expect(done).toMatchObject({ state: 'done', rows: 32, total: 32 });
      const lines = readFileSync(saveAs, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toHaveLength(32);
      expect(lines[0]).toMatchObject({ connection: 'plant', topic: 'plant/line1/dev1', qos: 1, retain: false, encoding: 'text', payload: '{"temp":20}' });
      const alarm = lines.find((l) => l.topic === 'plant/line7/alarm');
      expect(alarm).toMatchObject({ encoding: 'base64', payload: Buffer.from([0xff, 0x00, 0x10]).toString('base64'), size: 3, truncated: false });
      expect(lines.some((l) => l.topic === 'plant/line7/noise')).toBe(false);
      expect(lines.find((l) => l.topic === 'plant/line8/alarm')).toMatchObject({ encoding: 'text', payload: 'a'.repeat(1000) + 'b'.repeat(24), size: 3000, truncated: true });
    } finally {
      await b.backend.dispose();
    }
  });

  it('follows a change of the recording filters at once, for topics already seen', async () => {
    const filtersDir = tempDir('history-filters');
    const file = path.join(tempDir('exports'), 'filters.jsonl');
    const c = await createTestBackend({ dataDir: filtersDir });
    let profile: Profile;
    try {
      profile = await call<Profile>(c, 'profiles.save', { settings: { name: 'filters', url: 'mqtts://broker.invalid:8883' } });
      const record = (messageFilters: string[]) => call(c, 'history.settings', { connectionId: profile.id, recording: { messageFilters, maxPayloadBytes: 1024, retentionDays: 30, retentionMB: 100 } });
      const send = (topic: string, payload: string) => c.backend.telemetry.ingest(profile.id, topic, Buffer.from(payload), 0, false);
      await record(['a/#']);
      send('a/1', 'a first');
      send('b/1', 'b first');
      await record(['b/#']);
      send('a/1', 'a second');
      send('b/1', 'b second');
      await record([]);
      send('a/1', 'a third');
      send('b/1', 'b third');
    } finally {
      await c.backend.dispose();
    }
    const d = await createTestBackend({ dataDir: filtersDir, chooseExportFile: async () => file });
    try {
      const started = await call<ExportStart>(d, 'history.export', { kind: 'messages', format: 'jsonl', connectionIds: [profile.id], range: { from: Date.now() - 3_600_000, to: Date.now() } });
      expect(await exportDone(d, started.exportId)).toMatchObject({ state: 'done', rows: 2 });
      const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.map((l) => `${l.topic as string}: ${l.payload as string}`)).toEqual(['a/1: a first', 'b/1: b second']);
    } finally {
      await d.backend.dispose();
      rmSync(filtersDir, { recursive: true, force: true });
    }
  });

  it('records every message whole across many batches, whose arrays the writer hands back to be filled again', async () => {
    const reuseDir = tempDir('history-reuse');
    const file = path.join(tempDir('exports'), 'reuse.jsonl');
    const payloadOf = (n: number) => (n % 3 === 0 ? String(n) : JSON.stringify({ n, pad: 'x'.repeat(n % 61) }));
    const total = 4 * 20_000;
    const c = await createTestBackend({ dataDir: reuseDir });
    let profile: Profile;
    try {
      profile = await call<Profile>(c, 'profiles.save', { settings: { name: 'reuse', url: 'mqtts://broker.invalid:8883' } });
      await call(c, 'history.settings', { connectionId: profile.id, recording: { messageFilters: ['#'], maxPayloadBytes: 1024, retentionDays: 30, retentionMB: 1024 } });
      for (let n = 0; n < total; n++) {
        c.backend.telemetry.ingest(profile.id, `reuse/${n % 7}`, Buffer.from(payloadOf(n)), 0, false);
        // Between rounds of more than a batch each, written batches come back before the next ones are filled.
        if (n % 20_000 === 19_999) await new Promise((r) => setTimeout(r, 400));
      }
      expect((await call<HistoryStatus>(c, 'history.status', {})).dropped).toEqual({ samples: 0, messages: 0 });
    } finally {
      await c.backend.dispose();
    }
    const d = await createTestBackend({ dataDir: reuseDir, chooseExportFile: async () => file });
    try {
      const started = await call<ExportStart>(d, 'history.export', { kind: 'messages', format: 'jsonl', connectionIds: [profile.id], range: { from: Date.now() - 3_600_000, to: Date.now() } });
      expect(await exportDone(d, started.exportId)).toMatchObject({ state: 'done', rows: total });
      const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { topic: string; payload: string; size: number });
      const wrong = lines.map((l, n) => (l.topic === `reuse/${n % 7}` && l.payload === payloadOf(n) && l.size === payloadOf(n).length ? null : n)).filter((n) => n !== null);
      expect(wrong.slice(0, 5)).toEqual([]);
    } finally {
      await d.backend.dispose();
      rmSync(reuseDir, { recursive: true, force: true });
    }
  });

  it.runIf(process.platform === 'linux')('writes from a thread below the priority of the thread taking in messages, so a busy writer never slows it down', async () => {
    const niceOf = (tid: string) => {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    };
    const before = new Set(readdirSync('/proc/self/task'));
    const c = await createTestBackend({ dataDir: tempDir('history-priority') });
    try {
      await call<HistoryStatus>(c, 'history.status', {});
      const started = readdirSync('/proc/self/task').filter((tid) => !before.has(tid));
      expect(started.map(niceOf)).toContain(BACKGROUND_NICE);
      expect(niceOf(String(process.pid))).toBe(0);
    } finally {
      await c.backend.dispose();
    }
  });
});

describe('exports streamed by the headless host', () => {
  it('downloads an export signed with the host token, once, and refuses a wrong signature', async () => {
    const t = await createTestBackend();
    const host = await startHost({ backend: t.backend, staticDir: tempDir('static') });
    try {
      const profile = await call<Profile>(t, 'profiles.save', { settings: { name: 'Line "A", west', url: 'mqtts://broker.invalid:8883' } });
      // Device-chosen topic names that CSV must quote; samples enter where a session's messages do.
      const topics = ['plant/a,b', 'plant/"quoted"', 'plant/multi\nline', 'plant/温度/°C', '=cmd|calc'];
      const specs = topics.map((topic) => ({ connectionId: profile.id, topic, extractor: { kind: 'number' as const }, label: '' }));
      await call(t, 'dashboard.save', { profileId: profile.id, dashboard: { charts: [{ id: 'c', title: '', unit: '', window: '5m', series: specs }] } });
      topics.forEach((topic, i) => t.backend.telemetry.ingest(profile.id, topic, Buffer.from(String(i + 0.5)), 0, false));
      const range = { from: Date.now() - 60_000, to: Date.now() + 1000 };
      const started = await call<ExportStart>(t, 'history.export', { kind: 'samples', format: 'csv', keys: specs.map(seriesKey), range });
      expect(started).toMatchObject({ delivery: 'download', path: `/export/${started.exportId}` });

      const wrong = await fetch(`${host.origin}${started.path}?sig=${'0'.repeat(64)}`);
      expect(wrong.status).toBe(401);
      const sig = createHmac('sha256', host.token).update(exportSignatureInput(started.exportId)).digest('hex');
      const response = await fetch(`${host.origin}${started.path}?sig=${sig}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${started.fileName}"`);
      const bytes = Buffer.from(await response.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const rows = parseCsv(bytes.subarray(3).toString('utf8'));
      expect(rows[0]).toEqual(['connection', 'topic', 'field', 'time', 'value']);
      expect(rows.slice(1).map((r) => [r[0], r[1], r[2], r[4]])).toEqual(topics.map((topic, i) => ['Line "A", west', topic.startsWith('=') ? `'${topic}` : topic, 'number', String(i + 0.5)]));
      expect(rows.slice(1).every((r) => new Date(r[3] as string).toISOString() === r[3])).toBe(true);

      const again = await fetch(`${host.origin}${started.path}?sig=${sig}`);
      expect(again.status).toBe(404);
    } finally {
      await host.close();
      await t.cleanup();
    }
  });
});

describe('a history database that cannot be used', () => {
  async function liveOnly(prepare: (dataDir: string) => void, code: string, options: Parameters<typeof createTestBackend>[0] = {}) {
    const dataDir = tempDir('bad-history');
    // A saved connection from before, which must come through untouched.
    const first = await createTestBackend({ dataDir, recordHistory: false });
    const saved = await call<Profile>(first, 'profiles.save', { settings: { name: 'kept', url: 'mqtts://broker.invalid:8883' } });
    await first.backend.dispose();
    prepare(dataDir);
    const t = await createTestBackend({ dataDir, ...options });
    const status = await until(async () => {
      const s = await call<HistoryStatus>(t, 'history.status', {});
      return s.state === 'live-only' ? s : undefined;
    }, 'live-only');
    expect(status.notice?.code).toBe(code);
    expect(t.backend.profiles.list().map((p) => p.name)).toEqual(['kept']);
    // Live charts go on.
    const spec = { connectionId: saved.id, topic: 'a/b', extractor: { kind: 'number' as const }, label: '' };
    await call(t, 'dashboard.save', { profileId: saved.id, dashboard: { charts: [{ id: 'c', title: '', unit: '', window: '5m', series: [spec] }] } });
    t.backend.telemetry.ingest(saved.id, 'a/b', Buffer.from('42'), 0, false);
    expect((await call<ChartViewData>(t, 'telemetry.view', { key: seriesKey(spec), window: '5m', width: 100 })).values).toEqual([42]);
    return { t, dataDir, status };
  }

  it('a damaged file: moved aside (not deleted), live-only', async () => {
    const junk = Buffer.from('this is not an SQLite database, just some bytes that happen to be here'.repeat(100));
    const { t, dataDir } = await liveOnly((dir) => writeFileSync(path.join(dir, HISTORY_FILE), junk), 'history_corrupt');
    const aside = readdirSync(dataDir).find((f) => f.startsWith(`${HISTORY_FILE}.corrupt-`));
    expect(aside).toBeDefined();
    expect(readFileSync(path.join(dataDir, aside as string))).toEqual(junk);
    await t.cleanup();
  });

  it('a file from a newer app: left untouched, live-only', async () => {
    const { t, dataDir } = await liveOnly((dir) => {
      const db = new Database(path.join(dir, HISTORY_FILE));
      db.pragma('application_id = 1297175624');
      db.pragma('user_version = 99');
      db.exec('CREATE TABLE future (x)');
      db.close();
    }, 'history_newer');
    const db = new Database(path.join(dataDir, HISTORY_FILE), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(99);
    db.close();
    await t.cleanup();
  });

  it('a file that cannot be opened for writing: live-only', async () => {
    const { t } = await liveOnly((dir) => mkdirSync(path.join(dir, HISTORY_FILE)), 'history_unwritable');
    await t.cleanup();
  });

  it('a disk that fills up while recording: recording stops, what was written stays readable', async () => {
    const dataDir = tempDir('full-history');
    // About 320 kB of room: the tables and a few batches of 20 kB messages.
    const t = await createTestBackend({ dataDir, historyMaxPageCount: 80 });
    const profile = await call<Profile>(t, 'profiles.save', { settings: { name: 'busy', url: 'mqtts://broker.invalid:8883' } });
    await call(t, 'history.settings', { connectionId: profile.id, recording: { messageFilters: ['#'], maxPayloadBytes: 65536, retentionDays: 30, retentionMB: 1024 } });
    const spec = { connectionId: profile.id, topic: 'v', extractor: { kind: 'number' as const }, label: '' };
    await call(t, 'dashboard.save', { profileId: profile.id, dashboard: { charts: [{ id: 'c', title: '', unit: '', window: '5m', series: [spec] }] } });
    t.backend.telemetry.ingest(profile.id, 'v', Buffer.from('7'), 0, false);
    await t.backend.history.recorder?.settle();
    const status = await until(async () => {
      t.backend.telemetry.ingest(profile.id, 'blob', Buffer.alloc(20_000, 1), 0, false);
      await t.backend.history.recorder?.settle();
      const s = await call<HistoryStatus>(t, 'history.status', {});
      return s.state === 'live-only' ? s : undefined;
    }, 'the disk to fill');
    expect(status.notice?.code).toBe('history_disk_full');
    // Recorded before the disk filled: still drawn from the database once memory no longer holds it.
    const before = await call<ChartViewData>(t, 'telemetry.view', { key: seriesKey(spec), range: { from: Date.now() - 60_000, to: Date.now() }, width: 100 });
    expect(before.values).toEqual([7]);
    t.backend.telemetry.removeConnection(profile.id);
    await call(t, 'dashboard.save', { profileId: profile.id, dashboard: { charts: [] } });
    const fromDisk = await call<ChartViewData>(t, 'telemetry.view', { key: seriesKey(spec), range: { from: Date.now() - 60_000, to: Date.now() }, width: 100 });
    expect(fromDisk).toMatchObject({ values: [7], recorded: 1 });
    expect(t.backend.profiles.list().map((p) => p.name)).toEqual(['busy']);
    await t.cleanup();
  });
});

describe('samples the writer holds', () => {
  it('reach the file within the hold time with nothing reading them, before any request, and on close', async () => {
    const dataDir = tempDir('held-history');
    // The recorder and its real worker alone: no view, export, retention or settle asks for the samples.
    const recorder = new Recorder({ dataDir });
    expect(await recorder.canRead()).toBe(true);
    const inFile = () => {
      const db = new Database(path.join(dataDir, HISTORY_FILE), { readonly: true });
      try {
        return (db.prepare('SELECT count(*) AS n FROM samples').get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    const sink = recorder.sink('quiet|v|number');
    const now = Date.now();
    for (let i = 0; i < 5; i++) sink(now + i, i);
    await until(async () => (inFile() === 5 ? true : undefined), 'the held samples in the file', SAMPLE_HOLD_MS + 5000);
    // A request (here the use shown in the settings) is answered with every sample taken before it.
    for (let i = 5; i < 8; i++) sink(now + i, i);
    expect(recorder.flush()).toBe(true);
    expect(await recorder.usage()).toEqual([expect.objectContaining({ connectionId: 'quiet', samples: 8 })]);
    expect(inFile()).toBe(8);
    // Taken just before the recorder closes: written on close.
    for (let i = 8; i < 11; i++) sink(now + i, i);
    await recorder.dispose();
    expect(inFile()).toBe(11);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('are counted dropped, with the batch that failed, when the disk fills before they are written', async () => {
    const dataDir = tempDir('held-full-history');
    // About 320 kB of room: the tables, the held samples, not the 400 kB batch of messages after them.
    const recorder = new Recorder({ dataDir, maxPageCount: 80 });
    try {
      expect(await recorder.canRead()).toBe(true);
      recorder.configure([createProfile(ProfileSettingsSchema.parse({ name: 'full', url: 'mqtts://broker.invalid:8883' }), 'full')].map((p) => ({ ...p, recording: { ...p.recording, messageFilters: ['#'] } })));
      const sink = recorder.sink('full|v|number');
      const now = Date.now();
      for (let i = 0; i < 500; i++) sink(now + i, i);
      // The samples go to the writer, which holds them; nothing asks for them to be written.
      expect(recorder.flush()).toBe(true);
      const slot = { recordTopics: null, recordIndex: -1 };
      for (let i = 0; i < 20; i++) recorder.message('full', 'blob', slot, Buffer.alloc(20_000, i), 0, false, now + 500 + i);
      expect(recorder.flush()).toBe(true);
      await until(async () => (recorder.health().state === 'live-only' ? true : undefined), 'recording to stop on the full disk');
      expect(recorder.health()).toMatchObject({ notice: { code: 'history_disk_full' }, dropped: { samples: 500, messages: 20 } });
    } finally {
      await recorder.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
