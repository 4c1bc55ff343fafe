/**
 * The ASN.1 reader's two modes: strict DER wherever DER is required
 * (minimal lengths, minimal integers, minimal OID arcs, no indefinite
 * lengths), and BER only through readBer, which the PKCS#12 reader uses for
 * the layers exporters really write in BER. Each case is a byte string an
 * encoder could produce, so a lenient reader would let two encodings of one
 * value through.
 */
import { describe, expect, it } from 'vitest';
import { Asn1Error, children, decodeOid, int, octets, oid, readBer, readNode, readSmallInteger, seq, tlv, TAG } from '../../electron/core/certificates/asn1';

const bytes = (hex: string) => Buffer.from(hex.replace(/\s+/g, ''), 'hex');

function refused(run: () => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(Asn1Error);
  expect((caught as Error).message).toMatch(message);
}

describe('DER lengths', () => {
  it('reads the short form and the minimal long form', () => {
    expect(readNode(bytes('04 03 010203')).value).toEqual(bytes('010203'));
    const long = Buffer.concat([bytes('04 81 80'), Buffer.alloc(128, 7)]);
    expect(readNode(long).value.length).toBe(128);
    expect(readNode(Buffer.concat([bytes('04 82 0100'), Buffer.alloc(256)])).value.length).toBe(256);
  });

  it('refuses a long form for a length under 128, and a long form with a leading zero byte', () => {
    refused(() => readNode(bytes('04 81 03 010203')), /non-minimal length/);
    refused(() => readNode(Buffer.concat([bytes('04 82 0080'), Buffer.alloc(128)])), /non-minimal length/);
  });

  it('refuses an indefinite length, and lengths beyond the input or beyond 4 bytes', () => {
    refused(() => readNode(bytes('30 80 0500 0000')), /indefinite length/);
    refused(() => readNode(bytes('04 05 0102')), /beyond the input/);
    refused(() => readNode(bytes('04 85 0000000001 00')), /unsupported ASN.1 length/);
    refused(() => readNode(bytes('04')), /truncated/);
  });

  it('applies to every child of a constructed value', () => {
    refused(() => children(readNode(bytes('30 05 04 81 01 41 00'))), /non-minimal length/);
  });
});

describe('INTEGER and OBJECT IDENTIFIER contents', () => {
  it('reads small non-negative integers and refuses padded, negative, empty and huge ones', () => {
    expect(readSmallInteger(readNode(int(2048)), 'n')).toBe(2048);
    expect(readSmallInteger(readNode(bytes('02 02 0080')), 'n')).toBe(128);
    expect(readSmallInteger(readNode(bytes('02 01 00')), 'n')).toBe(0);
    refused(() => readSmallInteger(readNode(bytes('02 02 0005')), 'n'), /not minimally encoded/);
    refused(() => readSmallInteger(readNode(bytes('02 03 000800')), 'the iteration count'), /iteration count is not minimally encoded/);
    refused(() => readSmallInteger(readNode(bytes('02 02 ff85')), 'n'), /not minimally encoded/);
    refused(() => readSmallInteger(readNode(bytes('02 01 85')), 'n'), /negative/);
    refused(() => readSmallInteger(readNode(bytes('02 00')), 'n'), /empty/);
    refused(() => readSmallInteger(readNode(bytes('02 07 01000000000000')), 'n'), /out of range/);
    refused(() => readSmallInteger(readNode(bytes('04 01 05')), 'n'), /expected n/);
  });

  it('decodes object identifiers exactly, including a multi-byte first arc and arcs beyond 2^53', () => {
    expect(decodeOid(readNode(oid('1.2.840.113549.1.12.10.1.3')).value)).toBe('1.2.840.113549.1.12.10.1.3');
    expect(decodeOid(bytes('8837'))).toBe('2.999');
    expect(decodeOid(bytes('00'))).toBe('0.0');
    // 2.25.<UUID as an integer>: 128-bit arcs exist in the wild.
    const uuid = 0xf81d4fae7dec11d0a76500a0c91e6bf6n;
    const arc: number[] = [];
    for (let n = uuid; n > 0n; n >>= 7n) arc.unshift(Number(n & 0x7fn) | (arc.length ? 0x80 : 0));
    expect(decodeOid(Buffer.from([0x69, ...arc]))).toBe(`2.25.${uuid}`);
  });

  it('refuses an arc padded with 0x80, a truncated last arc, and an empty identifier', () => {
    // 1.2.840 written with a redundant leading 0x80 on its third arc.
    refused(() => decodeOid(bytes('2a 80 86 48')), /non-minimal OBJECT IDENTIFIER arc/);
    refused(() => decodeOid(bytes('80 2a')), /non-minimal OBJECT IDENTIFIER arc/);
    refused(() => decodeOid(bytes('2a 86')), /truncated OBJECT IDENTIFIER/);
    refused(() => decodeOid(Buffer.alloc(0)), /empty OBJECT IDENTIFIER/);
  });
});

describe('BER, only through readBer', () => {
  const der = seq(oid('1.2.840.113549.1.7.1'), octets(Buffer.alloc(100, 0x41)), int(3));

  it('re-encodes indefinite lengths, non-minimal lengths and chunked strings as the DER of the same value', () => {
    const ber = Buffer.concat([
      bytes('30 80'),
      oid('1.2.840.113549.1.7.1'),
      bytes('24 80'),
      tlv(TAG.OCTET_STRING, Buffer.alloc(60, 0x41)),
      bytes('04 81 28'),
      Buffer.alloc(40, 0x41),
      bytes('0000'),
      int(3),
      bytes('0000'),
    ]);
    expect(readBer(ber, 'the value').raw).toEqual(der);
    refused(() => readNode(ber), /indefinite length/);
  });

  it('still judges integers and identifiers strictly, and refuses what BER does not allow either', () => {
    refused(() => readSmallInteger(children(readBer(bytes('30 80 02 02 0003 0000'), 'v'))[0], 'n'), /not minimally encoded/);
    refused(() => readBer(bytes('04 80 41 0000'), 'v'), /indefinite length on a primitive/);
    refused(() => readBer(bytes('30 80 0500'), 'v'), /unterminated indefinite length/);
    refused(() => readBer(bytes('24 80 0c 01 41 0000'), 'v'), /chunked string holds another type/);
    refused(() => readBer(Buffer.concat([der, bytes('00')]), 'the value'), /trailing bytes after the value/);
    const deep = Buffer.concat([Buffer.alloc(200, 0x30).map((b, i) => (i % 2 ? 0x80 : b)), Buffer.alloc(200)]);
    refused(() => readBer(deep, 'v'), /nested too deeply/);
  });
});
