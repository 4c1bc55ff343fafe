/**
 * Connection profiles as versioned JSON in the app's data folder: settings and
 * public certificates only. Every write is atomic and keeps the previous good
 * version as a backup; a corrupt file is reported and the backup loaded, never
 * silently replaced by an empty list.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ProfileSchema, type Profile } from '../../../shared/profiles';
import { AppFailure, type AppError } from '../../../shared/result';
import { saveFailure, writeFileAtomic, type AtomicWriteOptions } from './atomic-file';

export const PROFILES_VERSION = 1;
export const PROFILES_FILE = 'profiles.json';

const FileSchema = z.object({
  version: z.number().int().positive(),
  profiles: z.array(ProfileSchema),
});

type ReadOutcome = { ok: true; profiles: Profile[]; version: number } | { ok: false; missing: boolean; reason: string };

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
  const parsed = FileSchema.safeParse(json);
  if (!parsed.success) return { ok: false, missing: false, reason: `not a valid profiles file (${parsed.error.issues[0]?.message ?? 'schema'})` };
  return { ok: true, profiles: parsed.data.profiles, version: parsed.data.version };
}

export interface ProfileStoreOptions {
  /** Test hook, passed to the atomic writer. */
  beforeRename?: AtomicWriteOptions['beforeRename'];
}

export class ProfileStore {
  readonly file: string;
  private profiles: Profile[] = [];
  /** Whether the file on disk is known good, so it may become the backup. */
  private diskGood = false;
  private readOnlyReason: string | null = null;
  private pending: Promise<void> = Promise.resolve();
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

  /** Inserts or replaces profiles by id, then writes. On a failed write, memory is left as it was. */
  async put(...changed: Profile[]): Promise<void> {
    await this.mutate((list) => {
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
    await this.mutate((list) => list.filter((p) => p.id !== id));
  }

  private mutate(change: (list: Profile[]) => Profile[]): Promise<void> {
    const run = async () => {
      if (this.readOnlyReason) throw new AppFailure('profiles_read_only', this.readOnlyReason, 'Resolve the profiles file problem first; nothing was changed.');
      const next = change(this.profiles);
      const body = JSON.stringify({ version: PROFILES_VERSION, profiles: next }, null, 2) + '\n';
      try {
        await writeFileAtomic(this.file, body, { backup: this.diskGood, beforeRename: this.options.beforeRename });
      } catch (error) {
        throw saveFailure(error, 'The connections', this.file, 'profiles_write_failed');
      }
      this.profiles = next;
      this.diskGood = true;
    };
    const result = this.pending.then(run, run);
    this.pending = result.catch(() => undefined);
    return result;
  }
}
