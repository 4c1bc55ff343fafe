/**
 * Builds the renderer once before the browser tests, so they test the same
 * bundle `npm run serve` and the Electron app load.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export default function setup(): void {
  const root = path.resolve(__dirname, '../..');
  execFileSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'ignore', timeout: 120_000 });
}
