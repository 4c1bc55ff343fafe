/**
 * The OCSP and CRL readers against what `openssl ocsp` and `openssl ca
 * -gencrl` produce (a PKI made at test time): the requests we build are
 * answered, and an answer is believed only when it is authentic (signed by
 * the CA or a responder it authorised for OCSP signing), about this
 * certificate, current, and carries our nonce when it carries one. Every
 * refusal says why, for the operator.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readCertificateFields, type CertificateFields } from '../../electron/core/trust/certificate-fields';
import { readCrl } from '../../electron/core/trust/crl';
import { buildOcspRequest, readOcspResponse } from '../../electron/core/trust/ocsp';
import { isWeakSignature, signatureName } from '../../electron/core/trust/signatures';
import { createRevocationPki, openssl, type RevocationPki } from '../fixtures/revocation-pki';
import { tempDir } from '../support/backend';

let pki: RevocationPki;
let inter: CertificateFields;
let root: CertificateFields;
const leaf = (name: string) => readCertificateFields(pki.leaves[name]!.der);
const HOUR = 3_600_000;

beforeAll(() => {
  pki = createRevocationPki(tempDir('answers'), {
    rootCrlUrl: 'http://127.0.0.1:1/root.crl',
    leaves: [
      { name: 'good', ocsp: 'http://127.0.0.1:1/ocsp', crl: 'http://127.0.0.1:1/inter.crl' },
      { name: 'revoked', ocsp: 'http://127.0.0.1:1/ocsp', revoke: 'keyCompromise' },
      { name: 'unknown', outsideDatabase: true },
      { name: 'notResponder', eku: 'serverAuth', cn: 'Not A Responder' },
    ],
  });
  inter = readCertificateFields(pki.intermediate.der);
  root = readCertificateFields(pki.root.der);
}, 60_000);

describe('certificate fields', () => {
  it('reads where a certificate publishes its revocation, its usages and its signature algorithm', () => {
    const good = leaf('good');
    expect(good.ocspUrls).toEqual(['http://127.0.0.1:1/ocsp']);
    expect(good.crlUrls).toEqual(['http://127.0.0.1:1/inter.crl']);
    expect(good.isCA).toBe(false);
    expect(inter.isCA).toBe(true);
    expect(inter.crlUrls).toEqual(['http://127.0.0.1:1/root.crl']);
    expect(readCertificateFields(pki.responder.der).extendedKeyUsage).toEqual(['1.3.6.1.5.5.7.3.9']);
    expect(signatureName(good.signatureAlgorithm)).toBe('ecdsa-with-SHA256');
    expect(isWeakSignature(good.signatureAlgorithm)).toBe(false);
  });

  it('names SHA-1 signatures weak', () => {
    const dir = tempDir('sha1');
    openssl(['req', '-x509', '-newkey', 'rsa:1024', '-nodes', '-keyout', `${dir}/k.pem`, '-out', `${dir}/c.pem`, '-subj', '/CN=old', '-sha1', '-days', '2']);
    const der = openssl(['x509', '-in', `${dir}/c.pem`, '-outform', 'DER']);
    const fields = readCertificateFields(der);
    expect(signatureName(fields.signatureAlgorithm)).toBe('sha1WithRSAEncryption');
    expect(isWeakSignature(fields.signatureAlgorithm)).toBe(true);
  });
});

describe('OCSP', () => {
  it('our request is understood by openssl, and its answers read as good, revoked (with the reason) and unknown', () => {
    const now = Date.now();
    for (const [name, status] of [
      ['good', 'good'],
      ['revoked', 'revoked'],
      ['unknown', 'unknown'],
    ] as const) {
      const cert = leaf(name);
      const request = buildOcspRequest(cert, inter);
      const answer = readOcspResponse(pki.ocspResponse(request.der), { cert, issuer: inter, nonce: request.nonce, now });
      expect(answer.status).toBe(status);
      expect(answer.nextUpdate! - answer.thisUpdate).toBe(HOUR);
      if (status === 'revoked') expect(answer).toMatchObject({ reason: 'keyCompromise' });
    }
  });

  it('accepts a response signed by the CA itself as well as by its delegated responder', () => {
    const cert = leaf('good');
    const request = buildOcspRequest(cert, inter);
    expect(readOcspResponse(pki.ocspResponse(request.der, { signer: pki.intermediate }), { cert, issuer: inter, nonce: request.nonce, now: Date.now() }).status).toBe('good');
  });

  it('refuses a response signed by a certificate of the CA that may not sign OCSP (no OCSPSigning usage)', () => {
    const cert = leaf('good');
    const request = buildOcspRequest(cert, inter);
    const forged = pki.ocspResponse(request.der, { signer: pki.leaves.notResponder });
    expect(() => readOcspResponse(forged, { cert, issuer: inter, nonce: request.nonce, now: Date.now() })).toThrow(/not authorised for OCSP signing/);
  });

  it('refuses a response signed by a responder of another CA', () => {
    const other = createRevocationPki(tempDir('other-ca'));
    const cert = leaf('good');
    const request = buildOcspRequest(cert, inter);
    const response = pki.ocspResponse(request.der, { signer: other.responder });
    expect(() => readOcspResponse(response, { cert, issuer: inter, nonce: request.nonce, now: Date.now() })).toThrow(/not signed by the certificate's CA|did not issue|neither/);
  });

  it('refuses a response whose signature does not verify', () => {
    const cert = leaf('good');
    const request = buildOcspRequest(cert, inter);
    const response = Buffer.from(pki.ocspResponse(request.der, { signer: pki.intermediate, noCerts: true }));
    expect(readOcspResponse(response, { cert, issuer: inter, nonce: request.nonce, now: Date.now() }).status).toBe('good');
    // With no certificate attached, the ECDSA signature is the last bytes of the response.
    response[response.length - 3] = (response[response.length - 3] as number) ^ 0x01;
    expect(() => readOcspResponse(response, { cert, issuer: inter, nonce: request.nonce, now: Date.now() })).toThrow(/signature|malformed/);
  });

  it('refuses a response carrying another nonce (a replay), and takes a stapled one without a nonce', () => {
    const cert = leaf('good');
    const request = buildOcspRequest(cert, inter);
    const response = pki.ocspResponse(request.der);
    expect(() => readOcspResponse(response, { cert, issuer: inter, nonce: Buffer.alloc(16, 7), now: Date.now() })).toThrow(/another nonce/);
    expect(readOcspResponse(response, { cert, issuer: inter, nonce: null, now: Date.now() }).status).toBe('good');
  });

  it('refuses a response that is out of date, or about another certificate', () => {
    const cert = leaf('good');
    const request = buildOcspRequest(cert, inter);
    const response = pki.ocspResponse(request.der);
    expect(() => readOcspResponse(response, { cert, issuer: inter, nonce: request.nonce, now: Date.now() + 2 * HOUR })).toThrow(/out of date/);
    // Two hours back the responder's own certificate (issued now) is not valid yet.
    expect(() => readOcspResponse(response, { cert, issuer: inter, nonce: request.nonce, now: Date.now() - 2 * HOUR })).toThrow(/responder's certificate is not valid now/);
    expect(() => readOcspResponse(response, { cert: leaf('revoked'), issuer: inter, nonce: request.nonce, now: Date.now() })).toThrow(/does not cover this certificate/);
  });

  it('says what an error status and garbage are', () => {
    const cert = leaf('good');
    const tryLater = Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x03]);
    expect(() => readOcspResponse(tryLater, { cert, issuer: inter, nonce: null, now: Date.now() })).toThrow(/"tryLater"/);
    expect(() => readOcspResponse(Buffer.from('<html>not found</html>'), { cert, issuer: inter, nonce: null, now: Date.now() })).toThrow(/malformed/);
  });
});

describe('CRL', () => {
  it('finds the revoked certificate with its reason, and none for a good one', () => {
    const crl = pki.intermediateCrl();
    expect(readCrl(crl, { cert: leaf('revoked'), issuer: inter, now: Date.now() })).toMatchObject({ status: 'revoked', reason: 'keyCompromise' });
    expect(readCrl(crl, { cert: leaf('good'), issuer: inter, now: Date.now() }).status).toBe('good');
    expect(readCrl(pki.rootCrl(), { cert: inter, issuer: root, now: Date.now() }).status).toBe('good');
  });

  it("refuses a CRL of another CA as not this certificate's, without judging it", () => {
    expect(() => readCrl(pki.rootCrl(), { cert: leaf('good'), issuer: inter, now: Date.now() })).toThrow(expect.objectContaining({ kind: 'other-issuer' }));
  });

  it('refuses a tampered CRL, one past its nextUpdate, and one from the future', () => {
    const crl = Buffer.from(pki.intermediateCrl(1));
    expect(() => readCrl(crl, { cert: leaf('good'), issuer: inter, now: Date.now() + 3 * HOUR })).toThrow(/out of date/);
    expect(() => readCrl(crl, { cert: leaf('good'), issuer: inter, now: Date.now() - HOUR })).toThrow(/issued in the future.*clock/);
    // Flip a byte inside the signed part (the issuer name's text): the signature no longer covers it.
    const at = crl.indexOf(Buffer.from('Revocation Test Intermediate'));
    crl[at] = 'X'.charCodeAt(0);
    expect(() => readCrl(crl, { cert: leaf('good'), issuer: inter, now: Date.now() })).toThrow(/other CA|signature/);
  });

  it('refuses a CRL signed by a key that is not the issuer’s', () => {
    const other = createRevocationPki(tempDir('other-crl'));
    // Same issuer name as ours would need; a CRL of another CA fails on the name, and a forged one on the key.
    const otherInter = readCertificateFields(other.intermediate.der);
    const crl = other.intermediateCrl();
    expect(() => readCrl(crl, { cert: { ...leaf('good'), issuerName: otherInter.subjectName }, issuer: inter, now: Date.now() })).toThrow(/signature does not verify/);
  });
});
