/**
 * The Electron binary, fetched on demand. `npm install` never downloads it
 * (package.json `allowScripts` turns electron's install script off, so an
 * install needs nothing beyond the npm registry); `npm start`, `npm run dev`
 * and `npm run dist` fetch it the first time they need it, with electron's own
 * installer and its progress. One decision, pure, for all three: what to do
 * given whether the binary is there, whether a display is, and whether a fetch
 * already failed. The spawns are passed in, so the decision runs in tests.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export type Mode = 'start' | 'dev' | 'dist';

export interface Situation {
  /** The Electron binary of the installed electron version is on disk. */
  binary: boolean;
  /** A desktop session Electron can open a window on. */
  display: boolean;
  /** A fetch was tried in this run and did not produce the binary. */
  fetchFailed: boolean;
}

export type Decision = { action: 'electron' } | { action: 'fetch' } | { action: 'browser'; say: string } | { action: 'stop'; say: string };

export const SAY = {
  noDisplay: 'No desktop session (DISPLAY and WAYLAND_DISPLAY are not set): starting the dashboard in your browser instead.',
  fetchFailedStart: 'The Electron binary could not be downloaded (offline, or its download site is blocked): starting the dashboard in your browser instead.',
  fetchFailedBuild: 'The Electron binary could not be downloaded (offline, or its download site is blocked); run this on a machine with internet access.',
  devNeedsDisplay: 'npm run dev opens an Electron window and needs a desktop session; npm start serves the dashboard to your browser instead.',
} as const;

export function decide(mode: Mode, s: Situation): Decision {
  // Without a display the window cannot open: no reason to download anything for it.
  if (!s.display && mode === 'start') return { action: 'browser', say: SAY.noDisplay };
  if (!s.display && mode === 'dev') return { action: 'stop', say: SAY.devNeedsDisplay };
  if (s.binary) return { action: 'electron' };
  if (!s.fetchFailed) return { action: 'fetch' };
  return mode === 'start' ? { action: 'browser', say: SAY.fetchFailedStart } : { action: 'stop', say: SAY.fetchFailedBuild };
}

export interface Machine {
  display: boolean;
  binaryPresent(): boolean;
  /** Runs electron's own installer; resolves with its exit code. */
  fetch(): Promise<number>;
  say(line: string): void;
}

/** Follows the decision through at most one fetch; returns what to run, and has said why. */
export async function settle(mode: Mode, machine: Machine): Promise<Exclude<Decision, { action: 'fetch' }>> {
  let fetchFailed = false;
  for (;;) {
    const decision = decide(mode, { binary: machine.binaryPresent(), display: machine.display, fetchFailed });
    if (decision.action !== 'fetch') {
      if (decision.action !== 'electron') machine.say(decision.say);
      return decision;
    }
    machine.say('Downloading the Electron binary, once, with electron’s own installer (about 100 MB)…');
    const code = await machine.fetch();
    fetchFailed = code !== 0 || !machine.binaryPresent();
    if (!fetchFailed) machine.say('Electron binary installed.');
  }
}

const require = createRequire(__filename);

function electronDir(): string | null {
  try {
    return path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/** The same test electron's installer makes: the binary of this electron version, where path.txt says. */
export function binaryPresent(dir = electronDir()): boolean {
  if (!dir) return false;
  try {
    const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string };
    const installed = readFileSync(path.join(dir, 'dist', 'version'), 'utf8').trim().replace(/^v/, '');
    const binary = readFileSync(path.join(dir, 'path.txt'), 'utf8').trim();
    return installed === version && existsSync(path.join(dir, 'dist', binary));
  } catch {
    return false;
  }
}

export function hasDisplay(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): boolean {
  return platform !== 'linux' || !!(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/**
 * Runs `node node_modules/electron/install.js`, which downloads (or takes from
 * its cache) and unpacks the binary. Its progress and its one-line error are
 * shown; a JavaScript stack trace is not news to an operator.
 */
export function fetchBinary(dir = electronDir()): Promise<number> {
  if (!dir) return Promise.resolve(1);
  const env = { ...process.env };
  // The installer does nothing at all when this is set.
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(dir, 'install.js')], { cwd: dir, env, stdio: ['ignore', 'inherit', 'pipe'] });
    child.stderr?.on('data', (chunk: Buffer) => {
      const shown = chunk
        .toString('utf8')
        .split(/(?<=\n)/)
        .filter((line) => !/^\s+at /.test(line))
        .join('');
      if (shown) process.stderr.write(shown);
    });
    child.once('error', () => resolve(1));
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

export const thisMachine = (): Machine => ({
  display: hasDisplay(),
  binaryPresent: () => binaryPresent(),
  fetch: () => fetchBinary(),
  say: (line) => console.log(line),
});
