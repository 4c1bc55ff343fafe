/**
 * ASN.1 for the certificate import and revocation checks: a strict DER
 * reader (what X.509, CRLs, OCSP responses, PKCS#8 and the inside of a PKCS#12
 * MAC must be), a BER reader for the few layers PKCS#12 exporters really
 * write in BER (macOS Keychain, old Netscape and Java: indefinite lengths,
 * chunked strings) that re-encodes them as DER, and a small DER writer for
 * the certificates the demo and the tests issue and the OCSP requests sent.
 * Node's crypto reads and writes keys itself; it has no API for any of this.
 * Every reader is linear in its input and throws only Asn1Error.
 */

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

// ---------------------------------------------------------------- reading DER

export interface Node {
  tag: number;
  /** Offset of the tag byte within the whole input. */
  start: number;
  /** The content bytes. */
  value: Buffer;
  /** Tag, length and content: the node's full encoding. */
  raw: Buffer;
  constructed: boolean;
}

export class Asn1Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Asn1Error';
  }
}

/** Lengths beyond 4 bytes would describe more than 4 GB: never a certificate. */
const MAX_LENGTH_BYTES = 4;

interface Header {
  tag: number;
  headerLength: number;
  /** null for an indefinite length (BER only). */
  length: number | null;
  /** The length used the shortest form X.690 10.1 allows. */
  minimal: boolean;
}

function readHeader(input: Buffer, offset: number): Header {
  if (offset + 2 > input.length) throw new Asn1Error('truncated ASN.1 value');
  const tag = input[offset] as number;
  // High tag numbers (0x1f) are legal ASN.1 but appear in nothing this reader is given.
  if ((tag & 0x1f) === 0x1f) throw new Asn1Error('high tag numbers are not supported');
  const first = input[offset + 1] as number;
  if (first === 0x80) return { tag, headerLength: 2, length: null, minimal: false };
  if (!(first & 0x80)) return { tag, headerLength: 2, length: first, minimal: true };
  const bytes = first & 0x7f;
  if (bytes > MAX_LENGTH_BYTES) throw new Asn1Error('unsupported ASN.1 length');
  if (offset + 2 + bytes > input.length) throw new Asn1Error('truncated ASN.1 length');
  let length = 0;
  for (let i = 0; i < bytes; i++) length = length * 256 + (input[offset + 2 + i] as number);
  // DER: the long form only from 128 on, and no leading zero byte.
  const minimal = length >= 0x80 && input[offset + 2] !== 0;
  return { tag, headerLength: 2 + bytes, length, minimal };
}

/** One DER value at `offset`: definite, minimally encoded length that fits the input. */
export function readNode(input: Buffer, offset = 0): Node {
  const header = readHeader(input, offset);
  if (header.length === null) throw new Asn1Error('indefinite length where DER is required');
  if (!header.minimal) throw new Asn1Error('non-minimal length where DER is required');
  const end = offset + header.headerLength + header.length;
  if (end > input.length) throw new Asn1Error('ASN.1 length beyond the input');
  return {
    tag: header.tag,
    start: offset,
    value: input.subarray(offset + header.headerLength, end),
    raw: input.subarray(offset, end),
    constructed: (header.tag & 0x20) !== 0,
  };
}

/** The children of a constructed node (SEQUENCE, SET, [n] EXPLICIT). */
export function children(node: Node): Node[] {
  const out: Node[] = [];
  let offset = 0;
  while (offset < node.value.length) {
    const child = readNode(node.value, offset);
    out.push(child);
    offset += child.raw.length;
  }
  return out;
}

export function expect(node: Node | undefined, tag: number, what: string): Node {
  if (!node || node.tag !== tag) throw new Asn1Error(`expected ${what}`);
  return node;
}

/**
 * An OBJECT IDENTIFIER's dotted form. X.690 8.19 holds in BER as in DER: every
 * arc in the fewest bytes (no leading 0x80) and the last one complete; a
 * lenient decoder would let two encodings name the same algorithm.
 */
export function decodeOid(value: Buffer): string {
  if (value.length === 0) throw new Asn1Error('empty OBJECT IDENTIFIER');
  const arcs: bigint[] = [];
  let n = 0n;
  let fresh = true;
  for (const byte of value) {
    if (fresh && byte === 0x80) throw new Asn1Error('non-minimal OBJECT IDENTIFIER arc');
    n = (n << 7n) | BigInt(byte & 0x7f);
    fresh = !(byte & 0x80);
    if (fresh) {
      arcs.push(n);
      n = 0n;
    }
  }
  if (!fresh) throw new Asn1Error('truncated OBJECT IDENTIFIER');
  // The first subidentifier holds two arcs: 40·x + y, with x ≤ 2 (and y unbounded under 2).
  const first = arcs[0] as bigint;
  const top = first < 40n ? 0n : first < 80n ? 1n : 2n;
  return [top, first - top * 40n, ...arcs.slice(1)].join('.');
}

/**
 * A non-negative INTEGER that fits a JavaScript number (versions, iteration
 * counts, key lengths). X.690 8.3.2 requires the shortest two's-complement
 * form in BER too, so a padded count is refused rather than read.
 */
export function readSmallInteger(node: Node | undefined, what: string): number {
  const value = expect(node, TAG.INTEGER, what).value;
  if (value.length === 0) throw new Asn1Error(`${what} is empty`);
  const first = value[0] as number;
  if (value.length > 1 && ((first === 0 && !((value[1] as number) & 0x80)) || (first === 0xff && (value[1] as number) & 0x80))) {
    throw new Asn1Error(`${what} is not minimally encoded`);
  }
  if (first & 0x80) throw new Asn1Error(`${what} is negative`);
  if (value.length > 6) throw new Asn1Error(`${what} is out of range`);
  return value.readUIntBE(0, value.length);
}

/**
 * A certificate serial number or any INTEGER as lower-case hex of its minimal
 * two's-complement bytes (a leading 00 kept when the high bit is set), so the
 * same number always reads the same: serials are up to 20 bytes and compared,
 * never computed with.
 */
export function readIntegerHex(node: Node | undefined, what: string): string {
  const value = expect(node, TAG.INTEGER, what).value;
  if (value.length === 0) throw new Asn1Error(`${what} is empty`);
  if (value.length > 1 && ((value[0] === 0 && !((value[1] as number) & 0x80)) || (value[0] === 0xff && (value[1] as number) & 0x80))) {
    throw new Asn1Error(`${what} is not minimally encoded`);
  }
  return value.toString('hex');
}

/** The bytes of a BIT STRING that uses whole bytes (signatures, public keys): the unused-bits count must be 0. */
export function readBitStringBytes(node: Node | undefined, what: string): Buffer {
  const value = expect(node, TAG.BIT_STRING, what).value;
  if (value.length === 0 || value[0] !== 0) throw new Asn1Error(`${what} is not a whole number of bytes`);
  return value.subarray(1);
}

/** The named bits of a BIT STRING (key usage, reason flags): bit 0 is the first, most significant one. */
export function readNamedBits(node: Node | undefined, what: string): boolean[] {
  const value = expect(node, TAG.BIT_STRING, what).value;
  const unused = value[0];
  if (unused === undefined || unused > 7 || (value.length === 1 && unused !== 0)) throw new Asn1Error(`${what} is malformed`);
  const out: boolean[] = [];
  const total = (value.length - 1) * 8 - unused;
  for (let i = 0; i < total; i++) out.push((((value[1 + (i >> 3)] as number) >> (7 - (i & 7))) & 1) === 1);
  return out;
}

const UTC_TIME = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{1,9}))?Z$/;

/**
 * A UTCTime or GeneralizedTime as ms since the epoch, in the only forms DER
 * (and RFC 5280) allow: seconds present, UTC (`Z`), no trailing zeros in a
 * fraction. UTCTime years 50–99 are 19xx, as RFC 5280 says.
 */
export function readTime(node: Node | undefined, what: string): number {
  if (!node || (node.tag !== TAG.UTC_TIME && node.tag !== TAG.GENERALIZED_TIME)) throw new Asn1Error(`expected ${what}`);
  const text = node.value.toString('latin1');
  const utc = node.tag === TAG.UTC_TIME;
  const match = (utc ? UTC_TIME : GENERALIZED_TIME).exec(text);
  if (!match || (match[7] !== undefined && match[7].endsWith('0'))) throw new Asn1Error(`${what} is not a DER time`);
  const n = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const year = utc ? (n[0] < 50 ? 2000 + n[0] : 1900 + n[0]) : n[0];
  const ms = Date.UTC(year, n[1] - 1, n[2], n[3], n[4], n[5]) + (match[7] ? Math.floor(Number(`0.${match[7]}`) * 1000) : 0);
  const back = new Date(ms);
  // Date.UTC rolls 31 February into March: a date that does not exist is refused, not moved.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== n[1] - 1 || back.getUTCDate() !== n[2] || n[3] > 23 || n[4] > 59 || n[5] > 59) {
    throw new Asn1Error(`${what} names a date that does not exist`);
  }
  return ms;
}

/** A BOOLEAN, which DER writes as 00 or FF only. */
export function readBoolean(node: Node | undefined, what: string): boolean {
  const value = expect(node, TAG.BOOLEAN, what).value;
  if (value.length !== 1 || (value[0] !== 0 && value[0] !== 0xff)) throw new Asn1Error(`${what} is not a DER BOOLEAN`);
  return value[0] === 0xff;
}

// ---------------------------------------------------------------- reading BER

/** Constructed encodings of string types that BER may split into chunks. */
const STRING_TAGS = new Set([0x20 | TAG.OCTET_STRING, 0x20 | TAG.BMP_STRING, 0x20 | TAG.UTF8_STRING, 0x20 | TAG.IA5_STRING]);

/** Deeper than any real PKCS#12 (about 12 levels), shallow enough for the stack. */
const MAX_BER_DEPTH = 64;

/**
 * Re-encodes one BER value as DER: definite minimal lengths, chunked strings
 * joined. The contents of primitive values are copied as they are, so a MAC
 * computed over OCTET STRING contents still covers the same bytes, and the
 * DER reader then judges them (integers, OIDs) as strictly as everywhere else.
 */
function toDer(input: Buffer, offset: number, end: number, depth: number): { der: Buffer; next: number } {
  const header = readHeader(input, offset);
  const start = offset + header.headerLength;
  if (!(header.tag & 0x20)) {
    if (header.length === null) throw new Asn1Error('indefinite length on a primitive value');
    const next = start + header.length;
    if (next > end) throw new Asn1Error('ASN.1 length beyond its container');
    return { der: tlv(header.tag, input.subarray(start, next)), next };
  }
  if (depth > MAX_BER_DEPTH) throw new Asn1Error('ASN.1 nested too deeply');
  const parts: Buffer[] = [];
  let cursor = start;
  if (header.length === null) {
    for (;;) {
      if (cursor + 2 > end) throw new Asn1Error('unterminated indefinite length');
      if (input[cursor] === 0 && input[cursor + 1] === 0) {
        cursor += 2;
        break;
      }
      const child = toDer(input, cursor, end, depth + 1);
      parts.push(child.der);
      cursor = child.next;
    }
  } else {
    const contentEnd = start + header.length;
    if (contentEnd > end) throw new Asn1Error('ASN.1 length beyond its container');
    while (cursor < contentEnd) {
      const child = toDer(input, cursor, contentEnd, depth + 1);
      parts.push(child.der);
      cursor = child.next;
    }
  }
  if (STRING_TAGS.has(header.tag)) {
    const chunks = parts.map((part) => readNode(part));
    if (chunks.some((chunk) => chunk.tag !== (header.tag & ~0x20))) throw new Asn1Error('a chunked string holds another type');
    return { der: tlv(header.tag & ~0x20, Buffer.concat(chunks.map((chunk) => chunk.value))), next: cursor };
  }
  return { der: tlv(header.tag, Buffer.concat(parts)), next: cursor };
}

/**
 * Reads one BER (or DER) value as a DER node. `whole` insists it fills the
 * input, which also catches most garbage decrypted with a wrong password.
 */
export function readBer(input: Buffer, what: string, whole = true): Node {
  const { der, next } = toDer(input, 0, input.length, 0);
  if (whole && next !== input.length) throw new Asn1Error(`trailing bytes after ${what}`);
  return readNode(der);
}

/**
 * The tags and definite lengths of a value's first bytes, read as BER without
 * copying anything: for cheap structural sniffs that must tolerate BER.
 */
export function peekBer(input: Buffer, offset: number): { tag: number; headerLength: number; length: number | null } {
  const { tag, headerLength, length } = readHeader(input, offset);
  return { tag, headerLength, length };
}

// ---------------------------------------------------------------- writing

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

export const seq = (...items: Buffer[]) => tlv(TAG.SEQUENCE, Buffer.concat(items));
export const set = (...items: Buffer[]) => tlv(TAG.SET, Buffer.concat(items));
export const nul = () => tlv(TAG.NULL, Buffer.alloc(0));
export const octets = (b: Buffer) => tlv(TAG.OCTET_STRING, b);
export const bits = (b: Buffer) => tlv(TAG.BIT_STRING, Buffer.concat([Buffer.from([0]), b]));
export const bool = (v: boolean) => tlv(TAG.BOOLEAN, Buffer.from([v ? 0xff : 0]));
export const utf8 = (s: string) => tlv(TAG.UTF8_STRING, Buffer.from(s, 'utf8'));
export const ia5 = (s: string) => tlv(TAG.IA5_STRING, Buffer.from(s, 'ascii'));
/** [n] EXPLICIT, constructed context tag. */
export const explicit = (n: number, content: Buffer) => tlv(0xa0 | n, content);
/** [n] IMPLICIT primitive context tag. */
export const implicit = (n: number, content: Buffer) => tlv(0x80 | n, content);

export function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const bytes: number[] = [(parts[0] ?? 0) * 40 + (parts[1] ?? 0)];
  for (const part of parts.slice(2)) {
    const stack: number[] = [part & 0x7f];
    for (let n = Math.floor(part / 128); n > 0; n = Math.floor(n / 128)) stack.unshift((n & 0x7f) | 0x80);
    bytes.push(...stack);
  }
  return tlv(TAG.OID, Buffer.from(bytes));
}

/** A non-negative INTEGER from big-endian bytes (a leading zero is added when the high bit is set). */
export function uint(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  return tlv(TAG.INTEGER, (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

export function int(n: number): Buffer {
  const bytes: number[] = [];
  let v = n;
  do {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  return uint(Buffer.from(bytes));
}

/** UTCTime through 2049, GeneralizedTime after, as RFC 5280 requires. */
export function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  const year = date.getUTCFullYear();
  return year >= 1950 && year < 2050 ? tlv(TAG.UTC_TIME, Buffer.from(iso.slice(2), 'ascii')) : tlv(TAG.GENERALIZED_TIME, Buffer.from(iso, 'ascii'));
}
