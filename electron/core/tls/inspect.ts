/**
 * Reads what a TLS handshake actually negotiated off the socket: protocol,
 * cipher, the peer chain, the host name check, the client certificate in use
 * and the pin result. Called twice per handshake: once as soon as the handshake
 * completes (so a chain that fails verification can still be shown), once after
 * Node's own verification with its verdict.
 */
import { X509Certificate } from 'node:crypto';
import tls, { type TLSSocket } from 'node:tls';
import type { CertificateSummary, TlsDetails } from '../../../shared/security';
import { certSha256, spkiSha256, summarize } from '../certificates/x509';

export interface InspectExpectations {
  /** The name the certificate must be issued for (SNI name or host). */
  hostname: string;
  verify: boolean;
  /** Normalised `sha256:<hex>` pins. */
  pins: readonly string[];
}

/** The peer chain, leaf first, as X509 objects. */
export function peerChain(socket: TLSSocket): X509Certificate[] {
  const chain: X509Certificate[] = [];
  let current: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  const seen = new Set<string>();
  while (current && current.raw && chain.length < 16) {
    const fingerprint = current.fingerprint256;
    if (seen.has(fingerprint)) break;
    seen.add(fingerprint);
    chain.push(new X509Certificate(current.raw));
    current = current.issuerCertificate;
  }
  return chain;
}

export function pinMatches(chain: readonly X509Certificate[], pins: readonly string[]): boolean | null {
  if (pins.length === 0) return null;
  const wanted = new Set(pins.map((p) => p.replace(/^sha256:/, '')));
  return chain.some((cert) => wanted.has(certSha256(cert)) || wanted.has(spkiSha256(cert)));
}

function forwardSecret(version: string | null, standardName: string | null): boolean | null {
  if (!version) return null;
  if (version === 'TLSv1.3') return true;
  if (!standardName) return null;
  return /^TLS_(EC)?DHE_/.test(standardName);
}

function hostnameMatches(socket: TLSSocket, hostname: string): boolean | null {
  const peer = socket.getPeerCertificate();
  if (!peer || !peer.raw) return null;
  return tls.checkServerIdentity(hostname, peer) === undefined;
}

function clientCertificate(socket: TLSSocket): CertificateSummary | null {
  const own = socket.getX509Certificate();
  return own ? summarize(own) : null;
}

/**
 * `authorized` is Node's verdict; before Node has checked (on the early snapshot)
 * pass `null` and the chain is reported as not (yet) verified.
 */
export function inspectTls(
  socket: TLSSocket,
  expect: InspectExpectations,
  verdict: { authorized: boolean; authorizationError: string | null } | null,
): TlsDetails {
  const chain = peerChain(socket);
  const cipher = socket.getCipher();
  const version = socket.getProtocol();
  const standardName = cipher?.standardName ?? null;
  return {
    version,
    cipher: cipher?.name ?? null,
    cipherStandardName: standardName,
    forwardSecret: forwardSecret(version, standardName),
    alpnProtocol: typeof socket.alpnProtocol === 'string' ? socket.alpnProtocol : null,
    servername: expect.hostname,
    verification: expect.verify,
    authorized: verdict?.authorized ?? false,
    authorizationError: verdict?.authorizationError ?? null,
    hostname: { expected: expect.hostname, matched: hostnameMatches(socket, expect.hostname) },
    peerChain: chain.map(summarize),
    clientCertificate: clientCertificate(socket),
    pin: { configured: expect.pins.length, matched: pinMatches(chain, expect.pins) },
  };
}
