// `npm start`: the desktop app where Electron can run, otherwise the same
// dashboard in a browser through the headless host, with the demo fleet on a
// first start. Tells the operator which one and why.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const hasDisplay = process.platform !== 'linux' || !!(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const binary = electronBinary();
const step = (command, args) => spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' }).status ?? 1;
const run = (command, args) => process.exit(step(command, args));

if (binary && hasDisplay) {
  run('npx', ['electron-vite', 'preview']);
} else {
  console.log(
    binary
      ? 'No desktop session (DISPLAY is not set): starting the dashboard in your browser instead.'
      : 'The Electron binary is not installed (offline install?): starting the dashboard in your browser instead.',
  );
  const built = step('npx', ['electron-vite', 'build']);
  if (built !== 0) process.exit(built);
  run('npx', ['tsx', 'electron/host/serve.ts', '--demo', ...process.argv.slice(2)]);
}
