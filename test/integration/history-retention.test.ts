/**
 * History retention through the recorder and its real worker thread, as an
 * operator meets it: shortening a connection's retention removes its old data
 * a short time later with nothing else asked (the timer the settings change
 * starts), leaving its newer data and other connections' data alone; a
 * connection over its size limit loses its oldest data first and keeps its
 * newest, and what the worker reports removed is what left the file; and
 * data keeps being taken and written while a large removal runs in steps.
 * The file is read with a separate read-only connection, never through the
 * recorder, so no read of the recorder's makes anything happen.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { RecordingSettingsSchema, type RecordingSettings } from '../../shared/history';
import { createProfile, ProfileSettingsSchema, type Profile } from '../../shared/profiles';
import { HISTORY_FILE, Recorder } from '../../electron/core/history/recorder';
import { MESSAGE_ROW_BYTES, MINUTE_MS, RETENTION_STEP_ROWS, SAMPLE_ROW_BYTES } from '../../electron/core/history/store';
import type { RecordingSlot } from '../../electron/core/telemetry/service';
import { tempDir } from '../support/backend';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** recorder.ts's RETENTION_AFTER_CHANGE_MS (not exported): retention runs this long after the settings change. */
const RETENTION_AFTER_CHANGE_MS = 2000;
const POLL_MS = 100;

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(prefix: string): string {
  const dir = tempDir(prefix);
  dirs.push(dir);
  return dir;
}

/** A recorder on a new data folder, open for reading, disposed after `test` whatever happens. */
async function withRecorder(prefix: string, test: (recorder: Recorder, dir: string) => Promise<void>): Promise<void> {
  const dir = dataDir(prefix);
  const recorder = new Recorder({ dataDir: dir });
  try {
    expect(await recorder.canRead()).toBe(true);
    await test(recorder, dir);
  } finally {
    await recorder.dispose();
  }
}

/** A real profile (validated settings) with the recording settings given. */
function profile(id: string, recording: Partial<RecordingSettings>): Profile {
  return createProfile(ProfileSettingsSchema.parse({ name: id, url: 'mqtts://broker.example:8883' }), id, { recording: RecordingSettingsSchema.parse(recording) });
}

/** A new topic's statistics slot, as the telemetry service keeps one per topic. */
function slot(): RecordingSlot {
  return { recordTopics: null, recordIndex: -1 };
}

/** Reads the history file through a read-only connection of its own. */
function readFile<T>(dir: string, read: (db: Database.Database) => T): T {
  const db = new Database(path.join(dir, HISTORY_FILE), { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

interface ConnectionRows {
  samples: number;
  oldestSample: number | null;
  newestSample: number | null;
  rollups: number;
  messages: number;
  blocks: number;
  oldestMessage: number | null;
  newestMessage: number | null;
  /** The connection's use as the app counts it (usage table × the store's row sizes). */
  usageBytes: number;
}

/** What the file holds for a connection; `before`: only rows older than that time (rollups by their minute, blocks by their first message). */
function rowsOf(dir: string, connectionId: string, before = Number.MAX_VALUE): ConnectionRows {
  return readFile(dir, (db) => {
    const s = db
      .prepare('SELECT count(*) AS n, min(s.t) AS oldest, max(s.t) AS newest FROM samples s JOIN series r ON r.id = s.series JOIN connections c ON c.id = r.conn WHERE c.name = ? AND s.t < ?')
      .get(connectionId, before) as { n: number; oldest: number | null; newest: number | null };
    const r = db.prepare('SELECT count(*) AS n FROM rollups u JOIN series r ON r.id = u.series JOIN connections c ON c.id = r.conn WHERE c.name = ? AND u.minute < ?').get(connectionId, before) as { n: number };
    const m = db
      .prepare('SELECT count(*) AS blocks, total(b.count) AS n, min(b.t_first) AS oldest, max(b.t_last) AS newest FROM message_blocks b JOIN connections c ON c.id = b.conn WHERE c.name = ? AND b.t_first < ?')
      .get(connectionId, before) as { blocks: number; n: number; oldest: number | null; newest: number | null };
    const u = db.prepare('SELECT u.samples AS samples, u.messages AS messages, u.payload_bytes AS bytes FROM usage u JOIN connections c ON c.id = u.conn WHERE c.name = ?').get(connectionId) as
      | { samples: number; messages: number; bytes: number }
      | undefined;
    return {
      samples: s.n,
      oldestSample: s.oldest,
      newestSample: s.newest,
      rollups: r.n,
      messages: m.n,
      blocks: m.blocks,
      oldestMessage: m.oldest,
      newestMessage: m.newest,
      usageBytes: u ? u.samples * SAMPLE_ROW_BYTES + u.messages * MESSAGE_ROW_BYTES + u.bytes : 0,
    };
  });
}

/** Polls `probe` every POLL_MS until it is true, at most `timeoutMs` (and a bounded number of times). */
async function pollUntil(probe: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const started = Date.now();
  const most = Math.ceil(timeoutMs / POLL_MS) + 1;
  for (let i = 0; i < most; i++) {
    if (probe()) return;
    if (Date.now() - started > timeoutMs) break;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

describe('retention after the settings change, in the background', () => {
  it('removes the old data of a connection whose retention was shortened, with nothing else asked, and keeps its newer data and other connections’ data', () =>
    withRecorder('retention-background', async (recorder, dir) => {
      const keep30 = { messageFilters: ['short/#', 'long/#'], maxPayloadBytes: 1024, retentionDays: 30, retentionMB: 100 };
      const long = profile('long', keep30);
      recorder.configure([profile('short', keep30), long]);

      // One sample of each series and one raw message an hour over the last ten days, each
      // half an hour off the hour, so no row lies within half an hour of a two-day limit.
      const base = Date.now();
      const HOURS = 240;
      const times = Array.from({ length: HOURS }, (_, i) => base - (i + 0.5) * HOUR).reverse();
      const sinks = [recorder.sink('short|number|short/a'), recorder.sink('short|number|short/b'), recorder.sink('long|number|long/a')];
      const slots = { 'short/a': slot(), 'short/b': slot(), 'long/a': slot() };
      times.forEach((t, i) => {
        for (const sink of sinks) sink(t, i);
        const topic = i % 2 ? 'short/a' : 'short/b';
        recorder.message('short', topic, slots[topic], Buffer.from(`{"i":${i}}`), 0, false, t);
        recorder.message('long', 'long/a', slots['long/a'], Buffer.from(`{"i":${i}}`), 1, false, t);
      });
      await recorder.settle();

      const all = { samples: 2 * HOURS, rollups: 2 * HOURS, messages: HOURS, oldestSample: times[0], newestSample: times[HOURS - 1] };
      expect(rowsOf(dir, 'short')).toMatchObject(all);
      expect(rowsOf(dir, 'long')).toMatchObject({ ...all, samples: HOURS, rollups: HOURS });
      const longBefore = rowsOf(dir, 'long');

      // The operator keeps two days of the 'short' connection from now on; nothing else is asked of the recorder.
      recorder.configure([profile('short', { ...keep30, retentionDays: 2 }), long]);
      const limit = base - 2 * DAY;
      const newer = times.filter((t) => t >= limit).length;
      expect(newer).toBe(48);
      const old = () => rowsOf(dir, 'short', limit);
      expect(old()).toMatchObject({ samples: 2 * (HOURS - newer), messages: HOURS - newer });
      await pollUntil(
        () => {
          const o = old();
          return o.samples === 0 && o.rollups === 0 && o.messages === 0;
        },
        'the short connection’s data older than two days to leave the file',
        RETENTION_AFTER_CHANGE_MS + 10_000,
      );

      // Its last two days are all there, up to the newest row; the other connection kept everything.
      const short = rowsOf(dir, 'short');
      expect(short).toMatchObject({ samples: 2 * newer, rollups: 2 * newer, messages: newer, newestSample: times[HOURS - 1], newestMessage: times[HOURS - 1] });
      expect(short.oldestSample).toBe(Math.round(times[HOURS - newer] as number));
      expect(short.oldestMessage).toBe(short.oldestSample);
      expect(short.usageBytes).toBeLessThan(longBefore.usageBytes);
      expect(rowsOf(dir, 'long')).toEqual(longBefore);
      expect(recorder.state).toBe('recording');

      // Closed (anything still running stops): the newer rows and the other connection's are still all there.
      await recorder.dispose();
      expect(rowsOf(dir, 'short')).toMatchObject({ samples: 2 * newer, rollups: 2 * newer, messages: newer });
      expect(rowsOf(dir, 'long')).toEqual(longBefore);
    }), 60_000);
});

describe('retention by size, through the worker', () => {
  it('removes the oldest data of a connection over its size limit first and keeps its newest, reporting what left the file', () =>
    withRecorder('retention-size', async (recorder, dir) => {
      const roomy = { messageFilters: ['#'], maxPayloadBytes: 4096, retentionDays: 30, retentionMB: 100 };
      const small = profile('small', roomy);
      recorder.configure([profile('big', roomy), small]);

      // About 3.9 MB of the big connection as the app counts it over the last five hours: ten
      // kilobyte messages a second apart every 61 s (a block of ten each: blocks go whole), and
      // samples of one series spread over the same span.
      const base = Date.now();
      const MESSAGES = 3000;
      const PER_BLOCK = 10;
      const GAP = MINUTE_MS + 1000;
      const SPAN = (MESSAGES / PER_BLOCK) * GAP;
      const messageTimes = Array.from({ length: MESSAGES }, (_, i) => base - SPAN + Math.floor(i / PER_BLOCK) * GAP + (i % PER_BLOCK) * 1000);
      const big = slot();
      const payload = Buffer.alloc(1000, 0x61);
      for (const t of messageTimes) recorder.message('big', 'big/raw', big, payload, 0, false, t);
      const SAMPLES = 20_000;
      const sampleTimes = Array.from({ length: SAMPLES }, (_, i) => Math.round(base - SPAN + (i * SPAN) / SAMPLES));
      const bigSink = recorder.sink('big|number|big/v');
      sampleTimes.forEach((t, i) => bigSink(t, i));
      // A little of another connection, far under its limit.
      const smallSink = recorder.sink('small|number|small/v');
      const smallSlot = slot();
      for (let i = 0; i < 100; i++) {
        smallSink(messageTimes[i * 30] as number, i);
        recorder.message('small', 'small/raw', smallSlot, payload, 0, false, messageTimes[i * 30] as number);
      }
      await recorder.settle();

      const before = rowsOf(dir, 'big');
      expect(before).toMatchObject({ samples: SAMPLES, messages: MESSAGES, blocks: MESSAGES / PER_BLOCK, oldestSample: sampleTimes[0], newestMessage: messageTimes[MESSAGES - 1] });
      const LIMIT_MB = 1;
      const limitBytes = LIMIT_MB * 1024 * 1024;
      expect(before.usageBytes).toBeGreaterThan(3 * limitBytes);
      const smallBefore = rowsOf(dir, 'small');
      expect(smallBefore).toMatchObject({ samples: 100, messages: 100 });

      // The big connection may now hold a megabyte. Retention is asked at once: the run the settings
      // change starts later finds nothing more to remove (or, if it comes earlier, this request joins it).
      recorder.configure([profile('big', { ...roomy, retentionMB: LIMIT_MB }), small]);
      const report = await recorder.retain(Date.now());

      const after = rowsOf(dir, 'big');
      // What the worker reports removed is what left the file.
      expect(report.deletedSamples).toBe(before.samples - after.samples);
      expect(report.deletedMessages).toBe(before.messages - after.messages);
      expect(report.deletedRollups).toBe(before.rollups - after.rollups);
      expect(report.deletedSamples).toBeGreaterThan(0);
      expect(report.deletedMessages).toBeGreaterThan(0);
      // Under its limit now, and not emptied: most of the megabyte is kept.
      expect(after.usageBytes).toBeLessThanOrEqual(limitBytes);
      expect(after.usageBytes).toBeGreaterThan(limitBytes / 2);
      // The oldest went, the newest stayed: what is kept is exactly the newest part of each kind.
      expect(after.newestSample).toBe(sampleTimes[SAMPLES - 1]);
      expect(after.newestMessage).toBe(messageTimes[MESSAGES - 1]);
      expect(after.oldestSample).toBe(sampleTimes[SAMPLES - after.samples]);
      expect(after.oldestMessage).toBe(messageTimes[MESSAGES - after.messages]);
      // The other connection lost nothing.
      expect(rowsOf(dir, 'small')).toEqual(smallBefore);

      // The operator's view of the connection's use says the same.
      const usage = await recorder.usage();
      const bigUsage = usage.find((u) => u.connectionId === 'big');
      expect(bigUsage).toMatchObject({ samples: after.samples, messages: after.messages, bytes: after.usageBytes, newest: Math.max(after.newestSample as number, after.newestMessage as number) });
      expect(bigUsage?.oldest).toBe(Math.min(after.oldestSample as number, after.oldestMessage as number));
      expect(usage.find((u) => u.connectionId === 'small')).toMatchObject({ samples: 100, messages: 100 });
    }), 60_000);
});

describe('recording while retention runs', () => {
  it('writes samples and messages that arrive during a large removal spread over many steps', () =>
    withRecorder('retention-busy', async (recorder, dir) => {
      const year = { messageFilters: ['busy/#'], maxPayloadBytes: 1024, retentionDays: 365, retentionMB: 1024 };
      recorder.configure([profile('busy', year)]);

      // 200,000 samples from 40 to 31 days ago: kept while the connection keeps a year.
      const base = Date.now();
      const OLD = 200_000;
      const oldSink = recorder.sink('busy|number|busy/old');
      for (let i = 0; i < OLD; i++) oldSink(base - 40 * DAY + (i * 9 * DAY) / OLD, i);
      const lateSink = recorder.sink('busy|number|busy/late');
      const liveSink = recorder.sink('busy|number|busy/live');
      const liveSlot = slot();
      await recorder.settle();
      const before = rowsOf(dir, 'busy');
      expect(before.samples).toBe(OLD);
      // Well over a hundred steps of removal.
      expect(before.samples + before.rollups).toBeGreaterThan(100 * RETENTION_STEP_ROWS);

      // Thirty days from now on: everything recorded so far goes, in steps.
      recorder.configure([profile('busy', { ...year, retentionDays: 30 })]);
      let finished = false;
      const retained = recorder.retain(Date.now()).finally(() => (finished = true));

      // Once the removal is under way (the file counts fewer of the connection's samples, each step
      // being a transaction of its own), and while it still runs:
      const reader = new Database(path.join(dir, HISTORY_FILE), { readonly: true, fileMustExist: true });
      let removedSoFar = 0;
      try {
        const counted = reader.prepare("SELECT u.samples FROM usage u JOIN connections c ON c.id = u.conn WHERE c.name = 'busy'").pluck();
        for (let i = 0; i < 5000 && !finished && counted.get() === OLD; i++) await new Promise((r) => setTimeout(r, 2));
        removedSoFar = OLD - (counted.get() as number);
      } finally {
        reader.close();
      }
      expect(removedSoFar).toBeGreaterThan(0);
      expect(finished, 'the removal was over before the test could send anything during it').toBe(false);

      // new samples and messages, and samples 35 days old, which the removal under way takes too
      // once written: only if the worker writes them between its steps, not after the last.
      const lateTimes = Array.from({ length: 100 }, (_, i) => base - 35 * DAY + i * 1000);
      lateTimes.forEach((t, i) => lateSink(t, i));
      let live = 0;
      let liveMessages = 0;
      let sentWhilePending = 0;
      const send = () => {
        for (let i = 0; i < 100; i++, live++) liveSink(base + live, live);
        for (let i = 0; i < 10; i++, liveMessages++) recorder.message('busy', 'busy/live', liveSlot, Buffer.from(`m${liveMessages}`), 1, false, base + liveMessages);
        if (!finished) sentWhilePending += 100;
        recorder.flush();
      };
      send();
      // More while it runs, a round every 10 ms (bounded).
      for (let round = 0; round < 200 && !finished; round++) {
        await new Promise((r) => setTimeout(r, 10));
        send();
      }
      const report = await retained;
      expect(sentWhilePending).toBeGreaterThanOrEqual(100);
      await recorder.settle();

      // Every sample and message that came in is in the file; nothing was dropped.
      const liveRows = readFile(dir, (db) => ({
        samples: (db.prepare("SELECT count(*) AS n FROM samples s JOIN series r ON r.id = s.series WHERE r.key = 'busy|number|busy/live'").get() as { n: number }).n,
        messages: (db.prepare("SELECT total(b.count) AS n FROM message_blocks b JOIN connections c ON c.id = b.conn WHERE c.name = 'busy'").get() as { n: number }).n,
      }));
      expect(liveRows).toEqual({ samples: live, messages: liveMessages });
      expect(recorder.dropped).toEqual({ samples: 0, messages: 0 });
      expect(recorder.state).toBe('recording');
      // The old data is gone, with the late samples: they were written while that same removal
      // ran (a removal done in one go, before taking anything else, would have left them).
      expect(rowsOf(dir, 'busy', base - 30 * DAY)).toMatchObject({ samples: 0, rollups: 0 });
      expect(report.deletedSamples).toBe(OLD + lateTimes.length);
      expect(report.deletedRollups).toBe(before.rollups + new Set(lateTimes.map((t) => Math.floor(t / MINUTE_MS))).size);
    }), 60_000);
});
