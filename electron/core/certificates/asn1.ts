/**
 * Minimal DER: enough to read PKCS#12 containers and to write the X.509
 * certificates the demo and the tests issue. Node's crypto reads and writes
 * keys itself; it has no API for either of these.
 */

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

// ---------------------------------------------------------------- reading

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

export class Asn1Error extends Error {}

export function readNode(input: Buffer, offset = 0): Node {
  if (offset + 2 > input.length) throw new Asn1Error('truncated DER');
  const tag = input[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw new Asn1Error('high tag numbers are not supported');
  let length = input[offset + 1] as number;
  let header = 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4) throw new Asn1Error('unsupported DER length');
    if (offset + 2 + bytes > input.length) throw new Asn1Error('truncated DER length');
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + (input[offset + 2 + i] as number);
    header += bytes;
  }
  const end = offset + header + length;
  if (end > input.length) throw new Asn1Error('DER length beyond the input');
  return {
    tag,
    start: offset,
    value: input.subarray(offset + header, end),
    raw: input.subarray(offset, end),
    constructed: (tag & 0x20) !== 0,
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

export function decodeOid(value: Buffer): string {
  const first = value[0] ?? 0;
  const parts = [Math.floor(first / 40), first % 40];
  let n = 0;
  for (let i = 1; i < value.length; i++) {
    const byte = value[i] as number;
    n = n * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(n);
      n = 0;
    }
  }
  return parts.join('.');
}

export function decodeInteger(value: Buffer): number {
  let n = 0;
  for (const byte of value) n = n * 256 + byte;
  return n;
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
