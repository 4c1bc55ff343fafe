/**
 * The maximum incoming packet size against a real mosquitto: an MQTT 5
 * connection tells the broker its limit in CONNECT, so mosquitto drops larger
 * messages for it and the connection stays up; an MQTT 3.1.1 connection cannot
 * say so, so the oversized PUBLISH is refused from its header, counted, and the
 * connection comes back and receives again.
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionHarness, testProfile, waitFor, type SessionHarness } from '../support/sessions';
import { useTlsBroker } from '../support/tls-broker';

const LIMIT = 4096;
const { pki, url } = useTlsBroker();
let h: SessionHarness;

beforeAll(async () => {
  h = sessionHarness();
});

afterAll(async () => {
  await h?.dispose();
});

describe('maximum incoming packet size with a real broker', () => {
  it('MQTT 5: the broker keeps larger messages back; MQTT 3.1.1: they are refused and the connection recovers', async () => {
    const settings = (name: string, protocolVersion: 4 | 5) => ({ name, url: url(), protocolVersion, maxPacketSize: LIMIT, tls: { trust: 'custom' as const, ca: [pki().rootOnly.pem] }, subscriptions: [{ filter: 'big/#', qos: 0 as const }] });
    h.manager.connect(testProfile('v5', settings('v5', 5)));
    h.manager.connect(testProfile('v4', settings('v4', 4)));
    await waitFor(() => h.latest('v5')?.state === 'connected' && h.latest('v4')?.state === 'connected', 'both connected');
    await new Promise((r) => setTimeout(r, 200));
    const v5From = h.views.length;

    const publisher = await mqtt.connectAsync(url(), { ca: pki().rootOnly.pem, reconnectPeriod: 0 });
    await publisher.publishAsync('big/blob', Buffer.alloc(64 * 1024, 0x42), { qos: 1 });
    await publisher.publishAsync('big/small', 'fits', { qos: 1 });

    await waitFor(() => h.recent('v5').find((m) => m.topic === 'big/small'), 'the small message on MQTT 5');
    const refused = await waitFor(() => {
      const v = h.latest('v4');
      return v && v.faults.oversizedPackets === 1 ? v : undefined;
    }, 'the large message refused on MQTT 3.1.1');
    expect(refused.error?.code).toBe('mqtt_incoming_too_large');
    expect(refused.reason).toMatch(/\(64\.0 KB announced, at most 4\.0 KB accepted\)/);
    expect(refused.faults.lastOversizedBytes).toBeGreaterThan(64 * 1024);

    await waitFor(() => h.latest('v4')?.state === 'connected', 'MQTT 3.1.1 reconnected');
    await new Promise((r) => setTimeout(r, 200));
    await publisher.publishAsync('big/again', 'fits too', { qos: 1 });
    await waitFor(() => h.recent('v4').find((m) => m.topic === 'big/again'), 'MQTT 3.1.1 receiving again');
    await publisher.endAsync();

    expect(h.since('v5', v5From).every((v) => v.state === 'connected')).toBe(true);
    expect(h.latest('v5')?.faults.oversizedPackets).toBe(0);
    expect([...h.recent('v5'), ...h.recent('v4')].some((m) => m.topic === 'big/blob')).toBe(false);
    await h.manager.disconnect('v5');
    await h.manager.disconnect('v4');
  });
});
