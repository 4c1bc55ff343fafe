/**
 * Reading X.509 certificates into the summaries the operator sees, and the
 * small facts the rest of the core asks of a certificate (key type and size,
 * fingerprints for pinning, CA-ness). One place, so the security panel and the
 * bundle importer describe a certificate the same way.
 */
import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import type { CertificateSummary } from '../../../shared/security';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate in a PEM text, in order. Throws when a block does not parse. */
export function parsePemCertificates(pem: string): X509Certificate[] {
  return (pem.match(PEM_BLOCK) ?? []).map((block) => new X509Certificate(block));
}

export function keyDescription(key: KeyObject): { keyType: string; keyBits: number | null } {
  const type = key.asymmetricKeyType ?? 'unknown';
  const details = key.asymmetricKeyDetails ?? {};
  switch (type) {
    case 'rsa':
    case 'rsa-pss':
      return { keyType: type.toUpperCase(), keyBits: details.modulusLength ?? null };
    case 'ec': {
      const curve = details.namedCurve ?? '';
      const bits = { prime256v1: 256, secp384r1: 384, secp521r1: 521, secp256k1: 256 }[curve] ?? null;
      const label = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' }[curve] ?? curve;
      return { keyType: `EC ${label}`.trim(), keyBits: bits };
    }
    case 'ed25519':
      return { keyType: 'Ed25519', keyBits: 256 };
    case 'ed448':
      return { keyType: 'Ed448', keyBits: 456 };
    default:
      return { keyType: type, keyBits: null };
  }
}

/** `AA:BB:…` upper-case hex, the form OpenSSL and browsers print. */
export function colonHex(buffer: Buffer): string {
  return buffer.toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

export function spkiSha256(cert: X509Certificate): string {
  return createHash('sha256').update(cert.publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

export function certSha256(cert: X509Certificate): string {
  return createHash('sha256').update(cert.raw).digest('hex');
}

function oneLine(dn: string): string {
  return dn.split('\n').filter(Boolean).join(', ');
}

export function subjectAltNames(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '')
    .split(/,\s*/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function summarize(cert: X509Certificate): CertificateSummary {
  const { keyType, keyBits } = keyDescription(cert.publicKey);
  return {
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    subjectAltNames: subjectAltNames(cert),
    serialNumber: cert.serialNumber,
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    fingerprint256: cert.fingerprint256,
    keyType,
    keyBits,
    isCA: cert.ca,
    selfSigned: cert.subject === cert.issuer && cert.verify(cert.publicKey),
  };
}
