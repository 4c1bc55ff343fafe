/**
 * Bundle import with certificates and keys generated at test time: every
 * format an operator meets, the classification, key matching, chain building,
 * the validity and usage checks, and every bad input with its own error.
 */
import { execFileSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { inspectBundle, type BundleInput, type BundleResult } from '../../electron/core/certificates/bundle';
import { int, nul, octets, oid, seq } from '../../electron/core/certificates/asn1';
import { generateKey, issueCertificate, privateKeyPem, type KeySpec } from '../../electron/core/certificates/issue';
import { IMPORT_LIMITS } from '../../shared/certificates';
import { CLIENT_KEY_PASSPHRASE, createTestPki, type TestPki } from '../fixtures/pki';
import { writeZip } from '../support/zip';

const DAY = 86_400_000;
let pki: TestPki;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mqtts-bundle-'));
  pki = createTestPki(path.join(dir, 'pki'));
});

const text = (name: string, body: string): BundleInput => ({ name, bytes: Buffer.from(body) });
const der = (name: string, pem: string): BundleInput => ({ name, bytes: Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64') });
const codes = (r: BundleResult, list: 'errors' | 'warnings') => r.summary[list].map((e) => e.code);
const kinds = (r: BundleResult) => r.summary.items.map((i) => i.kind).sort();

function issueLeaf(spec: KeySpec, options: { notBefore?: number; notAfter?: number; eku?: Array<'serverAuth' | 'clientAuth'>; ca?: boolean } = {}) {
  const key = generateKey(spec);
  const cert = issueCertificate({
    subject: { CN: `leaf-${spec}` },
    publicKey: key.publicKey,
    signingKey: pki.intermediateCa.privateKey,
    issuer: { name: pki.intermediateCa.subject, certificate: pki.intermediateCa.x509 },
    notBefore: new Date(options.notBefore ?? Date.now() - DAY),
    notAfter: new Date(options.notAfter ?? Date.now() + 365 * DAY),
    extendedKeyUsage: options.eku ?? ['clientAuth'],
    ca: options.ca ? {} : undefined,
  });
  return { key, cert };
}

function pkcs12(name: string, keyPem: string, certPem: string, extra: string[], password: string, chain?: string): BundleInput {
  const work = mkdtempSync(path.join(dir, 'p12-'));
  writeFileSync(path.join(work, 'key.pem'), keyPem);
  writeFileSync(path.join(work, 'cert.pem'), certPem);
  const args = ['pkcs12', '-export', '-inkey', path.join(work, 'key.pem'), '-in', path.join(work, 'cert.pem'), '-passout', `pass:${password}`, '-out', path.join(work, 'out.p12'), ...extra];
  if (chain) {
    writeFileSync(path.join(work, 'chain.pem'), chain);
    args.push('-certfile', path.join(work, 'chain.pem'));
  }
  execFileSync('openssl', args);
  return { name, bytes: readFileSync(path.join(work, 'out.p12')) };
}

function traditionalPem(key: KeyObject, passphrase?: string): string {
  const type = key.asymmetricKeyType === 'ec' ? 'sec1' : 'pkcs1';
  return key.export(passphrase ? { type, format: 'pem', cipher: 'aes-256-cbc', passphrase } : { type, format: 'pem' }) as string;
}

describe('formats', () => {
  it('reads a mosquitto-style PEM set: CA, client certificate and key in separate files', () => {
    const r = inspectBundle([text('ca.crt', pki.caBundle.pem), text('client.crt', pki.client.cert.pem), text('client.key', pki.client.key.pem)]);
    expect(r.summary.errors).toEqual([]);
    expect(r.summary.usable).toBe(true);
    expect(kinds(r)).toEqual(['certificate', 'intermediate-ca', 'private-key', 'root-ca']);
    expect(r.summary.identity?.certificate.subject).toContain('device-001');
    expect(r.summary.identity?.chain.map((c) => c.subject)).toEqual([expect.stringContaining('Intermediate')]);
    expect(r.summary.identity?.key).toMatchObject({ keyType: 'EC P-256', encrypted: false, source: 'client.key' });
    expect(r.summary.ca.map((c) => c.subject)).toEqual([expect.stringContaining('Intermediate'), expect.stringContaining('Root')]);
    expect(r.material?.clientCertificate?.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(r.material?.key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('reads one concatenated PEM with certificates and key mixed, in any order', () => {
    const all = [pki.client.key.pem, pki.rootCa.cert.pem, pki.client.cert.pem, pki.intermediateCa.cert.pem].join('\n');
    const r = inspectBundle([text('everything.pem', all)]);
    expect(r.summary.usable).toBe(true);
    expect(r.summary.items.map((i) => i.source)).toEqual(expect.arrayContaining(['everything.pem#1', 'everything.pem#4']));
    expect(r.summary.identity?.certificate.subject).toContain('device-001');
  });

  it('recognises AWS IoT file names by content, not by name', () => {
    const publicPem = createPublicKey(pki.client.privateKey).export({ type: 'spki', format: 'pem' }) as string;
    const r = inspectBundle([
      text('a1b2c3-certificate.pem.crt', pki.client.cert.pem),
      text('a1b2c3-private.pem.key', pki.client.key.pem),
      text('a1b2c3-public.pem.key', publicPem),
      text('AmazonRootCA1.pem', pki.rootOnly.pem),
    ]);
    expect(r.summary.errors).toEqual([]);
    const pub = r.summary.items.find((i) => i.kind === 'public-key');
    expect(pub?.matches).toBe(pki.client.x509.fingerprint256);
    expect(r.summary.identity?.key.source).toBe('a1b2c3-private.pem.key');
    // The intermediate is not in this bundle: the chain is incomplete, which is a warning, not an error.
    expect(codes(r, 'warnings')).toContain('chain_incomplete');
  });

  it('reads binary DER certificates (.der, .cer, .crt) and DER keys', () => {
    const pkcs8Der = pki.client.privateKey.export({ type: 'pkcs8', format: 'der' });
    const r = inspectBundle([
      der('root.der', pki.rootCa.cert.pem),
      der('intermediate.cer', pki.intermediateCa.cert.pem),
      der('device.crt', pki.client.cert.pem),
      { name: 'device.key', bytes: pkcs8Der },
    ]);
    expect(r.summary.errors).toEqual([]);
    expect(kinds(r)).toEqual(['certificate', 'intermediate-ca', 'private-key', 'root-ca']);
  });

  it.each<KeySpec>(['rsa-2048', 'ec-p256', 'ec-p384', 'ed25519'])('reads PKCS#8 keys, plain and encrypted: %s', (spec) => {
    const { key, cert } = issueLeaf(spec);
    const plain = inspectBundle([text('c.pem', cert.pem), text('k.pem', privateKeyPem(key.privateKey))]);
    expect(plain.summary.errors).toEqual([]);
    const encrypted = inspectBundle([text('c.pem', cert.pem), text('k.pem', privateKeyPem(key.privateKey, 'pw'))], { passphrase: 'pw' });
    expect(encrypted.summary.errors).toEqual([]);
    expect(encrypted.summary.identity?.key.encrypted).toBe(true);
    const expected: Record<string, string> = { 'rsa-2048': 'RSA', 'ec-p256': 'EC P-256', 'ec-p384': 'EC P-384', ed25519: 'Ed25519' };
    expect(encrypted.summary.identity?.key.keyType).toBe(expected[spec]);
  });

  it.each<KeySpec>(['rsa-2048', 'ec-p256', 'ec-p384'])('reads traditional (PKCS#1 / SEC1) keys, plain and encrypted: %s', (spec) => {
    const { key, cert } = issueLeaf(spec);
    const plain = inspectBundle([text('c.pem', cert.pem), text('k.pem', traditionalPem(key.privateKey))]);
    expect(plain.summary.errors).toEqual([]);
    const encryptedPem = traditionalPem(key.privateKey, 'pw');
    expect(encryptedPem).toMatch(/Proc-Type: 4,ENCRYPTED/);
    const encrypted = inspectBundle([text('c.pem', cert.pem), text('k.pem', encryptedPem)], { passphrase: 'pw' });
    expect(encrypted.summary.errors).toEqual([]);
    expect(encrypted.summary.identity?.key.encrypted).toBe(true);
  });

  it('reads PKCS#12 with the OpenSSL 3 default (AES) and the legacy (RC2/3DES) encryption, with the chain', () => {
    for (const extra of [[], ['-legacy']]) {
      const p12 = pkcs12('device.p12', pki.client.key.pem, pki.client.cert.pem, extra, 'p12-secret', pki.intermediateCa.cert.pem + pki.rootCa.cert.pem);
      const r = inspectBundle([p12], { passphrase: 'p12-secret' });
      expect(r.summary.errors).toEqual([]);
      expect(r.summary.identity?.certificate.subject).toContain('device-001');
      expect(r.summary.identity?.key.encrypted).toBe(true);
      expect(r.summary.ca).toHaveLength(2);
      expect(r.material?.key).toMatch(/BEGIN PRIVATE KEY/);
    }
  });

  it('reads a zip and the folders inside it', () => {
    const zip = writeZip([
      { path: 'device/cert.pem', data: pki.client.cert.pem },
      { path: 'device/private/key.pem', data: pki.client.key.pem, method: 8 },
      { path: 'ca/chain.pem', data: pki.caBundle.pem },
      { path: 'README.txt', data: 'Use these files to connect your device.' },
    ]);
    const r = inspectBundle([{ name: 'connect_device_package.zip', bytes: zip }]);
    expect(r.summary.errors).toEqual([]);
    expect(r.summary.identity?.key.source).toBe('connect_device_package.zip/device/private/key.pem');
    expect(codes(r, 'warnings')).toContain('file_skipped');
  });

  it('takes a CA-only bundle as trust for the broker, with no identity', () => {
    const r = inspectBundle([text('ca.pem', pki.rootOnly.pem)]);
    expect(r.summary).toMatchObject({ usable: true, identity: null });
    expect(r.material).toEqual({ ca: [expect.stringContaining('BEGIN CERTIFICATE')], clientCertificate: null, key: null });
  });
});

describe('validity and usage', () => {
  it('warns about an expired, a not-yet-valid and an expiring client certificate', () => {
    const expired = issueLeaf('ec-p256', { notBefore: Date.now() - 90 * DAY, notAfter: Date.now() - DAY });
    const future = issueLeaf('ec-p256', { notBefore: Date.now() + 5 * DAY, notAfter: Date.now() + 90 * DAY });
    const soon = issueLeaf('ec-p256', { notAfter: Date.now() + 12 * DAY });
    const check = (leaf: ReturnType<typeof issueLeaf>) => codes(inspectBundle([text('c.pem', leaf.cert.pem), text('k.pem', privateKeyPem(leaf.key.privateKey))]), 'warnings');
    expect(check(expired)).toContain('identity_expired');
    expect(check(future)).toContain('identity_not_yet_valid');
    expect(check(soon)).toContain('identity_expiring');
  });

  it('warns about a client certificate without the clientAuth usage, and a CA used as a client certificate', () => {
    const serverOnly = issueLeaf('ec-p256', { eku: ['serverAuth'] });
    const r = inspectBundle([text('c.pem', serverOnly.cert.pem), text('k.pem', privateKeyPem(serverOnly.key.privateKey))]);
    expect(codes(r, 'warnings')).toContain('no_client_auth');
    const caAsClient = inspectBundle([text('ca.pem', pki.intermediateCa.cert.pem), text('ca.key', pki.intermediateCa.key.pem)]);
    expect(codes(caAsClient, 'warnings')).toContain('ca_as_client');
  });

  it('warns when a CA private key travels in the bundle', () => {
    const r = inspectBundle([text('c.pem', pki.client.cert.pem + pki.caBundle.pem), text('k.pem', pki.client.key.pem), text('root.key', pki.rootCa.key.pem)]);
    expect(codes(r, 'warnings')).toContain('ca_key_included');
    expect(r.summary.identity?.certificate.subject).toContain('device-001');
  });
});

describe('bad input: a specific error and nothing usable', () => {
  it('asks for a missing passphrase and names a wrong one, for keys and PKCS#12', () => {
    const files = [text('c.pem', pki.clientEncryptedKey.cert.pem), text('k.pem', pki.clientEncryptedKey.key.pem)];
    const missing = inspectBundle(files);
    expect(missing.summary).toMatchObject({ usable: false, needsPassphrase: true });
    expect(missing.material).toBeNull();
    expect(codes(missing, 'errors')).toEqual(['key_passphrase_missing']);
    const wrong = inspectBundle(files, { passphrase: 'wrong horse' });
    expect(codes(wrong, 'errors')).toEqual(['key_wrong_passphrase']);
    expect(wrong.material).toBeNull();
    expect(inspectBundle(files, { passphrase: CLIENT_KEY_PASSPHRASE }).summary.usable).toBe(true);

    const p12 = pkcs12('d.pfx', pki.client.key.pem, pki.client.cert.pem, [], 'right');
    expect(codes(inspectBundle([p12]), 'errors')).toEqual(['key_passphrase_missing']);
    expect(codes(inspectBundle([p12], { passphrase: 'nope' }), 'errors')).toEqual(['key_wrong_passphrase']);
  });

  it('refuses a file that is not a certificate or key', () => {
    const r = inspectBundle([text('notes.txt', 'hello'), text('ca.pem', pki.rootOnly.pem)]);
    expect(codes(r, 'errors')).toEqual(['not_certificate_or_key']);
    expect(r.summary.errors[0]?.message).toContain('notes.txt');
    expect(r.material).toBeNull();
  });

  it('refuses a key with no certificate, and a certificate with no key', () => {
    const lonelyKey = inspectBundle([text('k.pem', pki.client.key.pem), text('ca.pem', pki.rootOnly.pem)]);
    expect(codes(lonelyKey, 'errors')).toEqual(['key_without_certificate']);
    const lonelyCert = inspectBundle([text('c.pem', pki.client.cert.pem), text('ca.pem', pki.rootOnly.pem)]);
    expect(codes(lonelyCert, 'errors')).toEqual(['certificate_without_key']);
    expect(lonelyCert.summary.errors[0]?.hint).toMatch(/private key/);
    const mismatched = inspectBundle([text('c.pem', pki.clientOtherKey.cert.pem), text('k.pem', pki.clientOtherKey.key.pem)]);
    expect(codes(mismatched, 'errors').sort()).toEqual(['certificate_without_key', 'key_without_certificate']);
  });

  it('refuses two candidate identities', () => {
    const r = inspectBundle([
      text('a.pem', pki.client.cert.pem + pki.client.key.pem),
      text('b.pem', pki.clientRsa4096.cert.pem + pki.clientRsa4096.key.pem),
    ]);
    expect(codes(r, 'errors')).toEqual(['multiple_identities']);
    expect(r.summary.errors[0]?.message).toMatch(/2 client identities/);
  });

  it('refuses a zip entry that escapes the archive, and an archive that expands too far', () => {
    const escape = writeZip([{ path: '../../.ssh/authorized_keys', data: pki.client.cert.pem }]);
    const r = inspectBundle([{ name: 'bundle.zip', bytes: escape }]);
    expect(codes(r, 'errors')).toEqual(['zip_path_escape']);
    expect(r.summary.errors[0]?.hint).toMatch(/outside its folder/);
    const bomb = writeZip([{ path: 'zeros.pem', data: Buffer.alloc(32 * 1024 * 1024), method: 8 }]);
    const big = inspectBundle([{ name: 'bomb.zip', bytes: bomb }]);
    expect(codes(big, 'errors')).toEqual(['zip_too_large']);
    expect(big.material).toBeNull();
  });

  it('says so when nothing at all was found', () => {
    const r = inspectBundle([text('empty.pem', '')]);
    expect(r.summary.usable).toBe(false);
    expect(r.summary.errors.length).toBeGreaterThan(0);
  });

  it('never puts key material in the summary', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    void publicKey;
    const p12 = pkcs12('d.p12', pki.client.key.pem, pki.client.cert.pem, [], 'x');
    const r = inspectBundle([text('c.pem', pki.client.cert.pem), text('k.pem', pki.client.key.pem), p12], { passphrase: 'x' });
    const json = JSON.stringify(r.summary);
    expect(json).not.toMatch(/PRIVATE KEY/);
    expect(json).not.toContain(pki.client.key.pem.split('\n')[1]);
    expect(json).not.toContain(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().split('\n')[1]);
  });
});

describe('one budget per import', () => {
  /** An EncryptedPrivateKeyInfo with the given PBES2 key derivation; its contents are random, and its cipher one OpenSSL does not know, so nothing is derived for real. */
  function encryptedKey(name: string, kdf: Buffer): BundleInput {
    const der = seq(seq(oid('1.2.840.113549.1.5.13'), seq(kdf, seq(oid('1.2.3.4'), octets(randomBytes(16))))), octets(randomBytes(64)));
    return text(name, `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${der.toString('base64')}\n-----END ENCRYPTED PRIVATE KEY-----\n`);
  }
  const pbkdf2 = (iterations: number) => seq(oid('1.2.840.113549.1.5.12'), seq(octets(randomBytes(16)), int(iterations), seq(oid('1.2.840.113549.2.9'), nul())));
  const scrypt = (n: number, r: number, p: number) => seq(oid('1.3.6.1.4.1.11591.4.11'), seq(octets(randomBytes(16)), int(n), int(r), int(p)));

  it('refuses an encrypted key whose key derivation is over the stated maximum, before deriving', () => {
    const over = encryptedKey('slow.key', pbkdf2(IMPORT_LIMITS.maxKdfIterations + 1));
    expect(codes(inspectBundle([over]), 'errors')).toEqual(['key_passphrase_missing']);
    const r = inspectBundle([over], { passphrase: 'pw' });
    expect(codes(r, 'errors')).toEqual(['kdf_too_costly']);
    expect(r.summary.errors[0]?.message).toMatch(/^slow\.key: The file asks for 1,000,001 key derivation iterations; this app opens files with up to 1,000,000\.$/);
    expect(codes(inspectBundle([encryptedKey('scrypt.key', scrypt(1 << 20, 8, 3))], { passphrase: 'pw' }), 'errors')).toEqual(['kdf_too_costly']);
    expect(codes(inspectBundle([encryptedKey('scrypt.key', scrypt(1 << 14, 8, 1))], { passphrase: 'pw' }), 'errors')).toEqual(['key_wrong_passphrase']);
  });

  it('spends one key derivation allowance across all the files of an import', () => {
    const perKey = IMPORT_LIMITS.maxKdfIterations;
    const affordable = Math.floor(IMPORT_LIMITS.maxTotalKdfRounds / perKey);
    const files = Array.from({ length: affordable + 1 }, (_, i) => encryptedKey(`k${i + 1}.key`, pbkdf2(perKey)));
    const r = inspectBundle(files, { passphrase: 'pw' });
    expect(codes(r, 'errors').filter((c) => c === 'key_wrong_passphrase')).toHaveLength(Math.min(affordable, 10));
    expect(r.summary.errors.find((e) => e.code === 'kdf_too_costly')?.message).toMatch(new RegExp(`^k${affordable + 1}\\.key: Opening this import needs more than`));
  });

  it('counts entries across all archives, not per archive', () => {
    const zipOf = (n: number, prefix: string) => writeZip(Array.from({ length: n }, (_, i) => ({ path: `${prefix}/note-${i}.txt`, data: 'x' })));
    const perArchive = Math.floor(IMPORT_LIMITS.maxEntries / 2.5);
    const within = inspectBundle([{ name: 'a.zip', bytes: zipOf(perArchive, 'a') }, text('ca.pem', pki.rootOnly.pem)]);
    expect(codes(within, 'errors')).toEqual([]);
    const r = inspectBundle(['a', 'b', 'c'].map((p) => ({ name: `${p}.zip`, bytes: zipOf(perArchive, p) })));
    expect(codes(r, 'errors')).toEqual(['import_too_large']);
    expect(r.summary.errors[0]?.message).toMatch(/more than 1000 files or 64 MB once its archives are unpacked/);
    expect(r.material).toBeNull();
  });

  it('counts unpacked bytes across all archives, not per archive', () => {
    const MiB = 1024 * 1024;
    // 40 MiB per archive, in entries small enough that no compression ratio limit applies: each archive alone is fine.
    const archive = (p: string) => writeZip(Array.from({ length: 40 }, (_, i) => ({ path: `${p}/${i}.bin`, data: Buffer.alloc(MiB - 1) })));
    const alone = inspectBundle([{ name: 'a.zip', bytes: archive('a') }, text('ca.pem', pki.rootOnly.pem)]);
    expect(codes(alone, 'errors')).toEqual([]);
    const r = inspectBundle([{ name: 'a.zip', bytes: archive('a') }, { name: 'b.zip', bytes: archive('b') }]);
    expect(codes(r, 'errors')).toEqual(['import_too_large']);
  });
});
