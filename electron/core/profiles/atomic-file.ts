/**
 * Crash-safe file replacement: write a temporary file, fsync it, keep the
 * current version as `<file>.bak`, rename the temporary file over the original,
 * fsync the folder. At every instant either the old or the new content is
 * complete on disk.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

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
