/**
 * The dashboard as the benchmark drives it: the whole core behind the
 * headless host, a profile subscribed to `fleet/#` on a benchmark broker, a
 * dashboard of 8 charts of `fleet/devN/telemetry` (JSON field temp), and
 * Debian's Chromium showing it. Shared by the frame-time run and the soak.
 */
import path from 'node:path';
import type { ChartSpec } from '../shared/telemetry';
import { createBackend, type Backend } from '../electron/core/backend';
import { keytarBackend } from '../electron/core/secrets/keytar-backend';
import { SecretStore } from '../electron/core/secrets/secret-store';
import { startHost } from '../electron/host/server';
import { openBrowser, type BrowserSession } from '../test/support/browser';
import type { benchBroker } from './broker';

export interface LiveDashboard {
  backend: Backend;
  /** The profile (connection) id. */
  id: string;
  browser: BrowserSession;
  close(): Promise<void>;
}

export async function openLiveDashboard(broker: Awaited<ReturnType<typeof benchBroker>>, charts: number): Promise<LiveDashboard> {
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const backend = await createBackend({ dataDir: path.join(broker.dir, 'data'), secrets: new SecretStore(keytarBackend(), 'mqtts-dashboard-bench'), transport: 'websocket', version: 'bench', logger: quiet });
  const host = await startHost({ backend, staticDir: path.resolve(__dirname, '../out/renderer') });
  const browser = await openBrowser();
  const close = async () => {
    await browser.close();
    await host.close();
    await backend.dispose();
  };
  try {
    const saved = await backend.dispatch('profiles.save', { settings: { name: 'Fleet', url: broker.url, tls: { trust: 'custom', ca: [broker.ca] }, subscriptions: [{ filter: 'fleet/#', qos: 0 }] } });
    if (!saved.ok) throw new Error(saved.error.message);
    const id = (saved.value as { id: string }).id;
    const specs: ChartSpec[] = Array.from({ length: charts }, (_, i) => ({ id: `c${i}`, title: `Device ${i}`, unit: '°C', window: '1m', series: [{ connectionId: id, topic: `fleet/dev${i}/telemetry`, extractor: { kind: 'json', path: 'temp' }, label: '' }] }));
    const dashboard = await backend.dispatch('dashboard.save', { profileId: id, dashboard: { charts: specs } });
    if (!dashboard.ok) throw new Error(dashboard.error.message);
    await backend.dispatch('sessions.connect', { id });

    const page = browser.page;
    await page.goto(host.url);
    await page.locator('[data-testid=connection-item]').first().click();
    await page.getByTestId('tab-dashboard').click();
    await page.getByTestId('dashboard').waitFor();
    return { backend, id, browser, close };
  } catch (error) {
    await close();
    throw error;
  }
}
