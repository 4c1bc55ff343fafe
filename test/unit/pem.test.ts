/**
 * PEM text (issue 10.3 and 10.4): the scanner on sound and hostile text, the
 * certificate-field rule and the profile schemas built on it, with keys in
 * every PEM form OpenSSL writes, generated at run time. The scanner's work
 * bound is asserted on its own step count (characters covered by its
 * searches and marker checks), not on time: 4 MB of each adversarial shape
 * costs at most a small multiple of its length, and four times the input
 * costs four times the work. A scanner that searched to the end of the text
 * from every BEGIN line (what a lazy regular expression does) would count
 * quadratically many steps here and fail.
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inspectBundle } from '../../electron/core/certificates/bundle';
import { createDemoPki } from '../../electron/core/demo/demo-broker';
import { ImportSummarySchema } from '../../shared/certificates';
import { certificateFieldProblem, joinCertificates, pemBase64, readCertificateField, scanPem } from '../../shared/pem';
import { ProfileSettingsDraftSchema, ProfileSettingsSchema } from '../../shared/profiles';

const pki = createDemoPki();
const cert = pki.operator.certificate;
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const keyForms = {
  pkcs8: pki.operator.key,
  encryptedPkcs8: rsa.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }) as string,
  pkcs1: rsa.export({ type: 'pkcs1', format: 'pem' }) as string,
  sec1: createPrivateKey(pki.operator.key).export({ type: 'sec1', format: 'pem' }) as string,
};

describe('PEM scanner', () => {
  it('finds every block with its label, in order, and ignores the text around them', () => {
    const text = `Bag Attributes\n    friendlyName: device\nsubject=/CN=device\n${cert}\n${keyForms.sec1}trailing words`;
    const { blocks, unterminated } = scanPem(text);
    expect(blocks.map((b) => b.label)).toEqual(['CERTIFICATE', 'EC PRIVATE KEY']);
    expect(blocks[0]?.text).toBe(cert.trim());
    expect(unterminated).toBeNull();
  });

  it('reports a block that begins and never ends', () => {
    const cut = keyForms.pkcs8.slice(0, 80);
    expect(scanPem(`${cert}${cut}`)).toMatchObject({ blocks: [{ label: 'CERTIFICATE' }], unterminated: 'PRIVATE KEY' });
  });

  it('does not take malformed BEGIN lines for blocks', () => {
    expect(scanPem('-----BEGIN lower case-----\nx\n-----END lower case-----').blocks).toEqual([]);
    expect(scanPem(`-----BEGIN ${'A'.repeat(100)}-----\nx\n-----END ${'A'.repeat(100)}-----`).blocks).toEqual([]);
    expect(scanPem('-----BEGIN CERTIFICATE').unterminated).toBeNull();
  });
});

describe('certificate fields', () => {
  it('recognises a private key in every form OpenSSL writes', () => {
    for (const [form, key] of Object.entries(keyForms)) {
      expect(readCertificateField(`${cert}${key}`).privateKeys, form).toEqual([key.trim()]);
    }
  });

  it('accepts certificates alone in every field', () => {
    for (const field of ['ca', 'client', 'saved'] as const) expect(certificateFieldProblem(`${pki.ca}${cert}`, field)).toBeNull();
  });

  it('lets a client certificate file bring its one key, and refuses a key anywhere else with the fix', () => {
    const combined = `${cert}${keyForms.pkcs1}`;
    expect(certificateFieldProblem(combined, 'client')).toBeNull();
    expect(certificateFieldProblem(combined, 'ca')).toMatch(/CA file also holds a private key.*Pick the CA certificate file itself/);
    expect(certificateFieldProblem(combined, 'saved')).toMatch(/private key.*OS keychain/);
    expect(certificateFieldProblem(`${combined}${keyForms.pkcs8}`, 'client')).toMatch(/2 private keys/);
  });

  it('refuses a cut-off key, other blocks and text without a certificate', () => {
    expect(certificateFieldProblem(`${cert}${keyForms.pkcs8.slice(0, 60)}`, 'client')).toMatch(/"PRIVATE KEY" block begins but never ends/);
    expect(certificateFieldProblem(`${cert}-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n`, 'ca')).toMatch(/"X509 CRL" block/);
    expect(certificateFieldProblem(keyForms.pkcs8, 'client')).toMatch(/Expected one or more PEM certificates/);
  });

  it('joins certificate blocks as they are saved', () => {
    const { certificates } = readCertificateField(`${pki.ca}junk\n${cert}${keyForms.pkcs8}`);
    expect(joinCertificates(certificates)).toBe(`${pki.ca.trim()}\n${cert.trim()}\n`);
  });
});

describe('profile schemas', () => {
  const settings = (tls: object) => ({ name: 'x', url: 'mqtts://h', tls });

  it('never keep a private key in a saved connection', () => {
    expect(ProfileSettingsSchema.safeParse(settings({ clientCertificate: `${cert}${keyForms.pkcs8}` })).success).toBe(false);
    expect(ProfileSettingsSchema.safeParse(settings({ ca: [`${pki.ca}${keyForms.sec1}`] })).success).toBe(false);
    expect(ProfileSettingsSchema.safeParse(settings({ ca: [pki.ca], clientCertificate: cert })).success).toBe(true);
  });

  it('let the form send a client certificate with its key, never a CA with one', () => {
    expect(ProfileSettingsDraftSchema.parse(settings({ clientCertificate: `${cert}${keyForms.pkcs8}` })).tls.clientCertificate).toContain('PRIVATE KEY');
    const ca = ProfileSettingsDraftSchema.safeParse(settings({ ca: [`${pki.ca}${keyForms.sec1}`] }));
    expect(ca.error?.issues[0]).toMatchObject({ path: ['tls', 'ca', 0], message: expect.stringMatching(/CA file also holds a private key/) });
  });
});

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

describe('PEM scanner on hostile text', () => {
  it('gives each block its body, headers and base64 apart', () => {
    const text = 'Bag Attributes: friendlyName: device\n-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\nnotes\n-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n\nREVG\n-----END EC PRIVATE KEY-----\n';
    const scan = scanPem(text);
    expect(scan.blocks.map((b) => b.label)).toEqual(['CERTIFICATE', 'EC PRIVATE KEY']);
    expect(scan.blocks[0]?.text).toBe('-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----');
    expect(scan.blocks.map((b) => Buffer.from(pemBase64(b), 'base64').toString())).toEqual(['ABC', 'DEF']);
    expect(scan).toMatchObject({ unterminated: null, unterminatedCount: 0, truncated: false });
  });

  it('cuts a block at the next marker of any kind, and reads on: a key after a broken block is still a key', () => {
    const cut = scanPem('-----BEGIN CERTIFICATE-----\nQUJD\n-----BEGIN PRIVATE KEY-----\nREVG\n-----END PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\nQUJD');
    expect(cut.blocks.map((b) => b.label)).toEqual(['PRIVATE KEY']);
    expect(cut).toMatchObject({ unterminated: 'CERTIFICATE', unterminatedCount: 2 });
    const mismatched = scanPem('-----BEGIN CERTIFICATE-----\nQUJD\n-----END PRIVATE KEY-----\n-----BEGIN X-----\nQQ==\n-----END X-----');
    expect(mismatched.blocks.map((b) => b.label)).toEqual(['X']);
    expect(mismatched.unterminatedCount).toBe(1);
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
