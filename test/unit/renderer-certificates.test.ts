/**
 * The window's side of trust: the certificates overview's rows and words
 * (renderer/src/certificates/inventory-view.ts), CRL files picked in the
 * connection form (PEM, DER, refused otherwise), and the revocation settings
 * coming back unchanged through the form.
 */
import { describe, expect, it } from 'vitest';
import { createProfile, ProfileSettingsSchema } from '../../shared/profiles';
import type { InventoryEntry } from '../../shared/trust';
import { pickCrlFile } from '../../renderer/src/certificates/crl-files';
import { daysClass, daysText, revocationText, useText, visibleEntries } from '../../renderer/src/certificates/inventory-view';
import { initialState, toSettings } from '../../renderer/src/connections/form-state';

function entry(extra: Partial<InventoryEntry>): InventoryEntry {
  return {
    fingerprint256: 'AA',
    subject: 'CN=x',
    issuer: 'CN=ca',
    serialNumber: '01',
    notBefore: null,
    notAfter: null,
    daysLeft: 100,
    expiry: 'ok',
    keyType: 'RSA',
    keyBits: 2048,
    signatureAlgorithm: 'sha256WithRSAEncryption',
    isCA: false,
    selfSigned: false,
    uses: [{ connectionId: 'a', connectionName: 'Plant A', role: 'broker', seenAt: 1 }],
    revocation: null,
    findings: [],
    ...extra,
  };
}

describe('certificates overview rows', () => {
  it('shows all rows, or only those with findings, in the inventory order', () => {
    const rows = [entry({ fingerprint256: '1', findings: [{ code: 'expired', level: 'insecure', message: 'x' }] }), entry({ fingerprint256: '2' })];
    expect(visibleEntries(rows, 'all').map((r) => r.fingerprint256)).toEqual(['1', '2']);
    expect(visibleEntries(rows, 'attention').map((r) => r.fingerprint256)).toEqual(['1']);
  });

  it('says days left, expired and unreadable, coloured with the expiry classes', () => {
    expect([daysText(entry({ daysLeft: 12, expiry: 'expiring' })), daysClass(entry({ expiry: 'expiring' }))]).toEqual(['12 d', 'expiry expiry-expiring']);
    expect(daysText(entry({ daysLeft: -3, expiry: 'expired' }))).toBe('expired 3 d ago');
    expect(daysText(entry({ daysLeft: 300, expiry: 'not_yet_valid' }))).toBe('not yet valid');
    expect([daysText(entry({ daysLeft: null, expiry: null })), daysClass(entry({ expiry: null }))]).toEqual(['unreadable', 'expiry expiry-unreadable']);
  });

  it('names uses and revocation in words', () => {
    expect(useText({ connectionId: 'a', connectionName: 'Plant A', role: 'broker-chain', seenAt: 1 })).toBe("Plant A: CA of the broker's chain");
    expect(revocationText(entry({}))).toBe('not checked');
    expect(revocationText(entry({ revocation: { status: 'revoked', source: 'ocsp', checkedAt: 1, detail: 'd' } }))).toBe('REVOKED');
  });
});

describe('CRL files in the connection form', () => {
  const der = Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x01]);
  it('takes DER (wrapped in PEM) and PEM, and keeps their names', () => {
    const first = pickCrlFile('ca.crl', der, 0);
    expect(first.refused).toBeNull();
    expect(first.taken?.text).toMatch(/^-----BEGIN X509 CRL-----\nMAMCAQE=\n-----END X509 CRL-----\n$/);
    expect(pickCrlFile('ca.pem', new TextEncoder().encode(first.taken?.text), 0).taken?.name).toBe('ca.pem');
  });

  it('refuses what is not a CRL, and a fifth file', () => {
    expect(pickCrlFile('notes.txt', new TextEncoder().encode('hello'), 0).refused).toMatchObject({ code: 'crl_file_refused', message: 'notes.txt was not added. It is neither a PEM nor a DER certificate revocation list.' });
    expect(pickCrlFile('cert.pem', new TextEncoder().encode('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'), 0).refused?.message).toMatch(/neither a PEM nor a DER certificate revocation list/);
    expect(pickCrlFile('five.crl', der, 4).refused?.message).toMatch(/at most 4 CRL files/);
  });

  it('brings a connection\'s CRL files and hard fail back unchanged through the form', () => {
    const crl = pickCrlFile('ca.crl', der, 0).taken?.text as string;
    const settings = ProfileSettingsSchema.parse({ name: 'A', url: 'mqtts://a:8883', tls: { revocation: { crls: [crl], hardFail: true } } });
    const back = ProfileSettingsSchema.parse(toSettings(initialState(createProfile(settings, 'a'))));
    expect(back.tls.revocation).toEqual({ crls: [crl], hardFail: true });
  });
});
