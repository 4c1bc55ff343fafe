/**
 * Certificate fields hold certificates only (issue 10.3): the PEM scanner, the
 * field rule and the profile schemas built on it, with keys in every PEM form
 * OpenSSL writes. Keys and certificates are generated at run time.
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { certificateFieldProblem, joinCertificates, readCertificateField, scanPem } from '../../shared/pem';
import { ProfileSettingsDraftSchema, ProfileSettingsSchema } from '../../shared/profiles';
import { createDemoPki } from '../../electron/core/demo/demo-broker';

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
