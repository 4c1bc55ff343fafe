/**
 * Describing a certificate never throws: a malformed field is shown as
 * unreadable with its reason, and reading bytes that are no certificate fails
 * only with the module's own CertificateReadError. The fuzz cases are seeded
 * and bounded, so a failure reproduces from its seed.
 */
import { describe, expect, it } from 'vitest';
import { CertificateSummarySchema } from '../../shared/security';
import { TAG, tlv } from '../../electron/core/certificates/asn1';
import { CertificateReadError, describeCertificate, parsePemCertificates, readCertificate, summarize, UNREADABLE } from '../../electron/core/certificates/x509';
import { pinMatches } from '../../electron/core/tls/inspect';
import { certificateWithBadNotBefore, resignValidity, selfSignedServer } from '../fixtures/malformed';
import { seededRandom } from '../support/random';

describe('a certificate with a malformed validity time', () => {
  const bad = certificateWithBadNotBefore();

  it('is described, with notBefore unreadable and every other field read', () => {
    const summary = describeCertificate(readCertificate(bad.der));
    expect(CertificateSummarySchema.parse(summary)).toEqual(summary);
    expect(summary.notBefore).toBeNull();
    expect(summary.unreadable).toEqual([{ field: 'notBefore', reason: expect.stringMatching(/malformed time/) }]);
    expect(summary.subject).toContain('CN=localhost');
    expect(summary.notAfter).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(summary.keyType).toBe('EC P-256');
  });

  it('is refused by summarize (the importer needs every field) with the module error naming the field', () => {
    const error = (() => {
      try {
        summarize(readCertificate(bad.pem));
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(CertificateReadError);
    expect((error as CertificateReadError).unreadable.map((u) => u.field)).toEqual(['notBefore']);
  });
});

describe('reading certificates', () => {
  it('fails with CertificateReadError, not a Node error, on bytes that are no certificate', () => {
    expect(() => readCertificate(Buffer.from('not a certificate'))).toThrow(CertificateReadError);
    expect(() => parsePemCertificates('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')).toThrow(CertificateReadError);
  });
});

describe('fuzzing the certificate description (seeded, bounded)', () => {
  const { issued: base, keys } = selfSignedServer('fuzz.example', 'Fuzz');

  function mutate(random: () => number): Buffer {
    const pick = (n: number) => Math.floor(random() * n);
    switch (pick(4)) {
      case 0: {
        // Random validity contents and tags: most are not times at all.
        const junk = () => {
          const tag = [TAG.UTC_TIME, TAG.GENERALIZED_TIME, TAG.UTF8_STRING, TAG.INTEGER][pick(4)] as number;
          const bytes = Buffer.from(Array.from({ length: pick(20) }, () => (random() < 0.7 ? 0x30 + pick(10) : pick(256))));
          return tlv(tag, bytes);
        };
        return resignValidity(base, keys.privateKey, (nb, na) => [random() < 0.7 ? junk() : nb, random() < 0.7 ? junk() : na]);
      }
      case 1: {
        const out = Buffer.from(base.der);
        for (let i = 1 + pick(4); i > 0; i--) out[pick(out.length)] = pick(256);
        return out;
      }
      case 2:
        return base.der.subarray(0, pick(base.der.length));
      default: {
        const at = pick(base.der.length);
        return Buffer.concat([base.der.subarray(0, at), Buffer.from([pick(256), pick(256)]), base.der.subarray(at)]);
      }
    }
  }

  it('describes every readable mutant and lets only CertificateReadError escape', () => {
    const random = seededRandom(0x5eed_0010);
    let described = 0;
    let unreadableFields = 0;
    let refused = 0;
    for (let i = 0; i < 400; i++) {
      const der = mutate(random);
      let cert;
      try {
        cert = readCertificate(der);
      } catch (error) {
        expect(error, `case ${i}`).toBeInstanceOf(CertificateReadError);
        refused++;
        continue;
      }
      const summary = describeCertificate(cert);
      expect(CertificateSummarySchema.safeParse(summary).success, `case ${i}`).toBe(true);
      for (const u of summary.unreadable) expect(u.reason.length).toBeGreaterThan(0);
      if (summary.unreadable.length) {
        unreadableFields++;
        expect(() => summarize(cert)).toThrow(CertificateReadError);
      }
      if (summary.subject === UNREADABLE) expect(summary.unreadable.map((u) => u.field)).toContain('subject');
      expect(() => pinMatches([cert], ['sha256:00'])).not.toThrow();
      described++;
    }
    // The mutations reach all three outcomes, or this test proves nothing.
    expect(described).toBeGreaterThan(40);
    expect(unreadableFields).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(40);
  });
});
