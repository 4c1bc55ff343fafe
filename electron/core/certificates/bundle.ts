/**
 * Certificate bundle import: from the files an operator got (single or
 * concatenated PEM, DER, PKCS#12, PKCS#8 and traditional keys, encrypted or
 * not, public keys, folders, zips) to what a connection will use: the CAs, the
 * client certificate with its chain, and its private key. Everything is
 * recognised by content, never by file name. Pure apart from the crypto calls:
 * nothing is saved here, and the summary carries no key material.
 */
import { createHash, createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import type { ImportItem, ImportSummary, KeySummary } from '../../../shared/certificates';
import { expiryOf, expiryPhrase } from '../../../shared/expiry';
import type { ErrorCode } from '../../../shared/errors';
import type { AppError } from '../../../shared/result';
import { readNode } from './asn1';
import { looksLikePkcs12, Pkcs12Error, readPkcs12 } from './pkcs12';
import { keyDescription, spkiSha256, summarize } from './x509';
import { DEFAULT_ZIP_LIMITS, looksLikeZip, readZip, ZipError, type ZipLimits } from './zip';

export interface BundleInput {
  /** File name, or path relative to a picked folder (`pkg/device.crt`). */
  name: string;
  bytes: Buffer;
}

export interface InspectOptions {
  passphrase?: string;
  now?: number;
  zipLimits?: ZipLimits;
}

/** What gets saved when the operator accepts the summary. */
export interface BundleMaterial {
  /** CA certificates (PEM) that verify the broker. */
  ca: string[];
  /** The client certificate followed by the intermediates that chain it (PEM). */
  clientCertificate: string | null;
  /** The client's private key as unencrypted PKCS#8 PEM: it goes to the keychain only. */
  key: string | null;
}

export interface BundleResult {
  summary: Omit<ImportSummary, 'importId'>;
  /** Present only when the bundle is usable. */
  material: BundleMaterial | null;
}

const OID_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const OID_ANY_EKU = '2.5.29.37.0';

interface CertEntry {
  source: string;
  x509: X509Certificate;
  spki: string;
}

interface KeyEntry {
  source: string;
  key: KeyObject;
  spki: string;
  encrypted: boolean;
}

interface PublicKeyEntry {
  source: string;
  key: KeyObject;
  spki: string;
}

/** Everything found in the inputs, before any decision. */
class Findings {
  certs: CertEntry[] = [];
  keys: KeyEntry[] = [];
  publicKeys: PublicKeyEntry[] = [];
  errors: AppError[] = [];
  warnings: AppError[] = [];
  needsPassphrase = false;
  private seen = new Set<string>();

  error(code: ErrorCode, message: string, hint: string): void {
    this.errors.push({ code, message, hint });
  }

  warn(code: ErrorCode, message: string, hint: string): void {
    this.warnings.push({ code, message, hint });
  }

  addCert(source: string, x509: X509Certificate): void {
    const id = `c:${x509.fingerprint256}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.certs.push({ source, x509, spki: spkiSha256(x509) });
  }

  addKey(source: string, key: KeyObject, encrypted: boolean): void {
    const spki = publicSpkiSha256(key);
    if (this.seen.has(`k:${spki}`)) return;
    this.seen.add(`k:${spki}`);
    this.keys.push({ source, key, spki, encrypted });
  }

  addPublicKey(source: string, key: KeyObject): void {
    const spki = createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex');
    if (this.seen.has(`p:${spki}`)) return;
    this.seen.add(`p:${spki}`);
    this.publicKeys.push({ source, key, spki });
  }
}

function publicSpkiSha256(key: KeyObject): string {
  return createHash('sha256').update(createPublicKey(key).export({ type: 'spki', format: 'der' })).digest('hex');
}

function base64Body(block: string): Buffer {
  return Buffer.from(block.replace(/-----[^-]+-----/g, '').replace(/^[A-Za-z-]+:.*$/gm, '').replace(/\s+/g, ''), 'base64');
}

const PASSPHRASE_REQUIRED = (source: string): AppError => ({
  code: 'key_passphrase_missing',
  message: `${source} is encrypted and needs its passphrase.`,
  hint: 'Enter the passphrase it was exported with; it is used to decrypt the key and is not stored.',
});
const PASSPHRASE_WRONG = (source: string): AppError => ({
  code: 'key_wrong_passphrase',
  message: `The passphrase does not decrypt ${source}.`,
  hint: 'Enter the passphrase the key or PKCS#12 file was exported with (check the keyboard layout and caps lock).',
});

/** Decrypts (or just loads) a private key; records a passphrase problem instead of throwing. */
function loadPrivateKey(f: Findings, source: string, load: (passphrase: string | undefined) => KeyObject, encrypted: boolean, passphrase: string | undefined): void {
  if (encrypted && !passphrase) {
    f.needsPassphrase = true;
    f.errors.push(PASSPHRASE_REQUIRED(source));
    return;
  }
  try {
    f.addKey(source, load(encrypted ? passphrase : undefined), encrypted);
  } catch (error) {
    if (encrypted) {
      f.needsPassphrase = true;
      f.errors.push(PASSPHRASE_WRONG(source));
    } else {
      f.error('key_unreadable', `${source} looks like a private key but cannot be read (${(error as Error).message}).`, 'Export the key again as PEM (PKCS#8) from the tool that created it.');
    }
  }
}

function readPemBlock(f: Findings, source: string, label: string, block: string, passphrase: string | undefined): boolean {
  switch (label) {
    case 'CERTIFICATE':
    case 'X509 CERTIFICATE':
      f.addCert(source, new X509Certificate(block));
      return true;
    case 'TRUSTED CERTIFICATE': {
      // OpenSSL's "trusted" form appends trust settings after the certificate's DER.
      const der = base64Body(block);
      f.addCert(source, new X509Certificate(readNode(der).raw));
      return true;
    }
    case 'PRIVATE KEY':
      loadPrivateKey(f, source, () => createPrivateKey(block), false, passphrase);
      return true;
    case 'ENCRYPTED PRIVATE KEY':
      loadPrivateKey(f, source, (p) => createPrivateKey({ key: block, passphrase: p }), true, passphrase);
      return true;
    case 'RSA PRIVATE KEY':
    case 'EC PRIVATE KEY':
    case 'DSA PRIVATE KEY': {
      const encrypted = /Proc-Type:\s*4,ENCRYPTED/.test(block);
      loadPrivateKey(f, source, (p) => createPrivateKey({ key: block, passphrase: p }), encrypted, passphrase);
      return true;
    }
    case 'PUBLIC KEY':
    case 'RSA PUBLIC KEY':
      f.addPublicKey(source, createPublicKey(block));
      return true;
    case 'OPENSSH PRIVATE KEY':
      f.error('key_unsupported', `${source} is an OpenSSH key, not a TLS key.`, 'Use the key issued with your client certificate (PEM, "BEGIN PRIVATE KEY"), not an SSH key.');
      return true;
    case 'CERTIFICATE REQUEST':
    case 'NEW CERTIFICATE REQUEST':
      f.warn('csr_ignored', `${source} is a certificate signing request, not a certificate; it was ignored.`, 'Import the certificate your CA issued for this request.');
      return true;
    case 'X509 CRL':
      f.warn('crl_ignored', `${source} is a revocation list; it was ignored.`, 'Nothing to do: the broker checks revocation, not this app.');
      return true;
    default:
      return false;
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

function readPem(f: Findings, source: string, text: string, passphrase: string | undefined): boolean {
  const blocks = [...text.matchAll(PEM_BLOCK)];
  let recognised = false;
  blocks.forEach((match, i) => {
    const label = match[1] ?? '';
    const where = blocks.length > 1 ? `${source}#${i + 1}` : source;
    try {
      if (readPemBlock(f, where, label, match[0], passphrase)) recognised = true;
      else f.warn('pem_block_ignored', `${where} holds a "${label}" block, which is neither a certificate nor a key; it was ignored.`, 'Nothing to do unless that block was meant to be used.');
    } catch (error) {
      recognised = true;
      f.error('pem_invalid', `${where} has a "${label}" block that cannot be read (${(error as Error).message}).`, 'The file may be truncated or edited; download it again from its source.');
    }
  });
  return recognised;
}

/** A binary file: PKCS#12, or a DER certificate, key or public key. */
function readDer(f: Findings, source: string, bytes: Buffer, passphrase: string | undefined): boolean {
  if (looksLikePkcs12(bytes)) {
    readPfx(f, source, bytes, passphrase);
    return true;
  }
  try {
    f.addCert(source, new X509Certificate(bytes));
    return true;
  } catch {
    // not a DER certificate
  }
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    try {
      f.addKey(source, createPrivateKey({ key: bytes, format: 'der', type }), false);
      return true;
    } catch (error) {
      if (type === 'pkcs8' && isEncryptedPkcs8(bytes, error)) {
        loadPrivateKey(f, source, (p) => createPrivateKey({ key: bytes, format: 'der', type: 'pkcs8', passphrase: p }), true, passphrase);
        return true;
      }
    }
  }
  for (const type of ['spki', 'pkcs1'] as const) {
    try {
      f.addPublicKey(source, createPublicKey({ key: bytes, format: 'der', type }));
      return true;
    } catch {
      // try the next form
    }
  }
  return false;
}

/** EncryptedPrivateKeyInfo: SEQUENCE { AlgorithmIdentifier, OCTET STRING }. */
function isEncryptedPkcs8(bytes: Buffer, error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  if (code === 'ERR_MISSING_PASSPHRASE' || code === 'ERR_OSSL_CRYPTO_INTERRUPTED_OR_CANCELLED') return true;
  try {
    const top = readNode(bytes);
    if (top.tag !== 0x30 || top.raw.length !== bytes.length) return false;
    const first = readNode(top.value);
    const second = readNode(top.value, first.raw.length);
    return first.tag === 0x30 && second.tag === 0x04;
  } catch {
    return false;
  }
}

function readPfx(f: Findings, source: string, bytes: Buffer, passphrase: string | undefined): void {
  let contents;
  try {
    contents = readPkcs12(bytes, passphrase ?? '');
  } catch (error) {
    if (error instanceof Pkcs12Error && (error.code === 'pkcs12_wrong_password' || error.code === 'pkcs12_password_required')) {
      f.needsPassphrase = true;
      f.errors.push(passphrase ? PASSPHRASE_WRONG(source) : PASSPHRASE_REQUIRED(source));
      return;
    }
    f.error(error instanceof Pkcs12Error ? error.code : 'pkcs12_malformed', `${source} is a PKCS#12 file that cannot be read: ${(error as Error).message}`, 'Export it again (openssl pkcs12 -export), or export the certificate and key as PEM files.');
    return;
  }
  const encrypted = contents.encryption.length > 0;
  contents.keys.forEach((k, i) => f.addKey(contents.keys.length > 1 ? `${source}#key${i + 1}` : source, createPrivateKey(k.pem), encrypted));
  contents.certificates.forEach((c, i) => f.addCert(contents.certificates.length > 1 ? `${source}#${i + 1}` : source, new X509Certificate(c.pem)));
}

function looksLikeText(bytes: Buffer): boolean {
  return bytes.subarray(0, 64 * 1024).includes('-----BEGIN ');
}

function readInput(f: Findings, input: BundleInput, options: InspectOptions, nested: boolean): void {
  const { name, bytes } = input;
  if (looksLikeZip(bytes)) {
    if (nested) {
      f.warn('nested_archive', `${name} is an archive inside an archive; it was not opened.`, 'Extract it and import its files directly.');
      return;
    }
    let entries;
    try {
      entries = readZip(bytes, options.zipLimits ?? DEFAULT_ZIP_LIMITS);
    } catch (error) {
      if (error instanceof ZipError) f.error(error.code, error.message, zipHint(error.code));
      else f.error('zip_malformed', `${name} could not be read as a zip archive.`, 'Download the archive again, or extract it and import the files.');
      return;
    }
    for (const entry of entries) readInput(f, { name: `${name}/${entry.path}`, bytes: entry.data }, options, true);
    return;
  }
  const recognised = looksLikeText(bytes) ? readPem(f, name, bytes.toString('utf8'), options.passphrase) : readDer(f, name, bytes, options.passphrase);
  if (recognised) return;
  // In a folder or archive, unrelated files (README, scripts) are common and skipped; a file picked on its own must be one.
  if (nested || name.includes('/')) {
    f.warn('file_skipped', `${name} is not a certificate or key; it was skipped.`, 'Nothing to do unless that file was meant to be imported.');
  } else {
    f.error('not_certificate_or_key', `${name} is not a certificate or key (${bytes.length} bytes of unrecognised data).`, 'Pick the PEM, DER or PKCS#12 files your broker or PKI issued: certificates (.crt, .pem, .cer), keys (.key) or bundles (.p12, .pfx, .zip).');
  }
}

function zipHint(code: string): string {
  switch (code) {
    case 'zip_path_escape':
      return 'Do not use this archive: it tries to write outside its folder. Ask its sender for a clean one.';
    case 'zip_too_large':
      return 'A certificate bundle is a few kilobytes; check that this is the right archive.';
    case 'zip_encrypted':
      return 'Extract the archive with its password first, then import the extracted files.';
    default:
      return 'Extract the archive with your system tools and import the files inside it.';
  }
}

function isSelfSigned(cert: X509Certificate): boolean {
  return cert.subject === cert.issuer && cert.verify(cert.publicKey);
}

function kindOf(cert: X509Certificate): ImportItem['kind'] {
  if (!cert.ca) return 'certificate';
  return isSelfSigned(cert) ? 'root-ca' : 'intermediate-ca';
}

function issuerOf(cert: X509Certificate, pool: CertEntry[]): CertEntry | undefined {
  return pool.find((c) => c.x509 !== cert && cert.checkIssued(c.x509) && cert.verify(c.x509.publicKey));
}

/** Leaf, then intermediates up to (not including) a self-signed root. Also says whether a root was reached. */
function buildChain(leaf: CertEntry, pool: CertEntry[]): { chain: CertEntry[]; complete: boolean } {
  const chain = [leaf];
  let current = leaf;
  while (!isSelfSigned(current.x509) && chain.length < 10) {
    const issuer = issuerOf(current.x509, pool);
    if (!issuer) return { chain, complete: false };
    if (isSelfSigned(issuer.x509)) return { chain, complete: true };
    chain.push(issuer);
    current = issuer;
  }
  return { chain, complete: true };
}

function keySummary(key: KeyEntry): KeySummary {
  const { keyType, keyBits } = keyDescription(createPublicKey(key.key));
  return { source: key.source, keyType, keyBits, encrypted: key.encrypted };
}

function validityWarnings(f: Findings, cert: X509Certificate, role: 'identity' | 'ca', now: number): void {
  const s = summarize(cert);
  const expiry = expiryOf(s, now);
  if (!expiry || expiry.level === 'ok') return;
  const sentence = `${roleName(role, s.subject)} ${expiryPhrase(expiry)}.`;
  if (expiry.level === 'expired') f.warn(`${role}_expired`, sentence, role === 'identity' ? 'The broker will refuse it: ask your PKI or cloud console for a renewed certificate.' : 'Get the current CA certificate from its issuer.');
  else if (expiry.level === 'not_yet_valid') f.warn(`${role}_not_yet_valid`, sentence, "Check this computer's clock; otherwise wait until that date.");
  else f.warn(`${role}_expiring`, sentence, 'Plan its renewal now; connections fail the moment it expires.');
}

function roleName(role: string, subject: string): string {
  return role === 'identity' ? `The client certificate ${subject}` : `The CA certificate ${subject}`;
}

function pem(cert: X509Certificate): string {
  return cert.toString().trim() + '\n';
}

export function inspectBundle(inputs: BundleInput[], options: InspectOptions = {}): BundleResult {
  const now = options.now ?? Date.now();
  const f = new Findings();
  for (const input of inputs) readInput(f, input, options, false);

  const keyBySpki = new Map(f.keys.map((k) => [k.spki, k]));
  const withKey = f.certs.filter((c) => keyBySpki.has(c.spki));
  const leavesWithKey = withKey.filter((c) => !c.x509.ca);
  const candidates = leavesWithKey.length ? leavesWithKey : withKey;

  let identity: CertEntry | null = null;
  if (candidates.length > 1) {
    f.error(
      'multiple_identities',
      `The bundle holds ${candidates.length} client identities (${candidates.map((c) => summarize(c.x509).subject).join('; ')}).`,
      'Import one identity at a time: leave out the certificates and keys of the other devices.',
    );
  } else {
    identity = candidates[0] ?? null;
  }
  const identityKey = identity ? (keyBySpki.get(identity.spki) ?? null) : null;

  for (const key of f.keys) {
    if (f.certs.some((c) => c.spki === key.spki)) continue;
    f.error('key_without_certificate', `The private key ${key.source} belongs to none of the certificates in the bundle.`, 'Add the certificate issued for this key (for AWS IoT: the …-certificate.pem.crt file).');
  }
  for (const cert of f.certs) {
    // While a key is still locked, its certificate cannot be paired yet: the passphrase error says what to do.
    if (f.needsPassphrase) break;
    if (cert.x509.ca || cert === identity || keyBySpki.has(cert.spki) || isSelfSigned(cert.x509)) continue;
    f.error('certificate_without_key', `The certificate ${summarize(cert.x509).subject} (${cert.source}) has no private key in the bundle.`, 'Add its private key (for AWS IoT: the …-private.pem.key file), or leave the certificate out if it is not yours.');
  }
  for (const key of f.keys) {
    const cert = f.certs.find((c) => c.spki === key.spki);
    if (cert && cert.x509.ca && cert !== identity) {
      f.warn('ca_key_included', `The bundle contains the private key of the CA ${summarize(cert.x509).subject}.`, 'A CA key should never leave its PKI; tell its owner. It is not used here.');
    }
  }
  for (const pub of f.publicKeys) {
    if (!f.certs.some((c) => c.spki === pub.spki) && !f.keys.some((k) => k.spki === pub.spki)) {
      f.warn('public_key_unmatched', `The public key ${pub.source} matches no certificate or key in the bundle.`, 'Nothing to do: public keys are informational only.');
    }
  }

  // CAs that verify the broker: every CA certificate, and a self-signed leaf without a key (a broker's own certificate).
  const caEntries = f.certs.filter((c) => c !== identity && (c.x509.ca || (isSelfSigned(c.x509) && !keyBySpki.has(c.spki))));
  for (const c of caEntries) {
    if (!c.x509.ca) {
      f.warn('self_signed_trusted', `${summarize(c.x509).subject} is a self-signed certificate, not a CA; it will be trusted as the broker's own certificate.`, 'If it is the broker\'s certificate, pinning its fingerprint is stricter; otherwise ask for the CA certificate.');
    }
    validityWarnings(f, c.x509, 'ca', now);
  }

  let chain: CertEntry[] = [];
  if (identity && identityKey) {
    const built = buildChain(identity, f.certs);
    chain = built.chain;
    if (!built.complete) {
      f.warn('chain_incomplete', `The issuer of the client certificate (${summarize(identity.x509).issuer}) is not in the bundle.`, 'Usually fine: the broker already knows its own CA. If the broker rejects the certificate, add the intermediate CA to the bundle.');
    }
    validityWarnings(f, identity.x509, 'identity', now);
    if (identity.x509.ca) {
      f.warn('ca_as_client', `The client certificate ${summarize(identity.x509).subject} is a CA certificate.`, 'Use the device certificate your CA issued, not the CA itself.');
    }
    const eku = identity.x509.keyUsage;
    if (eku && eku.length && !eku.includes(OID_CLIENT_AUTH) && !eku.includes(OID_ANY_EKU)) {
      f.warn('no_client_auth', `The client certificate ${summarize(identity.x509).subject} is not issued for client authentication (extended key usage).`, 'Brokers that check key usage will refuse it; ask for a certificate with the clientAuth usage.');
    }
    const desc = keyDescription(createPublicKey(identityKey.key));
    if ((desc.keyType === 'RSA' || desc.keyType === 'RSA-PSS') && (desc.keyBits ?? 0) < 2048) {
      f.warn('weak_key', `The client key is RSA ${desc.keyBits} bits, below the 2048 bits brokers expect.`, 'Ask for a new certificate with an RSA-2048 or EC P-256 key.');
    }
  }

  if (f.certs.length === 0 && f.keys.length === 0 && f.errors.length === 0) {
    f.error('nothing_found', 'No certificate or key was found in what was imported.', 'Pick the certificate files your broker or PKI issued (.pem, .crt, .cer, .der, .key, .p12, .pfx, or a .zip of them).');
  }

  const usable = f.errors.length === 0 && (identity !== null || caEntries.length > 0);
  if (f.errors.length === 0 && !usable) {
    f.error('nothing_usable', 'The bundle holds neither a client identity nor a CA certificate.', 'Add the client certificate and its key, or the CA certificate of the broker.');
  }

  const items: ImportItem[] = [
    ...f.certs.map((c): ImportItem => {
      const s = summarize(c.x509);
      return { source: c.source, kind: kindOf(c.x509), subject: s.subject, issuer: s.issuer, notBefore: s.notBefore, notAfter: s.notAfter, fingerprint256: s.fingerprint256, keyType: s.keyType, keyBits: s.keyBits, encrypted: false, matches: null };
    }),
    ...f.keys.map((k): ImportItem => {
      const d = keySummary(k);
      const cert = f.certs.find((c) => c.spki === k.spki);
      return { source: k.source, kind: 'private-key', subject: null, issuer: null, notBefore: null, notAfter: null, fingerprint256: k.spki, keyType: d.keyType, keyBits: d.keyBits, encrypted: k.encrypted, matches: cert ? cert.x509.fingerprint256 : null };
    }),
    ...f.publicKeys.map((p): ImportItem => {
      const d = keyDescription(p.key);
      const cert = f.certs.find((c) => c.spki === p.spki);
      return { source: p.source, kind: 'public-key', subject: null, issuer: null, notBefore: null, notAfter: null, fingerprint256: p.spki, keyType: d.keyType, keyBits: d.keyBits, encrypted: false, matches: cert ? cert.x509.fingerprint256 : null };
    }),
  ];

  const summary: BundleResult['summary'] = {
    usable,
    needsPassphrase: f.needsPassphrase,
    items,
    identity: identity && identityKey ? { certificate: summarize(identity.x509), chain: chain.slice(1).map((c) => summarize(c.x509)), key: keySummary(identityKey) } : null,
    ca: caEntries.map((c) => summarize(c.x509)),
    warnings: f.warnings,
    errors: f.errors,
  };
  const material: BundleMaterial | null = usable
    ? {
        ca: caEntries.map((c) => pem(c.x509)),
        clientCertificate: identity && identityKey ? chain.map((c) => pem(c.x509)).join('') : null,
        key: identityKey ? (identityKey.key.export({ type: 'pkcs8', format: 'pem' }) as string) : null,
      }
    : null;
  return { summary, material };
}
