/**
 * Demo mode: a whole secured fleet inside the app for a first look, with no
 * broker and no certificates of one's own. Everything goes through the same
 * handlers an operator's actions use: the demo client key is stored in the OS
 * keychain like any other, and removing the demo deletes it with the profile.
 */
import type { Profile, ProfileSettingsInput } from '../../../shared/profiles';
import type { ChartSpec, SeriesSpec } from '../../../shared/telemetry';
import type { InvokeName, InvokeRequest, InvokeResponse } from '../../../shared/contract';
import type { ProfileStore } from '../profiles/profile-store';
import type { SettingsStore } from '../settings';
import { createDemoPki, startDemoBroker, type DemoBroker } from './demo-broker';
import { DEMO_TOPIC_ROOT, startSimulator, type Simulator } from './simulator';

export const DEMO_NAME = 'Demo fleet';
/** The devices wait at most this long for the demo connection to subscribe. */
const DEVICES_WAIT_MS = 5000;

/** Calls a contract channel as the app's own code would: validated, defaults applied, errors thrown. */
export type Invoke = <K extends InvokeName>(name: K, request: InvokeRequest<K>) => Promise<InvokeResponse<K>>;

export interface DemoStatus {
  running: boolean;
  profileId: string | null;
}

function chart(id: string, title: string, unit: string, series: SeriesSpec[], window: ChartSpec['window'] = '1m'): ChartSpec {
  return { id, title, unit, window, series };
}

function dashboard(connectionId: string): ChartSpec[] {
  const s = (topic: string, extractor: SeriesSpec['extractor'], label: string, unit?: string): SeriesSpec => ({ connectionId, topic, extractor, label, ...(unit && { unit }) });
  const number = { kind: 'number' } as const;
  return [
    chart('ovens', 'Oven temperatures', '°C', [1, 2, 3].map((i) => s(`demo/plant/line1/oven${i}/temperature`, number, `Oven ${i}`))),
    chart('humidity', 'Room humidity', '%', [s('demo/plant/line1/room/humidity', number, 'Line 1 room')]),
    chart('batteries', 'Tracker batteries', '%', [1, 2, 3, 4].map((i) => s(`demo/fleet/tracker${i}/battery`, { kind: 'json', path: 'level' }, `Tracker ${i}`)), '5m'),
    chart('door', 'Door 7 open', '', [s('demo/plant/line1/door7/state', { kind: 'boolean' }, 'Door 7')]),
    chart('gateway', 'Gateway', '', [
      // Two units: each gets its own axis.
      s('demo/plant/line1/gateway/status', { kind: 'json', path: 'net.rssi' }, 'Signal', 'dBm'),
      s('demo/plant/line1/gateway/status', { kind: 'json', path: 'sensors[*].value' }, 'Sensor', '°C'),
    ]),
  ];
}

export class Demo {
  /** The broker, and its devices once they started (after the demo connection subscribed). */
  private running: { broker: DemoBroker; simulator: Simulator | null } | null = null;
  private starting: Promise<Profile> | null = null;

  constructor(
    private readonly invoke: Invoke,
    private readonly profiles: ProfileStore,
    private readonly settings: SettingsStore,
  ) {}

  status(): DemoStatus {
    const id = this.settings.current.demoProfileId;
    return { running: this.running !== null, profileId: id && this.profiles.has(id) ? id : null };
  }

  /** Starts the demo, or resumes it after a restart (new throwaway PKI and port, same connection). */
  start(): Promise<Profile> {
    this.starting ??= this.launch().finally(() => (this.starting = null));
    return this.starting;
  }

  private async launch(): Promise<Profile> {
    await this.stop();
    const pki = createDemoPki();
    const broker = await startDemoBroker(pki);
    const running: { broker: DemoBroker; simulator: Simulator | null } = { broker, simulator: null };
    this.running = running;
    const listening = broker.subscribed(`${DEMO_TOPIC_ROOT}/plant/line1/oven1/temperature`);
    const existing = this.status().profileId;
    const settings: ProfileSettingsInput = {
      name: DEMO_NAME,
      group: 'Demo',
      url: `mqtts://localhost:${broker.port}`,
      protocolVersion: 4,
      tls: { trust: 'custom', ca: [pki.ca], clientCertificate: pki.operator.certificate },
      subscriptions: [{ filter: 'demo/#', qos: 1 }],
    };
    let profile = await this.invoke('profiles.save', { id: existing ?? undefined, settings, secrets: { clientKey: pki.operator.key, passphrase: null } });
    profile = await this.invoke('dashboard.save', { profileId: profile.id, dashboard: { charts: dashboard(profile.id) } });
    await this.settings.update({ demoProfileId: profile.id });
    await this.invoke('sessions.connect', { id: profile.id });
    // The devices start once the connection listens: their first readings, published before, reached no one,
    // and a chart's first line waited for the second. A connection that does not get there does not hold the fleet back long.
    let waited: NodeJS.Timeout | undefined;
    await Promise.race([listening, new Promise<void>((resolve) => (waited = setTimeout(resolve, DEVICES_WAIT_MS)))]);
    clearTimeout(waited);
    // Stopped meanwhile (the demo removed): no devices.
    if (this.running !== running) return profile;
    const simulator = await startSimulator(broker, pki);
    if (this.running === running) running.simulator = simulator;
    else await simulator.stop();
    return profile;
  }

  /**
   * Resumes an installed demo after a restart. Nothing when it was removed or
   * started meanwhile (an operator's demo.remove or demo.start came first).
   */
  async resume(): Promise<void> {
    if (this.starting) await this.starting;
    else if (!this.running && this.status().profileId) await this.start();
  }

  /** Stops the broker and the devices; the connection stays (it resumes with `start`). */
  async stop(): Promise<void> {
    const running = this.running;
    this.running = null;
    if (!running) return;
    await running.simulator?.stop();
    await running.broker.close();
  }

  /** The operator deleted a connection by hand: if it was the demo's, nothing would use its broker any more. */
  async connectionDeleted(profileId: string): Promise<void> {
    if (this.settings.current.demoProfileId !== profileId) return;
    await this.stop();
    await this.settings.update({ demoProfileId: null });
  }

  /** Removes the demo completely: broker, devices, the connection and its keychain secrets. */
  async remove(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const { profileId } = this.status();
    if (profileId) await this.invoke('profiles.delete', { id: profileId });
    await this.stop();
    await this.settings.update({ demoProfileId: null });
  }
}
