/**
 * Resilience against a real broker: stopped while connected, the connection
 * goes to `reconnecting` with the reason, comes back when the broker does, and
 * its subscriptions deliver again. Several connections live side by side.
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProfile, ProfileSettingsSchema, type Profile } from '../../shared/profiles';
import type { SessionView } from '../../shared/sessions';
import { SessionManager } from '../../electron/core/sessions/manager';
import { createSystemTrust } from '../../electron/core/tls/system-roots';
import { startMosquitto, type Broker, tlsListener } from '../fixtures/mosquitto';
import { createTestPki, type TestPki } from '../fixtures/pki';
import { tempDir } from '../support/backend';

let pki: TestPki;
let broker: Broker;
const views: SessionView[] = [];
const messages: Array<{ id: string; topic: string; payload: Buffer; qos: number; retain: boolean }> = [];
let manager: SessionManager;

function profile(id: string, listener: string, subscriptions: Array<{ filter: string; qos: 0 | 1 | 2 }>): Profile {
  const settings = ProfileSettingsSchema.parse({
    name: id,
    url: `mqtts://localhost:${broker.ports[listener]}`,
    tls: { trust: 'custom', ca: [pki.rootOnly.pem] },
    subscriptions,
  });
  return createProfile(settings, id);
}

function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      const value = probe();
      if (value !== undefined) return resolve(value);
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 25);
    };
    tick();
  });
}

const latest = (id: string) => [...views].reverse().find((v) => v.id === id);

async function publish(listener: string, topic: string, payload: string): Promise<void> {
  const client = await mqtt.connectAsync(`mqtts://localhost:${broker.ports[listener]}`, { ca: pki.rootOnly.pem, reconnectPeriod: 0 });
  await client.publishAsync(topic, payload, { qos: 1 });
  await client.endAsync();
}

beforeAll(async () => {
  pki = createTestPki(tempDir('pki'));
  broker = await startMosquitto([
    tlsListener(pki.server, 'a'),
    tlsListener(pki.server, 'b'),
  ]);
  manager = new SessionManager({
    secrets: async () => ({}),
    systemTrust: createSystemTrust(),
    backoff: { initialMs: 200, maxMs: 800, factor: 2 },
    connectTimeoutMs: 5000,
    onChange: (view) => views.push(view),
    onMessage: (id, topic, payload, qos, retain) => messages.push({ id, topic, payload, qos, retain }),
  });
});

afterAll(async () => {
  await manager?.dispose();
  await broker?.stop();
});

describe('reconnecting to a real broker', () => {
  it('keeps several connections, each with its own state and subscriptions', async () => {
    manager.connect(profile('one', 'a', [{ filter: 'plant/+/temp', qos: 1 }]));
    manager.connect(profile('two', 'b', [{ filter: 'plant/#', qos: 0 }]));
    await waitFor(() => (latest('one')?.state === 'connected' && latest('two')?.state === 'connected' ? true : undefined), 'both connected');
    await new Promise((r) => setTimeout(r, 200));
    await publish('a', 'plant/p1/temp', '21.5');
    const got = await waitFor(() => messages.find((m) => m.id === 'one' && m.topic === 'plant/p1/temp'), 'message on one');
    expect(got.payload.toString()).toBe('21.5');
    expect(got.qos).toBe(1);
    expect(manager.list().map((v) => v.state)).toEqual(['connected', 'connected']);
  });

  it('goes to reconnecting when the broker stops, comes back and delivers again', async () => {
    messages.length = 0;
    await broker.stop();
    const lost = await waitFor(() => (latest('one')?.state === 'reconnecting' ? latest('one') : undefined), 'reconnecting');
    expect(lost.reason).toMatch(/^Connection lost: .*Retrying in \d+ s/);
    // While the broker is down, attempts fail with a network error and keep retrying.
    await waitFor(() => (latest('one')?.history.filter((h) => h.to === 'connecting').length ?? 0) >= 3 ? true : undefined, 'retries');
    expect(latest('one')?.error?.code).toBe('net_refused');
    expect(latest('one')?.state).not.toBe('failed');
    // The outage says nothing about the broker: the last handshake's verdict is kept, with its time.
    const connectedAt = latest('one')?.history.findLast((h) => h.to === 'connected')?.at ?? 0;
    expect(latest('one')?.security.grade).toBe('unknown');
    expect(latest('one')?.lastVerdict).toMatchObject({ grade: 'secure', at: connectedAt });
    expect(latest('one')?.lastVerdict?.reasons.map((r) => r.code)).toContain('chain_verified');

    await broker.start();
    await waitFor(() => (latest('one')?.state === 'connected' && latest('two')?.state === 'connected' ? true : undefined), 'reconnected');
    await new Promise((r) => setTimeout(r, 200));
    await publish('a', 'plant/p2/temp', '22.0');
    const again = await waitFor(() => messages.find((m) => m.id === 'one' && m.topic === 'plant/p2/temp'), 'message after reconnect');
    expect(again.payload.toString()).toBe('22.0');
    const history = latest('one')?.history.map((h) => h.to) ?? [];
    expect(history.slice(0, 2)).toEqual(['connecting', 'connected']);
    expect(history).toContain('reconnecting');
    expect(history.at(-1)).toBe('connected');
    expect(latest('one')?.error).toBeNull();
  });

  it('applies subscription changes to a live connection', async () => {
    const current = profile('one', 'a', [{ filter: 'line/#', qos: 0 }]);
    manager.updated(current);
    await new Promise((r) => setTimeout(r, 200));
    messages.length = 0;
    await publish('a', 'plant/p3/temp', 'old filter');
    await publish('a', 'line/7/speed', '3');
    await waitFor(() => messages.find((m) => m.id === 'one' && m.topic === 'line/7/speed'), 'new filter');
    expect(messages.some((m) => m.id === 'one' && m.topic === 'plant/p3/temp')).toBe(false);
  });

  it('stops retrying when the operator disconnects', async () => {
    const view = await manager.disconnect('two');
    expect(view.state).toBe('closed');
    expect(view.reason).toBe('Disconnected by the operator.');
  });
});

describe('MQTT features against a real broker', () => {
  it('sends the last will when the connection is lost, and not on a clean disconnect', async () => {
    const watcher = await mqtt.connectAsync(`mqtts://localhost:${broker.ports.a}`, { ca: pki.rootOnly.pem, reconnectPeriod: 0 });
    const wills: string[] = [];
    watcher.on('message', (topic, payload) => wills.push(`${topic}=${payload.toString()}`));
    await watcher.subscribeAsync('status/#', { qos: 1 });

    const withWill = (id: string): Profile => ({
      ...profile(id, 'a', []),
      clientId: `will-${id}`,
      will: { topic: `status/${id}`, payload: 'offline', qos: 1, retain: false },
    });
    manager.connect(withWill('graceful'));
    await waitFor(() => (latest('graceful')?.state === 'connected' ? true : undefined), 'graceful connected');
    await manager.disconnect('graceful');

    manager.connect(withWill('lost'));
    await waitFor(() => (latest('lost')?.state === 'connected' ? true : undefined), 'lost connected');
    // Another client taking over the client ID makes the broker drop our connection without a DISCONNECT.
    const usurper = await mqtt.connectAsync(`mqtts://localhost:${broker.ports.a}`, { ca: pki.rootOnly.pem, reconnectPeriod: 0, clientId: 'will-lost' });
    await waitFor(() => (wills.includes('status/lost=offline') ? true : undefined), 'will delivered');
    await manager.disconnect('lost');
    await usurper.endAsync();
    await new Promise((r) => setTimeout(r, 200));
    expect(wills).toEqual(['status/lost=offline']);
    await watcher.endAsync();
  });

  it('speaks MQTT 5', async () => {
    const v5 = { ...profile('v5', 'a', [{ filter: 'v5/#', qos: 1 }]), protocolVersion: 5 as const };
    manager.connect(v5);
    await waitFor(() => (latest('v5')?.state === 'connected' ? true : undefined), 'v5 connected');
    await new Promise((r) => setTimeout(r, 150));
    await publish('a', 'v5/x', 'five');
    await waitFor(() => messages.find((m) => m.id === 'v5' && m.topic === 'v5/x'), 'v5 message');
    await manager.disconnect('v5');
  });
});
