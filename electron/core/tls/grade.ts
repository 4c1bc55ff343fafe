/**
 * The security grade of one connection, decided from facts alone: the
 * transport, what the handshake showed (revocation of the chain included),
 * and the failure if there was one.
 * Never `secure` when verification is off, the host name does not match, a pin
 * fails, or there is no TLS. Pure, so every rule is unit-tested.
 */
import type { ErrorCode } from '../../../shared/errors';
import type { AppError } from '../../../shared/result';
import type { RevocationReport } from '../../../shared/revocation';
import type { CertificateSummary, Grade, Reason, SecurityStatus, TlsDetails, Transport } from '../../../shared/security';
import { expiryOf, expiryPhrase } from '../../../shared/expiry';

/**
 * Failures that show the broker's identity could not be trusted. Other TLS failures
 * (our client certificate refused, no common TLS version) say nothing against the
 * broker, so they leave the grade unknown rather than calling it insecure.
 */
const UNTRUSTED_PEER = new Set<ErrorCode>([
  'tls_unknown_ca',
  'tls_missing_intermediate',
  'tls_self_signed',
  'tls_cert_expired',
  'tls_cert_not_yet_valid',
  'tls_hostname_mismatch',
  'tls_pin_mismatch',
  'tls_cert_revoked',
  'tls_revocation_unchecked',
  'tls_bad_signature',
  'tls_invalid_ca',
  'tls_invalid_purpose',
  'tls_chain_too_long',
  'tls_cert_malformed',
]);

export function isUntrustedPeer(code: ErrorCode): boolean {
  return UNTRUSTED_PEER.has(code);
}

/**
 * The fact of the verdict a refusal is about: its sentence (which names what
 * was found) takes that fact's line instead of repeating it on a line of its
 * own. Every other refusal for the broker's identity is about the chain.
 */
const FACT_OF_REFUSAL: Partial<Record<ErrorCode, string>> = {
  tls_hostname_mismatch: 'hostname_mismatch',
  tls_pin_mismatch: 'pin_mismatch',
  tls_cert_expired: 'peer_expired',
  tls_cert_not_yet_valid: 'peer_not_yet_valid',
};

/** OpenSSL's verdicts about a certificate's dates rather than its chain. */
const DATE_VERDICTS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

export interface GradeInput {
  transport: Transport;
  tls: TlsDetails | null;
  /** The translated failure of the latest attempt, if it failed. */
  error: AppError | null;
  /** A password is configured for this connection. */
  usesPassword: boolean;
  now?: number;
}

export function isEncrypted(transport: Transport): boolean {
  return transport === 'mqtts' || transport === 'wss';
}

function unreadableFields(cert: CertificateSummary): string {
  return cert.unreadable.map((u) => `${u.field} (${u.reason})`).join(', ');
}

function certificateReasons(tls: TlsDetails, now: number, reasons: Reason[]): void {
  tls.peerChain.forEach((cert, i) => {
    const who = i === 0 ? "The broker's certificate" : `The broker's CA certificate ${cert.subject}`;
    if (cert.unreadable.length) {
      // A malformed certificate is no proof of identity, whatever else it says.
      reasons.push({ level: 'insecure', code: 'peer_unreadable', message: `${who} has fields that cannot be read: ${unreadableFields(cert)}.` });
      return;
    }
    const expiry = expiryOf(cert, now);
    if (!expiry || expiry.level === 'ok') return;
    reasons.push({ level: expiry.level === 'expiring' ? 'warning' : 'insecure', code: `peer_${expiry.level}`, message: `${who} ${expiryPhrase(expiry)}.` });
  });
  const client = tls.clientCertificate;
  if (client) {
    // The broker judges our certificate: here only its end is a warning.
    const expiry = expiryOf({ notAfter: client.notAfter }, now);
    if (client.unreadable.length) reasons.push({ level: 'warning', code: 'client_unreadable', message: `The client certificate has fields that cannot be read: ${unreadableFields(client)}.` });
    else if (expiry?.level === 'expired' || expiry?.level === 'expiring') {
      const advice = expiry.level === 'expiring' ? '; renew it before the broker rejects it' : '';
      reasons.push({ level: 'warning', code: `client_${expiry.level}`, message: `The client certificate ${expiryPhrase(expiry)}${advice}.` });
    } else reasons.push({ level: 'ok', code: 'client_certificate', message: `Client certificate ${client.subject}, valid until ${(client.notAfter ?? '').slice(0, 10)}.` });
  }
}

/**
 * What the revocation check found, per certificate of the chain: revoked is
 * insecure; a certificate that could not be shown good is a warning, or
 * insecure with hard fail (the connection was then refused). A certificate
 * that names no source at all is said, not held against the broker: most
 * private CAs publish none (their CRL file can be added to the connection).
 */
function revocationReasons(report: RevocationReport, reasons: Reason[]): void {
  report.certificates.forEach((cert, i) => {
    const who = i === 0 ? "The broker's certificate" : `The broker's CA certificate ${cert.subject}`;
    const message = `${who}: ${cert.detail}`;
    if (cert.status === 'good') reasons.push({ level: 'ok', code: 'not_revoked', message });
    else if (cert.status === 'revoked') reasons.push({ level: 'insecure', code: 'cert_revoked', message });
    else if (report.hardFail) reasons.push({ level: 'insecure', code: `revocation_${cert.status.replace('-', '_')}`, message: `${message} Hard fail is on: the connection is refused.` });
    else if (cert.status === 'no-source') reasons.push({ level: 'ok', code: 'revocation_no_source', message });
    else reasons.push({ level: 'warning', code: `revocation_${cert.status}`, message });
  });
}

/** A refusal the revocation lines above already explain, so it is not said twice. */
function explainedByRevocation(tls: TlsDetails | null, error: AppError): boolean {
  return !!tls?.revocation && (error.code === 'tls_cert_revoked' || error.code === 'tls_revocation_unchecked');
}

function tlsReasons(tls: TlsDetails, reasons: Reason[]): void {
  if (!tls.verification) {
    reasons.push({ level: 'insecure', code: 'verification_off', message: 'Certificate verification is turned off for this connection: anyone on the network path could impersonate the broker.' });
  }
  if (tls.authorized) {
    reasons.push({ level: 'ok', code: 'chain_verified', message: 'The broker\'s certificate chain is verified against the trusted CAs.' });
  } else if (tls.version) {
    const why = tls.authorizationError ? ` (${tls.authorizationError})` : '';
    reasons.push({ level: 'insecure', code: 'chain_unverified', message: `The broker's certificate chain is not verified${why}.` });
  }
  if (tls.hostname.matched === true) {
    reasons.push({ level: 'ok', code: 'hostname_match', message: `The certificate is issued for ${tls.hostname.expected}.` });
  } else if (tls.hostname.matched === false) {
    reasons.push({ level: 'insecure', code: 'hostname_mismatch', message: `The certificate is not issued for ${tls.hostname.expected}.` });
  }
  if (tls.pin.matched === true) reasons.push({ level: 'ok', code: 'pin_match', message: 'The broker\'s certificate matches a pinned fingerprint.' });
  if (tls.pin.matched === false) reasons.push({ level: 'insecure', code: 'pin_mismatch', message: 'The broker\'s certificate matches none of the pinned fingerprints.' });
  if (tls.version === 'TLSv1.3') {
    reasons.push({ level: 'ok', code: 'tls_version', message: 'TLS 1.3.' });
  } else if (tls.version === 'TLSv1.2') {
    if (tls.forwardSecret === false) {
      reasons.push({ level: 'warning', code: 'no_forward_secrecy', message: `TLS 1.2 with ${tls.cipherStandardName ?? tls.cipher}, which has no forward secrecy: a stolen broker key would decrypt recorded traffic.` });
    } else {
      reasons.push({ level: 'ok', code: 'tls_version', message: `TLS 1.2 with ${tls.cipherStandardName ?? tls.cipher}.` });
    }
  } else if (tls.version) {
    reasons.push({ level: 'insecure', code: 'tls_outdated', message: `${tls.version} is outdated and broken.` });
  }
}

export function decideGrade(reasons: readonly Reason[], handshakeSeen: boolean): Grade {
  if (reasons.some((r) => r.level === 'insecure')) return 'insecure';
  if (!handshakeSeen) return 'unknown';
  if (reasons.some((r) => r.level === 'warning')) return 'warning';
  return 'secure';
}

export function gradeConnection(input: GradeInput): SecurityStatus {
  const now = input.now ?? Date.now();
  const encrypted = isEncrypted(input.transport);
  const reasons: Reason[] = [];
  if (!encrypted) {
    reasons.push({ level: 'insecure', code: 'no_tls', message: `${input.transport}:// is not encrypted: topics, payloads and any password cross the network in clear text.` });
  }
  const tls = encrypted ? input.tls : null;
  if (tls) {
    tlsReasons(tls, reasons);
    certificateReasons(tls, now, reasons);
    if (tls.revocation) revocationReasons(tls.revocation, reasons);
  }
  const refusal = input.error && isUntrustedPeer(input.error.code) && !explainedByRevocation(tls, input.error) ? input.error : null;
  if (refusal) {
    const factCode = FACT_OF_REFUSAL[refusal.code] ?? 'chain_unverified';
    const fact = reasons.find((r) => r.level === 'insecure' && r.code === factCode);
    if (fact) fact.message = refusal.message;
    else reasons.push({ level: 'insecure', code: refusal.code, message: refusal.message });
    // OpenSSL's date verdict is what left the chain unverified: the date's line says it, the chain's would repeat it.
    const chainLine = reasons.findIndex((r) => r.code === 'chain_unverified');
    if (fact && chainLine >= 0 && tls?.authorizationError && DATE_VERDICTS.has(tls.authorizationError)) reasons.splice(chainLine, 1);
  }
  // A connection is graded secure or warning only once its handshake completed without a
  // security failure and its last attempt did not fail: a refused connection proves nothing.
  const handshakeSeen = !!tls?.version && (tls.authorized || !tls.verification) && !input.error;
  if (input.usesPassword && (handshakeSeen || !encrypted) && decideGrade(reasons, handshakeSeen) !== 'secure') {
    reasons.push({ level: 'warning', code: 'password_exposed', message: 'A password is sent over a connection that is not graded secure.' });
  }
  return { transport: input.transport, encrypted, tls, grade: decideGrade(reasons, handshakeSeen), reasons, error: input.error };
}
