/**
 * What can stop the history database, as the operator is told it: the file is
 * from a newer app, damaged, cannot be written, or the disk is full. In each
 * case the app goes on live-only and nothing else is touched; a damaged file
 * is moved aside, never deleted.
 */
import type { AppError } from '../../../shared/result';

export type ProblemKind = 'newer' | 'corrupt' | 'unwritable' | 'full' | 'failed';

export interface HistoryProblem {
  kind: ProblemKind;
  /** What SQLite or the file system said. */
  detail: string;
  /** File name a damaged database was moved to. */
  keptAs?: string;
}

/** Sorts an error from better-sqlite3 or the file system into the problem it means for the operator. */
export function problemOf(error: unknown): HistoryProblem {
  const code = String((error as { code?: unknown })?.code ?? '');
  const detail = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) return { kind: 'corrupt', detail };
  // SHMSIZE: the index of the write-ahead log (the -shm file, made when the database opens) could not be given
  // its room on the disk; SQLite says SQLITE_FULL only for the database and the log themselves.
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'SQLITE_IOERR_SHMSIZE' || code === 'SQLITE_IOERR_WRITE' && /full|space/i.test(detail)) return { kind: 'full', detail };
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM' || code.startsWith('SQLITE_IOERR') || code === 'EACCES' || code === 'EROFS' || code === 'EPERM') {
    return { kind: 'unwritable', detail };
  }
  return { kind: 'failed', detail };
}

const LIVE_ONLY = 'Charts and topics keep working live; nothing is recorded until this is fixed.';

/** `readable`: whether what was recorded can still be read this run (not when the database could not even be opened). */
export function noticeOf(problem: HistoryProblem, file: string, readable = true): AppError {
  switch (problem.kind) {
    case 'newer':
      return {
        code: 'history_newer',
        message: `The history database ${file} was written by a newer version of the app (${problem.detail}), so it was left as it is. ${LIVE_ONLY}`,
        hint: 'Update the app to read and extend that history.',
      };
    case 'corrupt':
      return {
        code: 'history_corrupt',
        message: `The history database was damaged (${problem.detail}). It was moved aside as ${problem.keptAs ?? `${file}.corrupt-*`}. ${LIVE_ONLY}`,
        hint: 'Restart the app to begin a new history file; the damaged one is kept for recovery with SQLite tools.',
      };
    case 'full':
      return {
        code: 'history_disk_full',
        message: `The disk holding the history database is full (${problem.detail}); recording stopped. ${readable ? 'What was recorded stays readable.' : 'What was recorded is kept, and can be read again once there is room.'} ${LIVE_ONLY}`,
        hint: 'Free disk space or lower the retention of your connections, then restart the app.',
      };
    case 'unwritable':
      return {
        code: 'history_unwritable',
        message: `The history database ${file} cannot be written (${problem.detail}); recording stopped. ${LIVE_ONLY}`,
        hint: 'Check the permissions of the app data folder and that its disk is mounted writable, then restart the app.',
      };
    case 'failed':
      return {
        code: 'history_failed',
        message: `Recording history stopped unexpectedly (${problem.detail}). ${LIVE_ONLY}`,
        hint: 'Restart the app; if it happens again, see the application log.',
      };
  }
}
