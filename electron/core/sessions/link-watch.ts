/**
 * Watches the bytes a broker sends before mqtt.js parses them. mqtt-packet
 * buffers a packet whole before looking at it, so a PUBLISH announcing 256 MB
 * would be buffered up to 256 MB; here the announced size is checked as soon as
 * the fixed header is read. The same pass refuses packet types a broker must
 * never send, and, once the broker has accepted the connection, declares the
 * link dead when nothing at all has arrived for keepalive + LIVENESS_MARGIN_MS
 * (mqtt.js itself waits 1.5 × keepalive).
 */
import type { Duplex } from 'node:stream';

/**
 * How long past the keepalive a connection may stay silent before it is
 * declared dead. On a healthy idle link the broker's PINGRESP arrives one
 * keepalive after the previous one plus a round trip; the margin covers that
 * round trip and timer delays on a busy machine.
 */
export const LIVENESS_MARGIN_MS = 2000;

export type LinkFault =
  | { kind: 'protocol'; detail: string }
  | { kind: 'malformed'; detail: string }
  | { kind: 'too_large'; size: number; limit: number }
  | { kind: 'stalled'; silentMs: number; keepaliveS: number };

export interface LinkWatchOptions {
  protocolVersion: 4 | 5;
  /** Largest packet accepted, fixed header included. */
  maxPacketSize: number;
  onFault: (fault: LinkFault) => void;
  now?: () => number;
}

const TYPE_NAMES = ['reserved type 0', 'CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'SUBSCRIBE', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT', 'AUTH'];
const CONNACK = 2;
// What a broker may send to a client that uses no enhanced authentication (so never AUTH).
const FROM_BROKER_V4 = new Set([2, 3, 4, 5, 6, 7, 9, 11, 13]);
const FROM_BROKER_V5 = new Set([...FROM_BROKER_V4, 14]);

const enum Step {
  Header,
  Length,
  Body,
}

export class LinkWatch {
  private step = Step.Header;
  private type = 0;
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  /** Body bytes of the current packet not seen yet. */
  private remaining = 0;
  private packets = 0;
  private failed = false;
  private lastRx: number;
  private limitMs = 0;
  private keepaliveS = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private readonly allowed: Set<number>;
  private readonly now: () => number;

  constructor(private readonly options: LinkWatchOptions) {
    this.allowed = options.protocolVersion === 5 ? FROM_BROKER_V5 : FROM_BROKER_V4;
    this.now = options.now ?? Date.now;
    this.lastRx = this.now();
  }

  /**
   * Starts watching `stream`. Our listener goes first, so a fault is found
   * before mqtt.js's pipe sees the chunk; no extra stream sits in the path of
   * every message.
   */
  attach<S extends Duplex>(stream: S): S {
    stream.prependListener('data', (chunk: Buffer) => this.received(chunk));
    stream.once('close', () => this.stop());
    return stream;
  }

  /** Feeds bytes from the broker; returns false once a fault was reported. */
  received(chunk: Buffer): boolean {
    this.lastRx = this.now();
    if (this.failed) return false;
    const fault = this.scan(chunk);
    if (fault) this.fail(fault);
    return !fault;
  }

  /** The broker accepted the connection: from now on, silence longer than keepalive + margin is a dead link. */
  startLiveness(keepaliveS: number): void {
    this.stopTimers();
    if (!(keepaliveS > 0) || this.failed) return;
    this.keepaliveS = keepaliveS;
    this.limitMs = keepaliveS * 1000 + LIVENESS_MARGIN_MS;
    this.lastRx = this.now();
    this.schedule(this.limitMs);
  }

  stop(): void {
    this.failed = true;
    this.stopTimers();
  }

  private stopTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }

  private schedule(delay: number): void {
    this.timer = setTimeout(() => this.check(), Math.max(1, delay));
  }

  private check(): void {
    this.timer = null;
    const silent = this.now() - this.lastRx;
    if (silent < this.limitMs) return this.schedule(this.limitMs - silent);
    // Timers run before the event loop polls sockets: after a blocked loop, bytes may be
    // waiting unread. Look once more after the poll phase before calling the link dead.
    this.immediate = setImmediate(() => {
      this.immediate = null;
      const still = this.now() - this.lastRx;
      if (still < this.limitMs) return this.schedule(this.limitMs - still);
      this.fail({ kind: 'stalled', silentMs: still, keepaliveS: this.keepaliveS });
    });
  }

  private fail(fault: LinkFault): void {
    if (this.failed) return;
    this.stop();
    this.options.onFault(fault);
  }

  /** Walks the fixed headers in `chunk`, skipping bodies; returns the first fault. */
  private scan(chunk: Buffer): LinkFault | null {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.step === Step.Body) {
        const take = Math.min(this.remaining, n - i);
        this.remaining -= take;
        i += take;
        if (this.remaining === 0) this.step = Step.Header;
        continue;
      }
      const byte = chunk[i++] as number;
      if (this.step === Step.Header) {
        const type = byte >> 4;
        if (!this.allowed.has(type)) return { kind: 'protocol', detail: `it sent a ${TYPE_NAMES[type]} packet, which a broker must never send` };
        if ((this.packets === 0) !== (type === CONNACK)) {
          return { kind: 'protocol', detail: this.packets === 0 ? `its first packet was ${TYPE_NAMES[type]} instead of CONNACK` : 'it sent a second CONNACK on the same connection' };
        }
        this.type = type;
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        this.step = Step.Length;
        continue;
      }
      // Step.Length: MQTT's variable byte integer, at most four bytes.
      this.length += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      this.lengthBytes++;
      if (byte & 0x80) {
        if (this.lengthBytes === 4) return { kind: 'malformed', detail: `the length of a ${TYPE_NAMES[this.type]} packet takes more than four bytes` };
        continue;
      }
      const size = 1 + this.lengthBytes + this.length;
      if (size > this.options.maxPacketSize) return { kind: 'too_large', size, limit: this.options.maxPacketSize };
      this.packets++;
      this.remaining = this.length;
      this.step = this.remaining > 0 ? Step.Body : Step.Header;
    }
    return null;
  }
}
