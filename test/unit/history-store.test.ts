/**
 * The history database on disk, without the worker around it: a week of
 * samples drawn at 1,000 px keeps its extremes (from the rollups) and a short
 * range equals the in-memory reduction exactly (from SQL); retention removes
 * the oldest data first, by age with the clock given and by size; files of a
 * newer format or of another kind are refused without being changed or lost.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openHistoryFile } from '../../electron/core/history/schema/open';
import { SCHEMA_VERSION } from '../../electron/core/history/schema';
import { HistoryStore, MINUTE_MS, SAMPLES_HELD, SIZE_TRIM_TO } from '../../electron/core/history/store';
import { START_CURSOR, type RecordBatch } from '../../electron/core/history/protocol';
import { downsample, SamplePool, Series } from '../../electron/core/telemetry/samples';
import { tempDir } from '../support/backend';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function open(): { store: HistoryStore; file: string } {
  const dir = tempDir('store');
  dirs.push(dir);
  const file = path.join(dir, 'history.sqlite');
  const opened = openHistoryFile(file);
  if (!opened.ok) throw new Error(opened.problem.detail);
  return { store: new HistoryStore(opened.db), file };
}

function samples(series: number[], times: number[], values: number[]): RecordBatch['samples'] {
  return { count: times.length, series: Uint32Array.from(series), times: Float64Array.from(times), values: Float64Array.from(values) };
}

/** Messages of a batch: topic indexes, times and payloads (kept whole). */
function messages(topics: number[], times: number[], payloads: string[]): RecordBatch['messages'] {
  const arena = new Uint8Array(Buffer.from(payloads.join('')));
  let end = 0;
  const ends = Uint32Array.from(payloads, (p) => (end += Buffer.byteLength(p)));
  return { count: times.length, topic: Uint32Array.from(topics), times: Float64Array.from(times), flags: new Uint8Array(times.length), sizes: Uint32Array.from(payloads, (p) => Buffer.byteLength(p)), ends, arena };
}

const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 5);

describe('views from the history database', () => {
  it('counts each recorded sample once when memory holds the newest part and minutes are cut at either end', () => {
    const { store } = open();
    store.defineSeries(0, 'c|number|cut', 'c');
    // One sample a second for ten minutes, from 20.5 s past a minute.
    const first = START + 20_500;
    const times = Array.from({ length: 600 }, (_, i) => first + i * 1000);
    store.db.transaction(() => store.writeSamples(samples(new Array(600).fill(0), times, times.map((_, i) => i))))();
    // Memory holds from the middle of a minute on; the view spans an hour in one column (from the rollups).
    const before = first + 305_000 + 250;
    const view = store.view({ key: 'c|number|cut', from: START - 1_800_000, to: START + 1_800_000, width: 1, before });
    expect(view.samples).toBe(times.filter((t) => t < before).length);
    // The sum (a stat panel's mean) counts each of them once too: 0 + 1 + … + 305.
    expect(view.sum).toBe((305 * 306) / 2);
    expect([...view.values]).toEqual([0, 305]);
  });

  it('draws a week at 1,000 px from the rollups, keeping the extremes where they happened', () => {
    const { store } = open();
    store.defineSeries(0, 'c|number|w', 'c');
    // One sample every 10 s for 7 days, a spike and a dip at odd seconds.
    const n = (7 * DAY) / 10_000;
    const times = Array.from({ length: n }, (_, i) => START + i * 10_000);
    const values = times.map((_, i) => 20 + Math.sin(i / 500));
    const spike = 33_333;
    const dip = 51_234;
    values[spike] = 99;
    values[dip] = -42;
    store.db.transaction(() => store.writeSamples(samples(new Array(n).fill(0), times, values)))();

    const view = store.view({ key: 'c|number|w', from: START, to: START + 7 * DAY, width: 1000, before: Infinity });
    expect(view.samples).toBe(n);
    expect(view.times.length).toBeLessThanOrEqual(2000);
    expect(view.times.length).toBeGreaterThan(1000);
    const at = (t: number) => values[(t - START) / 10_000];
    // Every point is a real sample, in time order; the spike and the dip are there at their own times.
    expect([...view.times].every((t, i) => at(t) === view.values[i] && (i === 0 || t > (view.times[i - 1] as number)))).toBe(true);
    expect(Math.max(...view.values)).toBe(99);
    expect(view.times[view.values.indexOf(99)]).toBe(times[spike]);
    expect(Math.min(...view.values)).toBe(-42);
    expect(view.times[view.values.indexOf(-42)]).toBe(times[dip]);
    // The mean over the week, from the rollups' sums.
    expect(view.sum / view.samples).toBeCloseTo(values.reduce((a, v) => a + v, 0) / n, 9);
  });

  it('reduces a short range in SQL exactly as memory reduces the same samples', () => {
    const { store } = open();
    store.defineSeries(0, 'c|number|x', 'c');
    const times: number[] = [];
    const values: number[] = [];
    // Bursts within one millisecond and gaps, over two hours.
    for (let i = 0; i < 5000; i++) {
      const t = START + i * 1440;
      times.push(t, t);
      // Distinct values: of equal ones SQL may pick another (same value, same column) than memory does.
      values.push(Math.cos(i / 37) * 10 + i * 1e-6, ((i * 7919) % 23) + i * 1e-7);
    }
    store.db.transaction(() => store.writeSamples(samples(new Array(times.length).fill(0), times, values)))();
    const memory = new Series(new SamplePool(64 * 1024 * 1024));
    times.forEach((t, i) => memory.append(t, values[i] as number));
    for (const [from, to, width] of [
      [START, START + 2 * 3_600_000, 700],
      [START + 1234, START + 600_000, 333],
    ] as const) {
      const db = store.view({ key: 'c|number|x', from, to, width, before: Infinity });
      const mem = downsample(memory, from, to, width);
      expect([...db.times]).toEqual(mem.times);
      expect([...db.values]).toEqual(mem.values);
      expect(db.samples).toBe(mem.samples);
      expect(db.sum).toBeCloseTo(mem.sum, 6);
    }
  });

  it('reads only what lies before memory, so the two parts do not overlap', () => {
    const { store } = open();
    store.defineSeries(0, 'c|number|y', 'c');
    store.db.transaction(() => store.writeSamples(samples([0, 0, 0], [START, START + 1000, START + 2000], [1, 2, 3])))();
    const view = store.view({ key: 'c|number|y', from: START, to: START + 3000, width: 10, before: START + 2000 });
    expect([...view.values]).toEqual([1, 2]);
  });
});

describe('samples held in the writer', () => {
  const countIn = (file: string) => {
    const other = new Database(file, { readonly: true });
    try {
      return (other.prepare('SELECT count(*) AS n FROM samples').get() as { n: number }).n;
    } finally {
      other.close();
    }
  };

  it('are written together once there are enough of them or their owner asks, and none is lost or counted twice', () => {
    const { store, file } = open();
    store.defineSeries(0, 'h|number|a', 'h');
    store.defineSeries(1, 'h|number|b', 'h');
    const batch = (seq: number, from: number, n: number): RecordBatch => {
      const times = Array.from({ length: n }, (_, i) => START + (from + i) * 10);
      return { seq, series: [], topics: [], samples: samples(times.map((_, i) => (from + i) % 2), times, times.map((_, i) => from + i)), messages: messages([], [], []) };
    };
    // A batch is taken but its samples wait: another reader of the file does not see them yet.
    store.write(batch(1, 0, 1000));
    expect(store.heldSamples).toBe(1000);
    expect(countIn(file)).toBe(0);
    // Written when asked (the worker asks before any request), then read.
    expect(store.writeHeld()).toBe(1000);
    expect(store.heldSamples).toBe(0);
    expect(countIn(file)).toBe(1000);
    expect(store.view({ key: 'h|number|a', from: START, to: START + 20_000, width: 2000, before: Infinity }).samples).toBe(500);
    // Three batches of 45% of what is held at most: the third would not fit beside the two held, which are
    // written first; it waits.
    const size = Math.floor(SAMPLES_HELD * 0.45);
    for (let seq = 2; seq <= 4; seq++) store.write(batch(seq, 1000 + (seq - 2) * size, size));
    const taken = 1000 + 3 * size;
    expect(countIn(file)).toBe(1000 + 2 * size);
    expect(store.heldSamples).toBe(size);
    expect(store.writeHeld()).toBe(size);
    expect(countIn(file)).toBe(taken);
    const [use] = store.usage();
    expect(use).toMatchObject({ connectionId: 'h', samples: taken });
  });

  it('already held are in the file when the next batch fails for a full disk', () => {
    const { store, file } = open();
    store.defineSeries(0, 'h|number|a', 'h');
    store.defineTopic(0, 'h', 'h/raw');
    const times = (from: number, n: number) => Array.from({ length: n }, (_, i) => START + (from + i) * 10);
    // Nearly as many as are held at most, so the next batch's do not fit beside them.
    const heldCount = SAMPLES_HELD - 5000;
    const held = times(0, heldCount);
    store.write({ seq: 1, series: [], topics: [], samples: samples(new Array<number>(held.length).fill(0), held, held.map((_, i) => i)), messages: messages([], [], []) });
    expect(store.heldSamples).toBe(heldCount);
    // Room for those samples (a few MB), not for the next batch's 24 MB message.
    const pages = store.db.pragma('page_count', { simple: true }) as number;
    const pageSize = store.db.pragma('page_size', { simple: true }) as number;
    store.db.pragma(`max_page_count = ${pages + Math.ceil((16 * 1024 * 1024) / pageSize)}`);
    const next = times(heldCount, 10_000);
    const failing: RecordBatch = { seq: 2, series: [], topics: [], samples: samples(new Array<number>(next.length).fill(0), next, next), messages: messages([0], [START], ['x'.repeat(24 * 1024 * 1024)]) };
    expect(() => store.write(failing)).toThrow(/full/i);
    expect(countIn(file)).toBe(heldCount);
    expect(store.heldSamples).toBe(0);
  });

  it('that cannot be written stay held until given up, which says how many there were', () => {
    const { store, file } = open();
    store.defineSeries(0, 'h|number|a', 'h');
    const held = Array.from({ length: 1000 }, (_, i) => START + i * 10);
    store.write({ seq: 1, series: [], topics: [], samples: samples(new Array<number>(held.length).fill(0), held, held), messages: messages([], [], []) });
    store.db.pragma(`max_page_count = ${store.db.pragma('page_count', { simple: true }) as number}`);
    expect(() => store.writeHeld()).toThrow(/full/i);
    expect(store.heldSamples).toBe(1000);
    // The worker gives them up when it stops writing, and reports how many were lost.
    expect(store.discardHeld()).toBe(1000);
    expect(store.heldSamples).toBe(0);
    expect(store.view({ key: 'h|number|a', from: START, to: START + 10_000, width: 100, before: Infinity }).samples).toBe(0);
    expect(store.usage()).toEqual([]);
    expect(countIn(file)).toBe(0);
  });
});

describe('retention', () => {
  it('by age: removes what is older than the connection keeps, as of the clock it is given', () => {
    const { store } = open();
    store.defineSeries(0, 'a|number|t', 'a');
    store.defineTopic(0, 'a', 't');
    const times = Array.from({ length: 10 }, (_, day) => START + day * DAY);
    store.write({ seq: 1, series: [], topics: [], samples: samples(new Array(10).fill(0), times, times.map((_, i) => i)), messages: messages(new Array(10).fill(0), times, new Array(10).fill('x')) });
    store.writeHeld();
    store.setRules([{ connectionId: 'a', maxAgeMs: 3 * DAY, maxBytes: 1e12 }]);
    const now = START + 9 * DAY + 1;
    for (let step = 0; step < 100; step++) {
      const r = store.retentionStep(now);
      if (r.deletedSamples + r.deletedMessages + r.deletedRollups === 0) break;
    }
    const [use] = store.usage();
    expect(use).toMatchObject({ connectionId: 'a', samples: 3, messages: 3, oldest: START + 7 * DAY, newest: START + 9 * DAY });
  });

  it('by size: removes the oldest data of the connection over its limit, and only of that one', () => {
    const { store } = open();
    store.defineSeries(0, 'big|number|t', 'big');
    store.defineSeries(1, 'small|number|t', 'small');
    const n = 50_000;
    const times = Array.from({ length: n }, (_, i) => START + i * 1000);
    store.db.transaction(() => {
      store.writeSamples(samples(new Array(n).fill(0), times, times.map((_, i) => i)));
      store.writeSamples(samples(new Array(100).fill(1), times.slice(0, 100), new Array(100).fill(1)));
    })();
    const sizeOf = (name: string) => store.usage().find((u) => u.connectionId === name);
    const before = sizeOf('big')?.bytes as number;
    store.setRules([
      { connectionId: 'big', maxAgeMs: 365 * DAY, maxBytes: before / 2 },
      { connectionId: 'small', maxAgeMs: 365 * DAY, maxBytes: 1e9 },
    ]);
    // One retention pass, as the worker runs it: small steps until one removes nothing.
    const pass = (now: number) => {
      let removed = 0;
      for (let step = 0; step < 1000; step++) {
        const r = store.retentionStep(now);
        const n = r.deletedSamples + r.deletedMessages + r.deletedRollups;
        if (n === 0) break;
        removed += n;
      }
      return removed;
    };
    expect(pass(START + n * 1000)).toBeGreaterThan(0);
    const big = sizeOf('big');
    // Trimmed to SIZE_TRIM_TO of its limit (to the row), over the many steps it took.
    expect(big?.bytes).toBeLessThanOrEqual((before / 2) * SIZE_TRIM_TO);
    expect(big?.bytes).toBeGreaterThan((before / 2) * SIZE_TRIM_TO * 0.98);
    // What is left is the newest part.
    expect(big?.newest).toBe(START + (n - 1) * 1000);
    expect(big?.oldest).toBeGreaterThan(START + (n / 2 - n / 10) * 1000);
    expect(sizeOf('small')?.samples).toBe(100);
    // So a little more data does not bring on another trim at the next pass.
    const more = Array.from({ length: 500 }, (_, i) => START + (n + i) * 1000);
    store.db.transaction(() => store.writeSamples(samples(new Array(more.length).fill(0), more, more)))();
    expect(pass(START + (n + 500) * 1000)).toBe(0);
  });

  it('removes all data of a connection that no longer exists', () => {
    const { store } = open();
    store.defineSeries(0, 'gone|number|t', 'gone');
    store.db.transaction(() => store.writeSamples(samples([0], [START], [1])))();
    store.setRules([]);
    for (let i = 0; i < 5; i++) store.retentionStep(START);
    expect(store.usage()).toEqual([]);
    expect(store.db.prepare('SELECT count(*) AS n FROM series').get()).toEqual({ n: 0 });
  });
});

describe('opening a history file', () => {
  it('leaves a file of a newer format as it is', () => {
    const dir = tempDir('newer');
    dirs.push(dir);
    const file = path.join(dir, 'history.sqlite');
    const db = new Database(file);
    db.pragma('application_id = 1297175624');
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const bytes = readFileSync(file);
    const opened = openHistoryFile(file);
    expect(opened.ok || opened.problem.kind).toBe('newer');
    expect(readFileSync(file)).toEqual(bytes);
  });

  it('moves another SQLite file found in its place aside instead of writing into it', () => {
    const dir = tempDir('foreign');
    dirs.push(dir);
    const file = path.join(dir, 'history.sqlite');
    const db = new Database(file);
    db.exec('CREATE TABLE notes (text); INSERT INTO notes VALUES (1)');
    db.close();
    const opened = openHistoryFile(file);
    expect(opened.ok || opened.problem.kind).toBe('corrupt');
    expect(existsSync(file)).toBe(false);
    const aside = readdirSync(dir).find((f) => f.startsWith('history.sqlite.corrupt-')) as string;
    const kept = new Database(path.join(dir, aside), { readonly: true });
    expect(kept.prepare('SELECT * FROM notes').all()).toEqual([{ text: 1 }]);
    kept.close();
  });

  it('numbers samples of one millisecond so none is lost, across a reopen', () => {
    const { store, file } = open();
    store.defineSeries(0, 'c|number|z', 'c');
    store.db.transaction(() => store.writeSamples(samples([0, 0], [START, START], [1, 2])))();
    store.db.close();
    const again = openHistoryFile(file);
    if (!again.ok) throw new Error(again.problem.detail);
    const reopened = new HistoryStore(again.db);
    reopened.defineSeries(0, 'c|number|z', 'c');
    reopened.db.transaction(() => reopened.writeSamples(samples([0], [START], [3])))();
    expect(reopened.view({ key: 'c|number|z', from: START, to: START + MINUTE_MS, width: 1, before: Infinity }).samples).toBe(3);
  });
});

describe('exports read from the database', () => {
  it('resume where the last chunk stopped, inside a block of messages, and keep to the topic filter', () => {
    const { store } = open();
    store.defineTopic(0, 'a', 'x/1');
    store.defineTopic(1, 'a', 'y/1');
    const n = 25;
    const times = Array.from({ length: n }, (_, i) => START + i * 100);
    const payloads = times.map((_, i) => String(i).padStart(2, '0'));
    store.write({ seq: 1, series: [], topics: [], samples: samples([], [], []), messages: messages(times.map((_, i) => i % 2), times, payloads) });
    const read = (topicFilter: string | null, from = START, to = START + DAY) => {
      const q = { kind: 'messages' as const, format: 'jsonl' as const, connectionIds: ['a', 'missing'], topicFilter, from, to, names: { a: 'A' } };
      const lines: string[] = [];
      let cursor: typeof START_CURSOR | null = START_CURSOR;
      for (let chunks = 0; cursor && chunks < 50; chunks++) {
        const chunk = store.exportChunk(q, cursor, 7);
        lines.push(...chunk.text.split('\n').filter(Boolean));
        cursor = chunk.next;
      }
      expect(store.count(q)).toBe(lines.length);
      return lines.map((l) => JSON.parse(l) as { topic: string; payload: string });
    };
    expect(read(null).map((m) => m.payload)).toEqual(times.map((_, i) => String(i).padStart(2, '0')));
    expect(read('y/#').map((m) => `${m.topic}=${m.payload}`)).toEqual(times.flatMap((_, i) => (i % 2 ? [`y/1=${String(i).padStart(2, '0')}`] : [])));
    expect(read(null, START + 1000, START + 1500).map((m) => m.payload)).toEqual(['10', '11', '12', '13', '14', '15']);
  });
});
