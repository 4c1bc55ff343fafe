import { describe, expect, it } from 'vitest';
import type { CertificateSummary, TlsDetails } from '../../shared/security';
import { gradeConnection } from '../../electron/core/tls/grade';
import { EXPIRY_WARNING_DAYS, expiryOf, expiryPhrase } from '../../shared/expiry';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const DAY = 86_400_000;

function cert(daysLeft: number, extra: Partial<CertificateSummary> = {}): CertificateSummary {
  return {
    subject: 'CN=broker',
    issuer: 'CN=CA',
    subjectAltNames: ['DNS:broker'],
    serialNumber: '01',
    notBefore: new Date(NOW - 100 * DAY).toISOString(),
    notAfter: new Date(NOW + daysLeft * DAY).toISOString(),
    fingerprint256: 'AA',
    keyType: 'EC P-256',
    keyBits: 256,
    isCA: false,
    selfSigned: false,
    unreadable: [],
    ...extra,
  };
}

function tls(overrides: Partial<TlsDetails> = {}): TlsDetails {
  return {
    version: 'TLSv1.3',
    cipher: 'TLS_AES_256_GCM_SHA384',
    cipherStandardName: 'TLS_AES_256_GCM_SHA384',
    forwardSecret: true,
    alpnProtocol: null,
    servername: 'broker',
    verification: true,
    authorized: true,
    authorizationError: null,
    hostname: { expected: 'broker', matched: true },
    peerChain: [cert(300)],
    clientCertificate: null,
    pin: { configured: 0, matched: null },
    revocation: null,
    ...overrides,
  };
}

const grade = (t: TlsDetails | null, extra: { transport?: 'mqtts' | 'mqtt' | 'wss' | 'ws'; usesPassword?: boolean } = {}) =>
  gradeConnection({ transport: extra.transport ?? 'mqtts', tls: t, error: null, usesPassword: extra.usesPassword ?? false, now: NOW });
const codes = (s: ReturnType<typeof grade>) => s.reasons.filter((r) => r.level !== 'ok').map((r) => r.code);

describe('security grade', () => {
  it('is secure for a verified TLS 1.3 connection with a matching host name', () => {
    const s = grade(tls());
    expect(s.grade).toBe('secure');
    expect(s.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['chain_verified', 'hostname_match', 'tls_version']));
  });

  it('is never secure without TLS, with verification off, a host name mismatch or a failed pin', () => {
    expect(grade(null, { transport: 'mqtt' }).grade).toBe('insecure');
    expect(grade(null, { transport: 'ws' }).grade).toBe('insecure');
    expect(grade(tls({ verification: false })).grade).toBe('insecure');
    expect(grade(tls({ verification: false, authorized: true, pin: { configured: 1, matched: true } })).grade).toBe('insecure');
    expect(grade(tls({ hostname: { expected: 'broker', matched: false } })).grade).toBe('insecure');
    expect(grade(tls({ pin: { configured: 1, matched: false } })).grade).toBe('insecure');
  });

  it('warns about certificates expiring within 30 days, ours or the broker\'s', () => {
    expect(codes(grade(tls({ peerChain: [cert(10)] })))).toEqual(['peer_expiring']);
    expect(codes(grade(tls({ peerChain: [cert(300), cert(20, { isCA: true })] })))).toEqual(['peer_expiring']);
    const client = grade(tls({ clientCertificate: cert(5) }));
    expect(client.grade).toBe('warning');
    expect(codes(client)).toEqual(['client_expiring']);
    expect(grade(tls({ clientCertificate: cert(31) })).grade).toBe('secure');
  });

  it('words expiry with the threshold and the phrases of shared/expiry.ts', () => {
    const broker = cert(EXPIRY_WARNING_DAYS - 1);
    const s = grade(tls({ peerChain: [broker], clientCertificate: cert(-2) }));
    const expiry = expiryOf(broker, NOW);
    expect(expiry?.level).toBe('expiring');
    expect(s.reasons.find((r) => r.code === 'peer_expiring')?.message).toBe(`The broker's certificate ${expiryPhrase(expiry!)}.`);
    expect(s.reasons.find((r) => r.code === 'client_expired')?.message).toBe(`The client certificate expired on ${new Date(NOW - 2 * DAY).toISOString().slice(0, 10)}.`);
    expect(codes(grade(tls({ peerChain: [cert(EXPIRY_WARNING_DAYS)] })))).toEqual([]);
  });

  it('is insecure when a certificate of the broker has unreadable fields, and says which', () => {
    const malformed = cert(300, { notBefore: null, unreadable: [{ field: 'notBefore', reason: 'malformed time "Bad time value"' }] });
    const s = grade(tls({ verification: false, authorized: false, peerChain: [malformed] }));
    expect(s.grade).toBe('insecure');
    expect(s.reasons.find((r) => r.code === 'peer_unreadable')?.message).toMatch(/notBefore \(malformed time/);
    expect(codes(grade(tls({ clientCertificate: malformed })))).toEqual(['client_unreadable']);
  });

  it('warns about TLS 1.2 without forward secrecy', () => {
    const s = grade(tls({ version: 'TLSv1.2', cipherStandardName: 'TLS_RSA_WITH_AES_128_GCM_SHA256', forwardSecret: false }));
    expect(s.grade).toBe('warning');
    expect(codes(s)).toEqual(['no_forward_secrecy']);
    expect(grade(tls({ version: 'TLSv1.2', cipherStandardName: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', forwardSecret: true })).grade).toBe('secure');
  });

  it('warns when a password is sent over a connection that is not secure', () => {
    expect(codes(grade(tls({ peerChain: [cert(10)] }), { usesPassword: true }))).toEqual(['peer_expiring', 'password_exposed']);
    expect(codes(grade(null, { transport: 'mqtt', usesPassword: true }))).toContain('password_exposed');
    expect(grade(tls(), { usesPassword: true }).grade).toBe('secure');
  });

  it('is unknown before any handshake, and insecure after a TLS verification failure', () => {
    expect(grade(null).grade).toBe('unknown');
    const failed = gradeConnection({
      transport: 'mqtts',
      tls: tls({ authorized: false }),
      error: { code: 'tls_unknown_ca', message: 'not trusted', hint: 'import the CA' },
      usesPassword: false,
      now: NOW,
    });
    expect(failed.grade).toBe('insecure');
    const refused = gradeConnection({ transport: 'mqtts', tls: null, error: { code: 'net_refused', message: 'refused', hint: '' }, usesPassword: false, now: NOW });
    expect(refused.grade).toBe('unknown');
    // Our client certificate refused says nothing against the broker.
    const ours = gradeConnection({ transport: 'mqtts', tls: null, error: { code: 'tls_client_cert_required', message: 'needs a certificate', hint: '' }, usesPassword: false, now: NOW });
    expect(ours.grade).toBe('unknown');
  });
});
