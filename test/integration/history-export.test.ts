/**
 * Exports of a recorded range as the core writes them (electron/core/history/exports.ts):
 * a large range (samples CSV, messages CSV, messages JSON Lines) is written chunk by
 * chunk to the file main's dialog named, with `history.export` progress events a
 * window receives, and every row comes back from the file; messages with awkward
 * payloads and topics come back cell for cell through an RFC 4180 reader; an export
 * cancelled at the dialog writes nothing; one the disk cannot hold, or a download the
 * browser stops, is reported failed and never left looking complete.
 */
import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ExportProgressSchema, ExportStartSchema, exportSignatureInput, HistoryStatusSchema, type ExportProgress, type ExportRequest } from '../../shared/history';
import type { Profile } from '../../shared/profiles';
import { seriesKey, type SeriesSpec } from '../../shared/telemetry';
import { EXPORT_CHUNK_ROWS } from '../../electron/core/history/exports';
import { startHost } from '../../electron/host/server';
import { call, createTestBackend, tempDir, type TestBackend } from '../support/backend';
import { parseCsv } from '../support/csv';
import { mountTmpfs } from '../support/tmpfs';

const BOM = [0xef, 0xbb, 0xbf];
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Range = { from: number; to: number };
/** An export request without its range (each kind keeps its own fields). */
type Request = ExportRequest extends infer R ? (R extends unknown ? Omit<R, 'range'> : never) : never;

/** Every `history.export` event, as a window's sink receives them (the hub checks them against the contract first). */
function watchExports(t: TestBackend): { events: ExportProgress[]; detach: () => void } {
  const events: ExportProgress[] = [];
  const detach = t.backend.events.attach((name, payload) => {
    if (name === 'history.export') events.push(ExportProgressSchema.parse(payload));
  });
  return { events, detach };
}

/** Waits, bounded in turns rather than by the clock (which a test may be moving), for the export's last event. */
async function finalEvent(events: ExportProgress[], exportId: string, turns = 1200): Promise<ExportProgress> {
  for (let i = 0; i < turns; i++) {
    const last = events.find((e) => e.exportId === exportId && e.state !== 'running');
    if (last) return last;
    await sleep(25);
  }
  throw new Error(`export ${exportId} neither finished nor failed within ${turns} turns`);
}

/** Starts an export to a file through the channel a window calls; gives every event it was reported by, and its last. */
async function exportRange(t: TestBackend, request: Request, range: Range): Promise<{ events: ExportProgress[]; last: ExportProgress }> {
  const watch = watchExports(t);
  try {
    const started = ExportStartSchema.parse(await call(t, 'history.export', { ...request, range }));
    expect(started).toMatchObject({ delivery: 'file', path: null });
    const last = await finalEvent(watch.events, started.exportId);
    return { events: watch.events.filter((e) => e.exportId === started.exportId), last };
  } finally {
    watch.detach();
  }
}

/** Indices of the first few items that fail `ok` (an empty list when all pass): a readable failure over 200,000 rows. */
function firstWrong<T>(items: readonly T[], ok: (item: T, i: number) => boolean): number[] {
  const wrong: number[] = [];
  for (let i = 0; i < items.length && wrong.length < 5; i++) if (!ok(items[i] as T, i)) wrong.push(i);
  return wrong;
}

describe('a large recorded range exported to the file main\'s dialog names', () => {
  /** Samples of one charted series and as many raw messages: 40 chunks of each export. */
  const N = 200_000;
  const exportsDir = tempDir('exports-large');
  let t: TestBackend;
  let profile: Profile;
  let spec: SeriesSpec;
  let range: Range;
  /** What "main's dialog" answers next: a path, or null as when the operator closes it. */
  let target: string | null = null;

  beforeAll(async () => {
    t = await createTestBackend({ chooseExportFile: async () => target });
    profile = await call<Profile>(t, 'profiles.save', { settings: { name: 'line 4', url: 'mqtts://broker.invalid:8883' } });
    await call(t, 'history.settings', { connectionId: profile.id, recording: { messageFilters: ['#'], maxPayloadBytes: 1024, retentionDays: 30, retentionMB: 1024 } });
    spec = { connectionId: profile.id, topic: 'line4/count', extractor: { kind: 'number' }, label: '' };
    await call(t, 'dashboard.save', { profileId: profile.id, dashboard: { charts: [{ id: 'c', title: '', unit: '', window: '5m', series: [spec] }] } });
    const from = Date.now() - 1000;
    // Where a session's messages enter: each is a sample of the charted series and a recorded raw message.
    for (let i = 0; i < N; i++) {
      t.backend.telemetry.ingest(profile.id, spec.topic, Buffer.from(String(i)), 0, false);
      if (i % 20_000 === 19_999) await new Promise((resolve) => setImmediate(resolve));
    }
    await t.backend.history.recorder?.settle();
    range = { from, to: Date.now() + 1000 };
    const status = HistoryStatusSchema.parse(await call(t, 'history.status', {}));
    expect(status).toMatchObject({ state: 'recording', dropped: { samples: 0, messages: 0 } });
    expect(status.connections.find((c) => c.connectionId === profile.id)).toMatchObject({ samples: N, messages: N });
  });

  afterAll(async () => {
    await t?.cleanup();
    rmSync(exportsDir, { recursive: true, force: true });
  });

  const formats: Array<{ name: string; request: () => Request; file: string }> = [
    { name: 'samples as CSV', request: () => ({ kind: 'samples', format: 'csv', keys: [seriesKey(spec)] }), file: 'samples.csv' },
    { name: 'messages as CSV', request: () => ({ kind: 'messages', format: 'csv', connectionIds: [profile.id] }), file: 'messages.csv' },
    { name: 'messages as JSON Lines', request: () => ({ kind: 'messages', format: 'jsonl', connectionIds: [profile.id] }), file: 'messages.jsonl' },
  ];

  it.each(formats)('$name: progress chunk by chunk, rows only growing against a fixed total, and every row in the file', async ({ request, file }) => {
    target = path.join(exportsDir, file);
    // Progress is reported at most every 200 ms of the wall clock, so whether a range this size shows
    // any between its start and end would depend on the machine's speed. The exporter is given a clock
    // that moves a second each time it is read: every chunk boundary is then due for a report.
    let fake = Date.now();
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => (fake += 1000));
    let exported: Awaited<ReturnType<typeof exportRange>>;
    try {
      exported = await exportRange(t, request(), range);
    } finally {
      clock.mockRestore();
    }
    const { events, last } = exported;
    expect(last).toMatchObject({ state: 'done', rows: N, total: N, error: null });
    expect(events[events.length - 1]).toBe(last);
    const running = events.slice(0, -1);
    expect(running.every((e) => e.state === 'running' && e.total === N && e.error === null)).toBe(true);
    expect(running[0]).toMatchObject({ rows: 0 });
    // Several chunks, each reported whole while the export went on.
    const midway = running.filter((e) => e.rows > 0 && e.rows < N);
    expect(midway.length).toBeGreaterThanOrEqual(N / EXPORT_CHUNK_ROWS - 2);
    expect(firstWrong(midway, (e) => e.rows % EXPORT_CHUNK_ROWS === 0)).toEqual([]);
    expect(firstWrong(events, (e, i) => i === 0 || (e.rows >= (events[i - 1] as ExportProgress).rows && e.bytes >= (events[i - 1] as ExportProgress).bytes))).toEqual([]);

    const bytes = readFileSync(target);
    expect(last.bytes).toBe(bytes.length);
    expect(readdirSync(exportsDir).filter((f) => f.endsWith('.partial'))).toEqual([]);
    const iso = (time: string) => ISO_TIME.test(time) && Date.parse(time) >= range.from && Date.parse(time) <= range.to;
    if (file.endsWith('.jsonl')) {
      expect([...bytes.subarray(0, 3)]).not.toEqual(BOM);
      const lines = bytes.toString('utf8').split('\n');
      expect(lines.pop()).toBe('');
      expect(lines).toHaveLength(N);
      const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(parsed[0]).toEqual({ connection: 'line 4', topic: spec.topic, time: expect.stringMatching(ISO_TIME), qos: 0, retain: false, size: 1, truncated: false, encoding: 'text', payload: '0' });
      expect(firstWrong(parsed, (m, i) => m.payload === String(i) && m.size === String(i).length && m.topic === spec.topic && iso(m.time as string))).toEqual([]);
      return;
    }
    expect([...bytes.subarray(0, 3)]).toEqual(BOM);
    const rows = parseCsv(strictUtf8.decode(bytes.subarray(3)));
    const header = rows.shift();
    expect(rows).toHaveLength(N);
    if (file === 'samples.csv') {
      expect(header).toEqual(['connection', 'topic', 'field', 'time', 'value']);
      // In the order taken in, none twice or missed where chunks meet (many share a millisecond).
      expect(firstWrong(rows, (r, i) => r.length === 5 && r[0] === 'line 4' && r[1] === spec.topic && r[2] === 'number' && iso(r[3] as string) && r[4] === String(i))).toEqual([]);
    } else {
      expect(header).toEqual(['connection', 'topic', 'time', 'qos', 'retain', 'size', 'encoding', 'payload']);
      expect(firstWrong(rows, (r, i) => r.length === 8 && r[0] === 'line 4' && r[1] === spec.topic && iso(r[2] as string) && r[3] === '0' && r[4] === 'false' && r[5] === String(String(i).length) && r[6] === 'text' && r[7] === String(i))).toEqual([]);
    }
    const times = rows.map((r) => Date.parse((file === 'samples.csv' ? r[3] : r[2]) as string));
    expect(firstWrong(times, (time, i) => i === 0 || time >= (times[i - 1] as number))).toEqual([]);
  });

  it('cancelled at the dialog: nothing is written and nothing reported for it', async () => {
    const quiet = watchExports(t);
    const afterDir = tempDir('exports-after');
    try {
      target = null;
      const cancelled = ExportStartSchema.parse(await call(t, 'history.export', { kind: 'samples', format: 'csv', keys: [seriesKey(spec)], range }));
      expect(cancelled).toMatchObject({ delivery: 'cancelled', path: null });
      // An export started after it runs to its end: events arrive in order, so any for the cancelled one would be in by then.
      target = path.join(afterDir, 'after.csv');
      const after = await exportRange(t, { kind: 'samples', format: 'csv', keys: [seriesKey(spec)] }, { from: range.from - 60_000, to: range.from - 30_000 });
      expect(after.last).toMatchObject({ state: 'done', rows: 0, total: 0 });
      expect(quiet.events.filter((e) => e.exportId === cancelled.exportId)).toEqual([]);
      expect(readdirSync(afterDir)).toEqual(['after.csv']);
      expect(readdirSync(exportsDir).filter((f) => !f.endsWith('.csv') && !f.endsWith('.jsonl'))).toEqual([]);
    } finally {
      quiet.detach();
      rmSync(afterDir, { recursive: true, force: true });
    }
  });

  it('a disk that fills up before the end: reported failed, and no file under the chosen name or beside it', async (ctx) => {
    // The size of the whole export, to size the disks by.
    target = path.join(exportsDir, 'sizing.csv');
    const whole = await exportRange(t, { kind: 'samples', format: 'csv', keys: [seriesKey(spec)] }, range);
    expect(whole.last).toMatchObject({ state: 'done', rows: N });
    const size = whole.last.bytes;
    // Full a quarter of the way in; and full within the last chunk, where the write that fills it is the
    // last one: the disk takes part of it without an error, and no later write is there to fail.
    const capacities = [Math.floor(size / 4 / 4096) * 4, Math.floor((size - 2048) / 4096) * 4];
    for (const sizeKb of capacities) {
      const disk = mountTmpfs(sizeKb);
      if (!disk) return ctx.skip('mounting a tmpfs is not allowed here');
      try {
        target = path.join(disk.dir, 'samples.csv');
        const failed = await exportRange(t, { kind: 'samples', format: 'csv', keys: [seriesKey(spec)] }, range);
        expect(failed.last, `a disk of ${sizeKb} kB for ${size} bytes`).toMatchObject({ state: 'failed', total: N, error: { code: 'export_failed' } });
        expect(failed.last.rows).toBeLessThan(N);
        expect(failed.last.rows).toBeGreaterThan(0);
        expect(failed.events.filter((e) => e.state !== 'running')).toHaveLength(1);
        expect(readdirSync(disk.dir)).toEqual([]);
      } finally {
        disk.unmount();
      }
    }
  });
});

describe('messages with awkward payloads and topics, exported as CSV and JSON Lines', () => {
  it('come back cell for cell through an RFC 4180 reader, in UTF-8 with one byte-order mark (CSV) or none (JSON Lines)', async () => {
    const exportsDir = tempDir('exports-awkward');
    let target = '';
    const t = await createTestBackend({ chooseExportFile: async () => target });
    try {
      // A name the CSV must quote (comma, quotes), and payloads longer than 64 bytes cut at the connection's cap.
      const profile = await call<Profile>(t, 'profiles.save', { settings: { name: 'Line "A", west', url: 'mqtts://broker.invalid:8883' } });
      await call(t, 'history.settings', { connectionId: profile.id, recording: { messageFilters: ['#'], maxPayloadBytes: 64, retentionDays: 30, retentionMB: 100 } });
      const cut = 'x' + 'ü'.repeat(40);
      const sent: Array<{ topic: string; payload: Buffer; qos: 0 | 1 | 2; retain: boolean }> = [
        { topic: 'plant/a,b', payload: Buffer.from('a,b,c'), qos: 0, retain: false },
        { topic: 'plant/"quoted"', payload: Buffer.from('he said "hi", twice: ""'), qos: 1, retain: false },
        { topic: 'plant/multi\nline', payload: Buffer.from('line 1\nline 2\r\nline 3,\r\n'), qos: 2, retain: true },
        { topic: 'plant/温度/°C', payload: Buffer.from('Grüße ☃'), qos: 1, retain: true },
        { topic: 'plant/bin', payload: Buffer.from([0xff, 0x00, 0x10, 0x80, 0x22, 0x2c, 0x0a]), qos: 0, retain: false },
        { topic: 'plant/formula', payload: Buffer.from('=HYPERLINK("http://evil.invalid")'), qos: 0, retain: false },
        { topic: 'plant/emoji', payload: Buffer.from('🌡️ 21.5 °C'), qos: 0, retain: false },
        { topic: 'plant/bom', payload: Buffer.from('\uFEFFstarts with a byte-order mark'), qos: 0, retain: false },
        { topic: 'plant/empty', payload: Buffer.alloc(0), qos: 1, retain: true },
        // 81 bytes, kept to 64: the cap falls inside a 'ü', which is left out rather than taken for binary.
        { topic: 'plant/cut', payload: Buffer.from(cut), qos: 0, retain: false },
      ];
      const before = Date.now();
      for (const m of sent) t.backend.telemetry.ingest(profile.id, m.topic, m.payload, m.qos, m.retain);
      await t.backend.history.recorder?.settle();
      const after = Date.now();
      const range = { from: before - 1000, to: after + 1000 };
      const binary = sent[4] as (typeof sent)[number];
      const expected = sent.map((m) => {
        const text = m === binary ? null : m.payload.length <= 64 ? m.payload.toString('utf8') : 'x' + 'ü'.repeat(31);
        return { ...m, size: m.payload.length, truncated: m.payload.length > 64, encoding: text === null ? 'base64' : 'text', data: text ?? m.payload.toString('base64') };
      });
      expect(expected[9]).toMatchObject({ size: 81, truncated: true, data: 'x' + 'ü'.repeat(31) });

      target = path.join(exportsDir, 'messages.csv');
      const csv = await exportRange(t, { kind: 'messages', format: 'csv', connectionIds: [profile.id] }, range);
      expect(csv.last).toMatchObject({ state: 'done', rows: sent.length, total: sent.length });
      const bytes = readFileSync(target);
      // shared/csv.ts: UTF-8 with a byte-order mark so spreadsheets read the encoding right; exactly one.
      expect([...bytes.subarray(0, 3)]).toEqual(BOM);
      const text = strictUtf8.decode(bytes.subarray(3));
      expect(text.startsWith('\uFEFF')).toBe(false);
      expect(text.endsWith('\r\n')).toBe(true);
      const rows = parseCsv(text);
      expect(rows[0]).toEqual(['connection', 'topic', 'time', 'qos', 'retain', 'size', 'encoding', 'payload']);
      const body = rows.slice(1);
      expect(body).toHaveLength(sent.length);
      // A cell a spreadsheet would run as a formula keeps its text behind an apostrophe.
      const cell = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
      expect(body.map((r) => [r[0], r[1], r[3], r[4], r[5], r[6], r[7]])).toEqual(
        expected.map((m) => ['Line "A", west', m.topic, String(m.qos), String(m.retain), String(m.size), m.encoding, m.encoding === 'text' ? cell(m.data) : m.data]),
      );
      expect(body[5]?.[7]).toBe(`'=HYPERLINK("http://evil.invalid")`);
      expect(body[3]?.[7]).toBe('Grüße ☃');
      expect(Buffer.from(body[4]?.[7] as string, 'base64')).toEqual(binary.payload);
      const times = body.map((r) => r[2] as string);
      expect(times.every((time) => ISO_TIME.test(time) && new Date(time).toISOString() === time)).toBe(true);
      expect(times.every((time, i) => Date.parse(time) >= before && Date.parse(time) <= after && (i === 0 || Date.parse(time) >= Date.parse(times[i - 1] as string)))).toBe(true);

      // The same range as JSON Lines: no byte-order mark (the first line would not parse), one line per message.
      target = path.join(exportsDir, 'messages.jsonl');
      const jsonl = await exportRange(t, { kind: 'messages', format: 'jsonl', connectionIds: [profile.id] }, range);
      expect(jsonl.last).toMatchObject({ state: 'done', rows: sent.length, total: sent.length });
      const lineBytes = readFileSync(target);
      expect([...lineBytes.subarray(0, 3)]).not.toEqual(BOM);
      const lines = strictUtf8.decode(lineBytes).split('\n');
      expect(lines.pop()).toBe('');
      expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(
        expected.map((m, i) => ({ connection: 'Line "A", west', topic: m.topic, time: times[i], qos: m.qos, retain: m.retain, size: m.size, truncated: m.truncated, encoding: m.encoding, payload: m.data })),
      );
    } finally {
      await t.cleanup();
      rmSync(exportsDir, { recursive: true, force: true });
    }
  });
});

describe('a download the browser stops part-way (the headless host)', () => {
  it('is reported failed, not done, and the export stops', async () => {
    const t = await createTestBackend();
    const staticDir = tempDir('static');
    const host = await startHost({ backend: t.backend, staticDir });
    const watch = watchExports(t);
    try {
      const profile = await call<Profile>(t, 'profiles.save', { settings: { name: 'yard', url: 'mqtts://broker.invalid:8883' } });
      const spec = { connectionId: profile.id, topic: 'yard/mast', extractor: { kind: 'number' as const }, label: '' };
      await call(t, 'dashboard.save', { profileId: profile.id, dashboard: { charts: [{ id: 'c', title: '', unit: '', window: '5m', series: [spec] }] } });
      const from = Date.now() - 1000;
      const n = 200_000;
      for (let i = 0; i < n; i++) {
        t.backend.telemetry.ingest(profile.id, spec.topic, Buffer.from(String(i)), 0, false);
        if (i % 20_000 === 19_999) await new Promise((resolve) => setImmediate(resolve));
      }
      await t.backend.history.recorder?.settle();
      const started = ExportStartSchema.parse(await call(t, 'history.export', { kind: 'samples', format: 'csv', keys: [seriesKey(spec)], range: { from, to: Date.now() + 1000 } }));
      expect(started).toMatchObject({ delivery: 'download', path: `/export/${started.exportId}` });
      const sig = createHmac('sha256', host.token).update(exportSignatureInput(started.exportId)).digest('hex');
      const stop = new AbortController();
      const response = await fetch(`${host.origin}${started.path}?sig=${sig}`, { signal: stop.signal });
      expect(response.status).toBe(200);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const first = await reader.read();
      expect([...(first.value ?? new Uint8Array()).subarray(0, 3)]).toEqual(BOM);
      // The operator cancels the download in the browser.
      stop.abort();
      await reader.read().catch(() => undefined);
      const last = await finalEvent(watch.events, started.exportId);
      expect(last).toMatchObject({ state: 'failed', total: n, error: { code: 'export_failed' } });
      expect(last.error?.message).toContain('the browser stopped the download');
      expect(last.rows).toBeLessThan(n);
      expect(watch.events.filter((e) => e.exportId === started.exportId && e.state !== 'running')).toEqual([last]);
    } finally {
      watch.detach();
      await host.close();
      await t.cleanup();
      rmSync(staticDir, { recursive: true, force: true });
    }
  });
});
