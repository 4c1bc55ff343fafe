/**
 * Publishing from the dashboard while the broker crashes: mosquitto is killed
 * in the middle of a burst of QoS 1 and 2 messages. What the operator is told
 * for each message (acknowledged, unconfirmed, refused) is checked against
 * what a subscriber actually received: nothing refused arrives, nothing
 * arrives that the operator was not told about, nothing is left without an
 * answer, and once the broker is back, acknowledged means received.
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '../../shared/result';
import { createTestBackend, waitForSession, type TestBackend } from '../support/backend';
import { waitFor } from '../support/sessions';
import { useTlsBroker } from '../support/tls-broker';

const { pki, broker, url } = useTlsBroker();
let t: TestBackend;

beforeAll(async () => {
  t = await createTestBackend({ backoff: { initialMs: 50, maxMs: 400, factor: 2 } });
});

afterAll(async () => {
  await t?.cleanup();
});

type Outcome = { n: number; qos: 1 | 2; ok: true } | { n: number; qos: 1 | 2; ok: false; error: AppError };

describe('publishing while the broker crashes', () => {
  it('tells the operator the truth about every message', { timeout: 90_000 }, async () => {
    const received = new Set<number>();
    const subscriber = await mqtt.connectAsync(url(), { ca: pki().rootOnly.pem, reconnectPeriod: 100 });
    subscriber.on('error', () => undefined);
    subscriber.on('message', (_topic, payload) => received.add(Number(payload.toString())));
    await subscriber.subscribeAsync('cmd/#', { qos: 0 });

    const saved = await t.backend.dispatch('profiles.save', { settings: { name: 'Commands', url: url(), tls: { trust: 'custom', ca: [pki().rootOnly.pem] } } });
    if (!saved.ok) throw new Error(saved.error.message);
    const id = (saved.value as { id: string }).id;
    await t.backend.dispatch('sessions.connect', { id });
    await waitForSession(t.backend, id, (v) => v.state === 'connected');

    const outcomes: Outcome[] = [];
    let next = 0;
    const publish = async (): Promise<Outcome> => {
      const n = next++;
      const qos = n % 2 === 0 ? 1 : 2;
      const result = await t.backend.dispatch('sessions.publish', { id, topic: `cmd/${n % 10}`, payload: String(n), encoding: 'text', qos, retain: false });
      const outcome: Outcome = result.ok ? { n, qos, ok: true } : { n, qos, ok: false, error: result.error };
      outcomes.push(outcome);
      return outcome;
    };

    // A burst in flight when the broker dies.
    const burst = Array.from({ length: 3000 }, () => publish());
    await waitFor(() => outcomes.filter((o) => o.ok).length >= 100, 'the first acknowledgements', 20_000);
    await broker().kill();
    await Promise.all(burst);
    await waitForSession(t.backend, id, (v) => v.state !== 'connected');
    // While it is down: refused at once, nothing queued.
    const whileDown = await Promise.all(Array.from({ length: 5 }, () => publish()));

    await broker().start();
    await waitForSession(t.backend, id, (v) => v.state === 'connected');
    await waitFor(() => subscriber.connected, 'the subscriber back');
    await subscriber.subscribeAsync('cmd/#', { qos: 0 });
    const afterwards = await Promise.all(Array.from({ length: 5 }, () => publish()));
    await waitFor(() => afterwards.every((o) => received.has(o.n)), 'the messages sent after the restart', 10_000);
    await subscriber.endAsync();

    const acknowledged = outcomes.filter((o) => o.ok);
    const unconfirmed = outcomes.filter((o) => !o.ok && o.error.code === 'publish_unconfirmed');
    const refused = outcomes.filter((o) => !o.ok && o.error.code === 'not_connected');
    // Every message got exactly one answer, of one of three kinds.
    expect(outcomes).toHaveLength(next);
    expect(acknowledged.length + unconfirmed.length + refused.length).toBe(next);
    // What was refused never went out.
    expect(refused.filter((o) => received.has(o.n))).toEqual([]);
    // Nothing arrived that the operator was not told about: each was acknowledged or reported unconfirmed.
    const known = new Set([...acknowledged, ...unconfirmed].map((o) => o.n));
    expect([...received].filter((n) => !known.has(n))).toEqual([]);
    // With the broker up, acknowledged means received.
    expect(afterwards.every((o) => o.ok && received.has(o.n))).toBe(true);
    // An acknowledgement says the broker took the message, not that it forwarded it: mosquitto
    // acknowledges before it writes to subscribers, so a crash in between loses acknowledged
    // messages inside the broker (no persistence). The panel's wording claims no more than that.
    const lostInBroker = acknowledged.filter((o) => !received.has(o.n));

    expect(whileDown.every((o) => !o.ok && o.error.code === 'not_connected')).toBe(true);
    for (const o of whileDown) if (!o.ok) expect(o.error.message).toMatch(/^Commands is (reconnecting|connecting): the message was not sent, and nothing is queued\.$/);
    // The broker died with messages in flight: those are reported as unconfirmed, with what to do.
    expect(unconfirmed.length).toBeGreaterThan(0);
    for (const o of unconfirmed) {
      if (o.ok) continue;
      expect(o.error.message).toMatch(new RegExp(`before the broker acknowledged it \\(QoS ${o.qos}\\): it may or may not have reached the broker\\.$`));
      expect(o.error.hint).toMatch(o.qos === 1 ? /may deliver it twice/ : /exactly-once delivery cannot be promised/);
    }
    console.log(
      `${next} publishes: ${acknowledged.length} acknowledged (${lostInBroker.length} of them lost in the crashed broker), ` +
        `${unconfirmed.length} unconfirmed (${unconfirmed.filter((o) => received.has(o.n)).length} of them arrived), ${refused.length} refused`,
    );
  });
});
