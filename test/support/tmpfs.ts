/**
 * A small real file system for disk-fault tests: a tmpfs of a few hundred KB
 * that can be filled up or remounted read-only. Mounting needs root (CI and
 * this machine run tests as root); where it is not allowed, `mountTmpfs`
 * returns null and the tests that need it say why they were skipped.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface SmallDisk {
  dir: string;
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
    readOnly: (on) => {
      if (!mount(['-o', `remount,${on ? 'ro' : 'rw'}`, dir])) throw new Error(`could not remount ${dir} ${on ? 'read-only' : 'read-write'}`);
    },
    unmount: () => {
      execFileSync('umount', ['-l', dir], { stdio: 'ignore', timeout: 10_000 });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
