/**
 * Connection profiles as versioned JSON in the app's data folder: settings and
 * public certificates only. Every write is atomic and keeps the previous good
 * version as a backup; a corrupt file is reported and the backup loaded, never
 * silently replaced by an empty list. Every successful write is announced to
 * the listeners (`onChange`), so what follows the profiles (charts, sessions,
 * windows) does not depend on each caller remembering to tell it.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ProfileSchema, type Profile } from '../../../shared/profiles';
import { AppFailure, type AppError } from '../../../shared/result';
import { describeIssues } from '../ipc/dispatcher';
import type { SecretStore } from '../secrets/secret-store';
import { saveFailure, writeFileAtomic, type AtomicWriteOptions } from './atomic-file';
import { migrateProfiles, PROFILES_VERSION, type Migrated } from './migrations';
import { moveFoundSecrets } from './migrations/found-secrets';

export { PROFILES_VERSION } from './migrations';
export const PROFILES_FILE = 'profiles.json';

const EnvelopeSchema = z.object({
  version: z.number().int().positive(),
  profiles: z.array(z.unknown()),
});
const ProfilesSchema = z.array(ProfileSchema);

type ReadOutcome =
  | { ok: true; profiles: Profile[]; version: number; migrated: Migrated | null }
  | { ok: false; missing: boolean; reason: string };

/** Reads a profiles file; one of an older format is brought to the current one (in memory only). */
async function readProfilesFile(file: string): Promise<ReadOutcome> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, missing: code === 'ENOENT', reason: code === 'ENOENT' ? 'missing' : `unreadable (${code ?? String(error)})` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, missing: false, reason: `not valid JSON (${(error as Error).message})` };
  }
  const envelope = EnvelopeSchema.safeParse(json);
  const invalid = (issues: z.core.$ZodIssue[]) => ({ ok: false as const, missing: false, reason: `not a valid profiles file (${issues[0]?.message ?? 'schema'})` });
  if (!envelope.success) return invalid(envelope.error.issues);
  const { version } = envelope.data;
  // A file of a newer format is read as it is; the store opens it read-only.
  const migrated = version < PROFILES_VERSION ? migrateProfiles(envelope.data.profiles, version) : null;
  const parsed = ProfilesSchema.safeParse(migrated ? migrated.profiles : envelope.data.profiles);
  if (!parsed.success) return invalid(parsed.error.issues);
  return { ok: true, profiles: parsed.data, version, migrated };
}

/** What one successful write changed; `list()` already returns the result. */
export interface ProfileChange {
  saved: Profile[];
  removed: string[];
}
export type ProfileListener = (change: ProfileChange) => void;

export interface ProfileStoreOptions {
  /** Test hook, passed to the atomic writer. */
  beforeRename?: AtomicWriteOptions['beforeRename'];
  /** Where a failing change listener is reported. */
  onListenerError?: (error: unknown) => void;
  /** Where secrets found in an old profiles file are moved on load (without it, such a file opens read-only). */
  secrets?: Pick<SecretStore, 'get' | 'set'>;
}

export class ProfileStore {
  readonly file: string;
  private profiles: Profile[] = [];
  /** Whether the file on disk is known good, so it may become the backup. */
  private diskGood = false;
  /** The backup still holds the format before a migration (maybe a key): the next write replaces it too. */
  private staleBackup = false;
  private readOnlyReason: string | null = null;
  private pending: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<ProfileListener>();
  /** What the operator must be told about the last load (recovered from backup, read-only). */
  notice: AppError | null = null;

  constructor(
    readonly dir: string,
    private readonly options: ProfileStoreOptions = {},
  ) {
    this.file = path.join(dir, PROFILES_FILE);
  }

  async load(): Promise<Profile[]> {
    this.notice = null;
    const main = await readProfilesFile(this.file);
    if (main.ok) {
      this.accept(main.profiles, main.version);
      this.diskGood = this.readOnlyReason === null;
      if (main.migrated) await this.adopt(main.migrated);
      return this.list();
    }
    const backup = await readProfilesFile(`${this.file}.bak`);
    if (main.missing && !backup.ok) {
      this.profiles = [];
      this.diskGood = false;
      return [];
    }
    if (!main.missing) {
      // Keep the damaged file for inspection; the next save must not back it up over the good backup.
      const aside = `${this.file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      await fs.copyFile(this.file, aside).catch(() => undefined);
      this.diskGood = false;
    }
    if (backup.ok) {
      this.accept(backup.profiles, backup.version);
      this.notice = {
        code: 'profiles_recovered',
        message: `The profiles file was ${main.reason}; the previous version was loaded from the backup.`,
        hint: main.missing ? 'Nothing to do: the next change saves a new profiles file.' : `The damaged file was kept beside it as ${path.basename(this.file)}.corrupt-*. Check the recovered connections.`,
      };
      if (backup.migrated) await this.adopt(backup.migrated);
      return this.list();
    }
    this.profiles = [];
    this.readOnlyReason = `The profiles file is ${main.reason} and there is no usable backup.`;
    this.notice = {
      code: 'profiles_unreadable',
      message: this.readOnlyReason,
      hint: `Nothing was overwritten; the file was kept as ${path.basename(this.file)}.corrupt-*. Restore it from a backup or remove it to start afresh.`,
    };
    return [];
  }

  private accept(profiles: Profile[], version: number): void {
    this.profiles = profiles;
    this.readOnlyReason = null;
    if (version > PROFILES_VERSION) {
      this.readOnlyReason = `The profiles file was written by a newer version of the app (format ${version}).`;
      this.notice = { code: 'profiles_newer', message: this.readOnlyReason, hint: 'Update the app; until then connections cannot be changed, so nothing is lost.' };
    }
  }

  /**
   * Finishes a migration done on load: secrets found in the file go to the
   * keychain, then the file and its backup are rewritten in the current format,
   * so no copy of the old format (which may hold a key) stays on disk. If a
   * secret cannot be moved, nothing is rewritten and the store stays read-only.
   */
  private async adopt(migrated: Migrated): Promise<void> {
    const moved = await moveFoundSecrets(this.profiles, migrated.secrets, this.options.secrets);
    const notes = [...migrated.notes, ...moved.notes];
    if (moved.failure) {
      this.readOnlyReason = `The saved connections hold a private key in the clear that must move to the OS keychain first, and the keychain cannot take it (${moved.failure}).`;
      this.addNotice({ code: 'profiles_key_in_file', message: this.readOnlyReason, hint: 'Start or unlock the OS keychain, then restart the app: the key is moved and the file rewritten. Until then connections cannot be changed, so nothing is lost.' });
      return;
    }
    this.diskGood = false;
    this.staleBackup = true;
    try {
      await this.write(this.profiles);
      this.diskGood = true;
    } catch (error) {
      notes.push(`The profiles file could not be rewritten yet (${(error as Error).message}); the next change does it.`);
    }
    if (notes.length) {
      this.addNotice({ code: 'profiles_migrated', message: `The saved connections were updated to format ${PROFILES_VERSION}. ${notes.join(' ')}`, hint: 'Connections keep certificates only; private keys live in the OS keychain. Check that these connections still connect.' });
    }
  }

  private addNotice(notice: AppError): void {
    this.notice = this.notice ? { code: this.notice.code, message: `${this.notice.message} ${notice.message}`, hint: `${this.notice.hint} ${notice.hint}` } : notice;
  }

  /** Writes the file (keeping the previous one as the backup when it is known good). */
  private async write(profiles: Profile[]): Promise<void> {
    const body = JSON.stringify({ version: PROFILES_VERSION, profiles }, null, 2) + '\n';
    await writeFileAtomic(this.file, body, { backup: this.diskGood, beforeRename: this.options.beforeRename });
    if (this.staleBackup) {
      // Best effort: the new file is written; a backup still in the old format is retried next time.
      await writeFileAtomic(`${this.file}.bak`, body, { backup: false }).then(
        () => (this.staleBackup = false),
        () => undefined,
      );
    }
  }

  list(): Profile[] {
    return this.profiles.map((p) => structuredClone(p));
  }

  get(id: string): Profile {
    const profile = this.profiles.find((p) => p.id === id);
    if (!profile) throw new AppFailure('not_found', 'That connection does not exist any more.', 'Reload the connection list.');
    return structuredClone(profile);
  }

  has(id: string): boolean {
    return this.profiles.some((p) => p.id === id);
  }

  /** Calls `listener` after every successful write, in the order listeners were added; returns the disposer. */
  onChange(listener: ProfileListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /**
   * Inserts or replaces profiles by id, then writes. On a failed write, memory is left as it was.
   * Each profile is checked against the schema first: whatever a caller built, no private key
   * or malformed field reaches the file.
   */
  async put(...changed: Profile[]): Promise<void> {
    for (const profile of changed) {
      const checked = ProfileSchema.safeParse(profile);
      if (!checked.success) {
        throw new AppFailure('profile_invalid', `The connection ${profile.name} cannot be saved: ${describeIssues(checked.error)}.`, 'Correct the connection settings; nothing was changed.');
      }
    }
    await this.mutate({ saved: changed, removed: [] }, (list) => {
      const next = [...list];
      for (const profile of changed) {
        const i = next.findIndex((p) => p.id === profile.id);
        if (i >= 0) next[i] = profile;
        else next.push(profile);
      }
      return next;
    });
  }

  async remove(id: string): Promise<void> {
    await this.mutate({ saved: [], removed: [id] }, (list) => list.filter((p) => p.id !== id));
  }

  /** A listener that throws is reported, not propagated: the write itself succeeded, and callers act on that. */
  private announce(change: ProfileChange): void {
    for (const listener of this.listeners) {
      try {
        listener({ saved: change.saved.map((p) => structuredClone(p)), removed: [...change.removed] });
      } catch (error) {
        (this.options.onListenerError ?? ((e) => console.error('A profile change listener failed', e)))(error);
      }
    }
  }

  private mutate(announce: ProfileChange, change: (list: Profile[]) => Profile[]): Promise<void> {
    const run = async () => {
      if (this.readOnlyReason) throw new AppFailure('profiles_read_only', this.readOnlyReason, 'Resolve the profiles file problem first; nothing was changed.');
      const next = change(this.profiles);
      try {
        await this.write(next);
      } catch (error) {
        throw saveFailure(error, 'The connections', this.file, 'profiles_write_failed');
      }
      this.profiles = next;
      this.diskGood = true;
      this.announce(announce);
    };
    const result = this.pending.then(run, run);
    this.pending = result.catch(() => undefined);
    return result;
  }
}
