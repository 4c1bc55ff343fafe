/**
 * A small real file system for disk-fault tests: a tmpfs of a few hundred KB
 * that can be filled up or remounted read-only. Mounting needs root (CI and
 * this machine run tests as root); where it is not allowed, `mountTmpfs`
 * returns null and the tests that need it say why they were skipped.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface SmallDisk {
  dir: string;
  /** Writes a filler file until the file system refuses another byte (bounded by its size); returns its path. */
  fill(): string;
  readOnly(on: boolean): void;
  unmount(): void;
}

function mount(args: string[]): boolean {
  try {
    execFileSync('mount', args, { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export function mountTmpfs(sizeKb: number): SmallDisk | null {
  if (process.platform !== 'linux') return null;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtts-tmpfs-'));
  if (!mount(['-t', 'tmpfs', '-o', `size=${sizeKb}k,mode=0700`, 'tmpfs', dir])) {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return {
    dir,
    fill: () => {
      const file = path.join(dir, 'filler');
      const fd = openSync(file, 'w');
      const block = Buffer.alloc(4096, 1);
      try {
        for (let i = 0; i < sizeKb / 4 + 1; i++) writeSync(fd, block);
        throw new Error('the small disk never filled up');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      } finally {
        closeSync(fd);
      }
      return file;
    },
    readOnly: (on) => {
      if (!mount(['-o', `remount,${on ? 'ro' : 'rw'}`, dir])) throw new Error(`could not remount ${dir} ${on ? 'read-only' : 'read-write'}`);
    },
    unmount: () => {
      execFileSync('umount', ['-l', dir], { stdio: 'ignore', timeout: 10_000 });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
