/**
 * Reads what a TLS handshake actually negotiated off the socket: protocol,
 * cipher, the peer chain, the host name check, the client certificate in use
 * and the pin result. Called twice per handshake: once as soon as the handshake
 * completes (so a chain that fails verification can still be shown), once after
 * Node's own verification with its verdict. Node's one verdict covers two
 * facts, kept apart here: whether the chain verified, and whether the
 * certificate names the host.
 */
import type { X509Certificate } from 'node:crypto';
import tls, { type TLSSocket } from 'node:tls';
import type { CertificateSummary, TlsDetails } from '../../../shared/security';
import { certSha256, describeCertificate, readCertificate, spkiSha256 } from '../certificates/x509';
import { CodedError } from './options';

export interface InspectExpectations {
  /** The name the certificate must be issued for (SNI name or host). */
  hostname: string;
  verify: boolean;
  /** Normalised `sha256:<hex>` pins. */
  pins: readonly string[];
}

/**
 * What the handshake showed. `failure` is set when the broker's chain cannot be
 * described at all (a certificate Node cannot read back): the connection must be
 * failed with it, since nothing about the broker's identity can be shown or checked.
 */
export interface Inspection {
  details: TlsDetails;
  failure: CodedError | null;
}

/**
 * Node's codes for a certificate not issued for the host. Node checks the name
 * only once the chain has verified (tls.connect: the name is checked when the
 * chain gave no error), so one of these codes means: chain verified, name wrong.
 */
const HOSTNAME_CODES: ReadonlySet<string> = new Set(['ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH']);

/** Node's verdict as the chain's alone: a host name failure says the chain itself verified. */
function chainVerdict(verdict: { authorized: boolean; authorizationError: string | null }): { authorized: boolean; authorizationError: string | null } {
  if (verdict.authorizationError && HOSTNAME_CODES.has(verdict.authorizationError)) return { authorized: true, authorizationError: null };
  return verdict;
}

/**
 * The snapshot taken before Node's check, completed with the code Node ended
 * the handshake with: a host name failure marks the chain verified and the name
 * as not matching; any other verification code is the chain's.
 */
export function withRefusal(details: TlsDetails, code: string | null): TlsDetails {
  if (details.authorized || !code) return details;
  if (HOSTNAME_CODES.has(code)) return { ...details, authorized: true, authorizationError: null, hostname: { ...details.hostname, matched: false } };
  return { ...details, authorizationError: details.authorizationError ?? code };
}

function unreadablePeer(why: unknown): CodedError {
  const reason = why instanceof Error ? why.message : String(why);
  return new CodedError('TLS_PEER_UNREADABLE', `The broker's certificate chain cannot be read: ${reason.slice(0, 200)}`);
}

/** The peer chain, leaf first, as X509 objects; throws CertificateReadError when one cannot be read. */
export function peerChain(socket: TLSSocket): X509Certificate[] {
  const chain: X509Certificate[] = [];
  let current: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  const seen = new Set<string>();
  while (current && current.raw && chain.length < 16) {
    const fingerprint = current.fingerprint256;
    if (seen.has(fingerprint)) break;
    seen.add(fingerprint);
    chain.push(readCertificate(current.raw));
    current = current.issuerCertificate;
  }
  return chain;
}

/** A pin matches the certificate or its public key; a key Node cannot export matches no key pin. */
export function pinMatches(chain: readonly X509Certificate[], pins: readonly string[]): boolean | null {
  if (pins.length === 0) return null;
  const wanted = new Set(pins.map((p) => p.replace(/^sha256:/, '')));
  const spki = (cert: X509Certificate) => {
    try {
      return spkiSha256(cert);
    } catch {
      return null;
    }
  };
  return chain.some((cert) => wanted.has(certSha256(cert)) || wanted.has(spki(cert) ?? ''));
}

function forwardSecret(version: string | null, standardName: string | null): boolean | null {
  if (!version) return null;
  if (version === 'TLSv1.3') return true;
  if (!standardName) return null;
  return /^TLS_(EC)?DHE_/.test(standardName);
}

/** false also when the certificate is too malformed for Node's check: it proves no name. */
function hostnameMatches(socket: TLSSocket, hostname: string): boolean | null {
  const peer = socket.getPeerCertificate();
  if (!peer || !peer.raw) return null;
  try {
    return tls.checkServerIdentity(hostname, peer) === undefined;
  } catch {
    return false;
  }
}

function clientCertificate(socket: TLSSocket): CertificateSummary | null {
  const own = socket.getX509Certificate();
  return own ? describeCertificate(own) : null;
}

/**
 * `verdict` is Node's (socket.authorized and its error); before Node has checked
 * (on the early snapshot) pass `null` and the chain is reported as not (yet)
 * verified. The details' `authorized` is the chain's part of that verdict. Never throws:
 * it runs in the socket's event handlers, where a throw would end the process.
 */
export function inspectTls(
  socket: TLSSocket,
  expect: InspectExpectations,
  verdict: { authorized: boolean; authorizationError: string | null } | null,
): Inspection {
  const chain = verdict ? chainVerdict(verdict) : null;
  const base: TlsDetails = {
    version: null,
    cipher: null,
    cipherStandardName: null,
    forwardSecret: null,
    alpnProtocol: null,
    servername: expect.hostname,
    verification: expect.verify,
    authorized: chain?.authorized ?? false,
    authorizationError: chain?.authorizationError ?? null,
    hostname: { expected: expect.hostname, matched: null },
    peerChain: [],
    clientCertificate: null,
    pin: { configured: expect.pins.length, matched: expect.pins.length ? false : null },
    // Checked after Node's verification (electron/core/trust/revocation.ts), while the socket stays corked.
    revocation: null,
  };
  try {
    const cipher = socket.getCipher();
    const version = socket.getProtocol();
    const standardName = cipher?.standardName ?? null;
    const negotiated: TlsDetails = {
      ...base,
      version,
      cipher: cipher?.name ?? null,
      cipherStandardName: standardName,
      forwardSecret: forwardSecret(version, standardName),
      alpnProtocol: typeof socket.alpnProtocol === 'string' ? socket.alpnProtocol : null,
    };
    let certificates: X509Certificate[];
    try {
      certificates = peerChain(socket);
    } catch (error) {
      return { details: negotiated, failure: unreadablePeer(error) };
    }
    return {
      details: {
        ...negotiated,
        hostname: { expected: expect.hostname, matched: hostnameMatches(socket, expect.hostname) },
        peerChain: certificates.map(describeCertificate),
        clientCertificate: clientCertificate(socket),
        pin: { configured: expect.pins.length, matched: pinMatches(certificates, expect.pins) },
      },
      failure: null,
    };
  } catch (error) {
    // Unreachable by design (every step above is guarded); kept so no peer can turn a bug into a crash.
    return { details: base, failure: unreadablePeer(error) };
  }
}
