/**
 * Reading .zip certificate bundles (the form cloud consoles hand them out in)
 * into memory, with no dependency. The archive is untrusted: this module owns
 * refusing path escapes and symbolic links, compression bombs and lying size
 * fields, and damaged or truncated files, before the import sees any bytes.
 * It supports what real bundles use (stored and deflated entries, data
 * descriptors, archive comments) and refuses the rest with an explained error:
 * ZIP encryption, Zip64, split archives and other compression methods.
 */
import { inflateRawSync } from 'node:zlib';

export interface ZipLimits {
  /** Central-directory records, directories included. */
  maxEntries: number;
  /** Uncompressed bytes over all entries. */
  maxTotalBytes: number;
  /** Uncompressed bytes in one entry. */
  maxEntryBytes: number;
  /** Uncompressed:compressed ratio, only enforced for entries over RATIO_FLOOR_BYTES. */
  maxRatio: number;
}

const MiB = 1024 * 1024;

/** Certificate bundles are a few kilobytes; these leave two orders of magnitude of room. */
export const DEFAULT_ZIP_LIMITS: ZipLimits = Object.freeze({
  maxEntries: 1000,
  maxTotalBytes: 64 * MiB,
  maxEntryBytes: 16 * MiB,
  maxRatio: 200,
});

/** Small text files (PEM, JSON) legitimately compress far beyond any ratio limit; only big entries are suspicious. */
const RATIO_FLOOR_BYTES = 1 * MiB;

export type ZipErrorCode = 'zip_path_escape' | 'zip_too_large' | 'zip_encrypted' | 'zip_unsupported' | 'zip_malformed';

/** Which of the ZipLimits a zip_too_large error broke. */
export type ZipLimit = keyof ZipLimits;

export class ZipError extends Error {
  constructor(
    readonly code: ZipErrorCode,
    message: string,
    readonly entry?: string,
    readonly limit?: ZipLimit,
  ) {
    super(message);
    this.name = 'ZipError';
  }
}

export interface ZipEntry {
  /** Normalised: forward slashes, no leading ./, no empty or '.' segments. */
  path: string;
  data: Buffer;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;

const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const ZIP64_LOCATOR_SIZE = 20;
const MAX_COMMENT = 0xffff;

const FLAG_ENCRYPTED = 0x0001;
const FLAG_UTF8 = 0x0800;

const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;
const DOS_DIRECTORY = 0x10;

const NOTHING_IMPORTED = 'nothing was imported';
const EXTRACT_ADVICE = 'extract the certificate files you need and import them directly';

/** A ZIP starts with a local file header, or is only an end-of-central-directory record when empty. */
export function looksLikeZip(bytes: Buffer): boolean {
  if (bytes.length >= 4 && bytes.readUInt32LE(0) === SIG_LOCAL) return true;
  return bytes.length >= EOCD_SIZE && bytes.readUInt32LE(0) === SIG_EOCD;
}

interface CentralRecord {
  /** As decoded from the archive, for messages; normalised later. */
  rawName: string;
  nameBytes: Buffer;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  externalAttributes: number;
  localOffset: number;
  diskStart: number;
}

interface CheckedRecord extends CentralRecord {
  path: string;
  directory: boolean;
}

/** Returns the files of the archive (directories skipped) in central-directory order, or throws ZipError. */
export function readZip(bytes: Buffer, limits: ZipLimits = DEFAULT_ZIP_LIMITS): ZipEntry[] {
  const eocd = findEndOfCentralDirectory(bytes);
  const records = readCentralDirectory(bytes, eocd, limits);

  // Every name is judged before any byte is decompressed, so a hostile entry
  // late in the archive cannot make us spend work (or memory) on earlier ones.
  const checked = records.map(checkEntryPath);
  for (const record of checked) checkEntryHeader(record);
  checkDeclaredSizes(checked, limits);

  const entries: ZipEntry[] = [];
  let total = 0;
  for (const record of checked) {
    if (record.directory) continue;
    const data = extract(bytes, record, eocd.centralOffset, limits, total);
    total += data.length;
    entries.push({ path: record.path, data });
  }
  return entries;
}

interface EndOfCentralDirectory {
  offset: number;
  entryCount: number;
  centralSize: number;
  centralOffset: number;
}

function findEndOfCentralDirectory(bytes: Buffer): EndOfCentralDirectory {
  const last = bytes.length - EOCD_SIZE;
  const first = Math.max(0, last - MAX_COMMENT);
  // The comment is free text and may itself contain the signature; a record
  // whose comment length reaches exactly the end of the file is the real one,
  // and a looser fit is only accepted when there is none (trailing junk).
  let loose = -1;
  for (let at = last; at >= first; at--) {
    if (bytes.readUInt32LE(at) !== SIG_EOCD) continue;
    const end = at + EOCD_SIZE + bytes.readUInt16LE(at + 20);
    if (end === bytes.length) {
      loose = at;
      break;
    }
    if (end < bytes.length && loose < 0) loose = at;
  }
  if (loose < 0) throw malformed('The file is not a ZIP archive or is truncated; download the bundle again and retry.');
  const at = loose;

  if (at >= ZIP64_LOCATOR_SIZE && bytes.readUInt32LE(at - ZIP64_LOCATOR_SIZE) === SIG_ZIP64_LOCATOR) throw zip64();
  const disk = bytes.readUInt16LE(at + 4);
  const centralDisk = bytes.readUInt16LE(at + 6);
  const entriesHere = bytes.readUInt16LE(at + 8);
  const entryCount = bytes.readUInt16LE(at + 10);
  const centralSize = bytes.readUInt32LE(at + 12);
  const centralOffset = bytes.readUInt32LE(at + 16);
  if (entryCount === 0xffff || centralSize === 0xffffffff || centralOffset === 0xffffffff) throw zip64();
  if (disk !== 0 || centralDisk !== 0 || entriesHere !== entryCount) {
    throw new ZipError('zip_unsupported', `The archive is split across several files, which is not supported; join it into a single .zip (or extract it) and import again.`);
  }
  if (centralOffset + centralSize > at) throw malformed('The archive is damaged (its table of contents lies outside the file); download the bundle again and retry.');
  return { offset: at, entryCount, centralSize, centralOffset };
}

function readCentralDirectory(bytes: Buffer, eocd: EndOfCentralDirectory, limits: ZipLimits): CentralRecord[] {
  if (eocd.entryCount > limits.maxEntries) {
    throw new ZipError(
      'zip_too_large',
      `The archive holds ${eocd.entryCount} entries, more than the ${limits.maxEntries} allowed for a certificate bundle, so ${NOTHING_IMPORTED}; ${EXTRACT_ADVICE}.`,
      undefined,
      'maxEntries',
    );
  }
  const end = eocd.centralOffset + eocd.centralSize;
  const damaged = (): ZipError => malformed('The archive is damaged (its table of contents is inconsistent); download the bundle again and retry.');
  const records: CentralRecord[] = [];
  let at = eocd.centralOffset;
  for (let i = 0; i < eocd.entryCount; i++) {
    if (at + CENTRAL_SIZE > end || bytes.readUInt32LE(at) !== SIG_CENTRAL) throw damaged();
    const nameLength = bytes.readUInt16LE(at + 28);
    const next = at + CENTRAL_SIZE + nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
    if (next > end) throw damaged();
    const flags = bytes.readUInt16LE(at + 8);
    const nameBytes = bytes.subarray(at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLength);
    records.push({
      rawName: decodeName(nameBytes, flags),
      nameBytes,
      flags,
      method: bytes.readUInt16LE(at + 10),
      crc: bytes.readUInt32LE(at + 16),
      compressedSize: bytes.readUInt32LE(at + 20),
      uncompressedSize: bytes.readUInt32LE(at + 24),
      externalAttributes: bytes.readUInt32LE(at + 38),
      diskStart: bytes.readUInt16LE(at + 34),
      localOffset: bytes.readUInt32LE(at + 42),
    });
    at = next;
  }
  // Bytes left over in the directory mean the count and the size disagree: a
  // hand-edited archive, where different tools would list different files.
  if (at !== end) throw damaged();
  return records;
}

/** Names are CP437 unless flagged UTF-8, but many tools write UTF-8 unflagged; the separators and dots judged below are ASCII either way. */
function decodeName(nameBytes: Buffer, flags: number): string {
  if (flags & FLAG_UTF8) return nameBytes.toString('utf8');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(nameBytes);
  } catch {
    return nameBytes.toString('latin1');
  }
}

function checkEntryPath(record: CentralRecord): CheckedRecord {
  const raw = record.rawName;
  const escape = (): ZipError =>
    new ZipError('zip_path_escape', `The archive entry ${printable(raw)} points outside the archive; it was refused and ${NOTHING_IMPORTED}.`, raw);
  if (record.nameBytes.includes(0)) throw escape();
  // Archives made on Windows use backslashes, and an extractor on Windows would honour them.
  const slashed = raw.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed)) throw escape();
  const segments = slashed.split('/');
  if (segments.includes('..')) throw escape();

  const mode = (record.externalAttributes >>> 16) & S_IFMT;
  // Checked whatever the "made by" host says: a link is only dangerous once
  // extracted on Unix, and the mode bits are what an extractor there obeys.
  if (mode === S_IFLNK) {
    throw new ZipError('zip_path_escape', `The archive entry ${printable(raw)} is a symbolic link, which could point anywhere on this computer; it was refused and ${NOTHING_IMPORTED}.`, raw);
  }
  const path = segments.filter((s) => s !== '' && s !== '.').join('/');
  const directory = slashed.endsWith('/') || mode === S_IFDIR || ((record.externalAttributes & DOS_DIRECTORY) !== 0 && record.uncompressedSize === 0);
  if (!directory && path === '') throw malformed(`The archive holds a file with an empty name (${printable(raw)}); download the bundle again and retry.`, raw);
  return { ...record, path, directory };
}

function checkEntryHeader(record: CheckedRecord): void {
  const name = printable(record.rawName);
  if (record.compressedSize === 0xffffffff || record.uncompressedSize === 0xffffffff || record.localOffset === 0xffffffff || record.diskStart === 0xffff) {
    throw zip64(record.rawName);
  }
  if (record.directory) return;
  if (record.flags & FLAG_ENCRYPTED) {
    throw new ZipError(
      'zip_encrypted',
      `The archive entry ${name} is password-protected, and ZIP passwords are not supported; extract the archive with your archive tool first and import the extracted files.`,
      record.rawName,
    );
  }
  if (record.method !== METHOD_STORED && record.method !== METHOD_DEFLATE) {
    throw new ZipError(
      'zip_unsupported',
      `The archive entry ${name} uses compression method ${record.method}, which is not supported (only stored and deflate are); extract the archive with your archive tool and import the extracted files.`,
      record.rawName,
    );
  }
  if (record.method === METHOD_STORED && record.compressedSize !== record.uncompressedSize) {
    throw malformed(`The archive entry ${name} is damaged (its recorded sizes disagree); download the bundle again and retry.`, record.rawName);
  }
}

/** The cheap check, on what the archive claims; extract() enforces the same limits on what it actually holds. */
function checkDeclaredSizes(records: CheckedRecord[], limits: ZipLimits): void {
  let total = 0;
  for (const record of records) {
    if (record.directory) continue;
    checkSize(record, record.uncompressedSize, total, limits);
    total += record.uncompressedSize;
  }
}

function checkSize(record: CheckedRecord, size: number, totalBefore: number, limits: ZipLimits): void {
  const name = printable(record.rawName);
  if (size > limits.maxEntryBytes) {
    throw new ZipError(
      'zip_too_large',
      `The archive entry ${name} unpacks to more than ${mb(limits.maxEntryBytes)}, the limit for one file in a certificate bundle, so ${NOTHING_IMPORTED}; ${EXTRACT_ADVICE}.`,
      record.rawName,
      'maxEntryBytes',
    );
  }
  if (totalBefore + size > limits.maxTotalBytes) {
    throw new ZipError(
      'zip_too_large',
      `The archive unpacks to more than ${mb(limits.maxTotalBytes)} in total, the limit for a certificate bundle, so ${NOTHING_IMPORTED}; ${EXTRACT_ADVICE}.`,
      record.rawName,
      'maxTotalBytes',
    );
  }
  if (size > RATIO_FLOOR_BYTES && size > record.compressedSize * limits.maxRatio) {
    throw new ZipError(
      'zip_too_large',
      `The archive entry ${name} unpacks to more than ${limits.maxRatio} times its compressed size, the mark of a compression bomb, so ${NOTHING_IMPORTED}; ${EXTRACT_ADVICE}.`,
      record.rawName,
      'maxRatio',
    );
  }
}

function extract(bytes: Buffer, record: CheckedRecord, centralOffset: number, limits: ZipLimits, totalBefore: number): Buffer {
  const name = printable(record.rawName);
  const damaged = (): ZipError => malformed(`The archive entry ${name} is damaged or truncated; download the bundle again and retry.`, record.rawName);

  const at = record.localOffset;
  if (at + LOCAL_SIZE > centralOffset || bytes.readUInt32LE(at) !== SIG_LOCAL) throw damaged();
  const nameLength = bytes.readUInt16LE(at + 26);
  const start = at + LOCAL_SIZE + nameLength + bytes.readUInt16LE(at + 28);
  const end = start + record.compressedSize;
  if (end > centralOffset) throw damaged();
  // The local header is what streaming extractors read: if it names another
  // file or claims encryption/another method, tools would disagree on content.
  if (!bytes.subarray(at + LOCAL_SIZE, at + LOCAL_SIZE + nameLength).equals(record.nameBytes)) throw damaged();
  if (bytes.readUInt16LE(at + 8) !== record.method || (bytes.readUInt16LE(at + 6) & FLAG_ENCRYPTED) !== 0) throw damaged();

  const compressed = bytes.subarray(start, end);
  let data: Buffer;
  if (record.method === METHOD_STORED) {
    // A copy, so the caller can zero or keep an entry without pinning the whole archive.
    data = Buffer.from(compressed);
  } else {
    // The declared size may lie; the cap is what we allow, not what was
    // claimed, and zlib stops allocating once it is passed (+1 to tell
    // "exactly at the limit" from "over it").
    const cap = allowedSize(record, totalBefore, limits);
    try {
      data = inflateRawSync(compressed, { maxOutputLength: cap + 1 });
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ERR_BUFFER_TOO_LARGE') throw damaged();
      // One byte over the cap breaks a limit by construction, and checkSize words the message for that limit.
      checkSize(record, cap + 1, totalBefore, limits);
      throw damaged();
    }
  }
  checkSize(record, data.length, totalBefore, limits);
  if (data.length !== record.uncompressedSize || crc32(data) !== record.crc) {
    throw malformed(`The archive entry ${name} is damaged (its content does not match its checksum or size); download the bundle again and retry.`, record.rawName);
  }
  return data;
}

/** The largest output checkSize() would accept for this entry. */
function allowedSize(record: CheckedRecord, totalBefore: number, limits: ZipLimits): number {
  const ratioCap = Math.max(RATIO_FLOOR_BYTES, record.compressedSize * limits.maxRatio);
  return Math.max(0, Math.min(limits.maxEntryBytes, limits.maxTotalBytes - totalBefore, ratioCap));
}

const CRC_TABLE = ((): Uint32Array => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE) as ZIP uses it; zlib.crc32 only exists from Node 20.15 / 22.2, and a table keeps this module independent of the runtime. */
function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = (CRC_TABLE[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function zip64(entry?: string): ZipError {
  return new ZipError(
    'zip_unsupported',
    `The archive uses the Zip64 format (meant for archives over 4 GB), which is not supported for certificate bundles; extract it with your archive tool and import the extracted files.`,
    entry,
  );
}

function malformed(message: string, entry?: string): ZipError {
  return new ZipError('zip_malformed', message, entry);
}

/** Names go into messages shown to the operator: control characters are escaped so a name cannot forge lines. */
function printable(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function mb(bytes: number): string {
  const value = bytes / MiB;
  return `${Number(value.toFixed(value >= 1 ? 1 : 3))} MB`;
}
