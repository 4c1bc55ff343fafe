/**
 * The history database's format: its steps, one file each (`vN-to-vN+1.ts`),
 * run in order when the file is opened, each in its own transaction with the
 * format number (`PRAGMA user_version`) set in the same transaction, so a
 * crash leaves a file of either format, never between. A file of a newer
 * format is never touched (see open.ts). `application_id` marks the file as
 * ours, so another SQLite file put in its place is not taken for history.
 */
import type { Database } from 'better-sqlite3';
import type { SchemaStep } from './step';
import { v0ToV1 } from './v0-to-v1';
import { v1ToV2 } from './v1-to-v2';

export const SCHEMA_STEPS: readonly SchemaStep[] = [v0ToV1, v1ToV2];
export const SCHEMA_VERSION = SCHEMA_STEPS.length;
/** "MQTH" */
export const HISTORY_APPLICATION_ID = 0x4d515448;

/** Brings a file of format `version` (at most SCHEMA_VERSION) to the current format. */
export function migrateSchema(db: Database, version: number): void {
  for (const step of SCHEMA_STEPS) {
    if (step.from < version) continue;
    db.transaction(() => {
      step.run(db);
      db.pragma(`user_version = ${step.from + 1}`);
      db.pragma(`application_id = ${HISTORY_APPLICATION_ID}`);
    })();
  }
}
