/**
 * The client-bound rounds run the code as the app ships it: bundled the way
 * electron-vite bundles main (one scope per bundle, dependencies left in
 * node_modules, the history worker as an entry of its own beside it), not
 * the sources through tsx, whose per-file modules reach every imported
 * function through a getter: a cost per call on the message path that the
 * built app does not pay, and the bare client (plain node_modules code) does
 * not either.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { build } from 'vite';
import type { ClientBoundRounds, ClientBoundRun } from './client-bound';

const ROOT = path.resolve(__dirname, '..');
/** Inside the repository, so the bundle finds node_modules; out/ is not committed. */
const OUT_DIR = path.join(ROOT, 'out', 'bench');

let built: Promise<string> | null = null;

/** Builds the client-bound entry once per run of the benchmark; resolves to its file. */
function clientBoundBundle(): Promise<string> {
  built ??= build({
    configFile: false,
    root: ROOT,
    logLevel: 'error',
    build: {
      outDir: OUT_DIR,
      emptyOutDir: true,
      ssr: true,
      minify: false,
      target: 'node20',
      reportCompressedSize: false,
      rollupOptions: {
        input: {
          'client-bound': path.join(ROOT, 'bench', 'client-bound.ts'),
          // Found by electron/core/history/recorder.ts beside the bundle, as in out/main/.
          'history-worker': path.join(ROOT, 'electron', 'core', 'history', 'worker.ts'),
        },
        output: { format: 'cjs', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  }).then(() => path.join(OUT_DIR, 'client-bound.js'));
  return built;
}

/** Runs client-bound rounds from the bundle in a process of their own (bounded: 10 minutes). */
export async function runClientBound(run: ClientBoundRun): Promise<ClientBoundRounds> {
  const file = await clientBoundBundle();
  const output = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [file, JSON.stringify(run)], { encoding: 'utf8', timeout: 600_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`the client-bound rounds failed: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
  return JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as ClientBoundRounds;
}
