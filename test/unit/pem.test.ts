/**
 * The PEM scanner on sound and hostile text. The work bound is asserted on
 * the scanner's own step count (characters covered by its searches and
 * marker checks), not on time: 4 MB of each adversarial shape costs at most a
 * small multiple of its length, and four times the input costs four times
 * the work. A scanner that searched to the end of the text from every BEGIN
 * line (what a lazy regular expression does) would count quadratically many
 * steps here and fail.
 */
import { describe, expect, it } from 'vitest';
import { inspectBundle } from '../../electron/core/certificates/bundle';
import { ImportSummarySchema } from '../../shared/certificates';
import { pemBase64, scanPem } from '../../shared/pem';

const MB = 1024 * 1024;

/** `unit` repeated to `bytes` characters. */
const fill = (unit: string, bytes: number) => unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);

/** Shapes that make naive PEM matching quadratic, or that a scanner could trip over. */
const ADVERSARIAL: Record<string, (bytes: number) => string> = {
  'unterminated BEGIN lines': (n) => fill('-----BEGIN CERTIFICATE-----\n', n),
  'BEGIN lines without their closing dashes': (n) => fill('-----BEGIN CERTIFICATE\n', n),
  'nested BEGIN markers closed by one END': (n) => fill('-----BEGIN A-----\n-----BEGIN B-----\nQUFB\n', n - 20) + '-----END A-----\n',
  'mismatched END lines': (n) => fill('-----BEGIN CERTIFICATE-----\nQUFB\n-----END PRIVATE KEY-----\n', n),
  'huge base64 without END': (n) => '-----BEGIN CERTIFICATE-----\n' + fill('QUFBQUFBQUFB\n', n - 28),
  'END lines only': (n) => fill('-----END CERTIFICATE-----\n', n),
  'dashes only': (n) => fill('-', n),
  'marker prefixes in a run': (n) => fill('-----BEGIN -----END ', n),
  'a label longer than any real one': (n) => '-----BEGIN ' + fill('A', n - 11),
  'many tiny blocks': (n) => fill('-----BEGIN X-----\nAA==\n-----END X-----\n', n),
};

describe('scanPem', () => {
  it('finds each block with its label and body, in order, skipping the text around them', () => {
    const text = 'Bag Attributes: friendlyName: device\n-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\nnotes\n-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n\nREVG\n-----END EC PRIVATE KEY-----\n';
    const scan = scanPem(text);
    expect(scan.blocks.map((b) => b.label)).toEqual(['CERTIFICATE', 'EC PRIVATE KEY']);
    expect(scan.blocks[0]?.text).toBe('-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----');
    expect(scan.blocks.map((b) => Buffer.from(pemBase64(b), 'base64').toString())).toEqual(['ABC', 'DEF']);
    expect(scan).toMatchObject({ unterminated: 0, truncated: false });
  });

  it('reports a BEGIN line cut off by the next block or by another END line, and reads on', () => {
    const cut = scanPem('-----BEGIN CERTIFICATE-----\nQUJD\n-----BEGIN PRIVATE KEY-----\nREVG\n-----END PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\nQUJD');
    expect(cut.blocks.map((b) => b.label)).toEqual(['PRIVATE KEY']);
    expect(cut).toMatchObject({ unterminated: 2, firstUnterminated: 'CERTIFICATE' });
    const mismatched = scanPem('-----BEGIN CERTIFICATE-----\nQUJD\n-----END PRIVATE KEY-----\n-----BEGIN X-----\nQQ==\n-----END X-----');
    expect(mismatched.blocks.map((b) => b.label)).toEqual(['X']);
    expect(mismatched.unterminated).toBe(1);
  });

  it('stops after maxBlocks and says so', () => {
    const scan = scanPem(fill('-----BEGIN X-----\nAA==\n-----END X-----\n', 4000), 10);
    expect(scan.blocks).toHaveLength(10);
    expect(scan.truncated).toBe(true);
  });

  it.each(Object.keys(ADVERSARIAL))('does work linear in the input on 4 MB of %s', (shape) => {
    const make = ADVERSARIAL[shape] as (bytes: number) => string;
    const small = scanPem(make(1 * MB));
    const large = scanPem(make(4 * MB));
    expect(large.steps).toBeLessThanOrEqual(4 * 4 * MB);
    expect(large.steps).toBeLessThanOrEqual(4.2 * small.steps);
  });
});

describe('inspectBundle on hostile PEM', () => {
  it('reads 4 MB of unterminated and nested markers into one warning and a clear error, never a crash', () => {
    for (const shape of ['unterminated BEGIN lines', 'nested BEGIN markers closed by one END', 'huge base64 without END', 'many tiny blocks']) {
      const make = ADVERSARIAL[shape] as (bytes: number) => string;
      const { summary, material } = inspectBundle([{ name: 'hostile.pem', bytes: Buffer.from(make(4 * MB)) }]);
      expect(ImportSummarySchema.safeParse({ ...summary, importId: null }).success).toBe(true);
      expect(material).toBeNull();
      // A few findings of each kind, however many markers: the summary stays small.
      expect(summary.warnings.length + summary.errors.length).toBeLessThanOrEqual(12);
    }
  });

  it('words a truncated file as such, and still uses the blocks before the cut', () => {
    const { summary } = inspectBundle([{ name: 'cut.pem', bytes: Buffer.from(fill('-----BEGIN CERTIFICATE-----\n', 4 * MB)) }]);
    expect(summary.warnings.map((w) => w.code)).toEqual(['pem_unterminated']);
    expect(summary.warnings[0]?.message).toMatch(/^cut\.pem has \d+ "BEGIN CERTIFICATE" lines without a matching END line/);
  });

  it('stops at the item limit of an import with one error', () => {
    const { summary } = inspectBundle([{ name: 'blocks.pem', bytes: Buffer.from(fill('-----BEGIN X-----\nAA==\n-----END X-----\n', 4 * MB)) }]);
    expect(summary.errors.map((e) => e.code)).toEqual(['import_too_many_items']);
  });
});
