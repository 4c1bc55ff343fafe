/**
 * What `npm start` (and `npm run dev`, `npm run dist`) do on each kind of
 * machine: open Electron, fetch its binary first, or serve the dashboard to a
 * browser, with one sentence saying why. The decision is pure; the machine
 * (binary on disk, display, the fetch) is passed in, so no download and no
 * window happen here.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { binaryPresent, decide, hasDisplay, SAY, settle, type Machine, type Mode } from '../../scripts/electron-binary';

describe('the decision', () => {
  const cases: Array<[Mode, boolean, boolean, boolean, ReturnType<typeof decide>]> = [
    // mode, binary, display, fetchFailed → decision
    ['start', true, true, false, { action: 'electron' }],
    ['start', false, true, false, { action: 'fetch' }],
    ['start', false, true, true, { action: 'browser', say: SAY.fetchFailedStart }],
    ['start', true, false, false, { action: 'browser', say: SAY.noDisplay }],
    ['start', false, false, false, { action: 'browser', say: SAY.noDisplay }],
    ['dev', true, true, false, { action: 'electron' }],
    ['dev', false, true, false, { action: 'fetch' }],
    ['dev', false, true, true, { action: 'stop', say: SAY.fetchFailedBuild }],
    ['dev', false, false, false, { action: 'stop', say: SAY.devNeedsDisplay }],
    ['dist', false, false, false, { action: 'fetch' }],
    ['dist', true, false, false, { action: 'electron' }],
    ['dist', false, false, true, { action: 'stop', say: SAY.fetchFailedBuild }],
  ];
  it.each(cases)('%s with binary=%s display=%s fetchFailed=%s', (mode, binary, display, fetchFailed, expected) => {
    expect(decide(mode, { binary, display, fetchFailed })).toEqual(expected);
  });
});

/** A machine whose fetch outcome is chosen by the test; records what ran and what was said. */
function machine(options: { binary: boolean; display: boolean; fetchExit?: number; fetchInstalls?: boolean }) {
  let installed = options.binary;
  const log: string[] = [];
  const m: Machine = {
    display: options.display,
    binaryPresent: () => installed,
    fetch: async () => {
      log.push('fetch');
      if (options.fetchInstalls ?? true) installed = (options.fetchExit ?? 0) === 0;
      return options.fetchExit ?? 0;
    },
    say: (line) => log.push(line),
  };
  return { m, log };
}

describe('npm start on each machine', () => {
  it('a desktop with the binary: Electron, nothing fetched, nothing said', async () => {
    const { m, log } = machine({ binary: true, display: true });
    expect(await settle('start', m)).toEqual({ action: 'electron' });
    expect(log).toEqual([]);
  });

  it('a desktop after npm install (no binary): fetches it with progress, then Electron', async () => {
    const { m, log } = machine({ binary: false, display: true });
    expect(await settle('start', m)).toEqual({ action: 'electron' });
    expect(log).toEqual(['Downloading the Electron binary, once, with electron’s own installer (about 100 MB)…', 'fetch', 'Electron binary installed.']);
  });

  it('a desktop offline: the fetch fails once, then the browser host with one sentence', async () => {
    const { m, log } = machine({ binary: false, display: true, fetchExit: 1 });
    expect(await settle('start', m)).toEqual({ action: 'browser', say: SAY.fetchFailedStart });
    expect(log.filter((l) => l === 'fetch')).toHaveLength(1);
    expect(log.at(-1)).toBe(SAY.fetchFailedStart);
  });

  it('an installer that exits 0 without a binary counts as a failed fetch', async () => {
    const { m } = machine({ binary: false, display: true, fetchExit: 0, fetchInstalls: false });
    expect(await settle('start', m)).toEqual({ action: 'browser', say: SAY.fetchFailedStart });
  });

  it('a server without a display: the browser host at once, no download', async () => {
    const { m, log } = machine({ binary: false, display: false });
    expect(await settle('start', m)).toEqual({ action: 'browser', say: SAY.noDisplay });
    expect(log).toEqual([SAY.noDisplay]);
  });

  it('npm run dist on a build server without a display fetches the binary, and stops clearly offline', async () => {
    expect(await settle('dist', machine({ binary: false, display: false }).m)).toEqual({ action: 'electron' });
    const offline = machine({ binary: false, display: false, fetchExit: 1 });
    expect(await settle('dist', offline.m)).toEqual({ action: 'stop', say: SAY.fetchFailedBuild });
    expect(offline.log.at(-1)).toBe(SAY.fetchFailedBuild);
  });
});

describe('what the machine is', () => {
  it('a display is DISPLAY or WAYLAND_DISPLAY on Linux; macOS and Windows always have one', () => {
    expect(hasDisplay({}, 'linux')).toBe(false);
    expect(hasDisplay({ DISPLAY: ':0' }, 'linux')).toBe(true);
    expect(hasDisplay({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toBe(true);
    expect(hasDisplay({}, 'darwin')).toBe(true);
    expect(hasDisplay({}, 'win32')).toBe(true);
  });

  it('the binary counts only when it is the installed electron version, where path.txt points', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtts-electron-'));
    try {
      writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ version: '45.1.0' }));
      expect(binaryPresent(dir)).toBe(false);
      mkdirSync(path.join(dir, 'dist'));
      writeFileSync(path.join(dir, 'path.txt'), 'electron');
      writeFileSync(path.join(dir, 'dist', 'electron'), '');
      writeFileSync(path.join(dir, 'dist', 'version'), 'v41.7.1');
      // A binary of the version before an upgrade is not this version's binary.
      expect(binaryPresent(dir)).toBe(false);
      writeFileSync(path.join(dir, 'dist', 'version'), 'v45.1.0');
      expect(binaryPresent(dir)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
