/**
 * main's build as electron-vite emits it (global-setup builds): its entries
 * (index.js for Electron, serve.js for the headless host) and the chunks they
 * share, all in out/main beside the workers' own files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const OUT_MAIN = path.resolve(__dirname, '../../out/main');

/** The text of main's bundle: every file in out/main but the workers'. */
export function mainBundleText(): string {
  return readdirSync(OUT_MAIN)
    .filter((f) => f.endsWith('.js') && !f.endsWith('-worker.js'))
    .map((f) => readFileSync(path.join(OUT_MAIN, f), 'utf8'))
    .join('\n');
}
