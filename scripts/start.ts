/**
 * `npm start`, `npm run dev` and `npm run dist`. Each first makes sure of the
 * Electron binary (fetched on demand, see electron-binary.ts). `npm start`
 * opens the desktop app where Electron can run, and otherwise says why in one
 * sentence and serves the same dashboard to a browser through the headless
 * host, with the demo fleet on a first start.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { BUILT_HOST } from '../electron/host/built-host';
import { settle, thisMachine, type Mode } from './electron-binary';

const root = path.resolve(__dirname, '..');
const MODES: Mode[] = ['start', 'dev', 'dist'];

function step(command: string, args: string[]): number {
  return spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' }).status ?? 1;
}

function steps(...commands: Array<[string, string[]]>): number {
  for (const [command, args] of commands) {
    const code = step(command, args);
    if (code !== 0) return code;
  }
  return 0;
}

async function main(): Promise<number> {
  const [given = 'start', ...rest] = process.argv.slice(2);
  const mode = MODES.find((m) => m === given);
  if (!mode) {
    console.error(`usage: tsx scripts/start.ts [${MODES.join('|')}] [args…]`);
    return 64;
  }
  const decision = await settle(mode, thisMachine());
  if (decision.action === 'stop') return 1;
  if (decision.action === 'browser') {
    return steps(['npx', ['electron-vite', 'build']], [process.execPath, [path.join(root, BUILT_HOST), '--demo', ...rest]]);
  }
  if (mode === 'dev') return step('npx', ['electron-vite', 'dev', ...rest]);
  if (mode === 'dist') return steps(['npx', ['electron-vite', 'build']], ['npx', ['electron-builder', ...rest]]);
  return step('npx', ['electron-vite', 'preview', ...rest]);
}

void main().then((code) => process.exit(code));
