/**
 * Recorded history on real file systems that fail under it: a small tmpfs the
 * database fills up while recording every message, the same full folder
 * opened again, a disk that filled while the app was closed, a data folder
 * read-only from the start, and an ext4 file system that goes read-only while
 * recording (as Linux does to a failing disk). Each time history goes
 * live-only with the notice that names the cause and the fix, what was
 * recorded stays in the file (and is read back whenever it can be), live
 * charts go on, the saved connections are untouched, and the backend closes
 * cleanly. Mounting needs root; where it is not allowed the tests say why
 * they were skipped (test/integration/history.test.ts covers the same notices
 * with SQLite's page limit and a folder in place of the file).
 *
 * The tmpfs cannot be remounted read-only while the history is open: Linux
 * refuses (EBUSY) while any file on it is open for writing, as SQLite's are.
 * A file system going read-only under an open database is ext4's
 * errors=remount-ro after an error, triggered here through its sysfs switch.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import type { HistoryStatus } from '../../shared/history';
import type { Profile } from '../../shared/profiles';
import { seriesKey, type ChartViewData, type SeriesSpec } from '../../shared/telemetry';
import { HISTORY_FILE } from '../../electron/core/history/recorder';
import { PROFILES_FILE } from '../../electron/core/profiles/profile-store';
import { call, createTestBackend, type TestBackend } from '../support/backend';
import { mountTmpfs, type SmallDisk } from '../support/tmpfs';

/** About 1 MB: the tables and some sixty 16 kB messages. */
const DISK_KB = 1024;
const BLOB_BYTES = 16_000;
/** Twice what the disk can hold: the loops filling it are bounded by this. */
const MAX_BLOBS = Math.ceil((2 * DISK_KB * 1024) / BLOB_BYTES);
const NO_MOUNT = 'mounting a tmpfs is not allowed here; test/integration/history.test.ts covers the notices without a real disk';

interface Recording {
  profile: Profile;
  /** Charted and recorded before the disk fails: read back from the file later. */
  kept: SeriesSpec;
  /** Charted throughout: the live chart that must go on. */
  live: SeriesSpec;
}

/** A connection recording every message ('#'), with a chart of two series; saved while the disk has room. */
async function recordEverything(t: TestBackend): Promise<Recording> {
  const profile = await call<Profile>(t, 'profiles.save', { settings: { name: 'plant', url: 'mqtts://broker.invalid:8883' } });
  await call(t, 'history.settings', { connectionId: profile.id, recording: { messageFilters: ['#'], maxPayloadBytes: 65536, retentionDays: 30, retentionMB: 1024 } });
  const kept = { connectionId: profile.id, topic: 'kept', extractor: { kind: 'number' as const }, label: '' };
  const live = { connectionId: profile.id, topic: 'live', extractor: { kind: 'number' as const }, label: '' };
  const saved = await call<Profile>(t, 'dashboard.save', { profileId: profile.id, dashboard: { charts: [{ id: 'c', title: '', unit: '', window: '5m', series: [kept, live] }] } });
  return { profile: saved, kept, live };
}

const status = (t: TestBackend) => call<HistoryStatus>(t, 'history.status', {});
const usageOf = (s: HistoryStatus, id: string) => s.connections.find((c) => c.connectionId === id);
const lastMinute = (t: TestBackend, spec: SeriesSpec) => call<ChartViewData>(t, 'telemetry.view', { key: seriesKey(spec), range: { from: Date.now() - 60_000, to: Date.now() + 1000 }, width: 100 });

/**
 * Runs a test with a data folder on `disk`, unmounted afterwards whatever
 * happens; skipped, saying why, where the disk could not be mounted.
 */
async function onDisk<D extends { dir: string; unmount(): void }>(ctx: TestContext, disk: D | null, whyNot: string, test: (disk: D, dataDir: string) => Promise<void>): Promise<void> {
  if (!disk) return ctx.skip(whyNot);
  try {
    const dataDir = path.join(disk.dir, 'data');
    mkdirSync(dataDir);
    await test(disk, dataDir);
  } finally {
    disk.unmount();
  }
}

async function send(t: TestBackend, r: Recording, topic: string, payload: Buffer | string): Promise<void> {
  t.backend.telemetry.ingest(r.profile.id, topic, Buffer.from(payload), 0, false);
  await t.backend.history.recorder?.settle();
}

/** One 16 kB message at a time, each written before the next, until history stops; bounded by MAX_BLOBS. */
async function recordUntilLiveOnly(t: TestBackend, r: Recording): Promise<{ status: HistoryStatus; written: number }> {
  for (let n = 0; n < MAX_BLOBS; n++) {
    await send(t, r, `blob/${n}`, Buffer.alloc(BLOB_BYTES, n % 251));
    const s = await status(t);
    if (s.state === 'live-only') return { status: s, written: n };
    expect(s.notice).toBeNull();
  }
  throw new Error(`history was still recording after ${MAX_BLOBS} messages of ${BLOB_BYTES} bytes on a ${DISK_KB} kB disk`);
}

/** The saved connections as bytes: the file and its backup. */
function savedFiles(dataDir: string): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  for (const f of [PROFILES_FILE, `${PROFILES_FILE}.bak`]) if (existsSync(path.join(dataDir, f))) files[f] = readFileSync(path.join(dataDir, f));
  return files;
}

/**
 * Runs a backend on `dataDir` through `body`, then closes it: disposing must not hang or throw, and nothing may
 * have failed inside (no handler error, no writer thread error, no value the contract refused; notices are
 * warnings). After a failure it is disposed all the same.
 */
async function withBackend<T>(dataDir: string, body: (t: TestBackend) => Promise<T>): Promise<T> {
  const t = await createTestBackend({ dataDir });
  let value: T;
  try {
    value = await body(t);
  } catch (error) {
    await t.backend.dispose().catch(() => undefined);
    throw error;
  }
  await t.backend.dispose();
  expect(t.violations).toEqual([]);
  expect(t.logs.filter((l) => /^Handler .* failed|^The history writer failed|refused/.test(l))).toEqual([]);
  return value;
}

describe('a data folder on a small disk the history fills up (tmpfs, needs mount permission)', () => {
  let disk: SmallDisk | null = null;
  let dataDir = '';
  /** Set once the first test has filled the disk: what the restart must find. */
  let filled: { recording: Recording; messages: number; files: Record<string, Buffer> } | null = null;
  beforeAll(() => {
    disk = mountTmpfs(DISK_KB);
    if (disk) {
      dataDir = path.join(disk.dir, 'data');
      mkdirSync(dataDir);
    }
  });
  afterAll(() => disk?.unmount());

  it('recording every message until the disk is full: live-only with the fix, what was recorded read back from the file, live charts and saved connections untouched', async (ctx) => {
    if (!disk) return ctx.skip(NO_MOUNT);
    const diskDir = disk.dir;
    filled = await withBackend(dataDir, async (t) => {
      const r = await recordEverything(t);
      const files = savedFiles(dataDir);
      expect(Object.keys(files)).toEqual([PROFILES_FILE, `${PROFILES_FILE}.bak`]);
      await send(t, r, 'kept', '7');
      expect(await status(t)).toMatchObject({ state: 'recording', notice: null });
      // The saved connections live on the disk the history fills.
      expect(statSync(path.join(dataDir, PROFILES_FILE)).dev).toBe(statSync(path.join(dataDir, HISTORY_FILE)).dev);
      expect(statSync(path.join(dataDir, HISTORY_FILE)).dev).toBe(statSync(diskDir).dev);

      const { status: full, written } = await recordUntilLiveOnly(t, r);
      expect(written).toBeGreaterThan(10);
      expect(full.notice).toMatchObject({ code: 'history_disk_full', message: expect.stringMatching(/^The disk holding the history database is full \(.+\); recording stopped\. What was recorded stays readable\./) });
      expect(full.notice?.hint).toMatch(/^Free disk space/);
      // Each message was written before the next was taken: only the one whose batch failed is lost, and it
      // is counted dropped; what arrives after is not taken at all (so not counted either).
      expect(full.dropped).toEqual({ samples: 0, messages: 1 });
      // Every message written before the one that failed, and none of that one: its transaction was rolled back.
      const messages = written + 1;
      expect(usageOf(full, r.profile.id)).toMatchObject({ samples: 1, messages });
      for (let i = 0; i < 20; i++) t.backend.telemetry.ingest(r.profile.id, 'after/full', Buffer.alloc(BLOB_BYTES), 0, false);
      await send(t, r, 'live', '5');
      await send(t, r, 'live', '6');
      const after = await status(t);
      expect(after).toMatchObject({ state: 'live-only', notice: full.notice, dropped: { samples: 0, messages: 1 } });
      expect(usageOf(after, r.profile.id)).toMatchObject({ samples: 1, messages });

      // Live charts go on.
      expect((await call<ChartViewData>(t, 'telemetry.view', { key: seriesKey(r.live), window: '5m', width: 100 })).values).toEqual([5, 6]);
      // A connection cannot be saved on the full disk either: refused with its own fix, the saved ones intact.
      const refused = await t.backend.dispatch('dashboard.save', { profileId: r.profile.id, dashboard: { charts: [{ id: 'c', title: '', unit: '', window: '5m', series: [r.live] }] } });
      expect(refused).toMatchObject({ ok: false, error: { code: 'disk_full', hint: expect.stringMatching(/Free some space/) } });
      expect(t.backend.profiles.list()).toEqual([r.profile]);
      expect(savedFiles(dataDir)).toEqual(files);
      expect(readdirSync(dataDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

      // What was recorded before the disk filled, once memory no longer holds it (the chart without `kept`,
      // as the refused save would have left it): drawn from the database.
      expect((await lastMinute(t, r.kept)).values).toEqual([7]);
      t.backend.telemetry.setCharted([r.live]);
      expect(await lastMinute(t, r.kept)).toMatchObject({ values: [7], recorded: 1 });
      return { recording: r, messages, files };
    });
  });

  it('opened again on the still-full disk: the earlier history reads back, the next write reports the full disk, connections intact', async (ctx) => {
    if (!disk) return ctx.skip(NO_MOUNT);
    if (!filled) throw new Error('the test before did not fill the disk');
    const { recording: r, messages, files } = filled;
    await withBackend(dataDir, async (t) => {
      // The saved connections come back as they were, byte for byte.
      expect(t.backend.profiles.list()).toEqual([r.profile]);
      expect(savedFiles(dataDir)).toEqual(files);
      // Opening writes nothing new (the write-ahead log and its index are still there from the run before):
      // history opens, and everything recorded in that run reads back.
      const opened = await status(t);
      expect(opened).toMatchObject({ state: 'recording', notice: null });
      expect(usageOf(opened, r.profile.id)).toMatchObject({ samples: 1, messages });
      expect((await lastMinute(t, r.kept)).values).toEqual([7]);

      // The first write finds the disk still full.
      await send(t, r, 'live', '8');
      const full = await status(t);
      expect(full).toMatchObject({ state: 'live-only', notice: { code: 'history_disk_full' } });
      expect(usageOf(full, r.profile.id)).toMatchObject({ samples: 1, messages });
      expect((await call<ChartViewData>(t, 'telemetry.view', { key: seriesKey(r.live), window: '5m', width: 100 })).values).toEqual([8]);
      t.backend.telemetry.setCharted([r.live]);
      expect(await lastMinute(t, r.kept)).toMatchObject({ values: [7], recorded: 1 });
    });
    expect(savedFiles(dataDir)).toEqual(files);
  });
});

describe('a disk that filled up while the app was closed (tmpfs, needs mount permission)', () => {
  it('says the disk is full (not a permission problem), keeps the file as it was, and reads everything back once there is room', (ctx) =>
    onDisk(ctx, mountTmpfs(DISK_KB), NO_MOUNT, async (disk, dataDir) => {
      const r = await withBackend(dataDir, async (t) => {
        const recording = await recordEverything(t);
        await send(t, recording, 'kept', '7');
        for (let n = 0; n < 5; n++) await send(t, recording, `blob/${n}`, Buffer.alloc(BLOB_BYTES, n));
        expect(usageOf(await status(t), recording.profile.id)).toMatchObject({ samples: 1, messages: 6 });
        return recording;
      });
      const database = readFileSync(path.join(dataDir, HISTORY_FILE));
      const files = savedFiles(dataDir);
      const filler = disk.fill();

      await withBackend(dataDir, async (t) => {
        const s = await status(t);
        expect(s.state).toBe('live-only');
        // The write-ahead log's index cannot be made on the full disk, so the file cannot even be read this run:
        // the notice says it is kept, not that it reads back.
        expect(s.notice).toMatchObject({
          code: 'history_disk_full',
          message: expect.stringMatching(/^The disk holding the history database is full \(.+\); recording stopped\. What was recorded is kept, and can be read again once there is room\./),
          hint: expect.stringMatching(/^Free disk space/),
        });
        expect(t.backend.profiles.list()).toEqual([r.profile]);
        await send(t, r, 'live', '5');
        expect((await call<ChartViewData>(t, 'telemetry.view', { key: seriesKey(r.live), window: '5m', width: 100 })).values).toEqual([5]);
      });
      expect(readFileSync(path.join(dataDir, HISTORY_FILE))).toEqual(database);
      expect(savedFiles(dataDir)).toEqual(files);

      rmSync(filler);
      await withBackend(dataDir, async (t) => {
        const s = await status(t);
        expect(s).toMatchObject({ state: 'recording', notice: null });
        expect(usageOf(s, r.profile.id)).toMatchObject({ samples: 1, messages: 6 });
        t.backend.telemetry.setCharted([r.live]);
        expect(await lastMinute(t, r.kept)).toMatchObject({ values: [7], recorded: 1 });
      });
    }));
});

describe('a data folder on a read-only file system from the start (tmpfs, needs mount permission)', () => {
  it('live-only as unwritable with the fix; live charts and saved connections go on; writable again, history records', (ctx) =>
    onDisk(ctx, mountTmpfs(DISK_KB), NO_MOUNT, async (disk, dataDir) => {
      const r = await withBackend(dataDir, async (t) => {
        const recording = await recordEverything(t);
        await send(t, recording, 'kept', '7');
        return recording;
      });
      const files = savedFiles(dataDir);

      // Nothing holds a file open now, so the tmpfs may be remounted read-only.
      disk.readOnly(true);
      try {
        await withBackend(dataDir, async (t) => {
          const s = await status(t);
          expect(s.state).toBe('live-only');
          expect(s.notice).toMatchObject({ code: 'history_unwritable', message: expect.stringMatching(/cannot be written/), hint: expect.stringMatching(/mounted writable/) });
          expect(t.backend.profiles.list()).toEqual([r.profile]);
          await send(t, r, 'live', '5');
          expect((await call<ChartViewData>(t, 'telemetry.view', { key: seriesKey(r.live), window: '5m', width: 100 })).values).toEqual([5]);
          const refused = await t.backend.dispatch('profiles.save', { settings: { name: 'another', url: 'mqtts://broker.invalid:8883' } });
          expect(refused).toMatchObject({ ok: false, error: { code: 'disk_read_only' } });
        });
        expect(savedFiles(dataDir)).toEqual(files);
      } finally {
        disk.readOnly(false);
      }

      await withBackend(dataDir, async (t) => {
        await send(t, r, 'kept', '9');
        const s = await status(t);
        expect(s).toMatchObject({ state: 'recording', notice: null });
        expect(usageOf(s, r.profile.id)).toMatchObject({ samples: 2 });
      });
    }));
});

interface FailingDisk {
  dir: string;
  /** Makes the file system read-only under whatever holds it open (ext4's response to an error). */
  fail(): void;
  unmount(): void;
}

/**
 * A small ext4 file system in a file, mounted through a loop device with
 * errors=remount-ro; null where that is not possible (not Linux, not root, no
 * loop devices or mkfs.ext4, no error switch in sysfs).
 */
function mountFailingExt4(sizeMb: number): FailingDisk | null {
  if (process.platform !== 'linux') return null;
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'mqtts-ext4-'));
  const image = path.join(scratch, 'disk.img');
  const dir = path.join(scratch, 'mnt');
  mkdirSync(dir);
  const run = (command: string, args: string[]) => execFileSync(command, args, { stdio: ['ignore', 'pipe', 'ignore'], timeout: 20_000 }).toString().trim();
  let mounted = false;
  try {
    writeFileSync(image, '');
    truncateSync(image, sizeMb * 1024 * 1024);
    run('mkfs.ext4', ['-q', '-F', image]);
    run('mount', ['-o', 'loop,errors=remount-ro', image, dir]);
    mounted = true;
    const trigger = `/sys/fs/ext4/${path.basename(run('findmnt', ['-n', '-o', 'SOURCE', dir]))}/trigger_fs_error`;
    if (!existsSync(trigger)) throw new Error('no error switch');
    return {
      dir,
      fail: () => writeFileSync(trigger, '1'),
      // Lazily, as the tmpfs helper does: the loop device is released with the last file open on it.
      unmount: () => {
        run('umount', ['-l', dir]);
        rmSync(scratch, { recursive: true, force: true });
      },
    };
  } catch {
    if (mounted) run('umount', ['-l', dir]);
    rmSync(scratch, { recursive: true, force: true });
    return null;
  }
}

describe('a file system that goes read-only while recording (ext4 on a loop device, needs root)', () => {
  it('the next write stops recording as unwritable with the fix; the history still reads back; nothing throws; the backend closes cleanly', (ctx) =>
    onDisk(ctx, mountFailingExt4(8), 'an ext4 file system on a loop device cannot be mounted here; the read-only tmpfs test covers the notice', async (disk, dataDir) => {
      await withBackend(dataDir, async (t) => {
        const r = await recordEverything(t);
        const files = savedFiles(dataDir);
        await send(t, r, 'kept', '7');
        for (let n = 0; n < 3; n++) await send(t, r, `blob/${n}`, Buffer.alloc(BLOB_BYTES, n));
        expect(await status(t)).toMatchObject({ state: 'recording', notice: null });

        disk.fail();
        const { status: stopped, written } = await recordUntilLiveOnly(t, r);
        // The very next write failed: nothing more was recorded.
        expect(written).toBe(0);
        expect(stopped.notice).toMatchObject({ code: 'history_unwritable', message: expect.stringMatching(/^The history database history\.sqlite cannot be written \(.+\); recording stopped\./) });
        expect(stopped.notice?.hint).toMatch(/mounted writable/);
        // The message whose write failed is counted dropped.
        expect(stopped.dropped).toEqual({ samples: 0, messages: 1 });
        // Reads of the history still work: its use and what it holds.
        expect(usageOf(stopped, r.profile.id)).toMatchObject({ samples: 1, messages: 4 });
        // Live charts go on; the saved connections cannot change, and are intact.
        await send(t, r, 'live', '5');
        expect((await call<ChartViewData>(t, 'telemetry.view', { key: seriesKey(r.live), window: '5m', width: 100 })).values).toEqual([5]);
        const refused = await t.backend.dispatch('profiles.save', { settings: { name: 'another', url: 'mqtts://broker.invalid:8883' } });
        expect(refused).toMatchObject({ ok: false, error: { code: 'disk_read_only' } });
        expect(t.backend.profiles.list()).toEqual([r.profile]);
        expect(savedFiles(dataDir)).toEqual(files);
        t.backend.telemetry.setCharted([r.live]);
        expect(await lastMinute(t, r.kept)).toMatchObject({ values: [7], recorded: 1 });
      });
    }));
});
