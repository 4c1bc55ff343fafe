/**
 * Reading X.509 certificates into the summaries the operator sees, and the
 * small facts the rest of the core asks of a certificate (key type and size,
 * fingerprints for pinning, CA-ness). One place, so the security panel and the
 * bundle importer describe a certificate the same way.
 *
 * Certificates come from brokers and files, so they are hostile: describing
 * one never throws. A field Node cannot read (a malformed validity time, an
 * unsupported key) is described as unreadable with the reason; only reading
 * the certificate itself can fail, with this module's own CertificateReadError.
 */
import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import type { CertificateSummary, UnreadableField } from '../../../shared/security';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Shown for a text field that could not be read; the summary's `unreadable` list says why. */
export const UNREADABLE = 'unreadable';

/** The one error this module throws: the bytes are not a certificate Node can read, or (summarize) a field is unreadable. */
export class CertificateReadError extends Error {
  constructor(
    message: string,
    readonly unreadable: readonly UnreadableField[] = [],
  ) {
    super(message);
  }
}

function why(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.slice(0, 200) || 'unknown error';
}

/** One certificate from PEM or DER bytes. */
export function readCertificate(input: string | Buffer): X509Certificate {
  try {
    return new X509Certificate(input);
  } catch (error) {
    throw new CertificateReadError(`Not a readable X.509 certificate: ${why(error)}.`);
  }
}

/** Every certificate in a PEM text, in order. Throws CertificateReadError when a block does not parse. */
export function parsePemCertificates(pem: string): X509Certificate[] {
  return (pem.match(PEM_BLOCK) ?? []).map((block) => readCertificate(block));
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

/** Node prints validity as text ("Jan  1 00:00:00 2030 GMT", or "Bad time value" for a malformed one). */
function isoTime(text: string): string {
  const ms = Date.parse(text);
  if (typeof text !== 'string' || !Number.isFinite(ms)) throw new Error(`malformed time ${JSON.stringify(String(text).slice(0, 40))}`);
  return new Date(ms).toISOString();
}

function text(value: unknown): string {
  if (typeof value !== 'string') throw new Error('missing');
  return value;
}

/**
 * Everything the operator sees of a certificate. Total: a field that cannot be
 * read gets its placeholder and an entry in `unreadable`, the others are still shown.
 */
export function describeCertificate(cert: X509Certificate): CertificateSummary {
  const unreadable: UnreadableField[] = [];
  const read = <T>(field: string, fallback: T, get: () => T): T => {
    try {
      return get();
    } catch (error) {
      unreadable.push({ field, reason: why(error) });
      return fallback;
    }
  };
  const subject = read('subject', UNREADABLE, () => oneLine(text(cert.subject)));
  const issuer = read('issuer', UNREADABLE, () => oneLine(text(cert.issuer)));
  const key = read('publicKey', { keyType: UNREADABLE, keyBits: null as number | null }, () => keyDescription(cert.publicKey));
  return {
    subject,
    issuer,
    subjectAltNames: read('subjectAltNames', [], () => subjectAltNames(cert)),
    serialNumber: read('serialNumber', UNREADABLE, () => text(cert.serialNumber)),
    notBefore: read('notBefore', null, () => isoTime(cert.validFrom)),
    notAfter: read('notAfter', null, () => isoTime(cert.validTo)),
    fingerprint256: read('fingerprint256', UNREADABLE, () => text(cert.fingerprint256)),
    keyType: key.keyType,
    keyBits: key.keyBits,
    isCA: read('isCA', false, () => cert.ca === true),
    selfSigned: read('selfSigned', false, () => cert.subject === cert.issuer && cert.verify(cert.publicKey)),
    unreadable,
  };
}

/** A summary whose every field was read. */
export type ReadableSummary = CertificateSummary & { notBefore: string; notAfter: string };

/** For callers that need every field (the bundle importer): throws CertificateReadError naming the unreadable ones. */
export function summarize(cert: X509Certificate): ReadableSummary {
  const summary = describeCertificate(cert);
  const { notBefore, notAfter } = summary;
  if (summary.unreadable.length || notBefore === null || notAfter === null) {
    const fields = summary.unreadable.map((u) => `${u.field} (${u.reason})`).join(', ');
    throw new CertificateReadError(`The certificate ${summary.subject} has unreadable fields: ${fields}.`, summary.unreadable);
  }
  return { ...summary, notBefore, notAfter };
}

/** Days until `notAfter`, negative once expired; NaN when it is unreadable. */
export function daysLeft(summary: Pick<CertificateSummary, 'notAfter'>, now = Date.now()): number {
  return summary.notAfter === null ? NaN : (Date.parse(summary.notAfter) - now) / 86_400_000;
}
