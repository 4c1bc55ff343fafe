/**
 * A data folder that is full, read-only or not writable: saving connections
 * or settings says which, and how to fix it, and nothing already saved is
 * lost. Injected write failures for every cause, and a real tiny tmpfs filled
 * up and remounted read-only where the machine allows mounting (as root).
 */
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProfile, ProfileSettingsSchema, type Profile } from '../../shared/profiles';
import { ProfileStore } from '../../electron/core/profiles/profile-store';
import { SettingsStore } from '../../electron/core/settings';
import { tempDir } from '../support/backend';
import { mountTmpfs, type SmallDisk } from '../support/tmpfs';

function profile(id: string, note = ''): Profile {
  return createProfile(ProfileSettingsSchema.parse({ name: `conn ${id}`, url: `mqtts://${id}.example:8883`, group: note }), id);
}

const ids = (profiles: Profile[]) => profiles.map((p) => p.id);
const leftovers = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

async function reloaded(dir: string): Promise<string[]> {
  const store = new ProfileStore(dir);
  return ids(await store.load());
}

describe('a failed save says why and loses nothing (injected)', () => {
  it.each([
    ['ENOSPC', 'disk_full', /the disk holding .+ is full/, /Free some space/],
    ['EDQUOT', 'disk_quota', /disk quota for .+ is used up/, /larger quota/],
    ['EROFS', 'disk_read_only', /on a read-only file system/, /Remount it read-write/],
    ['EACCES', 'disk_permission', /may not write in/, /write permission/],
    ['EPERM', 'disk_permission', /may not write in/, /write permission/],
    ['EIO', 'disk_io_error', /input\/output error/, /Check the disk/],
  ])('%s → %s', async (errno, code, message, hint) => {
    const dir = tempDir('disk');
    let fail = false;
    const store = new ProfileStore(dir, {
      beforeRename: () => {
        if (fail) throw Object.assign(new Error(`${errno}: injected`), { code: errno });
      },
    });
    await store.load();
    await store.put(profile('a'), profile('b'));
    fail = true;
    const failure = await store.put(profile('c')).then(
      () => null,
      (e: unknown) => e,
    );
    expect(failure).toMatchObject({ error: { code } });
    const { message: text, hint: fix } = (failure as { error: { message: string; hint: string } }).error;
    expect(text).toMatch(/^The connections could not be saved: /);
    expect(text).toContain(dir);
    expect(text).toMatch(message);
    expect(fix).toMatch(hint);
    expect(fix).toMatch(/What was saved before is intact\.$/);
    expect(ids(store.list())).toEqual(['a', 'b']);
    expect(await reloaded(dir)).toEqual(['a', 'b']);
    expect(leftovers(dir)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the system message for causes it has no sentence for', async () => {
    const dir = tempDir('disk');
    const store = new ProfileStore(dir, { beforeRename: () => Promise.reject(new Error('power cut')) });
    await store.load();
    await expect(store.put(profile('a'))).rejects.toMatchObject({ error: { code: 'profiles_write_failed', message: 'The connections could not be saved (power cut).' } });
    rmSync(dir, { recursive: true, force: true });
  });
});

let disk: SmallDisk | null = null;
beforeAll(() => {
  disk = mountTmpfs(256);
});
afterAll(() => disk?.unmount());

describe('a real small disk (tmpfs, needs mount permission)', () => {
  it('full: saving connections and settings fails with the fix; what was saved survives; freeing space fixes it', async (ctx) => {
    if (!disk) return ctx.skip('mounting a tmpfs is not allowed here; the injected failures above cover the translation');
    const dir = path.join(disk.dir, 'full');
    const store = new ProfileStore(dir);
    await store.load();
    await store.put(profile('a'), profile('b'));
    const settings = new SettingsStore(dir);
    await settings.load();
    await settings.update({ sampleBudgetMB: 128 });

    const filler = disk.fill();
    await expect(store.put(profile('c', 'x'.repeat(150)))).rejects.toMatchObject({ error: { code: 'disk_full' } });
    await expect(settings.update({ sampleBudgetMB: 512 })).rejects.toMatchObject({ error: { code: 'disk_full', message: expect.stringMatching(/^The settings could not be saved: the disk holding .+ is full\.$/) } });
    expect(ids(store.list())).toEqual(['a', 'b']);
    expect(settings.current.sampleBudgetMB).toBe(128);
    expect(await reloaded(dir)).toEqual(['a', 'b']);
    expect((await new SettingsStore(dir).load()).sampleBudgetMB).toBe(128);
    expect(leftovers(dir)).toEqual([]);

    rmSync(filler);
    await store.put(profile('c'));
    expect(await reloaded(dir)).toEqual(['a', 'b', 'c']);
  });

  it('read-only: saving fails with the fix; what was saved survives; remounting fixes it', async (ctx) => {
    if (!disk) return ctx.skip('mounting a tmpfs is not allowed here; the injected failures above cover the translation');
    const dir = path.join(disk.dir, 'ro');
    const store = new ProfileStore(dir);
    await store.load();
    await store.put(profile('a'));
    disk.readOnly(true);
    try {
      await expect(store.put(profile('b'))).rejects.toMatchObject({ error: { code: 'disk_read_only' } });
      await expect(new SettingsStore(dir).update({ sampleBudgetMB: 64 })).rejects.toMatchObject({ error: { code: 'disk_read_only' } });
      expect(await reloaded(dir)).toEqual(['a']);
    } finally {
      disk.readOnly(false);
    }
    await store.put(profile('b'));
    expect(await reloaded(dir)).toEqual(['a', 'b']);
  });
});
