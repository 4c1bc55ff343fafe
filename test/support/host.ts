/**
 * The headless host, in-process, over a real test backend: what the browser
 * tests open.
 */
import path from 'node:path';
import { startHost, type RunningHost } from '../../electron/host/server';
import { createTestBackend, type TestBackend } from './backend';
import type { BackendOptions } from '../../electron/core/backend';

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
