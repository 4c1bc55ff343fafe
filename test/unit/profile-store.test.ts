/**
 * Profiles never lose data: atomic writes with a backup, a crash between write
 * and rename (injected, and a real SIGKILL), corrupt files recovered from the
 * backup with a notice, never replaced by an empty list.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProfile, ProfileSettingsSchema, type Profile } from '../../shared/profiles';
import { exportProfiles, importProfiles } from '../../electron/core/profiles/exchange';
import { PROFILES_FILE, PROFILES_VERSION, ProfileStore } from '../../electron/core/profiles/profile-store';

function profile(id: string, extra: Partial<Profile> = {}): Profile {
  const settings = ProfileSettingsSchema.parse({ name: `conn ${id}`, url: `mqtts://${id}.example:8883`, group: 'Plant A' });
  return { ...createProfile(settings, id), ...extra };
}

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'mqtts-profiles-'));
const names = (store: ProfileStore) => store.list().map((p) => p.id);

/** A store in `dir` that saved a, then b: the file holds both, its backup a alone. */
async function savedTwice(dir: string): Promise<ProfileStore> {
  const store = new ProfileStore(dir);
  await store.load();
  await store.put(profile('a'));
  await store.put(profile('b'));
  return store;
}

describe('profile store', () => {
  it('writes atomically and keeps the previous version as a backup', async () => {
    const dir = tmp();
    await savedTwice(dir);
    const main = JSON.parse(readFileSync(path.join(dir, PROFILES_FILE), 'utf8'));
    const backup = JSON.parse(readFileSync(path.join(dir, `${PROFILES_FILE}.bak`), 'utf8'));
    expect(main.version).toBe(PROFILES_VERSION);
    expect(main.profiles.map((p: Profile) => p.id)).toEqual(['a', 'b']);
    expect(backup.profiles.map((p: Profile) => p.id)).toEqual(['a']);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('leaves the saved profiles intact when a write fails between write and rename', async () => {
    const dir = tmp();
    let fail = false;
    const store = new ProfileStore(dir, {
      beforeRename: () => {
        if (fail) throw new Error('power cut');
      },
    });
    await store.load();
    await store.put(profile('a'), profile('b'));
    fail = true;
    await expect(store.put(profile('c'))).rejects.toMatchObject({ error: { code: 'profiles_write_failed' } });
    expect(names(store)).toEqual(['a', 'b']);
    const reloaded = new ProfileStore(dir);
    await reloaded.load();
    expect(names(reloaded)).toEqual(['a', 'b']);
    expect(reloaded.notice).toBeNull();
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('survives the process being killed in the middle of a write', async () => {
    const dir = tmp();
    const store = new ProfileStore(dir);
    await store.load();
    await store.put(profile('a'), profile('b'));
    let killed = false;
    try {
      execFileSync(process.execPath, ['--import', 'tsx', path.join(__dirname, '../support/kill-mid-write.ts'), dir], { stdio: 'ignore', timeout: 30_000 });
    } catch (error) {
      killed = (error as { signal?: string }).signal === 'SIGKILL';
    }
    expect(killed).toBe(true);
    const reloaded = new ProfileStore(dir);
    await reloaded.load();
    expect(names(reloaded)).toEqual(['a', 'b']);
    expect(reloaded.notice).toBeNull();
  });

  it('loads the backup with a visible notice when the file is corrupt, and keeps the damaged file', async () => {
    const dir = tmp();
    await savedTwice(dir);
    writeFileSync(path.join(dir, PROFILES_FILE), '{"version":1,"profiles":[{"id":"a","na');
    const reloaded = new ProfileStore(dir);
    await reloaded.load();
    expect(names(reloaded)).toEqual(['a']);
    expect(reloaded.notice?.code).toBe('profiles_recovered');
    expect(reloaded.notice?.message).toMatch(/not valid JSON.*backup/);
    expect(readdirSync(dir).some((f) => f.startsWith(`${PROFILES_FILE}.corrupt-`))).toBe(true);
    // The next save must not turn the corrupt file into the backup.
    await reloaded.put(profile('c'));
    const backup = JSON.parse(readFileSync(path.join(dir, `${PROFILES_FILE}.bak`), 'utf8'));
    expect(backup.profiles.map((p: Profile) => p.id)).toEqual(['a']);
  });

  it('never replaces unreadable profiles with an empty list', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, PROFILES_FILE), 'garbage');
    writeFileSync(path.join(dir, `${PROFILES_FILE}.bak`), 'also garbage');
    const store = new ProfileStore(dir);
    await store.load();
    expect(store.notice?.code).toBe('profiles_unreadable');
    await expect(store.put(profile('x'))).rejects.toMatchObject({ error: { code: 'profiles_read_only' } });
    expect(readFileSync(path.join(dir, PROFILES_FILE), 'utf8')).toBe('garbage');
  });

  it('announces every successful write to its listeners, and no failed one', async () => {
    const dir = tmp();
    let fail = false;
    const reported: unknown[] = [];
    const store = new ProfileStore(dir, {
      beforeRename: () => {
        if (fail) throw new Error('disk full');
      },
      onListenerError: (error) => reported.push(error),
    });
    await store.load();
    const seen: string[] = [];
    store.onChange(({ saved, removed }) => seen.push(`saved ${saved.map((p) => p.id).join(',')} removed ${removed.join(',')} now ${names(store).join(',')}`));
    // A listener that throws is reported; the write still counts and later listeners still hear of it.
    const off = store.onChange(() => {
      throw new Error('listener bug');
    });
    const after: string[] = [];
    store.onChange(() => after.push('heard'));
    await store.put(profile('a'), profile('b'));
    off();
    await store.remove('a');
    fail = true;
    await expect(store.put(profile('c'))).rejects.toMatchObject({ error: { code: 'profiles_write_failed' } });
    expect(seen).toEqual(['saved a,b removed  now a,b', 'saved  removed a now b']);
    expect(after).toEqual(['heard', 'heard']);
    expect(reported).toHaveLength(1);
  });

  it('refuses to overwrite a file written by a newer version', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, PROFILES_FILE), JSON.stringify({ version: PROFILES_VERSION + 1, profiles: [profile('a')] }));
    const store = new ProfileStore(dir);
    await store.load();
    expect(names(store)).toEqual(['a']);
    expect(store.notice?.code).toBe('profiles_newer');
    await expect(store.remove('a')).rejects.toMatchObject({ error: { code: 'profiles_read_only' } });
  });
});

describe('profile export and import', () => {
  it('exports settings and groups without secrets, and the import asks for them', () => {
    const withSecrets = profile('a', { secrets: { password: true, clientKey: true, passphrase: true, deviceKey: false }, username: 'op' });
    const { fileName, text } = exportProfiles([withSecrets, profile('b')], new Date('2026-11-26T10:00:00Z'));
    expect(fileName).toBe('mqtts-connections-2026-11-26.json');
    expect(text).not.toMatch(/"id"|"secrets"|PRIVATE/);
    expect(text).toContain(`"ref": "a"`);
    const imported = importProfiles(text);
    expect(imported.map((p) => [p.name, p.group])).toEqual([
      ['conn a', 'Plant A'],
      ['conn b', 'Plant A'],
    ]);
    expect(imported[0]?.pendingSecrets).toEqual(['password', 'clientKey']);
    expect(imported[0]?.secrets).toEqual({ password: false, clientKey: false, passphrase: false, deviceKey: false });
    expect(imported[0]?.id).not.toBe('a');
    expect(imported[1]?.pendingSecrets).toEqual([]);
  });

  it('explains a file that is not an export', () => {
    expect(() => importProfiles('not json')).toThrow(/not JSON/);
    expect(() => importProfiles('{"format":"other","version":1,"exportedAt":"x","profiles":[]}')).toThrow(/not a valid connections export/);
  });
});
