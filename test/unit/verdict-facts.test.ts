/**
 * One sentence per fact in a refused connection's verdict: a certificate for
 * another host is a verified chain and a host name mismatch, said once each;
 * an untrusted chain names the CA it needs next to the ones configured.
 */
import { describe, expect, it } from 'vitest';
import type { CertificateSummary, TlsDetails } from '../../shared/security';
import { translateError, type ErrorContext } from '../../electron/core/tls/errors';
import { gradeConnection } from '../../electron/core/tls/grade';
import { withRefusal } from '../../electron/core/tls/inspect';

const NOW = Date.parse('2026-06-01T00:00:00Z');

function cert(subject: string, issuer: string, extra: Partial<CertificateSummary> = {}): CertificateSummary {
  return {
    subject,
    issuer,
    subjectAltNames: [],
    serialNumber: '01',
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: '2027-01-01T00:00:00.000Z',
    fingerprint256: subject,
    keyType: 'EC P-256',
    keyBits: 256,
    isCA: subject !== 'CN=broker.example',
    selfSigned: subject === issuer,
    unreadable: [],
    ...extra,
  };
}

const leaf = cert('CN=broker.example', 'CN=Acme Issuing CA', { subjectAltNames: ['DNS:wrong.example'] });
const chain = [leaf, cert('CN=Acme Issuing CA', 'CN=Acme Root CA')];

/** The snapshot taken when the handshake completed, before Node's verdict. */
const snapshot: TlsDetails = {
  version: 'TLSv1.3',
  cipher: 'TLS_AES_256_GCM_SHA384',
  cipherStandardName: 'TLS_AES_256_GCM_SHA384',
  forwardSecret: true,
  alpnProtocol: null,
  servername: 'broker.example',
  verification: true,
  authorized: false,
  authorizationError: null,
  hostname: { expected: 'broker.example', matched: false },
  peerChain: chain,
  clientCertificate: null,
  pin: { configured: 0, matched: null },
  revocation: null,
};

const context: ErrorContext = { host: 'broker.example', port: 8883, hasClientCertificate: false, peerLeaf: leaf, peerChain: chain };

function refused(code: string, ctx: ErrorContext = context) {
  const error = translateError(Object.assign(new Error(code), { code }), ctx);
  const tls = withRefusal(snapshot, error.cause);
  return { error, status: gradeConnection({ transport: 'mqtts', tls, error, usesPassword: false, now: NOW }) };
}

describe('a refused connection’s verdict', () => {
  it('reports a certificate for another host as a verified chain and one host name mismatch', () => {
    const { error, status } = refused('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(status.grade).toBe('insecure');
    expect(status.tls?.authorized).toBe(true);
    expect(status.tls?.authorizationError).toBeNull();
    expect(status.reasons.map((r) => r.code)).toContain('chain_verified');
    expect(status.reasons.map((r) => r.code)).not.toContain('chain_unverified');
    const mismatch = status.reasons.filter((r) => /not issued for broker\.example/.test(r.message));
    expect(mismatch).toEqual([{ level: 'insecure', code: 'hostname_mismatch', message: error.message }]);
    expect(JSON.stringify(status.reasons)).not.toContain('ALTNAME');
  });

  it('says an untrusted chain once, naming the CA it needs and the CAs configured', () => {
    const { error, status } = refused('UNABLE_TO_GET_ISSUER_CERT_LOCALLY', { ...context, trusted: { system: false, subjects: ['CN=Other Root CA'] } });
    expect(error.message).toBe("The broker's certificate chain needs the CA Acme Root CA, which this connection does not trust: it trusts Other Root CA.");
    expect(error.hint).toMatch(/Import the broker's root CA certificate \(Acme Root CA\)/);
    expect(status.tls?.authorized).toBe(false);
    expect(status.tls?.authorizationError).toBe('UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
    const chainLines = status.reasons.filter((r) => r.level === 'insecure' && /chain|CA/.test(r.message));
    expect(chainLines).toEqual([{ level: 'insecure', code: 'chain_unverified', message: error.message }]);
  });

  it('names the system roots when the connection trusts them', () => {
    expect(refused('UNABLE_TO_VERIFY_LEAF_SIGNATURE', { ...context, trusted: { system: true, subjects: [] } }).error.message).toMatch(
      /intermediate CA certificate is missing\. The broker's chain needs the CA Acme Root CA; this connection trusts the system roots, none of which issued it\./,
    );
    expect(refused('UNABLE_TO_VERIFY_LEAF_SIGNATURE', { ...context, trusted: { system: true, subjects: ['O=Plant, CN=Plant CA', 'O=No Common Name'] } }).error.message).toMatch(
      /trusts the system roots and Plant CA; O=No Common Name\./,
    );
  });

  it('says an expired broker certificate once, on its date line, not again as an unverified chain', () => {
    const expired = cert('CN=broker.example', 'CN=Acme Issuing CA', { subjectAltNames: ['DNS:broker.example'], notAfter: '2026-01-01T00:00:00.000Z' });
    const expiredChain = [expired, cert('CN=Acme Issuing CA', 'CN=Acme Root CA')];
    const ctx: ErrorContext = { ...context, peerLeaf: expired, peerChain: expiredChain };
    const error = translateError(Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' }), ctx);
    const tls = withRefusal({ ...snapshot, peerChain: expiredChain, hostname: { expected: 'broker.example', matched: true } }, error.cause);
    const status = gradeConnection({ transport: 'mqtts', tls, error, usesPassword: false, now: NOW });
    expect(status.grade).toBe('insecure');
    expect(status.reasons.filter((r) => r.level === 'insecure')).toEqual([{ level: 'insecure', code: 'peer_expired', message: error.message }]);
    expect(error.message).toMatch(/has expired \(on 2026-01-01\)/);
  });

  it('keeps a failure without a matching fact as a line of its own', () => {
    const error = translateError(Object.assign(new Error('x'), { code: 'TLS_PIN_MISMATCH' }), context);
    const status = gradeConnection({ transport: 'mqtts', tls: null, error, usesPassword: false, now: NOW });
    expect(status.reasons).toEqual([{ level: 'insecure', code: 'tls_pin_mismatch', message: error.message }]);
  });
});
