/**
 * Where `electron-vite build` puts the headless host: the `serve` entry of the
 * main build (electron.vite.config.ts), beside main's bundle and the workers'.
 * `npm start` without Electron runs it with plain Node: no TypeScript is
 * compiled at start and the workers start from their built files.
 */
import path from 'node:path';

/** The built host, relative to the repository root. */
export const BUILT_HOST = path.join('out', 'main', 'serve.js');
