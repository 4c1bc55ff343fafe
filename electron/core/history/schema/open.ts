/**
 * Opening the history file (in the recorder's worker thread): a new file gets
 * the current format; an older one is migrated; a newer one, a damaged one, or
 * one that cannot be written is reported as a problem instead, and the app
 * goes on live-only. A damaged file (or another SQLite file in its place) is
 * moved aside with its write-ahead log, never deleted.
 */
import Database from 'better-sqlite3';
import { existsSync, renameSync } from 'node:fs';
import path from 'node:path';
import { problemOf, type HistoryProblem } from '../problems';
import { HISTORY_APPLICATION_ID, migrateSchema, SCHEMA_VERSION } from './index';

/**
 * SQLite's page cache for the history file, in KiB (its default is 2 MiB).
 * Samples of every charted series are written in each batch, each series to
 * its own end of the samples B-tree: with a thousand series those leaf pages
 * and their parents outgrow 2 MiB, and each batch read them back from the file.
 */
const PAGE_CACHE_KIB = 16 * 1024;

export interface OpenOptions {
  /** Test hook: SQLite's page limit, so a real "database or disk is full" can be reached. */
  maxPageCount?: number;
  /** Stamps the name a damaged file is moved to. */
  now?: () => number;
}

export type OpenOutcome = { ok: true; db: Database.Database } | { ok: false; problem: HistoryProblem };

/** Moves a damaged file and its -wal/-shm companions aside; returns the new name of the main file. */
export function keepAside(file: string, now: number): string {
  const aside = `${file}.corrupt-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(file + suffix)) renameSync(file + suffix, aside + suffix);
  }
  return path.basename(aside);
}

export function openHistoryFile(file: string, options: OpenOptions = {}): OpenOutcome {
  let db: Database.Database | null = null;
  try {
    db = new Database(file);
    const applicationId = db.pragma('application_id', { simple: true }) as number;
    const version = db.pragma('user_version', { simple: true }) as number;
    const tables = (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n;
    if (applicationId !== HISTORY_APPLICATION_ID && (applicationId !== 0 || tables > 0)) {
      db.close();
      db = null;
      return { ok: false, problem: { kind: 'corrupt', detail: 'the file is not a history database of this app', keptAs: keepAside(file, (options.now ?? Date.now)()) } };
    }
    if (version > SCHEMA_VERSION) {
      db.close();
      return { ok: false, problem: { kind: 'newer', detail: `format ${version}, this app reads up to ${SCHEMA_VERSION}` } };
    }
    // Must precede the first table: pages freed by retention can then be given back to the disk.
    if (tables === 0) db.pragma('auto_vacuum = INCREMENTAL');
    if ((db.pragma('journal_mode = WAL', { simple: true }) as string) !== 'wal') throw Object.assign(new Error('the database cannot use a write-ahead log here'), { code: 'SQLITE_CANTOPEN' });
    db.pragma('synchronous = NORMAL');
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    if (options.maxPageCount) db.pragma(`max_page_count = ${options.maxPageCount}`);
    migrateSchema(db, version);
    // Reads every table's root: a file damaged there fails now rather than on the first write.
    db.prepare('SELECT (SELECT count(*) FROM connections), (SELECT count(*) FROM usage)').get();
    return { ok: true, db };
  } catch (error) {
    try {
      db?.close();
    } catch {
      // Closing a file that failed to open may fail too; the problem is reported below.
    }
    const problem = problemOf(error);
    if (problem.kind === 'corrupt') problem.keptAs = keepAside(file, (options.now ?? Date.now)());
    return { ok: false, problem };
  }
}
