/**
 * Revocation of brokers' chains against real parts on 127.0.0.1: a PKI run
 * by `openssl ca`, `openssl ocsp` as the CA's responder, CRLs from `openssl
 * ca -gencrl` served over HTTP, mosquitto serving each chain, and a TLS
 * front that staples an OCSP response (mosquitto 2.0.11 cannot). Good,
 * revoked and unknown certificates, by OCSP, by CRL and by a CRL file of the
 * connection; an unreachable responder with soft and hard fail; answers
 * cached until their nextUpdate. A refused connection never sends CONNECT:
 * the broker's log never names its client id.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertChange, AlertList } from '../../shared/alerts';
import type { SessionView } from '../../shared/sessions';
import type { CertificateInventory } from '../../shared/trust';
import { freePort, startMosquitto, type Broker, type ListenerSpec } from '../fixtures/mosquitto';
import { createRevocationPki, openssl, type RevocationPki } from '../fixtures/revocation-pki';
import { startCrlServer, startOcspResponder, startStaplingFront, type CrlServer, type OcspResponder, type StaplingFront } from '../fixtures/revocation-servers';
import { runCli } from '../../electron/cli/index';
import { readCertificateFields } from '../../electron/core/trust/certificate-fields';
import { buildOcspRequest } from '../../electron/core/trust/ocsp';
import { call, createTestBackend, tempDir, waitForSession, type TestBackend } from '../support/backend';
import { failIfLastResortReached } from '../support/last-resort';

failIfLastResortReached();

const MINUTE = 60_000;
let pki: RevocationPki;
let broker: Broker;
let responder: OcspResponder;
let crls: CrlServer;
let front: StaplingFront;
let t: TestBackend;
/** The trust feature's clock runs this far ahead of the real one (to pass a nextUpdate without waiting). */
let ahead = 0;

const LEAVES = ['ocspGood', 'ocspRevoked', 'ocspUnknown', 'crlGood', 'crlRevoked', 'dead', 'plain', 'plainRevoked'] as const;

beforeAll(async () => {
  const dir = tempDir('revocation');
  const [ocspPort, crlPort, deadPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const ocsp = `http://127.0.0.1:${ocspPort}/`;
  const crl = (name: string) => `http://127.0.0.1:${crlPort}/${name}`;
  pki = createRevocationPki(dir, {
    rootCrlUrl: crl('root.crl'),
    leaves: [
      { name: 'ocspGood', ocsp },
      { name: 'ocspRevoked', ocsp, revoke: 'keyCompromise' },
      { name: 'ocspUnknown', ocsp, outsideDatabase: true },
      { name: 'crlGood', crl: crl('intermediate.crl') },
      { name: 'crlRevoked', crl: crl('intermediate.crl'), revoke: 'superseded' },
      { name: 'dead', ocsp: `http://127.0.0.1:${deadPort}/`, crl: `http://127.0.0.1:${deadPort}/x.crl` },
      { name: 'plain' },
      { name: 'plainRevoked', revoke: 'keyCompromise' },
      { name: 'stapled', ocsp },
    ],
  });
  crls = await startCrlServer(crlPort);
  crls.set('intermediate.crl', pki.intermediateCrl());
  crls.set('root.crl', pki.rootCrl());
  responder = await startOcspResponder({ port: ocspPort, index: pki.indexPath, caCert: pki.intermediate.certPath, signerCert: pki.responder.certPath, signerKey: pki.responder.keyPath, minutes: 10 });
  const listeners: ListenerSpec[] = LEAVES.map((name) => ({ name, tls: { certfile: pki.leaves[name]!.fullChainPath, keyfile: pki.leaves[name]!.keyPath } }));
  broker = await startMosquitto([...listeners, { name: 'plainMqtt' }]);
  const stapledLeaf = pki.leaves.stapled!;
  const request = buildOcspRequest(readCertificateFields(stapledLeaf.der), readCertificateFields(pki.intermediate.der));
  front = await startStaplingFront({
    certPem: openssl(['x509'], Buffer.from(stapledLeaf.pem)).toString() + pki.intermediate.pem,
    keyPem: openssl(['pkey', '-in', stapledLeaf.keyPath]).toString(),
    response: pki.ocspResponse(request.der),
    upstreamPort: broker.ports.plainMqtt as number,
  });
  // On a loaded machine the first check also starts the verifying worker from the TypeScript sources:
  // attempts get the app's own 20 s, the check its 10 s.
  t = await createTestBackend({ connectTimeoutMs: 20_000, trust: { now: () => Date.now() + ahead, expiryTimers: false } });
}, 120_000);

afterAll(async () => {
  await t?.cleanup();
  await front?.stop();
  await responder?.stop();
  await crls?.stop();
  await broker?.stop();
});

async function save(name: string, port: number, revocation: { crls?: string[]; hardFail?: boolean } = {}): Promise<string> {
  const result = await t.backend.dispatch('profiles.save', {
    settings: { name, url: `mqtts://localhost:${port}`, clientId: `probe-${name}`, tls: { trust: 'custom', ca: [pki.root.pem], revocation } },
  });
  if (!result.ok) throw new Error(result.error.message);
  return (result.value as { id: string }).id;
}

async function connect(id: string, until: (v: SessionView) => boolean): Promise<SessionView> {
  await t.backend.dispatch('sessions.connect', { id });
  return waitForSession(t.backend, id, until, 30_000);
}

async function disconnect(id: string): Promise<void> {
  await t.backend.dispatch('sessions.disconnect', { id });
}

/** The inventory through its channel (checked against the contract, like every result in tests). */
async function inventoryOf(backend: TestBackend['backend']): Promise<CertificateInventory> {
  const result = await backend.dispatch('trust.inventory', {});
  if (!result.ok) throw new Error(result.error.message);
  return result.value as CertificateInventory;
}

const settled = (v: SessionView) => v.state === 'connected' || v.state === 'failed' || v.state === 'reconnecting';
const leafOf = (v: SessionView) => v.security.tls?.revocation?.certificates[0];
const codes = (v: SessionView) => v.security.reasons.map((r) => `${r.level}:${r.code}`);
/** Whether the broker saw this client's CONNECT (mosquitto logs the client id once CONNECT arrived). */
const sawConnect = (name: string) => broker.log().includes(`as probe-${name}`);

describe('OCSP against openssl ocsp', () => {
  it('a good certificate connects, graded secure, each certificate below the root shown not revoked', async () => {
    const before = responder.requests();
    const id = await save('ocspGood', broker.ports.ocspGood as number);
    const view = await connect(id, settled);
    expect(view.state).toBe('connected');
    expect(view.security.grade).toBe('secure');
    const report = view.security.tls?.revocation;
    expect(report?.verdict).toBe('good');
    expect(report?.certificates.map((c) => [c.status, c.source])).toEqual([
      ['good', 'ocsp'],
      ['good', 'crl'],
    ]);
    expect(report?.certificates[1]?.subject).toContain('Revocation Test Intermediate');
    expect(codes(view)).toContain('ok:not_revoked');
    expect(responder.requests()).toBe(before + 1);
    // What the refused connections below must not show: the broker names a client once its CONNECT arrived.
    expect(sawConnect('ocspGood')).toBe(true);
    await disconnect(id);
  });

  it('reuses the answer until its nextUpdate, then asks again', async () => {
    const id = t.backend.profiles.list().find((p) => p.name === 'ocspGood')?.id ?? '';
    const before = responder.requests();
    const again = await connect(id, settled);
    expect(again.state).toBe('connected');
    expect(leafOf(again)).toMatchObject({ status: 'good', cached: true });
    expect(responder.requests()).toBe(before);
    await disconnect(id);

    // The responder's answers say nextUpdate in 10 minutes: 11 minutes on, the answer is asked again.
    ahead = 11 * MINUTE;
    try {
      const later = await connect(id, settled);
      expect(later.state).toBe('connected');
      expect(leafOf(later)).toMatchObject({ status: 'good', cached: false });
      expect(responder.requests()).toBe(before + 1);
      await disconnect(id);
    } finally {
      ahead = 0;
    }
  });

  it('a revoked certificate is refused before CONNECT, graded insecure with the reason', async () => {
    const id = await save('ocspRevoked', broker.ports.ocspRevoked as number);
    const view = await connect(id, (v) => v.state === 'failed');
    expect(view.error?.code).toBe('tls_cert_revoked');
    expect(view.error?.message).toMatch(/revoked.*keyCompromise.*OCSP responder/i);
    expect(view.security.grade).toBe('insecure');
    expect(leafOf(view)).toMatchObject({ status: 'revoked', reason: 'keyCompromise', source: 'ocsp' });
    expect(codes(view)).toContain('insecure:cert_revoked');
    // One line says it: the refusal is not repeated beside the revocation line.
    expect(view.security.reasons.filter((r) => r.level === 'insecure')).toHaveLength(1);
    expect(sawConnect('ocspRevoked')).toBe(false);
  });

  it('a certificate its responder does not know is a warning (soft fail)', async () => {
    const id = await save('ocspUnknown', broker.ports.ocspUnknown as number);
    const view = await connect(id, settled);
    expect(view.state).toBe('connected');
    expect(view.security.grade).toBe('warning');
    expect(leafOf(view)).toMatchObject({ status: 'unknown', source: 'ocsp' });
    expect(codes(view)).toContain('warning:revocation_unknown');
    await disconnect(id);
  });

  it('the stapled response answers for the leaf: the responder is not asked', async () => {
    const before = responder.requests();
    const id = await save('stapled', front.port);
    const view = await connect(id, settled);
    expect(view.state).toBe('connected');
    expect(front.stapled()).toBeGreaterThan(0);
    expect(leafOf(view)).toMatchObject({ status: 'good', source: 'stapled' });
    expect(responder.requests()).toBe(before);
    expect(view.security.grade).toBe('secure');
    await disconnect(id);
  });
});

describe('CRLs', () => {
  it('a good certificate is checked against the CRL its distribution point names', async () => {
    const before = crls.requests('intermediate.crl');
    const id = await save('crlGood', broker.ports.crlGood as number);
    const view = await connect(id, settled);
    expect(view.state).toBe('connected');
    expect(view.security.grade).toBe('secure');
    expect(leafOf(view)).toMatchObject({ status: 'good', source: 'crl', url: crls.url('intermediate.crl') });
    expect(crls.requests('intermediate.crl')).toBe(before + 1);
    await disconnect(id);
  });

  it('a revoked certificate on the CRL is refused with its reason; the CRL fetched before is reused', async () => {
    const before = crls.requests('intermediate.crl');
    const id = await save('crlRevoked', broker.ports.crlRevoked as number);
    const view = await connect(id, (v) => v.state === 'failed');
    expect(view.error?.code).toBe('tls_cert_revoked');
    expect(leafOf(view)).toMatchObject({ status: 'revoked', reason: 'superseded', source: 'crl' });
    expect(crls.requests('intermediate.crl')).toBe(before);
    expect(sawConnect('crlRevoked')).toBe(false);
  });

  it("a CRL file added to the connection answers for certificates that name no source", async () => {
    const crlPem = openssl(['crl', '-inform', 'DER', '-outform', 'PEM'], pki.intermediateCrl()).toString();
    const plain = await save('plain', broker.ports.plain as number);
    const unchecked = await connect(plain, settled);
    expect(unchecked.state).toBe('connected');
    expect(leafOf(unchecked)).toMatchObject({ status: 'no-source' });
    expect(unchecked.security.grade).toBe('secure');
    await disconnect(plain);

    const revoked = await save('plainRevoked', broker.ports.plainRevoked as number, { crls: [crlPem] });
    const view = await connect(revoked, (v) => v.state === 'failed');
    expect(view.error?.code).toBe('tls_cert_revoked');
    expect(leafOf(view)).toMatchObject({ status: 'revoked', source: 'crl-file', reason: 'keyCompromise' });
    expect(sawConnect('plainRevoked')).toBe(false);
  });
});

describe('an unreachable responder', () => {
  it('is a stated warning with soft fail: the connection goes ahead', async () => {
    const id = await save('dead', broker.ports.dead as number);
    const view = await connect(id, settled);
    expect(view.state).toBe('connected');
    expect(view.security.grade).toBe('warning');
    expect(leafOf(view)?.status).toBe('unreachable');
    expect(leafOf(view)?.detail).toMatch(/OCSP responder http:\/\/127\.0\.0\.1:\d+\/: connection refused.*CRL http:\/\/127\.0\.0\.1:\d+\/x\.crl: connection refused/);
    expect(codes(view)).toContain('warning:revocation_unreachable');
    await disconnect(id);
  });

  it('refuses the connection before CONNECT with hard fail, graded insecure, and retries', async () => {
    const saved = await t.backend.dispatch('profiles.save', {
      settings: { name: 'deadHard', url: `mqtts://localhost:${broker.ports.dead}`, clientId: 'probe-deadHard', tls: { trust: 'custom', ca: [pki.root.pem], revocation: { hardFail: true } } },
    });
    if (!saved.ok) throw new Error(saved.error.message);
    const id = (saved.value as { id: string }).id;
    const view = await connect(id, (v) => v.state === 'reconnecting');
    expect(view.error?.code).toBe('tls_revocation_unchecked');
    expect(view.error?.hint).toMatch(/hard fail off/);
    expect(view.security.grade).toBe('insecure');
    expect(codes(view)).toContain('insecure:revocation_unreachable');
    expect(sawConnect('deadHard')).toBe(false);
    await disconnect(id);
  });

  it('hard fail connects when every certificate is shown good', async () => {
    const id = await save('ocspGoodHard', broker.ports.ocspGood as number, { hardFail: true });
    const view = await connect(id, settled);
    expect(view.state).toBe('connected');
    expect(view.security.tls?.revocation).toMatchObject({ hardFail: true, verdict: 'good' });
    await disconnect(id);
  });
});

describe('what the inventory keeps of it', () => {
  it('lists each broker chain as last seen, with the revoked certificate found, and keeps it across a restart', async () => {
    const inventory = await inventoryOf(t.backend);
    const revoked = inventory.certificates.filter((c) => c.findings.some((f) => f.code === 'revoked'));
    expect(revoked.length).toBeGreaterThanOrEqual(3);
    const intermediate = inventory.certificates.find((c) => c.subject.includes('Revocation Test Intermediate'));
    expect(intermediate?.uses.filter((u) => u.role === 'broker-chain').length).toBeGreaterThanOrEqual(5);
    await t.backend.trust.state.flush();

    const reportFile = path.join(tempDir('report'), 'trust.html');
    const again = await createTestBackend({ dataDir: t.dataDir, secrets: t.secrets, trust: { expiryTimers: false }, chooseExportFile: async () => reportFile });
    try {
      const after = await inventoryOf(again.backend);
      expect(after.certificates.map((c) => c.fingerprint256).sort()).toEqual(inventory.certificates.map((c) => c.fingerprint256).sort());
      expect(after.certificates.filter((c) => c.findings.some((f) => f.code === 'revoked')).length).toBe(revoked.length);

      // The desktop app saves the report where main's dialog says, through the history exports' delivery.
      const done = new Promise<void>((resolve) => again.backend.events.attach((name, p) => name === 'history.export' && (p as { state: string }).state === 'done' && resolve()));
      const started = await again.backend.dispatch('trust.report', {});
      expect(started.ok && started.value).toMatchObject({ delivery: 'file' });
      await done;
      const html = readFileSync(reportFile, 'utf8');
      expect(html).not.toMatch(/<script/i);
      expect(html.match(/<li class="level-insecure">Revoked on/g)?.length).toBe(revoked.length);
    } finally {
      await again.backend.dispose();
    }
  });

  it("tells of a broker certificate within 30 days of its end as an alert, once that day", async () => {
    // The leaves last 365 days, the CAs years: 340 days on, only the leaves are expiring.
    ahead = 340 * 24 * 60 * MINUTE;
    const alerts: AlertChange[] = [];
    const detach = t.backend.events.attach((name, p) => {
      const change = p as AlertChange;
      if (name === 'alerts.changed' && change.change === 'fired' && change.alert.source === 'certificates') alerts.push(change);
    });
    try {
      const expiring = (await inventoryOf(t.backend)).certificates.filter((c) => c.expiry === 'expiring');
      expect(expiring.length).toBeGreaterThanOrEqual(5);
      expect(expiring.every((c) => c.uses.every((u) => u.role === 'broker'))).toBe(true);
      t.backend.trust.checkExpiry();
      expect(alerts).toHaveLength(expiring.length);
      expect(alerts.every((a) => a.alert.kind === 'expiry' && a.notify && /^Certificate expires in 2[45] days/.test(a.alert.title) && /broker's certificate/.test(a.alert.detail))).toBe(true);
      t.backend.trust.checkExpiry();
      expect(alerts).toHaveLength(expiring.length);
      // In the alert list a window reads.
      const list = await call<AlertList>(t, 'alerts.list', {});
      expect(list.alerts.filter((a) => a.source === 'certificates' && a.state === 'firing')).toHaveLength(expiring.length);
    } finally {
      detach();
      ahead = 0;
    }
  });
});

describe('the command line probe', () => {
  async function probe(listener: string, extra: string[] = []): Promise<{ exit: number; report: { connected: boolean; grade: string; error: { code: string } | null; tls: { revocation: { verdict: string; certificates: Array<{ status: string; source: string | null }> } | null } | null } }> {
    const out: string[] = [];
    const exit = await runCli(['probe', `mqtts://localhost:${broker.ports[listener]}`, '--ca', pki.rootPath, '--json', '--timeout', '15000', ...extra], { stdout: (l) => out.push(l), stderr: () => undefined, env: {} });
    return { exit, report: JSON.parse(out.join('\n')) };
  }

  it('checks revocation as the app does: a revoked broker is refused (exit 3), a good one is secure (exit 0)', async () => {
    const revoked = await probe('ocspRevoked');
    expect(revoked.exit).toBe(3);
    expect(revoked.report.error?.code).toBe('tls_cert_revoked');
    const good = await probe('ocspGood');
    expect(good.exit).toBe(0);
    expect(good.report.tls?.revocation?.verdict).toBe('good');
  });

  it('takes CRL files (--crl) and hard fail (--revocation-hard-fail)', async () => {
    const crl = path.join(tempDir('probe-crl'), 'ca.crl');
    writeFileSync(crl, pki.intermediateCrl());
    const revoked = await probe('plainRevoked', ['--crl', crl]);
    expect(revoked.report.error?.code).toBe('tls_cert_revoked');
    expect(revoked.report.tls?.revocation?.certificates[0]).toMatchObject({ status: 'revoked', source: 'crl-file' });
    const hard = await probe('dead', ['--revocation-hard-fail']);
    expect(hard.exit).toBe(3);
    expect(hard.report.error?.code).toBe('tls_revocation_unchecked');
  });
});
