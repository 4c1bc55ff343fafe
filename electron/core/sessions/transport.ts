/**
 * Builds the byte stream an mqtt.js client runs over, for each transport. For
 * TLS transports the socket is corked until the handshake is inspected: nothing
 * we write (the CONNECT packet with its password) leaves before Node has
 * verified the chain and host name, we have checked the pins and, when the
 * connection has trust hooks, the chain's revocation (the broker's stapled
 * OCSP response is asked for in the handshake) has been checked and has not
 * refused the connection.
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls, { type ConnectionOptions, type TLSSocket } from 'node:tls';
import WebSocket, { createWebSocketStream } from 'ws';
import type { RevocationReport } from '../../../shared/revocation';
import type { TlsDetails } from '../../../shared/security';
import { inspectTls, peerChain, type InspectExpectations } from '../tls/inspect';
import { CodedError } from '../tls/options';
import type { Target } from './target';

export interface TlsObserver {
  /** The handshake completed; `details` is before (or, on a failed pin, after) verification. */
  onHandshake(details: TlsDetails): void;
  /** Node verified the connection (or verification is off) and the pins matched. */
  onVerified(details: TlsDetails): void;
}

/** What a revocation check decided: the report to show, and the refusal when it refuses the connection. */
export interface RevocationOutcome {
  report: RevocationReport;
  refusal: CodedError | null;
}

/** Per connection attempt, the trust feature's hooks (electron/core/trust/ implements them). */
export interface TransportTrust {
  /** The broker presented this chain (DER, leaf first), whether or not it verifies. */
  seen(chain: readonly Buffer[]): void;
  /** Checks the revocation of a verified chain; never rejects. The socket stays corked until it answers. */
  check(chain: readonly Buffer[], stapled: Buffer | null): Promise<RevocationOutcome>;
}

export interface StreamSpec {
  target: Target;
  /** Present for mqtts and wss. */
  tls: ConnectionOptions | null;
  expect: InspectExpectations;
  observer: TlsObserver;
  /** Absent: no revocation check (the chain is not recorded either). */
  trust?: TransportTrust | null;
}

function chainDer(socket: TLSSocket): Buffer[] {
  try {
    return peerChain(socket).map((cert) => cert.raw);
  } catch {
    // A chain Node cannot read back fails the connection elsewhere (inspectTls): nothing to record or check.
    return [];
  }
}

function secureConnect(options: ConnectionOptions, spec: StreamSpec): TLSSocket {
  const trust = spec.trust ?? null;
  // requestOCSP is a TLSSocket option tls.connect passes on; @types/node lists it there only.
  const socket = tls.connect(trust ? ({ ...options, requestOCSP: true } as ConnectionOptions) : options);
  socket.setNoDelay(true);
  socket.cork();
  let stapled: Buffer | null = null;
  // Emitted during the handshake, before 'secure', with null when the broker stapled nothing.
  if (trust) socket.on('OCSPResponse', (response: Buffer | null) => (stapled = response && response.length ? response : null));
  socket.prependListener('secure', () => {
    const { details, failure } = inspectTls(socket, spec.expect, null);
    spec.observer.onHandshake(details);
    // A chain that cannot even be described fails the connection here, before anything is sent.
    if (failure) socket.destroy(failure);
    else trust?.seen(chainDer(socket));
  });
  socket.once('secureConnect', () => {
    if (socket.destroyed) return;
    const error = socket.authorizationError;
    const { details, failure } = inspectTls(socket, spec.expect, {
      authorized: socket.authorized,
      authorizationError: error ? String((error as { code?: string }).code ?? error) : null,
    });
    if (failure || details.pin.matched === false) {
      spec.observer.onHandshake(details);
      socket.destroy(failure ?? new CodedError('TLS_PIN_MISMATCH', 'The certificate matches no pin.'));
      return;
    }
    // Revocation is part of verification: with verification off nothing is checked (the grade is insecure anyway).
    if (!trust || !spec.expect.verify) {
      spec.observer.onVerified(details);
      socket.uncork();
      return;
    }
    spec.observer.onHandshake(details);
    void trust.check(chainDer(socket), stapled).then(({ report, refusal }) => {
      if (socket.destroyed) return;
      const checked = { ...details, revocation: report };
      if (refusal) {
        spec.observer.onHandshake(checked);
        socket.destroy(refusal);
        return;
      }
      spec.observer.onVerified(checked);
      socket.uncork();
    });
  });
  return socket;
}

function webSocketStream(spec: StreamSpec): Duplex {
  const { target } = spec;
  const secure = target.transport === 'wss';
  const socket = new WebSocket(target.href, ['mqtt'], {
    perMessageDeflate: false,
    followRedirects: false,
    createConnection: secure
      ? (options: ConnectionOptions) => secureConnect({ ...options, ...spec.tls, path: undefined } as ConnectionOptions, spec)
      : (options: net.NetConnectOpts) => net.connect(options),
  } as WebSocket.ClientOptions);
  return createWebSocketStream(socket);
}

export function openStream(spec: StreamSpec): Duplex {
  const { target } = spec;
  switch (target.transport) {
    case 'mqtt': {
      const socket = net.connect({ host: target.host, port: target.port });
      socket.setNoDelay(true);
      return socket;
    }
    case 'mqtts':
      return secureConnect({ ...spec.tls, host: target.host, port: target.port }, spec);
    case 'ws':
    case 'wss':
      return webSocketStream(spec);
  }
}
