/**
 * App-wide settings that are not a connection's: for now the sample memory
 * budget. Small JSON beside the profiles, written atomically; an unreadable
 * file means defaults, never a crash.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { saveFailure, writeFileAtomic } from './profiles/atomic-file';

const SettingsSchema = z.object({
  sampleBudgetMB: z.number().int().min(16).max(65536).default(256),
  /** The demo fleet's connection, while the demo is installed. */
  demoProfileId: z.string().nullable().default(null),
});
export type Settings = z.infer<typeof SettingsSchema>;

export class SettingsStore {
  private readonly file: string;
  current: Settings = SettingsSchema.parse({});

  constructor(dir: string) {
    this.file = path.join(dir, 'settings.json');
  }

  async load(): Promise<Settings> {
    try {
      const parsed = SettingsSchema.safeParse(JSON.parse(await fs.readFile(this.file, 'utf8')));
      if (parsed.success) this.current = parsed.data;
    } catch {
      // Missing or unreadable: defaults.
    }
    return this.current;
  }

  async update(change: Partial<Settings>): Promise<Settings> {
    const next = SettingsSchema.parse({ ...this.current, ...change });
    try {
      await writeFileAtomic(this.file, JSON.stringify(next, null, 2) + '\n', { backup: false });
    } catch (error) {
      throw saveFailure(error, 'The settings', this.file, 'settings_write_failed');
    }
    this.current = next;
    return next;
  }
}
