/**
 * The profiles file's format history, one step per file (`vN-to-vN+1.ts`), run
 * in order on load. The current format is the one after the last step; a file
 * of a newer format is never migrated (the store opens it read-only).
 */
import type { FoundSecret, MigrationStep } from './step';
import { v1ToV2 } from './v1-to-v2';
import { v2ToV3 } from './v2-to-v3';
import { v3ToV4 } from './v3-to-v4';
import { v4ToV5 } from './v4-to-v5';
import { v5ToV6 } from './v5-to-v6';
import { v6ToV7 } from './v6-to-v7';
import { v7ToV8 } from './v7-to-v8';
import { v8ToV9 } from './v8-to-v9';

export type { FoundSecret } from './step';

export const MIGRATIONS: readonly MigrationStep[] = [v1ToV2, v2ToV3, v3ToV4, v4ToV5, v5ToV6, v6ToV7, v7ToV8, v8ToV9];

export const PROFILES_VERSION = 1 + MIGRATIONS.length;

export interface Migrated {
  profiles: unknown[];
  notes: string[];
  secrets: FoundSecret[];
}

/** Runs every step from `version` up to the current format. */
export function migrateProfiles(profiles: readonly unknown[], version: number): Migrated {
  let result: Migrated = { profiles: [...profiles], notes: [], secrets: [] };
  for (const step of MIGRATIONS) {
    if (step.from < version) continue;
    const next = step.run(result.profiles);
    result = { profiles: next.profiles, notes: [...result.notes, ...next.notes], secrets: [...result.secrets, ...next.secrets] };
  }
  return result;
}
