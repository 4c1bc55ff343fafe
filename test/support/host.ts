/**
 * The headless host, in-process, over a real test backend: what the browser
 * tests open.
 */
import path from 'node:path';
import { startHost, type RunningHost } from '../../electron/host/server';
import { createTestBackend, type TestBackend } from './backend';
import type { BackendOptions } from '../../electron/core/backend';
import { openBrowser, type BrowserSession } from './browser';

export const RENDERER_DIR = path.resolve(__dirname, '../../out/renderer');

export interface TestHost extends TestBackend {
  host: RunningHost;
}

export async function startTestHost(options: Partial<BackendOptions> = {}): Promise<TestHost> {
  const t = await createTestBackend(options);
  const host = await startHost({ backend: t.backend, staticDir: RENDERER_DIR });
  return {
    ...t,
    host,
    cleanup: async () => {
      await host.close();
      await t.cleanup();
    },
  };
}

/**
 * The dashboard as a browser test sees it: a fresh host, Chromium, the page opened with its token.
 * `prepare` runs against the backend before the page opens (saved connections, for instance).
 */
export async function openDashboard(prepare?: (app: TestHost) => Promise<void>): Promise<{ app: TestHost; b: BrowserSession; close(): Promise<void> }> {
  const app = await startTestHost();
  await prepare?.(app);
  const b = await openBrowser();
  await b.page.goto(app.host.url);
  return {
    app,
    b,
    close: async () => {
      await b.close();
      await app.cleanup();
    },
  };
}
