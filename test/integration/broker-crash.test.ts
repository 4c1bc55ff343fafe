/**
 * A real mosquitto killed without warning (SIGKILL) and restarted 20 times
 * while it relays 5,000 messages a second to the app: every time the
 * connection shows the loss with its reason, reconnects, resubscribes and
 * receives again; and when it is all over, no socket or timer is left behind.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Transition } from '../../shared/sessions';
import { startMosquitto, tlsListener, type Broker } from '../fixtures/mosquitto';
import { createTestPki, type TestPki } from '../fixtures/pki';
import { startSteadyPublisher, type SteadyPublisher } from '../fixtures/steady-publisher';
import { tempDir } from '../support/backend';
import { sessionHarness, sleep, testProfile, waitFor } from '../support/sessions';

const CYCLES = 20;
const RATE = 5000;
/** Messages that must arrive after each reconnect before the next kill. */
const AGAIN = 250;
/** Handles a session could leak: sockets and timers. */
const LEAKABLE = new Set(['Timeout', 'Immediate', 'TCPSocketWrap', 'TCPWrap', 'TLSWrap', 'TCPConnectWrap']);

let pki: TestPki;
let broker: Broker;
let publisher: SteadyPublisher;

function resources(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) if (LEAKABLE.has(kind)) out[kind] = (out[kind] ?? 0) + 1;
  return out;
}

beforeAll(async () => {
  const dir = tempDir('crash');
  pki = createTestPki(path.join(dir, 'pki'));
  broker = await startMosquitto([tlsListener(pki.server)], { dir: path.join(dir, 'broker') });
  const caFile = path.join(dir, 'ca.pem');
  writeFileSync(caFile, pki.rootOnly.pem);
  publisher = startSteadyPublisher({ url: `mqtts://localhost:${broker.ports.tls}`, caFile, rate: RATE, topics: 100, maxSeconds: 240 });
});

afterAll(async () => {
  await publisher?.stop();
  await broker?.stop();
});

describe('a broker that crashes over and over', () => {
  it(`reconnects, resubscribes and receives again after each of ${CYCLES} SIGKILLs, and leaks nothing`, { timeout: 180_000 }, async () => {
    await sleep(200); // let the fixture's start-up probes close
    const before = resources();
    const h = sessionHarness({ backoff: { initialMs: 50, maxMs: 400, factor: 2 }, connectTimeoutMs: 5000 });
    const id = 'crashy';
    h.manager.connect(testProfile(id, { name: 'Crashy', url: `mqtts://localhost:${broker.ports.tls}`, tls: { trust: 'custom', ca: [pki.rootOnly.pem] }, subscriptions: [{ filter: 'load/#', qos: 0 }] }));
    const started = Date.now();
    const perCycle: number[] = [];
    for (let cycle = 0; cycle <= CYCLES; cycle++) {
      const from = h.count(id);
      await waitFor(() => h.latest(id)?.state === 'connected' && h.count(id) >= from + AGAIN, `messages after reconnect ${cycle}`, 20_000);
      perCycle.push(h.count(id) - from);
      if (cycle === CYCLES) break;
      await broker.kill();
      await waitFor(() => h.latest(id)?.state !== 'connected', `the loss to show after kill ${cycle + 1}`, 10_000);
      await broker.start();
    }
    const seconds = (Date.now() - started) / 1000;
    const last = h.latest(id);
    await h.manager.disconnect(id);
    await h.dispose();
    await sleep(200);
    const after = resources();

    // Every transition was pushed with its reason, as it happened.
    const transitions: Transition[] = [];
    for (const view of h.views) {
      const t = view.history.at(-1);
      if (view.id === id && t && t !== transitions.at(-1) && !transitions.some((s) => s.at === t.at && s.to === t.to && s.reason === t.reason)) transitions.push(t);
    }
    expect(transitions.filter((t) => t.to === 'connected')).toHaveLength(CYCLES + 1);
    const losses = transitions.filter((t) => t.from === 'connected' && t.to !== 'closed');
    expect(losses).toHaveLength(CYCLES);
    expect(transitions.at(-1)).toMatchObject({ from: 'connected', to: 'closed', reason: 'Disconnected by the operator.' });
    for (const loss of losses) {
      expect(loss.to).toBe('reconnecting');
      expect(loss.reason).toMatch(/^Connection lost: The connection to localhost:\d+ was closed by the broker or the network\. Retrying in \d+ s/);
    }
    expect(transitions.every((t) => t.reason.length > 10)).toBe(true);
    expect(transitions.some((t) => t.to === 'failed')).toBe(false);
    expect(last?.faults.lost).toBe(CYCLES);
    expect(last?.faults.protocolErrors).toBe(0);
    // Resubscribed every time: messages arrived after each reconnect.
    expect(perCycle).toHaveLength(CYCLES + 1);
    for (const n of perCycle) expect(n).toBeGreaterThanOrEqual(AGAIN);
    expect(after).toEqual(before);
    console.log(`${CYCLES} kills in ${seconds.toFixed(1)} s, ${h.count(id)} messages received, ${transitions.length} transitions`);
  });
});
