/**
 * The two trust rules against real parts: a real mosquitto (verified TLS,
 * mutual TLS, a broker whose certificate ends in 10 days, plain MQTT), the
 * real backend with its history database and the real keychain. Rules saved
 * through `alerts.rules` fire and clear on what the handshakes show, each
 * change reaching the injected notifier, the `alerts.changed` event and the
 * alert list, as in alerts.test.ts:
 * - the grade below secure fires for a connection with verification turned
 *   off, for plain mqtt:// and for a warning (a verified broker certificate
 *   ending in 10 days), never for a verified one; it keeps firing while the
 *   connection is closed (its last handshake stands) and through an attempt
 *   that completes no handshake, and clears once it connects verified again;
 * - a certificate in use ending within N days fires for a client certificate
 *   (made here, ending in 5 days) and for the broker's certificate as the last
 *   handshake showed it, names the certificate and the days, stays quiet for a
 *   rule of fewer days, and clears once the connection uses certificates with
 *   a year left.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertChangeSchema, AlertListSchema, type AlertChange, type AlertHistory, type AlertList, type AlertRuleInput, type AlertView } from '../../shared/alerts';
import type { Profile, ProfileSettingsInput, SecretInput } from '../../shared/profiles';
import type { SessionView } from '../../shared/sessions';
import { ruleKey, type AlertNotice } from '../../electron/core/alerts/engine';
import { generateKey, issueCertificate, privateKeyPem } from '../../electron/core/certificates/issue';
import { startMosquitto, tlsListener, type Broker } from '../fixtures/mosquitto';
import { createTestPki, type TestPki } from '../fixtures/pki';
import { call, createTestBackend, tempDir, waitForSession, type TestBackend } from '../support/backend';
import { until } from '../support/until';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let dir: string;
let pki: TestPki;
let broker: Broker;

beforeAll(async () => {
  dir = tempDir('alerts-trust');
  pki = createTestPki(path.join(dir, 'pki'));
  broker = await startMosquitto([
    tlsListener(pki.server, 'tls'),
    tlsListener(pki.server, 'mtls', { cafile: pki.caBundle.path, requireCertificate: true }),
    tlsListener(pki.serverExpiring, 'expiring'),
    { name: 'plain' },
  ]);
});

afterAll(async () => {
  await broker?.stop();
  // The generated keys go with the run.
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const mqtts = (listener: string) => `mqtts://localhost:${broker.ports[listener]}`;
/** Trusts the test root alone, as an operator adds a company CA. */
const customTrust = () => ({ trust: 'custom' as const, ca: [pki.rootOnly.pem] });

/** A backend whose notifications and pushed alert changes are kept for the test to read. */
async function alertingBackend() {
  const notices: AlertNotice[] = [];
  const t = await createTestBackend({ notify: (n) => notices.push(n) });
  const changes: AlertChange[] = [];
  t.backend.events.attach((name, payload) => {
    if (name === 'alerts.changed') changes.push(AlertChangeSchema.parse(payload));
  });
  // Until the saved alert states are read back the engine holds what fires (neither notified nor listed):
  // a history read is answered after that read by the same database worker, so nothing is held after it.
  await call<AlertHistory>(t, 'alerts.history', { limit: 1 });
  return { t, notices, changes };
}

const noticesOf = (notices: AlertNotice[], key: string, change: 'fired' | 'cleared') => notices.filter((n) => n.key === key && n.change === change);
const noticeOf = (notices: AlertNotice[], key: string, change: 'fired' | 'cleared') => () => noticesOf(notices, key, change)[0];
const changesOf = (changes: AlertChange[], key: string) => changes.filter((c) => c.alert.key === key).map((c) => [c.change, c.notify]);

async function listed(t: TestBackend, key: string): Promise<AlertView | undefined> {
  return AlertListSchema.parse(await call<AlertList>(t, 'alerts.list', {})).alerts.find((a) => a.key === key);
}

async function save(t: TestBackend, settings: ProfileSettingsInput, secrets: SecretInput = {}, id?: string): Promise<Profile> {
  return call<Profile>(t, 'profiles.save', { ...(id && { id }), settings, secrets });
}

async function connect(t: TestBackend, id: string): Promise<SessionView> {
  await call(t, 'sessions.connect', { id });
  return waitForSession(t.backend, id, (v) => v.state === 'connected');
}

/** Closed by the operator: the closed view has reached the engine when this returns. */
async function disconnect(t: TestBackend, id: string): Promise<SessionView> {
  return call<SessionView>(t, 'sessions.disconnect', { id });
}

describe('the grade below secure, on a real broker', () => {
  let app: Awaited<ReturnType<typeof alertingBackend>>;
  let line: Profile;
  let lineSettings: ProfileSettingsInput;
  let key: string;

  beforeAll(async () => {
    app = await alertingBackend();
  });

  afterAll(async () => {
    await app?.t.cleanup();
  });

  it('raises nothing for a verified connection; the same connection with verification turned off fires, naming it and why', async () => {
    const { t, notices, changes } = app;
    lineSettings = { name: 'Line 3', url: mqtts('tls'), tls: customTrust() };
    line = await save(t, lineSettings);
    line = await call<Profile>(t, 'alerts.rules', { connectionId: line.id, rules: [{ id: 'grade', kind: 'grade' }] satisfies AlertRuleInput[] });
    key = ruleKey(line.id, 'grade');

    const verified = await connect(t, line.id);
    expect(verified.security.grade).toBe('secure');
    // The engine saw that view before the wait above ended: a secure grade raised nothing.
    expect(await listed(t, key)).toBeUndefined();
    expect(changesOf(changes, key)).toEqual([]);
    expect(notices.filter((n) => n.key === key)).toEqual([]);
    await disconnect(t, line.id);

    // The operator turns verification off; the saved rule stays with the connection.
    line = await save(t, { ...lineSettings, tls: { ...customTrust(), verify: false } }, {}, line.id);
    expect(line.alerts.map((r) => r.id)).toEqual(['grade']);
    const unverified = await connect(t, line.id);
    expect(unverified.security.grade).toBe('insecure');
    const body = 'Graded insecure: Certificate verification is turned off for this connection: anyone on the network path could impersonate the broker.';
    expect(await until(noticeOf(notices, key, 'fired'), 'the grade alert')).toEqual({ title: 'Line 3: Security grade below secure', body, key, change: 'fired' });
    expect(await listed(t, key)).toMatchObject({ connectionId: line.id, ruleId: 'grade', kind: 'grade', source: 'rules', state: 'firing', title: 'Line 3: Security grade below secure', detail: body, clearedAt: null });
    expect(changesOf(changes, key)).toEqual([['fired', true]]);
  });

  it('keeps firing while the connection is closed, and clears once it connects verified again', async () => {
    const { t, notices, changes } = app;
    // Closed, the connection is still graded by its last handshake: nothing clears.
    const closed = await disconnect(t, line.id);
    expect(closed).toMatchObject({ state: 'closed', security: { grade: 'insecure' } });
    expect(await listed(t, key)).toMatchObject({ state: 'firing' });

    // Verification back on, but an attempt that never completes a handshake (TLS to the plain listener) proves nothing either way.
    await save(t, { ...lineSettings, url: `mqtts://localhost:${broker.ports.plain}` }, {}, line.id);
    await call(t, 'sessions.connect', { id: line.id });
    const refused = await waitForSession(t.backend, line.id, (v) => v.error !== null);
    expect(refused.security.grade).toBe('unknown');
    expect(await disconnect(t, line.id)).toMatchObject({ state: 'closed' });
    expect(await listed(t, key)).toMatchObject({ state: 'firing' });
    expect(changesOf(changes, key)).toEqual([['fired', true]]);

    line = await save(t, lineSettings, {}, line.id);
    expect(line.tls.verify).toBe(true);
    expect((await connect(t, line.id)).security.grade).toBe('secure');
    expect(await until(noticeOf(notices, key, 'cleared'), 'the grade secure again')).toEqual({ title: 'Cleared: Line 3: Security grade below secure', body: 'Graded secure again', key, change: 'cleared' });
    expect(await listed(t, key)).toMatchObject({ state: 'cleared', detail: 'Graded secure again', clearedAt: expect.any(Number) });
    expect(changesOf(changes, key)).toEqual([
      ['fired', true],
      ['cleared', true],
    ]);
    const history = await call<AlertHistory>(t, 'alerts.history', { key });
    expect(history.from).toBe('database');
    expect(history.records.map((r) => r.change).reverse()).toEqual(['fired', 'cleared']);
    await disconnect(t, line.id);
  });

  it('fires for plain mqtt:// on the same broker: not encrypted at all', async () => {
    const { t, notices } = app;
    let bench = await save(t, { name: 'Bench', url: `mqtt://localhost:${broker.ports.plain}` });
    bench = await call<Profile>(t, 'alerts.rules', { connectionId: bench.id, rules: [{ id: 'clear-text', name: 'Traffic in clear text', kind: 'grade' }] satisfies AlertRuleInput[] });
    const benchKey = ruleKey(bench.id, 'clear-text');
    expect((await connect(t, bench.id)).security).toMatchObject({ transport: 'mqtt', encrypted: false, grade: 'insecure' });
    expect(await until(noticeOf(notices, benchKey, 'fired'), 'the clear-text alert')).toEqual({
      title: 'Bench: Traffic in clear text',
      body: 'Graded insecure: mqtt:// is not encrypted: topics, payloads and any password cross the network in clear text.',
      key: benchKey,
      change: 'fired',
    });
    expect(await listed(t, benchKey)).toMatchObject({ connectionId: bench.id, kind: 'grade', state: 'firing' });
    // The other connection's alert is as it was.
    expect(notices.filter((n) => n.key === key).map((n) => n.change)).toEqual(['fired', 'cleared']);
    await disconnect(t, bench.id);
  });

  it('fires for a warning too: verified, but the broker certificate ends in 10 days', async () => {
    const { t, notices } = app;
    let yard = await save(t, { name: 'Yard', url: mqtts('expiring'), tls: customTrust() });
    yard = await call<Profile>(t, 'alerts.rules', { connectionId: yard.id, rules: [{ id: 'grade', kind: 'grade' }] satisfies AlertRuleInput[] });
    const yardKey = ruleKey(yard.id, 'grade');
    const view = await connect(t, yard.id);
    expect(view.security.grade).toBe('warning');
    expect(view.security.tls).toMatchObject({ verification: true, authorized: true });
    // The fixture's certificate ends 10 days after the PKI was made, to the second: 9 whole days are left.
    const ends = new Date(pki.serverExpiring.x509.validTo).toISOString().slice(0, 10);
    expect(await until(noticeOf(notices, yardKey, 'fired'), 'the warning grade alert')).toEqual({
      title: 'Yard: Security grade below secure',
      body: `Graded warning: The broker's certificate expires in 9 days (${ends}).`,
      key: yardKey,
      change: 'fired',
    });
    await disconnect(t, yard.id);
  });
});

describe('a certificate in use expiring within N days, on a real broker', () => {
  let app: Awaited<ReturnType<typeof alertingBackend>>;

  beforeAll(async () => {
    app = await alertingBackend();
  });

  afterAll(async () => {
    await app?.t.cleanup();
  });

  describe('the client certificate, over mutual TLS', () => {
    let cell: Profile;
    let cellSettings: ProfileSettingsInput;
    let month: string;
    let twoDays: string;

    it('a saved client certificate ending in 5 days fires the 30-day rule at once, not the 2-day one; mutual TLS with it fires nothing twice', async () => {
      const { t, notices, changes } = app;
      // Issued now by the test intermediate, which the mTLS listener trusts; its key stays in memory and the test keychain.
      const keys = generateKey('ec-p256');
      const soon = issueCertificate({
        subject: { CN: 'device-soon', O: 'MQTTS Dashboard Tests' },
        publicKey: keys.publicKey,
        issuer: { name: pki.intermediateCa.subject, certificate: pki.intermediateCa.x509 },
        signingKey: pki.intermediateCa.privateKey,
        notBefore: new Date(Date.now() - HOUR),
        // Five whole days and a quarter: "5 days" however long the run takes.
        notAfter: new Date(Date.now() + 5 * DAY + 6 * HOUR),
        keyUsage: ['digitalSignature'],
        extendedKeyUsage: ['clientAuth'],
      });
      const ends = new Date(soon.x509.validTo).toISOString().slice(0, 10);

      cellSettings = { name: 'Cell 9', url: mqtts('mtls'), tls: { ...customTrust(), clientCertificate: soon.pem } };
      cell = await save(t, cellSettings, { clientKey: privateKeyPem(keys.privateKey) });
      expect(cell.secrets.clientKey).toBe(true);
      cell = await call<Profile>(t, 'alerts.rules', {
        connectionId: cell.id,
        rules: [
          { id: 'month', kind: 'expiry', days: 30 },
          { id: 'two-days', kind: 'expiry', days: 2 },
        ] satisfies AlertRuleInput[],
      });
      month = ruleKey(cell.id, 'month');
      twoDays = ruleKey(cell.id, 'two-days');

      // The certificate as saved is in use already: the alert does not wait for a handshake.
      const fired = await until(noticeOf(notices, month, 'fired'), 'the 30-day expiry alert');
      expect(fired).toEqual({ title: 'Cell 9: A certificate in use expires within 30 days', body: `O=MQTTS Dashboard Tests, CN=device-soon expires in 5 days (${ends})`, key: month, change: 'fired' });
      expect(await listed(t, month)).toMatchObject({ connectionId: cell.id, ruleId: 'month', kind: 'expiry', source: 'rules', state: 'firing', value: 5, detail: fired.body });

      const view = await connect(t, cell.id);
      // The broker required a client certificate and took this one.
      expect(view.security.tls?.clientCertificate).toMatchObject({ subject: 'O=MQTTS Dashboard Tests, CN=device-soon', notAfter: new Date(soon.x509.validTo).toISOString() });

      // The 2-day rule looked at the same certificates (on saving and on every session view since): 5 days is not within 2.
      expect(await listed(t, twoDays)).toBeUndefined();
      expect(changesOf(changes, twoDays)).toEqual([]);
      expect(notices.filter((n) => n.key === twoDays)).toEqual([]);
      // Connecting showed the same certificate again: still the one alert.
      expect(changesOf(changes, month)).toEqual([['fired', true]]);
    });

    it('clears once the connection uses a certificate with a year left and its handshake shows it', async () => {
      const { t, notices, changes } = app;
      await disconnect(t, cell.id);
      cell = await save(t, { ...cellSettings, tls: { ...customTrust(), clientCertificate: pki.client.cert.pem } }, { clientKey: pki.client.key.pem }, cell.id);
      expect(cell.alerts.map((r) => r.id)).toEqual(['month', 'two-days']);
      // The last handshake still showed the old certificate: the alert stands until a new one.
      expect(await listed(t, month)).toMatchObject({ state: 'firing' });

      const view = await connect(t, cell.id);
      expect(view.security.tls?.clientCertificate?.subject).toContain('CN=device-001');
      expect(await until(noticeOf(notices, month, 'cleared'), 'the expiry alert cleared')).toEqual({
        title: 'Cleared: Cell 9: A certificate in use expires within 30 days',
        body: 'No certificate in use ends within 30 days now',
        key: month,
        change: 'cleared',
      });
      expect(await listed(t, month)).toMatchObject({ state: 'cleared', value: null });
      expect(changesOf(changes, month)).toEqual([
        ['fired', true],
        ['cleared', true],
      ]);
      expect(notices.filter((n) => n.key === twoDays)).toEqual([]);
      await disconnect(t, cell.id);
    });
  });

  describe("the broker's certificate, as the last handshake showed it", () => {
    let gateway: Profile;
    let soonKey: string;
    let weekKey: string;

    it('fires once the handshake shows a broker certificate ending in 10 days, not for a 7-day rule, and stays through a disconnect', async () => {
      const { t, notices, changes } = app;
      gateway = await save(t, { name: 'Gateway', url: mqtts('expiring'), tls: customTrust() });
      gateway = await call<Profile>(t, 'alerts.rules', {
        connectionId: gateway.id,
        rules: [
          { id: 'soon', name: 'Broker certificate to renew', kind: 'expiry', days: 30 },
          { id: 'week', kind: 'expiry', days: 7 },
        ] satisfies AlertRuleInput[],
      });
      soonKey = ruleKey(gateway.id, 'soon');
      weekKey = ruleKey(gateway.id, 'week');
      // No client certificate and no handshake yet: nothing in use to judge.
      expect(await listed(t, soonKey)).toBeUndefined();
      expect(changesOf(changes, soonKey)).toEqual([]);

      const view = await connect(t, gateway.id);
      const leaf = view.security.tls?.peerChain[0];
      expect(leaf?.notAfter).toBe(new Date(pki.serverExpiring.x509.validTo).toISOString());
      // The fixture's certificate ends 10 days after the PKI was made, to the second: 9 whole days are left.
      const ends = new Date(pki.serverExpiring.x509.validTo).toISOString().slice(0, 10);
      const fired = await until(noticeOf(notices, soonKey, 'fired'), 'the broker certificate alert');
      expect(fired).toEqual({ title: 'Gateway: Broker certificate to renew', body: `${leaf?.subject} expires in 9 days (${ends})`, key: soonKey, change: 'fired' });
      expect(fired.body).toContain('CN=localhost');
      expect(await listed(t, soonKey)).toMatchObject({ connectionId: gateway.id, kind: 'expiry', state: 'firing', value: 9 });
      expect(await listed(t, weekKey)).toBeUndefined();
      expect(notices.filter((n) => n.key === weekKey)).toEqual([]);

      // Closed, the broker's chain is the one last seen: still firing, nothing cleared.
      expect((await disconnect(t, gateway.id)).state).toBe('closed');
      expect(await listed(t, soonKey)).toMatchObject({ state: 'firing' });
      expect(changesOf(changes, soonKey)).toEqual([['fired', true]]);
    });

    it('clears when the connection reaches a broker whose certificate has a year left', async () => {
      const { t, notices, changes } = app;
      gateway = await save(t, { name: 'Gateway', url: mqtts('tls'), tls: customTrust() }, {}, gateway.id);
      expect(await listed(t, soonKey)).toMatchObject({ state: 'firing' });
      const view = await connect(t, gateway.id);
      expect(view.security.tls?.peerChain[0]?.notAfter).toBe(new Date(pki.server.x509.validTo).toISOString());
      expect(await until(noticeOf(notices, soonKey, 'cleared'), 'the broker certificate alert cleared')).toEqual({
        title: 'Cleared: Gateway: Broker certificate to renew',
        body: 'No certificate in use ends within 30 days now',
        key: soonKey,
        change: 'cleared',
      });
      expect(changesOf(changes, soonKey)).toEqual([
        ['fired', true],
        ['cleared', true],
      ]);
      expect(changesOf(changes, weekKey)).toEqual([]);
      const history = await call<AlertHistory>(t, 'alerts.history', { connectionId: gateway.id });
      expect(history.records.map((r) => `${r.ruleId} ${r.change}`).reverse()).toEqual(['soon fired', 'soon cleared']);
      await disconnect(t, gateway.id);
    });
  });
});
