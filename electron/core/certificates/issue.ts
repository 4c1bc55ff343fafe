/**
 * Issuing X.509 v3 certificates with Node's own keys and signatures: the demo
 * fleet's throwaway CA, server and client identities, and the test suites'
 * PKI (good, expired, not-yet-valid, wrong-host, untrusted). Runs the same on
 * every OS, with no openssl binary.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { bits, bool, children, explicit, implicit, int, octets, oid, readNode, seq, set, time, tlv, uint, utf8, TAG } from './asn1';

export type KeySpec = 'rsa-2048' | 'rsa-3072' | 'rsa-4096' | 'ec-p256' | 'ec-p384' | 'ed25519';

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function generateKey(spec: KeySpec = 'ec-p256'): KeyPair {
  switch (spec) {
    case 'rsa-2048':
    case 'rsa-3072':
    case 'rsa-4096':
      return generateKeyPairSync('rsa', { modulusLength: Number(spec.slice(4)) });
    case 'ec-p256':
      return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    case 'ec-p384':
      return generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    case 'ed25519':
      return generateKeyPairSync('ed25519');
  }
}

export interface DistinguishedName {
  CN: string;
  O?: string;
  OU?: string;
  C?: string;
}

export type KeyUsage = 'digitalSignature' | 'keyEncipherment' | 'keyAgreement' | 'keyCertSign' | 'cRLSign';
export type ExtendedKeyUsage = 'serverAuth' | 'clientAuth';

export interface IssueRequest {
  subject: DistinguishedName;
  publicKey: KeyObject;
  /** The issuer; absent for a self-signed certificate (then `signingKey` is the subject's own). */
  issuer?: { name: DistinguishedName; certificate: X509Certificate };
  signingKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  /** A CA certificate (basicConstraints cA=TRUE), with an optional path length. */
  ca?: { pathLength?: number };
  keyUsage?: KeyUsage[];
  extendedKeyUsage?: ExtendedKeyUsage[];
  /** DNS names and IP addresses. */
  subjectAltNames?: string[];
  serial?: Buffer;
}

export interface Issued {
  pem: string;
  der: Buffer;
  x509: X509Certificate;
}

const OIDS = {
  CN: '2.5.4.3',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  C: '2.5.4.6',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  ecdsaSha256: '1.2.840.10045.4.3.2',
  ecdsaSha384: '1.2.840.10045.4.3.3',
  ed25519: '1.3.101.112',
} as const;

const KEY_USAGE_BIT: Record<KeyUsage, number> = { digitalSignature: 0, keyEncipherment: 2, keyAgreement: 4, keyCertSign: 5, cRLSign: 6 };

function encodeName(name: DistinguishedName): Buffer {
  const rdn = (type: string, value: Buffer) => set(seq(oid(type), value));
  const parts: Buffer[] = [];
  if (name.C) parts.push(rdn(OIDS.C, tlv(TAG.PRINTABLE_STRING, Buffer.from(name.C, 'ascii'))));
  if (name.O) parts.push(rdn(OIDS.O, utf8(name.O)));
  if (name.OU) parts.push(rdn(OIDS.OU, utf8(name.OU)));
  parts.push(rdn(OIDS.CN, utf8(name.CN)));
  return seq(...parts);
}

function keyUsageBits(usages: KeyUsage[]): Buffer {
  let value = 0;
  for (const usage of usages) value |= 0x80 >> KEY_USAGE_BIT[usage];
  let unused = 0;
  while (unused < 7 && !(value & (1 << unused))) unused++;
  return tlv(TAG.BIT_STRING, Buffer.from([unused, value]));
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return Buffer.from(groups.flatMap((g: string) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

function keyIdentifier(spki: Buffer): Buffer {
  const publicKeyBits = children(readNode(spki))[1];
  return createHash('sha1').update(publicKeyBits ? publicKeyBits.value.subarray(1) : spki).digest();
}

function signatureAlgorithm(key: KeyObject): { id: Buffer; digest: string | null } {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return { id: seq(oid(OIDS.sha256WithRSA), tlv(TAG.NULL, Buffer.alloc(0))), digest: 'sha256' };
    case 'ec':
      return key.asymmetricKeyDetails?.namedCurve === 'secp384r1'
        ? { id: seq(oid(OIDS.ecdsaSha384)), digest: 'sha384' }
        : { id: seq(oid(OIDS.ecdsaSha256)), digest: 'sha256' };
    case 'ed25519':
      return { id: seq(oid(OIDS.ed25519)), digest: null };
    default:
      throw new Error(`cannot sign with a ${key.asymmetricKeyType ?? 'unknown'} key`);
  }
}

export function issueCertificate(request: IssueRequest): Issued {
  const spki = request.publicKey.export({ type: 'spki', format: 'der' });
  const extensions: Buffer[] = [];
  extensions.push(
    extension(
      OIDS.basicConstraints,
      true,
      request.ca ? seq(bool(true), ...(request.ca.pathLength === undefined ? [] : [int(request.ca.pathLength)])) : seq(),
    ),
  );
  const usage = request.keyUsage ?? (request.ca ? ['keyCertSign', 'cRLSign'] : ['digitalSignature', 'keyEncipherment']);
  if (usage.length) extensions.push(extension(OIDS.keyUsage, true, keyUsageBits(usage)));
  if (request.extendedKeyUsage?.length) {
    extensions.push(extension(OIDS.extKeyUsage, false, seq(...request.extendedKeyUsage.map((u) => oid(OIDS[u])))));
  }
  if (request.subjectAltNames?.length) {
    const names = request.subjectAltNames.map((n) => (isIP(n) ? implicit(7, ipBytes(n)) : implicit(2, Buffer.from(n, 'ascii'))));
    extensions.push(extension(OIDS.subjectAltName, false, seq(...names)));
  }
  extensions.push(extension(OIDS.subjectKeyIdentifier, false, octets(keyIdentifier(spki))));
  const issuerSpki = request.issuer ? request.issuer.certificate.publicKey.export({ type: 'spki', format: 'der' }) : spki;
  extensions.push(extension(OIDS.authorityKeyIdentifier, false, seq(implicit(0, keyIdentifier(issuerSpki)))));

  const serial = request.serial ?? Buffer.concat([Buffer.from([0x40 | (randomBytes(1)[0]! & 0x3f)]), randomBytes(15)]);
  const algorithm = signatureAlgorithm(request.signingKey);
  const tbs = seq(
    explicit(0, int(2)),
    uint(serial),
    algorithm.id,
    encodeName(request.issuer?.name ?? request.subject),
    seq(time(request.notBefore), time(request.notAfter)),
    encodeName(request.subject),
    spki,
    explicit(3, seq(...extensions)),
  );
  const signature = sign(algorithm.digest, tbs, request.signingKey);
  const der = seq(tbs, algorithm.id, bits(signature));
  const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  return { pem, der, x509: new X509Certificate(der) };
}

/** PEM of a private key as PKCS#8, optionally encrypted with AES-256-CBC. */
export function privateKeyPem(key: KeyObject, passphrase?: string): string {
  return passphrase
    ? (key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }) as string)
    : (key.export({ type: 'pkcs8', format: 'pem' }) as string);
}
