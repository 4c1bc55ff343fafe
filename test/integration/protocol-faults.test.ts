/**
 * A broker that breaks MQTT (a fake one: mosquitto cannot do it on purpose):
 * a malformed packet, a packet type a broker must never send, a CONNACK or
 * DISCONNECT with a code MQTT does not define, a PUBLISH announcing 256 MB.
 * The connection leaves "connected" at once, says "Protocol error from the
 * broker" (or what was refused) with the detail, and keeps retrying with
 * growing delays; the 256 MB packet is refused without being buffered.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SessionView } from '../../shared/sessions';
import { startFakeBroker, type FakeBroker, type Script } from '../fixtures/fake-broker';
import { createTestPki, type TestPki } from '../fixtures/pki';
import { tempDir } from '../support/backend';
import { sessionHarness, testProfile, waitFor, type SessionHarness } from '../support/sessions';

let h: SessionHarness;
let pki: TestPki;
const brokers: FakeBroker[] = [];

beforeAll(() => {
  pki = createTestPki(tempDir('pki'));
  h = sessionHarness({ backoff: { initialMs: 100, maxMs: 1600, factor: 2 }, connectTimeoutMs: 5000 });
});

afterAll(async () => {
  await h.dispose();
});

afterEach(async () => {
  await Promise.all(brokers.splice(0).map((b) => b.close()));
});

async function fake(script: Script, tls = false): Promise<FakeBroker> {
  const broker = await startFakeBroker(script, tls ? { tls: { cert: pki.server.fullChain.pem, key: pki.server.key.pem } } : {});
  brokers.push(broker);
  return broker;
}

/** Reconnect delays the operator was shown, in order: nextRetryAt minus the time of the `reconnecting` transition. */
function delays(id: string): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  for (const view of h.views) {
    if (view.id !== id || view.state !== 'reconnecting' || view.nextRetryAt === null) continue;
    const at = view.history.at(-1)?.at ?? 0;
    if (seen.has(at)) continue;
    seen.add(at);
    out.push(view.nextRetryAt - at);
  }
  return out;
}

const states = (id: string) => h.views.filter((v) => v.id === id).map((v) => v.state);

async function expectRetriedProtocolError(id: string, detail: RegExp, retries = 4, code = 'mqtt_broker_protocol_error'): Promise<SessionView> {
  const view = await waitFor(() => {
    const v = h.latest(id);
    return v && v.faults.protocolErrors >= retries ? v : undefined;
  }, `${retries} protocol errors on ${id}`);
  const lost = [...h.views].reverse().find((v) => v.id === id && v.state === 'reconnecting');
  expect(lost?.error?.code).toBe(code);
  expect(lost?.reason).toMatch(/Protocol error from the broker at 127\.0\.0\.1:\d+: /);
  expect(lost?.reason).toMatch(detail);
  expect(lost?.reason).toMatch(/Retrying in \d+ s/);
  // Never given up on; each retry waits longer (equal jitter: the next delay is never below the previous one).
  expect(states(id)).not.toContain('failed');
  const shown = delays(id);
  expect(shown.length).toBeGreaterThanOrEqual(retries);
  for (let i = 1; i < shown.length; i++) expect(shown[i]).toBeGreaterThanOrEqual((shown[i - 1] as number) - 1);
  expect(shown.at(-1)).toBeGreaterThan(shown[0] as number);
  await h.manager.disconnect(id);
  return view;
}

describe('protocol errors from the broker', () => {
  it('drops the connection at once on a malformed packet and retries with growing delays', async () => {
    let malformedAt = 0;
    const broker = await fake((c) => {
      c.connack();
      setTimeout(() => {
        malformedAt = Date.now();
        c.send([0x36, 0x00]); // PUBLISH with both QoS bits set
      }, 200);
    });
    // A keepalive of 60 s: mqtt.js alone would have shown "connected" for 90 s.
    h.manager.connect(testProfile('malformed', { name: 'malformed', url: `mqtt://127.0.0.1:${broker.port}`, keepalive: 60 }));
    await waitFor(() => h.latest('malformed')?.state === 'connected', 'connected');
    const left = await waitFor(() => {
      const v = h.latest('malformed');
      return v && v.state !== 'connected' ? v : undefined;
    }, 'leaving connected');
    expect(left.history.at(-1)?.at ?? 0).toBeLessThan(malformedAt + 5000);
    expect(left.state).toBe('reconnecting');
    await expectRetriedProtocolError('malformed', /it sent a packet that is not valid MQTT \(Packet must not have both QoS bits set to 1\)/, 4, 'mqtt_malformed_packet');
    expect(broker.connections).toBeGreaterThanOrEqual(4);
  });

  it('refuses a packet type a broker must never send', async () => {
    const broker = await fake((c) => {
      c.connack();
      setTimeout(() => c.send([0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 0x61, 0x00]), 100); // SUBSCRIBE to "a"
    });
    h.manager.connect(testProfile('unexpected', { name: 'unexpected', url: `mqtt://127.0.0.1:${broker.port}` }));
    await expectRetriedProtocolError('unexpected', /it sent a SUBSCRIBE packet, which a broker must never send/);
  });

  it('refuses a PUBLISH before the CONNACK', async () => {
    const broker = await fake((c) => {
      c.publish('early/bird', 'too soon');
      c.connack();
    });
    h.manager.connect(testProfile('early', { name: 'early', url: `mqtt://127.0.0.1:${broker.port}` }));
    await expectRetriedProtocolError('early', /its first packet was PUBLISH instead of CONNACK/, 3);
    expect(states('early')).not.toContain('connected');
    expect(h.recent('early')).toEqual([]);
  });

  it('treats a CONNACK code MQTT 3.1.1 does not define as a protocol error, and a defined refusal as final', async () => {
    const unknown = await fake((c) => c.connack(0x06));
    h.manager.connect(testProfile('connack6', { name: 'connack6', url: `mqtt://127.0.0.1:${unknown.port}` }));
    await expectRetriedProtocolError('connack6', /CONNACK with return code 0x06, which MQTT 3\.1\.1 does not define there/, 3);

    const refusing = await fake((c) => c.connack(5));
    h.manager.connect(testProfile('connack5', { name: 'connack5', url: `mqtt://127.0.0.1:${refusing.port}` }));
    const failed = await waitFor(() => (h.latest('connack5')?.state === 'failed' ? h.latest('connack5') : undefined), 'refusal is final');
    expect(failed.error?.code).toBe('mqtt_not_authorized');
    expect(refusing.connections).toBe(1);
  });

  it('treats undefined MQTT 5 CONNACK and DISCONNECT reason codes as protocol errors', async () => {
    const connack = await fake((c) => c.connack(0x01));
    h.manager.connect(testProfile('v5connack', { name: 'v5connack', url: `mqtt://127.0.0.1:${connack.port}`, protocolVersion: 5 }));
    await expectRetriedProtocolError('v5connack', /CONNACK with reason code 0x01, which MQTT 5 does not define there/, 3);

    const disconnect = await fake((c) => {
      c.connack();
      setTimeout(() => c.send([0xe0, 0x02, 0x05, 0x00]), 100); // DISCONNECT, reason 0x05
    });
    h.manager.connect(testProfile('v5disconnect', { name: 'v5disconnect', url: `mqtt://127.0.0.1:${disconnect.port}`, protocolVersion: 5 }));
    // mqtt-packet's parser already rejects it; either way it is the broker's protocol error.
    await expectRetriedProtocolError('v5disconnect', /not valid MQTT \(Invalid disconnect reason code\)/, 3, 'mqtt_malformed_packet');
  });
});

describe('incoming packet size limit', () => {
  it('refuses a PUBLISH announcing 256 MB from its header, without buffering it, counts it and recovers', async () => {
    // The largest remaining length MQTT can encode: 256 MB less one byte.
    const ANNOUNCED = 256 * 1024 * 1024 - 1;
    let pushed = -1;
    const broker = await fake(async (c) => {
      c.connack();
      if (c.index === 0) {
        pushed = await c.streamHugePublish(ANNOUNCED, 20_000);
      } else {
        setTimeout(() => c.publish('after/huge', 'small again'), 100);
      }
    }, true);
    const baseline = process.memoryUsage();
    let peak = 0;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.arrayBuffers + m.external - baseline.arrayBuffers - baseline.external);
    }, 5);
    try {
      h.manager.connect(testProfile('huge', { name: 'huge', url: `mqtts://localhost:${broker.port}`, tls: { trust: 'custom', ca: [pki.rootOnly.pem] }, subscriptions: [{ filter: '#', qos: 0 }] }));
      const refused = await waitFor(() => {
        const v = h.latest('huge');
        return v && v.faults.oversizedPackets > 0 ? v : undefined;
      }, 'the oversized packet refused');
      expect(refused.state).toBe('reconnecting');
      expect(refused.error?.code).toBe('mqtt_incoming_too_large');
      expect(refused.reason).toMatch(/256\.0 MB announced, at most 16\.0 MB accepted/);
      expect(refused.faults.lastOversizedBytes).toBe(1 + 4 + ANNOUNCED);
      await waitFor(() => h.recent('huge').find((m) => m.topic === 'after/huge'), 'a message after reconnecting');
      expect(h.latest('huge')?.state).toBe('connected');
      await waitFor(() => pushed >= 0, 'the fake broker to notice the close');
    } finally {
      clearInterval(sampler);
    }
    // The broker got rid of a few socket buffers' worth, not 256 MB; this process never held more than a few.
    expect(pushed).toBeLessThan(32 * 1024 * 1024);
    expect(peak).toBeLessThan(24 * 1024 * 1024);
    expect(h.recent('huge').some((m) => m.topic === 'huge')).toBe(false);
    await h.manager.disconnect('huge');
  });

  it('tells an MQTT 5 broker its limit in CONNECT', async () => {
    let announced: number | null = null;
    const broker = await fake((c) => {
      announced = c.maximumPacketSize;
      c.connack();
    });
    h.manager.connect(testProfile('announce', { name: 'announce', url: `mqtt://127.0.0.1:${broker.port}`, protocolVersion: 5, maxPacketSize: 65536 }));
    await waitFor(() => h.latest('announce')?.state === 'connected', 'connected');
    expect(announced).toBe(65536);
    await h.manager.disconnect('announce');
  });
});
