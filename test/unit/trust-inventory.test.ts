/**
 * The certificates overview as a pure function, tested without any process:
 * certificates issued at test time with the app's own issuer, connections
 * that use them in every role, brokers' chains as last seen with their
 * revocation checks. Each certificate is listed once with all its uses,
 * sorted by days left, with the findings an auditor looks for. Also the
 * expiry alerts it feeds (once per certificate per day) and `cli certs`.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXPIRY_WARNING_DAYS } from '../../shared/expiry';
import { createProfile, ProfileSettingsSchema, type Profile } from '../../shared/profiles';
import type { RevocationReport } from '../../shared/revocation';
import type { CertificateInventory } from '../../shared/trust';
import { runCli } from '../../electron/cli/index';
import { bits, children, oid, readNode, seq, tlv, TAG } from '../../electron/core/certificates/asn1';
import { generateKey, issueCertificate, type DistinguishedName, type Issued, type KeyPair } from '../../electron/core/certificates/issue';
import { describeCertificate } from '../../electron/core/certificates/x509';
import { consoleLogger } from '../../electron/core/logger';
import { PROFILES_FILE, PROFILES_VERSION } from '../../electron/core/profiles/profile-store';
import { dueAlerts } from '../../electron/core/trust/expiry-alerts';
import { buildInventory, type SeenChain } from '../../electron/core/trust/inventory';
import { TrustStateStore } from '../../electron/core/trust/state-store';
import { tempDir } from '../support/backend';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const DAY = 86_400_000;

interface Cert extends Issued {
  keys: KeyPair;
  name: DistinguishedName;
}

function issue(name: DistinguishedName, options: { issuer?: Cert; ca?: boolean; days?: number; keys?: KeyPair; usage?: 'serverAuth' | 'clientAuth' } = {}): Cert {
  const keys = options.keys ?? generateKey('ec-p256');
  const issued = issueCertificate({
    subject: name,
    publicKey: keys.publicKey,
    issuer: options.issuer ? { name: options.issuer.name, certificate: options.issuer.x509 } : undefined,
    signingKey: options.issuer ? options.issuer.keys.privateKey : keys.privateKey,
    notBefore: new Date(NOW - 30 * DAY),
    notAfter: new Date(NOW + (options.days ?? 365) * DAY),
    ca: options.ca ? {} : undefined,
    extendedKeyUsage: options.ca ? undefined : [options.usage ?? 'serverAuth'],
  });
  return { ...issued, keys, name };
}

/** The same certificate signed again with SHA-1 (sha1WithRSAEncryption), as legacy CAs did. */
function resignSha1(cert: Cert, issuerKey: KeyPair): Buffer {
  const [tbs] = children(readNode(cert.der));
  const fields = children(tbs!);
  const sha1Rsa = seq(oid('1.2.840.113549.1.1.5'), tlv(TAG.NULL, Buffer.alloc(0)));
  const newTbs = seq(...fields.map((f, i) => (i === 2 ? sha1Rsa : f.raw)));
  return seq(newTbs, sha1Rsa, bits(sign('sha1', newTbs, issuerKey.privateKey)));
}

const pem = (der: Buffer) => `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;

function profile(id: string, url: string, tls: { ca?: string[]; clientCertificate?: string | null } = {}): Profile {
  const settings = ProfileSettingsSchema.parse({ name: `Line ${id}`, url, tls: { trust: 'custom', ...tls } });
  return createProfile(settings, id);
}

function fixture() {
  const root = issue({ CN: 'Fleet Root CA', O: 'Acme' }, { ca: true, days: 3650 });
  const rsaRootKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rsaRoot = issue({ CN: 'Legacy RSA Root' }, { ca: true, days: 3650, keys: rsaRootKeys });
  const server = issue({ CN: 'broker.acme.example' }, { issuer: root, days: 10 });
  const client = issue({ CN: 'device-001' }, { issuer: root, days: 200, usage: 'clientAuth' });
  const caAsClient = issue({ CN: 'A CA posing as a client' }, { issuer: root, ca: true, days: 400 });
  const weakKeys = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const weak = issue({ CN: 'legacy.acme.example' }, { issuer: rsaRoot, days: 90, keys: weakKeys });
  const weakSha1 = resignSha1(weak, rsaRootKeys);
  const expired = issue({ CN: 'old-device' }, { issuer: root, days: -3, usage: 'clientAuth' });
  return { root, rsaRoot, server, client, caAsClient, weakSha1, expired };
}

const f = fixture();
const revokedReport = (fingerprint: string, checkedAt: number): RevocationReport => ({
  checkedAt,
  hardFail: false,
  verdict: 'revoked',
  certificates: [{ subject: 'CN=broker.acme.example', fingerprint256: fingerprint, serialNumber: '01', status: 'revoked', source: 'ocsp', url: 'http://ocsp.acme.example/', revokedAt: '2026-05-30T00:00:00.000Z', reason: 'keyCompromise', thisUpdate: null, nextUpdate: null, cached: false, detail: 'Revoked on 2026-05-30 (keyCompromise), says the CA\'s OCSP responder.' }],
});

function inventory(): CertificateInventory {
  const profiles = [
    profile('a', 'mqtts://broker.acme.example:8883', { ca: [f.root.pem], clientCertificate: f.client.pem + f.root.pem }),
    profile('b', 'mqtts://legacy.acme.example:8883', { ca: [f.rsaRoot.pem], clientCertificate: f.caAsClient.pem }),
    profile('c', 'mqtts://never.acme.example:8883', { clientCertificate: f.expired.pem }),
    profile('d', 'mqtt://plain.acme.example:1883'),
  ];
  const serverFp = describeCertificate(f.server.x509).fingerprint256;
  const chains = new Map<string, SeenChain>([
    ['a', { seenAt: NOW - DAY, certificates: [f.server.der, f.root.der], revocation: revokedReport(serverFp, NOW - DAY) }],
    ['b', { seenAt: NOW - 2 * DAY, certificates: [f.weakSha1, f.rsaRoot.der], revocation: null }],
  ]);
  return buildInventory({ profiles, chains, now: NOW });
}

const bySubject = (inv: CertificateInventory, cn: string) => inv.certificates.find((c) => c.subject.includes(`CN=${cn}`));
const codes = (inv: CertificateInventory, cn: string) => bySubject(inv, cn)?.findings.map((x) => x.code) ?? [];

describe('certificates inventory', () => {
  it('lists each certificate once, with every connection and role that uses it', () => {
    const inv = inventory();
    expect(new Set(inv.certificates.map((c) => c.fingerprint256)).size).toBe(inv.certificates.length);
    expect(inv.certificates).toHaveLength(7);
    expect(bySubject(inv, 'Fleet Root CA')?.uses.map((u) => `${u.connectionName}:${u.role}`).sort()).toEqual(['Line a:broker-chain', 'Line a:ca', 'Line a:client-chain']);
    expect(bySubject(inv, 'broker.acme.example')?.uses).toEqual([{ connectionId: 'a', connectionName: 'Line a', role: 'broker', seenAt: NOW - DAY }]);
    expect(bySubject(inv, 'device-001')?.uses[0]?.role).toBe('client');
  });

  it('sorts by days left, expired first, and colours by the one threshold', () => {
    const inv = inventory();
    const days = inv.certificates.map((c) => c.daysLeft as number);
    expect(days).toEqual([...days].sort((a, b) => a - b));
    expect(inv.certificates[0]).toMatchObject({ subject: expect.stringContaining('old-device'), daysLeft: -3, expiry: 'expired' });
    expect(bySubject(inv, 'broker.acme.example')).toMatchObject({ daysLeft: 10, expiry: 'expiring' });
    expect(bySubject(inv, 'device-001')?.expiry).toBe('ok');
    expect(inv.warningDays).toBe(EXPIRY_WARNING_DAYS);
  });

  it('finds expiry, SHA-1 signatures, short RSA keys, a CA used as a client certificate, and revocation', () => {
    const inv = inventory();
    expect(codes(inv, 'old-device')).toEqual(['expired']);
    expect(codes(inv, 'broker.acme.example')).toEqual(['expiring', 'revoked']);
    expect(codes(inv, 'legacy.acme.example')).toEqual(['weak_signature', 'weak_key']);
    expect(bySubject(inv, 'legacy.acme.example')).toMatchObject({ signatureAlgorithm: 'sha1WithRSAEncryption', keyType: 'RSA', keyBits: 1024 });
    expect(codes(inv, 'A CA posing as a client')).toEqual(['ca_as_client']);
    expect(codes(inv, 'Fleet Root CA')).toEqual([]);
    expect(bySubject(inv, 'device-001')).toMatchObject({ keyType: 'EC P-256', signatureAlgorithm: 'ecdsa-with-SHA256', findings: [] });
    expect(inv.counts).toEqual({ certificates: 7, expired: 1, expiring: 1, revoked: 1, withFindings: 4 });
  });

  it('names the encrypted connections whose broker never showed its chain', () => {
    expect(inventory().unseen).toEqual([{ connectionId: 'c', connectionName: 'Line c' }]);
  });

  it('keeps an unreadable recorded certificate in the list, with the finding, instead of failing', () => {
    const chains = new Map<string, SeenChain>([['x', { seenAt: NOW, certificates: [Buffer.from('not a certificate')], revocation: null }]]);
    const inv = buildInventory({ profiles: [profile('x', 'mqtts://x:8883')], chains, now: NOW });
    expect(inv.certificates).toHaveLength(1);
    expect(inv.certificates[0]).toMatchObject({ subject: 'unreadable', daysLeft: null, findings: [expect.objectContaining({ code: 'unreadable', level: 'insecure' })] });
  });
});

describe('expiry alerts', () => {
  it('tells each expired or expiring certificate once per day, with the connections that would break', () => {
    const inv = inventory();
    const first = dueAlerts(inv, new Map(), NOW);
    expect(first.alerts.map((a) => a.title).sort()).toEqual(['Certificate expired on 2026-05-29', 'Certificate expires in 10 days (2026-06-11)']);
    expect(first.alerts.find((a) => a.level === 'warning')?.body).toBe("CN=broker.acme.example, used by Line a (broker's certificate).");
    expect(dueAlerts(inv, first.notified, NOW + 3_600_000).alerts).toEqual([]);
    expect(dueAlerts(inv, first.notified, NOW + DAY).alerts).toHaveLength(2);
  });

  it('forgets certificates no longer in use', () => {
    const { notified } = dueAlerts(inventory(), new Map([['AA:BB', '2026-05-01']]), NOW);
    expect(notified.has('AA:BB')).toBe(false);
  });
});

describe('cli certs', () => {
  async function certs(dir: string): Promise<{ exit: number; json: CertificateInventory }> {
    const out: string[] = [];
    const exit = await runCli(['certs', '--data-dir', dir, '--json'], { stdout: (l) => out.push(l), stderr: () => undefined, env: {} });
    expect(out).toHaveLength(1);
    return { exit, json: JSON.parse(out[0] as string) as CertificateInventory };
  }

  function dataDir(profiles: Profile[]): string {
    const dir = tempDir('certs-cli');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, PROFILES_FILE), JSON.stringify({ version: PROFILES_VERSION, profiles }));
    return dir;
  }

  it('prints the inventory of a data folder, with the broker chains recorded there; exit 1 when something expires within the window', async () => {
    const dir = dataDir([profile('a', 'mqtts://broker.acme.example:8883', { ca: [f.root.pem] })]);
    const state = new TrustStateStore(dir, consoleLogger);
    await state.load();
    // The command reads the real clock: this broker certificate expires 5 days from it.
    const fresh = issueCertificate({ subject: { CN: 'soon.acme.example' }, publicKey: generateKey('ec-p256').publicKey, issuer: { name: f.root.name, certificate: f.root.x509 }, signingKey: f.root.keys.privateKey, notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 5 * DAY) });
    state.recordChain('a', [fresh.der, f.root.der], Date.now());
    await state.flush();
    const { exit, json } = await certs(dir);
    expect(exit).toBe(1);
    expect(json.counts.expiring).toBe(1);
    expect(json.certificates[0]?.subject).toContain('soon.acme.example');
    expect(json.certificates[0]?.uses[0]?.role).toBe('broker');
  });

  it('exits 0 when nothing needs the operator', async () => {
    const lasting = issueCertificate({ subject: { CN: 'Lasting CA' }, publicKey: f.root.keys.publicKey, signingKey: f.root.keys.privateKey, notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 3000 * DAY), ca: {} });
    const { exit, json } = await certs(dataDir([profile('a', 'mqtts://a:8883', { ca: [lasting.pem] })]));
    expect(exit).toBe(0);
    expect(json.certificates).toHaveLength(1);
    expect(json.unseen).toEqual([{ connectionId: 'a', connectionName: 'Line a' }]);
  });

  it('with --json, a data folder that does not exist is one error object, exit 64', async () => {
    const out: string[] = [];
    const exit = await runCli(['certs', '--data-dir', path.join(tempDir('none'), 'missing'), '--json'], { stdout: (l) => out.push(l), stderr: () => undefined, env: {} });
    expect(exit).toBe(64);
    expect(JSON.parse(out[0] as string).error).toMatchObject({ code: 'bad_arguments', message: expect.stringMatching(/does not exist/) });
  });
});

// Keep the PEM helper honest: the SHA-1 certificate round-trips through PEM as saved profiles hold it.
it('reads a SHA-1 certificate saved as PEM', () => {
  expect(buildInventory({ profiles: [profile('z', 'mqtts://z:1', { ca: [pem(f.weakSha1)] })], chains: new Map(), now: NOW }).certificates[0]?.signatureAlgorithm).toBe('sha1WithRSAEncryption');
});
