/**
 * Certificate bundle import: from the files an operator got (single or
 * concatenated PEM, DER, PKCS#12, PKCS#8 and traditional keys, encrypted or
 * not, public keys, folders, zips) to what a connection will use: the CAs, the
 * client certificate with its chain, and its private key. This module reads:
 * everything is recognised by content, never by file name, within one
 * budget for the whole import (IMPORT_LIMITS), in time linear in the input;
 * classify.ts decides and report.ts words the summary. Nothing is saved here,
 * and the summary carries no key material. Heavy (key derivation): the core
 * runs it in a worker thread (inspect-worker.ts).
 */
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { IMPORT_LIMITS } from '../../../shared/certificates';
import { isEncryptedKeyBlock, pemBase64, scanPem, type PemBlock } from '../../../shared/pem';
import type { ErrorCode } from '../../../shared/errors';
import type { AppError } from '../../../shared/result';
import { Asn1Error, children, expect, readNode, TAG } from './asn1';
import { ImportBudget, type InspectProgress } from './budget';
import { classify } from './classify';
import { Inventory } from './inventory';
import { chargeEncryptedKey, looksLikePkcs12, Pkcs12Error, readPkcs12 } from './pkcs12';
import { report, type BundleResult } from './report';
import { DEFAULT_ZIP_LIMITS, looksLikeZip, readZip, ZipError, type ZipLimits } from './zip';

export type { BundleMaterial, BundleResult } from './report';

export interface BundleInput {
  /** File name, or path relative to a picked folder (`pkg/device.crt`). */
  name: string;
  bytes: Buffer;
}

export interface InspectOptions {
  passphrase?: string;
  now?: number;
  /** Each archive's own limits; the import's budget (IMPORT_LIMITS) applies over all of them. */
  zipLimits?: ZipLimits;
  onProgress?: (progress: InspectProgress) => void;
}

interface Reading {
  inventory: Inventory;
  budget: ImportBudget;
  options: InspectOptions;
  /** Set once the import went over its budget: the rest is not read. */
  stopped: boolean;
}

export function inspectBundle(inputs: BundleInput[], options: InspectOptions = {}): BundleResult {
  const now = options.now ?? Date.now();
  const reading: Reading = { inventory: new Inventory(), budget: new ImportBudget(options.onProgress), options, stopped: false };
  inputs.forEach((input, i) => {
    reading.budget.progress({ stage: 'reading', done: i, total: inputs.length });
    if (!reading.stopped) readTopLevel(reading, input);
  });
  reading.budget.progress({ stage: 'checking', done: 0, total: 1 });
  const result = report(reading.inventory, classify(reading.inventory, now));
  reading.budget.progress({ stage: 'checking', done: 1, total: 1 });
  return result;
}

function readTopLevel(reading: Reading, input: BundleInput): void {
  if (!takeEntry(reading, input.bytes.length)) return;
  try {
    readInput(reading, input, false);
  } catch (error) {
    // Readers report what they meet as findings; this is the last line, so one file cannot take the others down.
    reading.inventory.error('file_unreadable', `${input.name} could not be read (${describe(error)}).`, 'Check the file with the tool that produced it, or leave it out.');
  }
}

function takeEntry(reading: Reading, bytes: number): boolean {
  if (reading.budget.takeEntry(bytes)) return true;
  stop(
    reading,
    'import_too_large',
    `The import holds more than ${IMPORT_LIMITS.maxEntries} files or ${IMPORT_LIMITS.maxTotalBytes / 1048576} MB once its archives are unpacked, far more than a certificate bundle; nothing was imported.`,
    'Pick only the certificate, key and CA files (or the zip they came in).',
  );
  return false;
}

function takeItem(reading: Reading): boolean {
  if (reading.budget.takeItem()) return true;
  stop(reading, 'import_too_many_items', `The import holds more than ${IMPORT_LIMITS.maxItems} certificates, keys and other blocks; nothing was imported.`, 'Import the certificates this connection needs, not a whole certificate store.');
  return false;
}

function stop(reading: Reading, code: ErrorCode, message: string, hint: string): void {
  if (!reading.stopped) reading.inventory.error(code, message, hint);
  reading.stopped = true;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ---------------------------------------------------------------- files and archives

function readInput(reading: Reading, input: BundleInput, nested: boolean): void {
  const { name, bytes } = input;
  const f = reading.inventory;
  if (looksLikeZip(bytes)) {
    if (nested) {
      f.warn('nested_archive', `${name} is an archive inside an archive; it was not opened.`, 'Extract it and import its files directly.');
      return;
    }
    readArchive(reading, input);
    return;
  }
  const recognised = looksLikeText(bytes) ? readPem(reading, name, bytes.toString('utf8')) : readDer(reading, name, bytes);
  if (recognised || reading.stopped) return;
  // In a folder or archive, unrelated files (README, scripts) are common and skipped; a file picked on its own must be one.
  if (nested || name.includes('/')) {
    f.warn('file_skipped', `${name} is not a certificate or key; it was skipped.`, 'Nothing to do unless that file was meant to be imported.');
  } else {
    f.error('not_certificate_or_key', `${name} is not a certificate or key (${bytes.length} bytes of unrecognised data).`, 'Pick the PEM, DER or PKCS#12 files your broker or PKI issued: certificates (.crt, .pem, .cer), keys (.key) or bundles (.p12, .pfx, .zip).');
  }
}

function readArchive(reading: Reading, { name, bytes }: BundleInput): void {
  const { limits, tightened } = reading.budget.zipLimits(reading.options.zipLimits ?? DEFAULT_ZIP_LIMITS);
  let entries;
  try {
    entries = readZip(bytes, limits);
  } catch (error) {
    if (error instanceof ZipError && error.code === 'zip_too_large' && error.limit && tightened.has(error.limit)) {
      // The archive is within its own limits but not within what the import has left.
      takeEntry(reading, Number.POSITIVE_INFINITY);
    } else if (error instanceof ZipError) {
      reading.inventory.error(error.code, error.message, zipHint(error.code));
    } else {
      reading.inventory.error('zip_malformed', `${name} could not be read as a zip archive.`, 'Download the archive again, or extract it and import the files.');
    }
    return;
  }
  for (const entry of entries) {
    if (!takeEntry(reading, entry.data.length)) return;
    readInput(reading, { name: `${name}/${entry.path}`, bytes: entry.data }, true);
    if (reading.stopped) return;
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

function looksLikeText(bytes: Buffer): boolean {
  return bytes.subarray(0, 64 * 1024).includes('-----BEGIN ');
}

// ---------------------------------------------------------------- keys and passphrases

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
const TOO_COSTLY_HINT = 'Export it again with the default settings of your tool (OpenSSL uses 2,048 iterations), or as an unencrypted key moved over a trusted channel.';

/** Decrypts (or just loads) a private key; records a passphrase problem instead of throwing. */
function loadPrivateKey(reading: Reading, source: string, load: (passphrase: string | undefined) => KeyObject, encrypted: boolean): void {
  const f = reading.inventory;
  const passphrase = reading.options.passphrase;
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
      f.error('key_unreadable', `${source} looks like a private key but cannot be read (${describe(error)}).`, 'Export the key again as PEM (PKCS#8) from the tool that created it.');
    }
  }
}

/**
 * An encrypted PKCS#8 key (EncryptedPrivateKeyInfo DER): Node derives its key
 * in one native call that nothing can interrupt, so its cost is read from the
 * parameters and taken from the budget first, and a key whose parameters
 * cannot be read strictly is not handed to Node at all.
 */
function loadEncryptedPkcs8(reading: Reading, source: string, der: Buffer, load: (passphrase: string | undefined) => KeyObject): void {
  if (reading.options.passphrase) {
    try {
      chargeEncryptedKey(expect(children(readNode(der))[0], TAG.SEQUENCE, 'the key encryption algorithm'), reading.budget.meter);
    } catch (error) {
      if (error instanceof Pkcs12Error) reading.inventory.error(error.code, `${source}: ${error.message}`, TOO_COSTLY_HINT);
      else reading.inventory.error('key_unreadable', `${source} is an encrypted key whose encryption parameters cannot be read (${describe(error)}).`, 'Export the key again as PEM (PKCS#8) from the tool that created it.');
      return;
    }
  }
  loadPrivateKey(reading, source, load, true);
}

// ---------------------------------------------------------------- PEM

function readPem(reading: Reading, source: string, text: string): boolean {
  const f = reading.inventory;
  const scan = scanPem(text, reading.budget.itemsLeft + 1);
  let recognised = false;
  scan.blocks.forEach((block, i) => {
    if (reading.stopped || !takeItem(reading)) return;
    const where = scan.blocks.length > 1 ? `${source}#${i + 1}` : source;
    try {
      if (readPemBlock(reading, where, block)) recognised = true;
      else f.warn('pem_block_ignored', `${where} holds a "${block.label}" block, which is neither a certificate nor a key; it was ignored.`, 'Nothing to do unless that block was meant to be used.');
    } catch (error) {
      recognised = true;
      f.error('pem_invalid', `${where} has a "${block.label}" block that cannot be read (${describe(error)}).`, 'The file may be truncated or edited; download it again from its source.');
    }
  });
  if (scan.unterminated !== null) {
    const one = scan.unterminatedCount === 1;
    f.warn('pem_unterminated', `${source} has ${one ? 'a' : scan.unterminatedCount} "BEGIN ${scan.unterminated}" line${one ? '' : 's'} without a matching END line; ${one ? 'that block was' : 'those blocks were'} ignored.`, 'The file may be truncated or edited; if a certificate or key is missing below, download the file again.');
  }
  return recognised;
}

function readPemBlock(reading: Reading, source: string, block: PemBlock): boolean {
  const f = reading.inventory;
  const { label, text } = block;
  switch (label) {
    case 'CERTIFICATE':
    case 'X509 CERTIFICATE':
      f.addCert(source, new X509Certificate(text));
      return true;
    case 'TRUSTED CERTIFICATE':
      // OpenSSL's "trusted" form appends trust settings after the certificate's DER.
      f.addCert(source, new X509Certificate(readNode(Buffer.from(pemBase64(block), 'base64')).raw));
      return true;
    case 'PRIVATE KEY':
      loadPrivateKey(reading, source, () => createPrivateKey(text), false);
      return true;
    case 'ENCRYPTED PRIVATE KEY':
      loadEncryptedPkcs8(reading, source, Buffer.from(pemBase64(block), 'base64'), (p) => createPrivateKey({ key: text, passphrase: p }));
      return true;
    case 'RSA PRIVATE KEY':
    case 'EC PRIVATE KEY':
    case 'DSA PRIVATE KEY': {
      // RFC 1421 encryption derives its key with one MD5 round (EVP_BytesToKey): nothing to meter.
      loadPrivateKey(reading, source, (p) => createPrivateKey({ key: text, passphrase: p }), isEncryptedKeyBlock(block));
      return true;
    }
    case 'PUBLIC KEY':
    case 'RSA PUBLIC KEY':
      f.addPublicKey(source, createPublicKey(text));
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

// ---------------------------------------------------------------- DER and PKCS#12

/** A binary file: PKCS#12, or a DER certificate, key or public key. */
function readDer(reading: Reading, source: string, bytes: Buffer): boolean {
  const f = reading.inventory;
  if (looksLikePkcs12(bytes)) {
    readPfx(reading, source, bytes);
    return true;
  }
  if (!takeItem(reading)) return true;
  let x509: X509Certificate | null = null;
  try {
    x509 = new X509Certificate(bytes);
  } catch {
    // not a DER certificate
  }
  if (x509) {
    addCertificate(reading, source, x509);
    return true;
  }
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    try {
      f.addKey(source, createPrivateKey({ key: bytes, format: 'der', type }), false);
      return true;
    } catch (error) {
      if (type === 'pkcs8' && isEncryptedPkcs8(bytes, error)) {
        loadEncryptedPkcs8(reading, source, bytes, (p) => createPrivateKey({ key: bytes, format: 'der', type: 'pkcs8', passphrase: p }));
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
    if (top.tag !== TAG.SEQUENCE || top.raw.length !== bytes.length) return false;
    const [first, second] = children(top);
    return first?.tag === TAG.SEQUENCE && second?.tag === TAG.OCTET_STRING;
  } catch (e) {
    if (e instanceof Asn1Error) return false;
    throw e;
  }
}

function readPfx(reading: Reading, source: string, bytes: Buffer): void {
  const f = reading.inventory;
  const passphrase = reading.options.passphrase;
  let contents;
  try {
    contents = readPkcs12(bytes, passphrase ?? '', { meter: reading.budget.meter, maxItems: reading.budget.itemsLeft + 1 });
  } catch (error) {
    if (!(error instanceof Pkcs12Error)) throw error;
    if (error.code === 'pkcs12_wrong_password' || error.code === 'pkcs12_password_required') {
      f.needsPassphrase = true;
      f.errors.push(passphrase ? PASSPHRASE_WRONG(source) : PASSPHRASE_REQUIRED(source));
    } else if (error.code === 'kdf_too_costly') {
      f.error(error.code, `${source}: ${error.message}`, TOO_COSTLY_HINT);
    } else {
      f.error(error.code, `${source} is a PKCS#12 file that cannot be read: ${error.message}`, 'Export it again (openssl pkcs12 -export), or export the certificate and key as PEM files.');
    }
    return;
  }
  const encrypted = contents.encryption.length > 0;
  for (const [i, k] of contents.keys.entries()) {
    if (!takeItem(reading)) return;
    f.addKey(contents.keys.length > 1 ? `${source}#key${i + 1}` : source, createPrivateKey(k.pem), encrypted);
  }
  for (const [i, c] of contents.certificates.entries()) {
    if (!takeItem(reading)) return;
    addCertificate(reading, contents.certificates.length > 1 ? `${source}#${i + 1}` : source, new X509Certificate(c.pem));
  }
}

/** A certificate OpenSSL parsed may still hold what cannot be described (a validity date out of range): that is a finding, not a crash. */
function addCertificate(reading: Reading, source: string, x509: X509Certificate): void {
  try {
    reading.inventory.addCert(source, x509);
  } catch (error) {
    reading.inventory.error('certificate_unreadable', `${source} is a certificate that cannot be read (${describe(error)}).`, 'The file may be damaged; download it again from its source.');
  }
}
