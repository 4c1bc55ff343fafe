/**
 * What goes wrong on an established link, as coded causes the error table
 * (tls/errors.ts) translates: faults found by the link watch, the errors an
 * mqtt.js client emits, and reason codes a broker has no business sending.
 * A protocol error from the broker is retried like network trouble.
 */
import { formatBytes } from '../../../shared/sizes';
import { hasReasonCode } from '../tls/errors';
import { CodedError } from '../tls/options';
import { LIVENESS_MARGIN_MS, type LinkFault } from './link-watch';

/** MQTT 3.1.1 CONNACK return codes that refuse a connection (6-255 are reserved). */
const CONNACK_V4 = new Set([1, 2, 3, 4, 5]);
/** MQTT 5 CONNACK reason codes (3.2.2.2), besides 0 (success). */
const CONNACK_V5 = new Set([0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8c, 0x90, 0x95, 0x97, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9f]);
/** MQTT 5 DISCONNECT reason codes a server may send (3.14.2.1). */
const DISCONNECT_V5 = new Set([0x00, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8b, 0x8d, 0x8e, 0x8f, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2]);

/** A packet that is not valid MQTT at all. */
const MALFORMED = 'MQTT_MALFORMED_PACKET';
/** Valid MQTT the broker must not send: a forbidden packet type, an undefined reason code. */
const PROTOCOL_ERROR = 'MQTT_PROTOCOL_ERROR';

export function protocolError(detail: string): CodedError {
  return new CodedError(PROTOCOL_ERROR, detail);
}

function malformed(detail: string): CodedError {
  return new CodedError(MALFORMED, detail);
}

/** Both kinds are the broker's protocol errors: counted together, retried alike. */
export function isProtocolError(cause: unknown): boolean {
  return cause instanceof CodedError && (cause.code === PROTOCOL_ERROR || cause.code === MALFORMED);
}

export function causeOfLinkFault(fault: LinkFault): CodedError {
  switch (fault.kind) {
    case 'protocol':
      return protocolError(fault.detail);
    case 'malformed':
      return malformed(fault.detail);
    case 'too_large':
      return new CodedError('INCOMING_TOO_LARGE', `${formatBytes(fault.size)} announced, at most ${formatBytes(fault.limit)} accepted`);
    case 'stalled':
      return new CodedError('LINK_STALLED', `nothing received for ${(fault.silentMs / 1000).toFixed(1)} s, longer than the keepalive (${fault.keepaliveS} s) plus ${LIVENESS_MARGIN_MS / 1000} s`);
  }
}
/**
 * The broker refused or ended the connection with a reason code (CONNACK or
 * DISCONNECT): the code itself when MQTT defines it there, else a protocol error.
 */
export function causeOfReasonCode(packet: 'CONNACK' | 'DISCONNECT', code: number, protocolVersion: 4 | 5): Error & { code: string | number } {
  const valid = packet === 'CONNACK' ? (protocolVersion === 5 ? CONNACK_V5 : CONNACK_V4) : protocolVersion === 5 ? DISCONNECT_V5 : new Set<number>();
  if (valid.has(code) && hasReasonCode(code)) return Object.assign(new Error(`${packet} reason code ${code}`), { code });
  const hex = `0x${code.toString(16).padStart(2, '0')}`;
  return protocolError(`${packet} with ${packet === 'CONNACK' && protocolVersion === 4 ? 'return' : 'reason'} code ${hex}, which MQTT ${protocolVersion === 5 ? '5' : '3.1.1'} does not define there`);
}

/**
 * What an error emitted by an mqtt.js client means, or null when it says
 * nothing about the link. Errors with a string code come from the socket or
 * TLS and pass through. mqtt.js emits numbered errors only for what it
 * detects itself (refusals arrive as CONNACK, read before), and errors without
 * a code for what its parser (malformed packets) or handlers reject: all
 * protocol errors of the broker, except its own keepalive timeout.
 */
export function causeOfClientError(error: Error & { code?: unknown }): Error | null {
  if (typeof error.code === 'string') return error;
  if (error.message === 'client disconnecting') return null;
  if (error.message === 'Keepalive timeout') return new CodedError('LINK_STALLED', 'no answer to the keepalive ping within 1.5 × keepalive');
  // Numbered errors and "Protocol error: …" are mqtt.js's handlers; the rest its packet parser.
  if (typeof error.code === 'number' || /^protocol error/i.test(error.message)) return protocolError(error.message);
  return malformed(error.message);
}
