/**
 * What the readers found in an import, before any decision: certificates
 * with their facts computed once (fingerprint, subject and issuer, validity,
 * CA flag, self-signature, key usage, public key), private and public keys
 * with their SPKI fingerprint and description, and the errors and warnings of
 * reading. Duplicates (the same certificate or key in two files) count once.
 */
import { createHash, createPublicKey, type KeyObject, type X509Certificate } from 'node:crypto';
import type { ErrorCode } from '../../../shared/errors';
import type { AppError } from '../../../shared/result';
import { keyDescription, spkiSha256, summarize, type ReadableSummary } from './x509';

export interface KeyFacts {
  /** SHA-256 of the public key (SPKI DER), hex: what pairs keys with certificates. */
  spki: string;
  keyType: string;
  keyBits: number | null;
}

export interface CertificateFacts extends KeyFacts {
  x509: X509Certificate;
  /** Subject, issuer, validity, fingerprint, key, CA flag and self-signature, as the operator sees them. */
  summary: ReadableSummary;
  /** Extended key usage OIDs; undefined when the certificate does not restrict its usage. */
  extendedKeyUsage: string[] | undefined;
}

export interface CertItem {
  source: string;
  facts: CertificateFacts;
}

export interface KeyItem {
  source: string;
  key: KeyObject;
  facts: KeyFacts;
  /** The key (or the PKCS#12 file it came from) was protected by a passphrase. */
  encrypted: boolean;
}

export interface PublicKeyItem {
  source: string;
  facts: KeyFacts;
}

/** The facts of a certificate, each computed once: summarize() verifies the self-signature, the costly part, and throws CertificateReadError when a field cannot be read. */
export function certificateFacts(x509: X509Certificate): CertificateFacts {
  const summary = summarize(x509);
  return { x509, summary, spki: spkiSha256(x509), keyType: summary.keyType, keyBits: summary.keyBits, extendedKeyUsage: x509.keyUsage };
}

function keyFacts(publicKey: KeyObject): KeyFacts {
  const spki = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
  return { spki, ...keyDescription(publicKey) };
}

export class Inventory {
  readonly certs: CertItem[] = [];
  readonly keys: KeyItem[] = [];
  readonly publicKeys: PublicKeyItem[] = [];
  readonly errors: AppError[] = [];
  readonly warnings: AppError[] = [];
  /** An encrypted key or PKCS#12 file could not be opened: no passphrase, or the wrong one. */
  needsPassphrase = false;
  private readonly seen = new Set<string>();

  error(code: ErrorCode, message: string, hint: string): void {
    this.errors.push({ code, message, hint });
  }

  warn(code: ErrorCode, message: string, hint: string): void {
    this.warnings.push({ code, message, hint });
  }

  /** Throws (from Node or summarize) when the certificate cannot be described; the reader reports it. */
  addCert(source: string, x509: X509Certificate): void {
    const facts = certificateFacts(x509);
    const id = `c:${facts.summary.fingerprint256}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.certs.push({ source, facts });
  }

  addKey(source: string, key: KeyObject, encrypted: boolean): void {
    const facts = keyFacts(createPublicKey(key));
    if (this.seen.has(`k:${facts.spki}`)) return;
    this.seen.add(`k:${facts.spki}`);
    this.keys.push({ source, key, facts, encrypted });
  }

  addPublicKey(source: string, key: KeyObject): void {
    const facts = keyFacts(key);
    if (this.seen.has(`p:${facts.spki}`)) return;
    this.seen.add(`p:${facts.spki}`);
    this.publicKeys.push({ source, facts });
  }
}
