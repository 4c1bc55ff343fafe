/**
 * Builds the byte stream an mqtt.js client runs over, for each transport. For
 * TLS transports the socket is corked until the handshake is inspected: nothing
 * we write (the CONNECT packet with its password) leaves before Node has
 * verified the chain and host name and we have checked the pins.
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls, { type ConnectionOptions, type TLSSocket } from 'node:tls';
import WebSocket, { createWebSocketStream } from 'ws';
import type { TlsDetails } from '../../../shared/security';
import { inspectTls, type InspectExpectations } from '../tls/inspect';
import { CodedError } from '../tls/options';
import type { Target } from './target';

export interface TlsObserver {
  /** The handshake completed; `details` is before (or, on a failed pin, after) verification. */
  onHandshake(details: TlsDetails): void;
  /** Node verified the connection (or verification is off) and the pins matched. */
  onVerified(details: TlsDetails): void;
}

export interface StreamSpec {
  target: Target;
  /** Present for mqtts and wss. */
  tls: ConnectionOptions | null;
  expect: InspectExpectations;
  observer: TlsObserver;
}

function secureConnect(options: ConnectionOptions, spec: StreamSpec): TLSSocket {
  const socket = tls.connect(options);
  socket.setNoDelay(true);
  socket.cork();
  socket.prependListener('secure', () => {
    const { details, failure } = inspectTls(socket, spec.expect, null);
    spec.observer.onHandshake(details);
    // A chain that cannot even be described fails the connection here, before anything is sent.
    if (failure) socket.destroy(failure);
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
    spec.observer.onVerified(details);
    socket.uncork();
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
