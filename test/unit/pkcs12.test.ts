/**
 * The PKCS#12 reader against files the openssl CLI writes at test time, in
 * each format met in the wild: OpenSSL 3's PBES2/AES default, -legacy RC2/3DES
 * (which Node itself can no longer decrypt), RC4, PBES1, no encryption, no
 * MAC, empty and non-ASCII passwords, a chain, BER re-encodings and a PBMAC1
 * integrity check. Nothing is committed: keys and files live in a temp dir.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, pbkdf2Sync, randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kdfMeter, looksLikePkcs12, Pkcs12Error, readPkcs12, type Pkcs12Contents } from '../../electron/core/certificates/pkcs12';
import { IMPORT_LIMITS } from '../../shared/certificates';
import { children, int, nul, octets, oid, readNode, seq, tlv, type Node } from '../../electron/core/certificates/asn1';

type KeyKind = 'rsa' | 'p256' | 'p384' | 'ed25519';

/** -legacy without a MAC, the certificates still RC2-encrypted: a wrong password shows only in the decryption. */
const LEGACY_NO_MAC = ['-legacy', '-nomac', '-certpbe', 'PBE-SHA1-RC2-40'];

let dir = '';
let serial = 0;
let certificateDer: Buffer = Buffer.alloc(0);

function openssl(args: string[], env: Record<string, string> = {}): Buffer {
  return execFileSync('openssl', args, { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function writeKey(name: string, kind: KeyKind): void {
  const { privateKey } =
    kind === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : kind === 'ed25519'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('ec', { namedCurve: kind === 'p256' ? 'prime256v1' : 'secp384r1' });
  writeFileSync(join(dir, `${name}.key`), privateKey.export({ type: 'pkcs8', format: 'pem' }));
}

/** A p12 of `<name>.key` and `<name>.pem`, written by `openssl pkcs12 -export` with extra options. */
function exportP12(name: string, password: string, extra: string[] = [], certfile?: string): Buffer {
  const out = `${name}-${++serial}.p12`;
  const args = ['pkcs12', '-export', '-in', `${name}.pem`, '-inkey', `${name}.key`, '-name', 'device', '-out', out, '-passout', 'env:P12_PASS', ...extra];
  if (certfile) args.push('-certfile', certfile, '-caname', 'issuing-ca');
  openssl(args, { P12_PASS: password });
  return readFileSync(join(dir, out));
}

function spki(key: KeyObject | Buffer): string {
  const publicKey = key instanceof KeyObject && key.type === 'public' ? key : createPublicKey(key);
  return publicKey.export({ type: 'spki', format: 'der' }).toString('hex');
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(Pkcs12Error);
    return (error as Pkcs12Error).code;
  }
  return 'no error';
}

/** The single key and certificate of an `exportP12` file, checked to belong together. */
function expectKeyAndCertificate(contents: Pkcs12Contents, name: string): void {
  expect(contents.keys).toHaveLength(1);
  expect(contents.certificates).toHaveLength(1);
  const [key] = contents.keys;
  const [certificate] = contents.certificates;
  if (!key || !certificate) throw new Error('unreachable');
  expect(key.pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  const privateKey = createPrivateKey(key.pem);
  const x509 = new X509Certificate(certificate.pem);
  expect(spki(privateKey)).toBe(spki(x509.publicKey));
  expect(spki(privateKey)).toBe(spki(readFileSync(join(dir, `${name}.key`))));
  expect(x509.raw.equals(new X509Certificate(readFileSync(join(dir, `${name}.pem`))).raw)).toBe(true);
  expect(key.localKeyId).toMatch(/^[0-9a-f]+$/);
  expect(certificate.localKeyId).toBe(key.localKeyId);
  expect(key.friendlyName).toBe('device');
  expect(certificate.friendlyName).toBe('device');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pkcs12-test-'));
  for (const kind of ['rsa', 'p256', 'p384', 'ed25519'] as const) {
    writeKey(kind, kind);
    openssl(['req', '-x509', '-new', '-key', `${kind}.key`, '-subj', '/CN=device', '-days', '30', '-out', `${kind}.pem`]);
  }
  // A device certificate issued by a CA, for the chain.
  writeKey('ca', 'p256');
  openssl(['req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=issuing-ca', '-days', '30', '-out', 'ca.pem']);
  writeKey('leaf', 'p256');
  openssl(['req', '-new', '-key', 'leaf.key', '-subj', '/CN=device', '-out', 'leaf.csr']);
  openssl(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-days', '30', '-out', 'leaf.pem']);
  certificateDer = openssl(['x509', '-in', 'p256.pem', '-outform', 'DER']);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('readPkcs12: formats openssl writes', () => {
  const cases: Array<{ label: string; key: KeyKind; options: string[]; encryption: string[] }> = [
    { label: 'OpenSSL 3 default, EC P-256', key: 'p256', options: [], encryption: ['PBES2/AES-256-CBC/HMAC-SHA256'] },
    { label: 'OpenSSL 3 default, RSA', key: 'rsa', options: [], encryption: ['PBES2/AES-256-CBC/HMAC-SHA256'] },
    { label: 'OpenSSL 3 default, EC P-384', key: 'p384', options: [], encryption: ['PBES2/AES-256-CBC/HMAC-SHA256'] },
    { label: 'OpenSSL 3 default, Ed25519', key: 'ed25519', options: [], encryption: ['PBES2/AES-256-CBC/HMAC-SHA256'] },
    { label: '-legacy (RC2-40 certificates, 3DES key, SHA-1 MAC), RSA', key: 'rsa', options: ['-legacy'], encryption: ['pbeWithSHAAnd40BitRC2-CBC', 'pbeWithSHAAnd3-KeyTripleDES-CBC'] },
    { label: '-legacy, EC P-256', key: 'p256', options: ['-legacy'], encryption: ['pbeWithSHAAnd40BitRC2-CBC', 'pbeWithSHAAnd3-KeyTripleDES-CBC'] },
    { label: '-legacy, Ed25519', key: 'ed25519', options: ['-legacy'], encryption: ['pbeWithSHAAnd40BitRC2-CBC', 'pbeWithSHAAnd3-KeyTripleDES-CBC'] },
    {
      label: 'RC2-128 certificates, two-key 3DES key',
      key: 'p256',
      options: ['-legacy', '-certpbe', 'PBE-SHA1-RC2-128', '-keypbe', 'PBE-SHA1-2DES'],
      encryption: ['pbeWithSHAAnd128BitRC2-CBC', 'pbeWithSHAAnd2-KeyTripleDES-CBC'],
    },
    { label: 'RC4-128 certificates, RC4-40 key', key: 'p256', options: ['-legacy', '-certpbe', 'PBE-SHA1-RC4-128', '-keypbe', 'PBE-SHA1-RC4-40'], encryption: ['pbeWithSHAAnd128BitRC4', 'pbeWithSHAAnd40BitRC4'] },
    { label: 'PKCS#5 v1.5 PBES1 (MD5/DES, SHA-1/RC2-64)', key: 'p256', options: ['-legacy', '-certpbe', 'PBE-MD5-DES', '-keypbe', 'PBE-SHA1-RC2-64'], encryption: ['pbeWithMD5AndDES-CBC', 'pbeWithSHA1AndRC2-CBC'] },
    { label: 'PBES2 with RC2-CBC and DES-CBC', key: 'p256', options: ['-legacy', '-certpbe', 'rc2-cbc', '-keypbe', 'des-cbc'], encryption: ['PBES2/RC2-CBC-128/HMAC-SHA256', 'PBES2/DES-CBC/HMAC-SHA256'] },
    {
      label: 'PBES2 AES-128 / 3DES, SHA-512 MAC',
      key: 'p384',
      options: ['-certpbe', 'aes-128-cbc', '-keypbe', 'des-ede3-cbc', '-macalg', 'sha512'],
      encryption: ['PBES2/AES-128-CBC/HMAC-SHA256', 'PBES2/DES-EDE3-CBC/HMAC-SHA256'],
    },
    { label: 'no encryption (-certpbe NONE -keypbe NONE: a plain keyBag)', key: 'p256', options: ['-certpbe', 'NONE', '-keypbe', 'NONE'], encryption: [] },
    // With -nomac, OpenSSL leaves the certificates unencrypted unless -certpbe says otherwise.
    { label: 'no MAC', key: 'rsa', options: ['-nomac'], encryption: ['PBES2/AES-256-CBC/HMAC-SHA256'] },
    { label: 'no MAC, certificates encrypted', key: 'p256', options: ['-nomac', '-certpbe', 'AES-256-CBC'], encryption: ['PBES2/AES-256-CBC/HMAC-SHA256'] },
    { label: '-legacy without MAC, iteration count 1', key: 'p256', options: [...LEGACY_NO_MAC, '-noiter'], encryption: ['pbeWithSHAAnd40BitRC2-CBC', 'pbeWithSHAAnd3-KeyTripleDES-CBC'] },
    { label: '-legacy, MAC without iteration count', key: 'p256', options: ['-legacy', '-nomaciter'], encryption: ['pbeWithSHAAnd40BitRC2-CBC', 'pbeWithSHAAnd3-KeyTripleDES-CBC'] },
  ];

  for (const { label, key, options, encryption } of cases) {
    it(label, () => {
      const der = exportP12(key, 'secret', options);
      expect(looksLikePkcs12(der)).toBe(true);
      const contents = readPkcs12(der, 'secret');
      expectKeyAndCertificate(contents, key);
      expect(contents.encryption).toEqual(encryption);
      expect(codeOf(() => readPkcs12(der, 'not the password'))).toBe('pkcs12_wrong_password');
      expect(codeOf(() => readPkcs12(der, ''))).toBe('pkcs12_password_required');
    });
  }

  it('a file with neither encryption nor MAC opens with any password', () => {
    const der = exportP12('p256', 'secret', ['-certpbe', 'NONE', '-keypbe', 'NONE', '-nomac']);
    expectKeyAndCertificate(readPkcs12(der, 'anything'), 'p256');
    expectKeyAndCertificate(readPkcs12(der, ''), 'p256');
  });
});

describe('readPkcs12: passwords', () => {
  for (const options of [[], ['-legacy'], LEGACY_NO_MAC, ['-nomac']]) {
    it(`an empty password (${options.join(' ') || 'default'})`, () => {
      const der = exportP12('p256', '', options);
      expectKeyAndCertificate(readPkcs12(der, ''), 'p256');
      expect(codeOf(() => readPkcs12(der, 'secret'))).toBe('pkcs12_wrong_password');
    });
  }

  it('`-passout pass:` is the same empty password', () => {
    const out = 'pass-empty.p12';
    openssl(['pkcs12', '-export', '-legacy', '-in', 'rsa.pem', '-inkey', 'rsa.key', '-name', 'device', '-out', out, '-passout', 'pass:']);
    expectKeyAndCertificate(readPkcs12(readFileSync(join(dir, out)), ''), 'rsa');
  });

  for (const options of [[], ['-legacy'], LEGACY_NO_MAC]) {
    it(`a non-ASCII password (${options.join(' ') || 'default'})`, () => {
      const password = 'pässwörd ✓ 🔑';
      const der = exportP12('p256', password, options);
      expectKeyAndCertificate(readPkcs12(der, password), 'p256');
      expect(codeOf(() => readPkcs12(der, 'passwort'))).toBe('pkcs12_wrong_password');
    });
  }
});

describe('readPkcs12: chains and structure', () => {
  it('returns the chain in file order, the key paired with its certificate by localKeyId', () => {
    const der = exportP12('leaf', 'secret', [], 'ca.pem');
    const contents = readPkcs12(der, 'secret');
    expect(contents.keys).toHaveLength(1);
    expect(contents.certificates).toHaveLength(2);

    // OpenSSL's own reading of the file is the oracle for the order.
    writeFileSync(join(dir, 'chain.p12'), der);
    const listed = openssl(['pkcs12', '-in', 'chain.p12', '-nokeys', '-passin', 'pass:secret']).toString();
    const theirs = [...listed.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map((m) => new X509Certificate(m[0]).fingerprint256);
    expect(contents.certificates.map((c) => new X509Certificate(c.pem).fingerprint256)).toEqual(theirs);

    const [key] = contents.keys;
    const leaf = contents.certificates.find((c) => c.localKeyId !== null);
    const ca = contents.certificates.find((c) => c.localKeyId === null);
    if (!key || !leaf || !ca) throw new Error('expected a key, a leaf and a CA certificate');
    expect(leaf.localKeyId).toBe(key.localKeyId);
    expect(spki(createPrivateKey(key.pem))).toBe(spki(new X509Certificate(leaf.pem).publicKey));
    expect(new X509Certificate(leaf.pem).subject).toBe('CN=device');
    expect(new X509Certificate(ca.pem).subject).toBe('CN=issuing-ca');
    expect(ca.friendlyName).toBe('issuing-ca');
    expect(new X509Certificate(leaf.pem).checkIssued(new X509Certificate(ca.pem))).toBe(true);
  });

  it('reads BER (indefinite lengths, chunked strings) as exporters like macOS write it', () => {
    // With a MAC, only the outer layers can be re-encoded: the MAC covers the authSafe octets.
    const withMac = exportP12('p256', 'secret', ['-legacy']);
    const outerBer = berPfx(withMac, (authSafe) => authSafe);
    expect(looksLikePkcs12(outerBer)).toBe(true);
    expect(readPkcs12(outerBer, 'secret')).toEqual(readPkcs12(withMac, 'secret'));

    // Without one, the inside too, down to the chunked [0] IMPLICIT encrypted content.
    const noMac = exportP12('p256', 'secret', LEGACY_NO_MAC);
    const deepBer = berPfx(noMac, (authSafe) => ber(readNode(authSafe)));
    expect(deepBer.includes(Buffer.from([0xa0, 0x80, 0x04]))).toBe(true);
    expect(readPkcs12(deepBer, 'secret')).toEqual(readPkcs12(noMac, 'secret'));
    expect(codeOf(() => readPkcs12(deepBer, 'wrong'))).toBe('pkcs12_wrong_password');
  });

  it('verifies a PBMAC1 (RFC 9579) integrity check', () => {
    const noMac = exportP12('ed25519', 'secret', ['-nomac']);
    const [version, authSafe] = children(readNode(noMac));
    const content = authSafe ? children(authSafe)[1] : undefined;
    const authSafeOctets = content ? children(content)[0]?.value : undefined;
    if (!version || !authSafe || !authSafeOctets) throw new Error('unexpected PFX');
    const salt = randomBytes(16);
    const hmacSha256 = seq(oid('1.2.840.113549.2.9'), nul());
    const withPbmac1 = (mac: Buffer) =>
      seq(
        version.raw,
        authSafe.raw,
        seq(
          seq(seq(oid('1.2.840.113549.1.5.14'), seq(seq(oid('1.2.840.113549.1.5.12'), seq(octets(salt), int(2048), int(32), hmacSha256)), hmacSha256)), octets(mac)),
          octets(Buffer.from('NOT USED')),
          int(1),
        ),
      );
    const key = pbkdf2Sync(Buffer.from('secret', 'utf8'), salt, 2048, 32, 'sha256');
    const good = withPbmac1(createHmac('sha256', key).update(authSafeOctets).digest());
    expectKeyAndCertificate(readPkcs12(good, 'secret'), 'ed25519');
    expect(codeOf(() => readPkcs12(good, 'wrong'))).toBe('pkcs12_wrong_password');
    expect(codeOf(() => readPkcs12(withPbmac1(randomBytes(32)), 'secret'))).toBe('pkcs12_wrong_password');
  });
});

describe('readPkcs12: not PKCS#12', () => {
  it('garbage is malformed', () => {
    expect(codeOf(() => readPkcs12(randomBytes(600), 'secret'))).toBe('pkcs12_malformed');
    expect(codeOf(() => readPkcs12(Buffer.alloc(0), 'secret'))).toBe('pkcs12_malformed');
    expect(codeOf(() => readPkcs12(Buffer.from('-----BEGIN CERTIFICATE-----\n'), 'secret'))).toBe('pkcs12_malformed');
    expect(codeOf(() => readPkcs12(certificateDer, 'secret'))).toBe('pkcs12_malformed');
  });

  it('a truncated file is malformed', () => {
    const der = exportP12('p256', 'secret');
    expect(codeOf(() => readPkcs12(der.subarray(0, der.length >> 1), 'secret'))).toBe('pkcs12_malformed');
  });

  it('looksLikePkcs12 tells a PKCS#12 file from a certificate, a key and noise', () => {
    expect(looksLikePkcs12(exportP12('rsa', 'secret', ['-legacy']))).toBe(true);
    expect(looksLikePkcs12(certificateDer)).toBe(false);
    expect(looksLikePkcs12(createPrivateKey(readFileSync(join(dir, 'p256.key'))).export({ type: 'pkcs8', format: 'der' }))).toBe(false);
    expect(looksLikePkcs12(randomBytes(64))).toBe(false);
    expect(looksLikePkcs12(Buffer.alloc(0))).toBe(false);
  });
});

describe('readPkcs12: strict where DER is required, and bounded', () => {
  /** Re-encodes a DER tree, descending into OCTET STRINGs that hold DER, with `change` applied to every node. */
  function rewrite(der: Buffer, change: (node: Node) => Buffer | null): Buffer {
    const walk = (node: Node): Buffer => {
      const changed = change(node);
      if (changed) return changed;
      if (node.constructed) return tlv(node.tag, Buffer.concat(children(node).map(walk)));
      if (node.tag === 0x04) {
        try {
          const inner = readNode(node.value);
          if (inner.raw.length === node.value.length && inner.constructed) return tlv(0x04, walk(inner));
        } catch {
          // not DER inside: left as it is
        }
      }
      return node.raw;
    };
    return walk(readNode(der));
  }
  const isInteger = (node: Node, value: number) => node.tag === 0x02 && node.value.equals(readNode(int(value)).value);

  it('refuses an iteration count that is not minimally encoded, where a lenient reader would take it', () => {
    const der = exportP12('p256', 'secret', ['-nomac', '-certpbe', 'AES-256-CBC']);
    const padded = rewrite(der, (node) => (isInteger(node, 2048) ? tlv(0x02, Buffer.from([0, 0, 0x08, 0])) : null));
    expect(padded.equals(der)).toBe(false);
    expect(readPkcs12(rewrite(der, () => null), 'secret').keys).toHaveLength(1);
    const error = (() => {
      try {
        readPkcs12(padded, 'secret');
      } catch (e) {
        return e as Pkcs12Error;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(Pkcs12Error);
    expect(error?.code).toBe('pkcs12_malformed');
    expect(error?.message).toMatch(/iteration count is not minimally encoded/);
  });

  it('refuses a padded object identifier even in the layers read as BER', () => {
    const der = exportP12('p256', 'secret');
    const data = readNode(oid('1.2.840.113549.1.7.1'));
    const padded = rewrite(der, (node) => (node.tag === 0x06 && node.value.equals(data.value) ? tlv(0x06, Buffer.concat([Buffer.from([0x2a, 0x80]), data.value.subarray(1)])) : null));
    expect(codeOf(() => readPkcs12(padded, 'secret'))).toBe('pkcs12_malformed');
  });

  it('refuses an iteration count over the stated maximum before deriving anything', () => {
    const noMac = exportP12('p256', 'secret', ['-nomac']);
    const [version, authSafe] = children(readNode(noMac));
    if (!version || !authSafe) throw new Error('unexpected PFX');
    const sha256 = seq(oid('2.16.840.1.101.3.4.2.1'), nul());
    const withMacIterations = (iterations: number) => seq(version.raw, authSafe.raw, seq(seq(sha256, octets(randomBytes(32))), octets(randomBytes(16)), int(iterations)));
    let progressed = 0;
    const meter = kdfMeter(undefined, () => progressed++);
    expect(codeOf(() => readPkcs12(withMacIterations(IMPORT_LIMITS.maxKdfIterations + 1), 'secret', { meter }))).toBe('kdf_too_costly');
    expect(progressed).toBe(0);
    // At the maximum it is derived (and the random MAC is then wrong).
    expect(codeOf(() => readPkcs12(withMacIterations(2048), 'secret'))).toBe('pkcs12_wrong_password');
  });

  it('stops when the import has spent its key derivation allowance, and reports progress while it spends', () => {
    const der = exportP12('p256', 'secret', ['-legacy', '-iter', '40000']);
    expect(codeOf(() => readPkcs12(der, 'secret', { meter: kdfMeter(50_000) }))).toBe('kdf_too_costly');
    const reports: Array<[number, number]> = [];
    expectKeyAndCertificate(readPkcs12(der, 'secret', { meter: kdfMeter(undefined, (done, total) => reports.push([done, total])) }), 'p256');
    // MAC, certificate key and IV, key key (two SHA-1 blocks) and IV: each reports along the way and at its end.
    expect(reports.filter(([done, total]) => done === total).map(([, total]) => total)).toEqual([40_000, 40_000, 40_000, 80_000, 40_000]);
    expect(reports.some(([done, total]) => done > 0 && done < total)).toBe(true);
  });

  it('refuses a file with more keys and certificates than an import may hold', () => {
    const der = exportP12('leaf', 'secret', [], 'ca.pem');
    expect(readPkcs12(der, 'secret', { maxItems: 3 }).certificates).toHaveLength(2);
    expect(codeOf(() => readPkcs12(der, 'secret', { maxItems: 2 }))).toBe('pkcs12_too_large');
  });
});

// ---------------------------------------------------------------- BER re-encoding

const indefinite = (tag: number, ...content: Buffer[]) => Buffer.concat([Buffer.from([tag, 0x80]), ...content, Buffer.from([0, 0])]);

/** Splits string content into 40-byte primitive OCTET STRING chunks. */
function chunks(value: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < value.length; i += 40) out.push(tlv(0x04, value.subarray(i, i + 40)));
  return out;
}

/** Every constructed node indefinite, every long OCTET STRING (and [0] IMPLICIT one) chunked; string contents are not entered. */
function ber(node: Node): Buffer {
  if ((node.tag === 0x04 || node.tag === 0x80) && node.value.length > 40) return indefinite(node.tag === 0x04 ? 0x24 : 0xa0, ...chunks(node.value));
  if (!node.constructed) return node.raw;
  return indefinite(node.tag, ...children(node).map(ber));
}

function berPfx(der: Buffer, inner: (authSafe: Buffer) => Buffer): Buffer {
  const [version, authSafe, macData] = children(readNode(der));
  const [contentType, content] = authSafe ? children(authSafe) : [];
  const octetString = content ? children(content)[0] : undefined;
  if (!version || !contentType || !octetString) throw new Error('unexpected PFX');
  return indefinite(0x30, version.raw, indefinite(0x30, contentType.raw, indefinite(0xa0, indefinite(0x24, ...chunks(inner(octetString.value))))), ...(macData ? [ber(macData)] : []));
}
