/**
 * The window as most e2e files open it: a device client on the file's TLS
 * broker, a headless host with one connection profile to that broker (trusting
 * the test root) and Chromium on it, opened once per file and closed after the
 * file's own `afterAll` hooks.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll } from 'vitest';
import type { Profile, Subscription } from '../../shared/profiles';
import type { BrowserSession } from './browser';
import { openDashboard, type TestHost } from './host';
import type { TlsBroker } from './tls-broker';

export interface DashboardOnBroker {
  app: TestHost;
  b: BrowserSession;
  /** Connected before the window opens, so what it publishes retained there arrives marked retained. */
  device: MqttClient;
  profile: Profile;
}

export interface DashboardSteps {
  /** Runs with the device connected, before the host starts. */
  beforeOpen?(device: MqttClient): Promise<void>;
  /** Runs with the profile saved, before Chromium opens the window. */
  prepare?(host: TestHost, profile: Profile): Promise<void>;
}

/** Call at the top level, after `useTlsBroker()`; the fields are set once the file's `beforeAll` hooks run. */
export function useDashboardOnBroker(tls: TlsBroker, settings: { name: string; subscriptions: Subscription[] }, steps: DashboardSteps = {}): DashboardOnBroker {
  const dash = {} as DashboardOnBroker;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    dash.device = await mqtt.connectAsync(tls.url(), { ca: tls.pki().rootOnly.pem, reconnectPeriod: 0 });
    await steps.beforeOpen?.(dash.device);
    const opened = await openDashboard(async (host) => {
      const saved = await host.backend.dispatch('profiles.save', {
        settings: { ...settings, url: tls.url(), tls: { trust: 'custom', ca: [tls.pki().rootOnly.pem] } },
      });
      if (!saved.ok) throw new Error(saved.error.message);
      dash.profile = saved.value as Profile;
      await steps.prepare?.(host, dash.profile);
    });
    ({ app: dash.app, b: dash.b, close } = opened);
  });
  afterAll(async () => {
    await dash.device?.endAsync();
    await close?.();
  });
  return dash;
}
