/**
 * The foundation slice against a real mosquitto over TLS: a profile with a
 * broker URL and a CA connects, reports its state and TLS version; a wrong CA
 * fails with the cause and the fix; plain mqtt:// is graded insecure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type Broker, tlsListener } from '../fixtures/mosquitto';
import { createTestPki, type TestPki } from '../fixtures/pki';
import { createTestBackend, tempDir, waitForSession, type TestBackend } from '../support/backend';

let pki: TestPki;
let broker: Broker;
let t: TestBackend;

beforeAll(async () => {
  pki = createTestPki(tempDir('pki'));
  broker = await startMosquitto([
    tlsListener(pki.server),
    { name: 'plain' },
  ]);
  t = await createTestBackend();
});

afterAll(async () => {
  await t?.cleanup();
  await broker?.stop();
});

async function save(settings: Record<string, unknown>) {
  const result = await t.backend.dispatch('profiles.save', { settings });
  if (!result.ok) throw new Error(result.error.message);
  return result.value as { id: string };
}

describe('connecting to a real broker', () => {
  it('connects over TLS with the broker CA and reports the negotiated version', async () => {
    const profile = await save({ name: 'tls', url: `mqtts://localhost:${broker.ports.tls}`, tls: { trust: 'custom', ca: [pki.rootOnly.pem] } });
    await t.backend.dispatch('sessions.connect', { id: profile.id });
    const view = await waitForSession(t.backend, profile.id, (v) => v.state === 'connected');
    expect(view.security.tls?.version).toBe('TLSv1.3');
    expect(view.security.tls?.authorized).toBe(true);
    expect(view.security.grade).toBe('secure');
    expect(view.history.map((h) => h.to)).toEqual(['connecting', 'connected']);
    await t.backend.dispatch('sessions.disconnect', { id: profile.id });
    expect(t.backend.sessions.get(profile.id).currentState).toBe('closed');
  });

  it('fails with the cause and the fix when the CA is wrong, and does not retry', async () => {
    const profile = await save({ name: 'wrong-ca', url: `mqtts://localhost:${broker.ports.tls}`, tls: { trust: 'custom', ca: [pki.untrustedCa.cert.pem] } });
    await t.backend.dispatch('sessions.connect', { id: profile.id });
    const view = await waitForSession(t.backend, profile.id, (v) => v.state === 'failed');
    expect(view.error?.code).toBe('tls_unknown_ca');
    expect(view.error?.message).toMatch(/not trust/);
    expect(view.error?.hint).toMatch(/Import the broker's root CA/);
    expect(view.security.grade).toBe('insecure');
    expect(view.security.tls?.peerChain[0]?.subject).toContain('localhost');
    expect(view.history.filter((h) => h.to === 'reconnecting')).toHaveLength(0);
  });

  it('grades plain mqtt:// insecure even when connected', async () => {
    const profile = await save({ name: 'plain', url: `mqtt://127.0.0.1:${broker.ports.plain}` });
    await t.backend.dispatch('sessions.connect', { id: profile.id });
    const view = await waitForSession(t.backend, profile.id, (v) => v.state === 'connected');
    expect(view.security.grade).toBe('insecure');
    expect(view.security.reasons.map((r) => r.code)).toContain('no_tls');
    await t.backend.dispatch('sessions.disconnect', { id: profile.id });
  });
});
