/**
 * The decisions of an import, as a pure function of what was read: which
 * certificate and key are the client identity, the chain sent with it, which
 * certificates will verify the broker, each item's role, and every finding
 * (a key without its certificate, an expired CA, a client certificate not
 * issued for client authentication…). No I/O; the only crypto is checking
 * signatures between certificates already read, each pair at most once.
 */
import type { ImportItem } from '../../../shared/certificates';
import type { AppError } from '../../../shared/result';
import { expiryOf, expiryPhrase } from '../../../shared/expiry';
import type { ErrorCode } from '../../../shared/errors';
import type { CertItem, Inventory, KeyItem } from './inventory';

export interface Classification {
  /** The client identity: its certificate, its key, and the chain sent with it (leaf first, up to but not including a self-signed root). */
  identity: { cert: CertItem; key: KeyItem; chain: CertItem[] } | null;
  /** Certificates that will verify the broker. */
  cas: CertItem[];
  /** The certificate each key and public key belongs to, by SPKI fingerprint. */
  certificateBySpki: Map<string, CertItem>;
  errors: AppError[];
  warnings: AppError[];
  /** Nothing is in the way of saving: no error at all, and an identity or a CA. */
  usable: boolean;
}

const OID_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const OID_ANY_EKU = '2.5.29.37.0';
/** Longer chains than this are not built: no real PKI is that deep, and a loop of cross-signed certificates must end. */
const MAX_CHAIN = 10;

export function kindOf(cert: CertItem): ImportItem['kind'] {
  const { isCA, selfSigned } = cert.facts.summary;
  if (!isCA) return 'certificate';
  return selfSigned ? 'root-ca' : 'intermediate-ca';
}

export function classify(inventory: Inventory, now: number): Classification {
  const errors: AppError[] = [];
  const warnings: AppError[] = [];
  const error = (code: ErrorCode, message: string, hint: string) => errors.push({ code, message, hint });
  const warn = (code: ErrorCode, message: string, hint: string) => warnings.push({ code, message, hint });
  const { certs, keys, publicKeys } = inventory;
  const subject = (cert: CertItem) => cert.facts.summary.subject;
  const isCA = (cert: CertItem) => cert.facts.summary.isCA;
  const selfSigned = (cert: CertItem) => cert.facts.summary.selfSigned;

  const keyBySpki = new Map(keys.map((k) => [k.facts.spki, k]));
  const certificateBySpki = new Map<string, CertItem>();
  for (const cert of certs) if (!certificateBySpki.has(cert.facts.spki)) certificateBySpki.set(cert.facts.spki, cert);

  const withKey = certs.filter((c) => keyBySpki.has(c.facts.spki));
  const leavesWithKey = withKey.filter((c) => !isCA(c));
  const candidates = leavesWithKey.length ? leavesWithKey : withKey;
  let identityCert: CertItem | null = null;
  if (candidates.length > 1) {
    error(
      'multiple_identities',
      `The bundle holds ${candidates.length} client identities (${candidates.map(subject).join('; ')}).`,
      'Import one identity at a time: leave out the certificates and keys of the other devices.',
    );
  } else {
    identityCert = candidates[0] ?? null;
  }
  const identityKey = identityCert ? (keyBySpki.get(identityCert.facts.spki) ?? null) : null;

  for (const key of keys) {
    if (certificateBySpki.has(key.facts.spki)) continue;
    error('key_without_certificate', `The private key ${key.source} belongs to none of the certificates in the bundle.`, 'Add the certificate issued for this key (for AWS IoT: the …-certificate.pem.crt file).');
  }
  // While a key is still locked, its certificate cannot be paired yet: the passphrase error says what to do.
  if (!inventory.needsPassphrase) {
    for (const cert of certs) {
      if (isCA(cert) || cert === identityCert || keyBySpki.has(cert.facts.spki) || selfSigned(cert)) continue;
      error('certificate_without_key', `The certificate ${subject(cert)} (${cert.source}) has no private key in the bundle.`, 'Add its private key (for AWS IoT: the …-private.pem.key file), or leave the certificate out if it is not yours.');
    }
  }
  for (const key of keys) {
    const cert = certificateBySpki.get(key.facts.spki);
    if (cert && isCA(cert) && cert !== identityCert) {
      warn('ca_key_included', `The bundle contains the private key of the CA ${subject(cert)}.`, 'A CA key should never leave its PKI; tell its owner. It is not used here.');
    }
  }
  for (const pub of publicKeys) {
    if (!certificateBySpki.has(pub.facts.spki) && !keyBySpki.has(pub.facts.spki)) {
      warn('public_key_unmatched', `The public key ${pub.source} matches no certificate or key in the bundle.`, 'Nothing to do: public keys are informational only.');
    }
  }

  // CAs that verify the broker: every CA certificate, and a self-signed leaf without a key (a broker's own certificate).
  const cas = certs.filter((c) => c !== identityCert && (isCA(c) || (selfSigned(c) && !keyBySpki.has(c.facts.spki))));
  for (const c of cas) {
    if (!isCA(c)) {
      warn('self_signed_trusted', `${subject(c)} is a self-signed certificate, not a CA; it will be trusted as the broker's own certificate.`, "If it is the broker's certificate, pinning its fingerprint is stricter; otherwise ask for the CA certificate.");
    }
    warnings.push(...validityWarnings(c, 'ca', now));
  }

  let identity: Classification['identity'] = null;
  if (identityCert && identityKey) {
    const { chain, complete } = buildChain(identityCert, certs);
    identity = { cert: identityCert, key: identityKey, chain };
    if (!complete) {
      warn('chain_incomplete', `The issuer of the client certificate (${identityCert.facts.summary.issuer}) is not in the bundle.`, 'Usually fine: the broker already knows its own CA. If the broker rejects the certificate, add the intermediate CA to the bundle.');
    }
    warnings.push(...validityWarnings(identityCert, 'identity', now));
    if (isCA(identityCert)) {
      warn('ca_as_client', `The client certificate ${subject(identityCert)} is a CA certificate.`, 'Use the device certificate your CA issued, not the CA itself.');
    }
    const eku = identityCert.facts.extendedKeyUsage;
    if (eku && eku.length && !eku.includes(OID_CLIENT_AUTH) && !eku.includes(OID_ANY_EKU)) {
      warn('no_client_auth', `The client certificate ${subject(identityCert)} is not issued for client authentication (extended key usage).`, 'Brokers that check key usage will refuse it; ask for a certificate with the clientAuth usage.');
    }
    const { keyType, keyBits } = identityKey.facts;
    if ((keyType === 'RSA' || keyType === 'RSA-PSS') && (keyBits ?? 0) < 2048) {
      warn('weak_key', `The client key is RSA ${keyBits} bits, below the 2048 bits brokers expect.`, 'Ask for a new certificate with an RSA-2048 or EC P-256 key.');
    }
  }

  const readingErrors = inventory.errors.length;
  if (certs.length === 0 && keys.length === 0 && readingErrors + errors.length === 0) {
    error('nothing_found', 'No certificate or key was found in what was imported.', 'Pick the certificate files your broker or PKI issued (.pem, .crt, .cer, .der, .key, .p12, .pfx, or a .zip of them).');
  }
  const clean = readingErrors + errors.length === 0;
  const usable = clean && (identity !== null || cas.length > 0);
  if (clean && !usable) {
    error('nothing_usable', 'The bundle holds neither a client identity nor a CA certificate.', 'Add the client certificate and its key, or the CA certificate of the broker.');
  }
  return { identity, cas, certificateBySpki, errors, warnings, usable };
}

/** Leaf, then intermediates up to (not including) a self-signed root; says whether a root (or a self-signed leaf) was reached. */
function buildChain(leaf: CertItem, pool: CertItem[]): { chain: CertItem[]; complete: boolean } {
  const chain = [leaf];
  let current = leaf;
  while (!current.facts.summary.selfSigned && chain.length < MAX_CHAIN) {
    const { x509 } = current.facts;
    const issuer = pool.find((c) => c !== current && x509.checkIssued(c.facts.x509) && x509.verify(c.facts.x509.publicKey));
    if (!issuer) return { chain, complete: false };
    if (issuer.facts.summary.selfSigned) return { chain, complete: true };
    chain.push(issuer);
    current = issuer;
  }
  return { chain, complete: true };
}

function validityWarnings(cert: CertItem, role: 'identity' | 'ca', now: number): AppError[] {
  const s = cert.facts.summary;
  const expiry = expiryOf(s, now);
  if (!expiry || expiry.level === 'ok') return [];
  const message = `${role === 'identity' ? `The client certificate ${s.subject}` : `The CA certificate ${s.subject}`} ${expiryPhrase(expiry)}.`;
  if (expiry.level === 'expired') {
    const hint = role === 'identity' ? 'The broker will refuse it: ask your PKI or cloud console for a renewed certificate.' : 'Get the current CA certificate from its issuer.';
    return [{ code: `${role}_expired`, message, hint }];
  }
  if (expiry.level === 'not_yet_valid') return [{ code: `${role}_not_yet_valid`, message, hint: "Check this computer's clock; otherwise wait until that date." }];
  return [{ code: `${role}_expiring`, message, hint: 'Plan its renewal now; connections fail the moment it expires.' }];
}
