/**
 * Crash-safe file replacement: write a temporary file, fsync it, keep the
 * current version as `<file>.bak`, rename the temporary file over the original,
 * fsync the folder. At every instant either the old or the new content is
 * complete on disk. Also what the operator is told when a save fails (disk
 * full, read-only, no permission), with the fix.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ErrorCode } from '../../../shared/errors';
import { AppFailure } from '../../../shared/result';

export interface AtomicWriteOptions {
  /** Copy the current file to `<file>.bak` first (only pass true when the current file is known good). */
  backup: boolean;
  /** Test hook: runs after the new content is durable and before it replaces the old. */
  beforeRename?: (tempPath: string) => void | Promise<void>;
  mode?: number;
}

async function fsyncPath(target: string, flags: string): Promise<void> {
  const handle = await fs.open(target, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  await fsyncPath(dir, 'r');
}

export async function writeFileAtomic(file: string, data: string, options: AtomicWriteOptions): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await fs.open(temp, 'wx', options.mode ?? 0o600);
  try {
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.backup) {
      const backupTemp = `${file}.bak.${process.pid}.tmp`;
      try {
        await fs.copyFile(file, backupTemp);
        await fsyncPath(backupTemp, 'r+');
        await fs.rename(backupTemp, `${file}.bak`);
      } catch (error) {
        await fs.rm(backupTemp, { force: true });
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    await options.beforeRename?.(temp);
    await fs.rename(temp, file);
    await fsyncDir(dir);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}

const INTACT = 'What was saved before is intact.';

/** Why writing in `dir` failed, by errno: [code, cause, fix]. */
function diskCause(errno: string | undefined, dir: string): [ErrorCode, string, string] | null {
  switch (errno) {
    case 'ENOSPC':
      return ['disk_full', `the disk holding ${dir} is full`, 'Free some space on that disk, then save again.'];
    case 'EDQUOT':
      return ['disk_quota', `your disk quota for ${dir} is used up`, 'Delete files you no longer need or ask for a larger quota, then save again.'];
    case 'EROFS':
      return ['disk_read_only', `the data folder ${dir} is on a read-only file system`, 'Remount it read-write (a disk is sometimes remounted read-only after errors: check it), then save again.'];
    case 'EACCES':
    case 'EPERM':
      return ['disk_permission', `this app may not write in ${dir}`, 'Give the user running the app write permission on that folder and the files in it, then save again.'];
    case 'EIO':
      return ['disk_io_error', `the disk holding ${dir} reported an input/output error`, 'Check the disk (it may be failing or disconnected), then save again.'];
    default:
      return null;
  }
}

/**
 * The failure to show when saving `what` ("The connections") to `file` failed:
 * a full disk, a read-only file system or missing permission each named with
 * its fix; anything else with the system's own message under `fallbackCode`.
 */
export function saveFailure(error: unknown, what: string, file: string, fallbackCode: ErrorCode): AppFailure {
  const dir = path.dirname(file);
  const errno = (error as NodeJS.ErrnoException | null)?.code;
  const known = diskCause(errno, dir);
  if (known) {
    const [code, cause, fix] = known;
    return new AppFailure(code, `${what} could not be saved: ${cause}.`, `${fix} ${INTACT}`);
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new AppFailure(fallbackCode, `${what} could not be saved (${detail}).`, `Check free disk space and the permissions of ${dir}. ${INTACT}`);
}
