/**
 * Three bundles: main (Node, dependencies external, keytar and better-sqlite3
 * native, plus three worker threads as further entries: the certificate
 * reader, the history recorder and the revocation verifier), the sandboxed
 * preload (one self-contained CJS file), and the React renderer.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { META_CONTENT_SECURITY_POLICY } from './shared/content-security';

/** The page's CSP meta tag, from the one policy the host and main also send as a header. */
const contentSecurityPolicy: Plugin = {
  name: 'content-security-policy',
  transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: META_CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
};

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // zod inside the bundle: required from node_modules, its entry loads every locale file (~30 ms of each host start).
      externalizeDeps: { exclude: ['zod'] },
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'electron/main/index.ts'),
          // The headless host (`npm start` without Electron, `npm run serve`), run by plain Node from the build.
          serve: resolve(__dirname, 'electron/host/serve.ts'),
          // Started by electron/core/certificates/inspection.ts from beside index.js (BUILT_WORKER_FILE).
          'certificates-worker': resolve(__dirname, 'electron/core/certificates/inspect-worker.ts'),
          // Started by electron/core/history/recorder.ts from beside index.js (BUILT_WORKER_FILE).
          'history-worker': resolve(__dirname, 'electron/core/history/worker.ts'),
          // Started by electron/core/trust/verifier.ts from beside index.js (BUILT_WORKER_FILE).
          'trust-worker': resolve(__dirname, 'electron/core/trust/verify-worker.ts'),
        },
        // Code the entries share sits beside them, not in a subfolder: the core finds its workers beside its own file.
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot require npm packages: bundle everything into one file.
      externalizeDeps: false,
      isolatedEntries: true,
      rollupOptions: {
        input: { index: resolve(__dirname, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].js' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [contentSecurityPolicy, react()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      // electron-vite leaves the renderer unminified; the window parses it on every start (2.2 MB → about a third).
      minify: true,
      rollupOptions: { input: { index: resolve(__dirname, 'renderer/index.html') } },
    },
  },
});
