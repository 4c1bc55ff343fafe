/**
 * The link watch (electron/core/sessions/link-watch.ts) reads only fixed
 * headers: sizes are refused from the header whatever way the bytes are
 * split, packet types a broker must not send are refused, and a silent link
 * is declared dead after keepalive + the margin, not before.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LIVENESS_MARGIN_MS, LinkWatch, type LinkFault } from '../../electron/core/sessions/link-watch';
import { causeOfClientError, causeOfLinkFault, causeOfReasonCode } from '../../electron/core/sessions/faults';
import { backoffDelay, wasStable } from '../../electron/core/sessions/backoff';
import { hasReasonCode, translateError } from '../../electron/core/tls/errors';
import { packet, varint } from '../fixtures/fake-broker';

const CONNACK = Buffer.from([0x20, 0x02, 0x00, 0x00]);
const publish = (bodyLength: number) => packet(0x30, Buffer.alloc(bodyLength, 0x61));

function watch(max = 1024, protocolVersion: 4 | 5 = 4) {
  const faults: LinkFault[] = [];
  const w = new LinkWatch({ protocolVersion, maxPacketSize: max, onFault: (f) => faults.push(f) });
  return { w, faults };
}

/** Feeds `bytes` in pieces of `size`; returns the faults. */
function feed(bytes: Buffer, size: number, max = 1024, protocolVersion: 4 | 5 = 4): LinkFault[] {
  const { w, faults } = watch(max, protocolVersion);
  for (let i = 0; i < bytes.length; i += size) w.received(bytes.subarray(i, i + size));
  w.stop();
  return faults;
}

describe('packet sizes', () => {
  const stream = Buffer.concat([CONNACK, publish(100), Buffer.from([0xd0, 0x00]), publish(1019), publish(3)]);

  it('accepts packets up to the limit, fixed header included, however the bytes are split', () => {
    // publish(1019): 1 + 2 length bytes + 1019 = 1022 bytes, within 1024.
    for (const size of [1, 2, 3, 7, 64, stream.length]) expect(feed(stream, size)).toEqual([]);
  });

  it('refuses the first packet over the limit from its header alone', () => {
    const tooBig = Buffer.concat([CONNACK, publish(1021)]); // 1 + 2 + 1021 = 1024 + 0 → exactly 1024: fine
    expect(feed(tooBig, 5)).toEqual([]);
    const over = Buffer.concat([CONNACK, publish(1022)]);
    for (const size of [1, 4, 100]) expect(feed(over, size)).toEqual([{ kind: 'too_large', size: 1025, limit: 1024 }]);
    // Only the header of a 256 MB announcement is needed.
    const header = Buffer.concat([CONNACK, Buffer.from([0x30, ...varint(268_435_455)])]);
    expect(feed(header, 1, 16 * 1024 * 1024)).toEqual([{ kind: 'too_large', size: 268_435_460, limit: 16 * 1024 * 1024 }]);
  });

  it('refuses a length of more than four bytes', () => {
    const faults = feed(Buffer.concat([CONNACK, Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])]), 1, 1 << 30);
    expect(faults).toEqual([{ kind: 'malformed', detail: 'the length of a PUBLISH packet takes more than four bytes' }]);
  });

  it('reports one fault and then stays quiet', () => {
    const { w, faults } = watch();
    expect(w.received(Buffer.concat([CONNACK, publish(2000)]))).toBe(false);
    expect(w.received(publish(5000))).toBe(false);
    expect(faults).toHaveLength(1);
  });
});

describe('packet types', () => {
  it.each([
    [[0x10, 0x00], 'it sent a CONNECT packet, which a broker must never send'],
    [[0x82, 0x00], 'it sent a SUBSCRIBE packet, which a broker must never send'],
    [[0xa2, 0x00], 'it sent a UNSUBSCRIBE packet, which a broker must never send'],
    [[0xc0, 0x00], 'it sent a PINGREQ packet, which a broker must never send'],
    [[0x00, 0x00], 'it sent a reserved type 0 packet, which a broker must never send'],
    [[0xf0, 0x00], 'it sent a AUTH packet, which a broker must never send'],
    [[0xe0, 0x00], 'it sent a DISCONNECT packet, which a broker must never send'],
    [[0x20, 0x02, 0x00, 0x00], 'it sent a second CONNACK on the same connection'],
  ])('refuses %j after the CONNACK', (bytes, detail) => {
    expect(feed(Buffer.concat([CONNACK, Buffer.from(bytes)]), 3)).toEqual([{ kind: 'protocol', detail }]);
  });

  it('accepts DISCONNECT from an MQTT 5 broker', () => {
    expect(feed(Buffer.concat([CONNACK, Buffer.from([0xe0, 0x01, 0x8b])]), 2, 1024, 5)).toEqual([]);
  });

  it('wants a CONNACK first', () => {
    expect(feed(Buffer.concat([publish(3), CONNACK]), 64)).toEqual([{ kind: 'protocol', detail: 'its first packet was PUBLISH instead of CONNACK' }]);
  });
});

describe('liveness', () => {
  beforeEach(() => void vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'Date'] }));
  afterEach(() => void vi.useRealTimers());

  it('declares a silent link dead after keepalive + margin, and only then', () => {
    const faults: LinkFault[] = [];
    const w = new LinkWatch({ protocolVersion: 4, maxPacketSize: 1024, onFault: (f) => faults.push(f) });
    w.received(CONNACK);
    w.startLiveness(5);
    const limit = 5000 + LIVENESS_MARGIN_MS;
    vi.advanceTimersByTime(limit - 1);
    expect(faults).toEqual([]);
    w.received(Buffer.from([0xd0, 0x00])); // a PINGRESP just in time
    vi.advanceTimersByTime(limit - 1);
    expect(faults).toEqual([]);
    vi.advanceTimersByTime(1);
    vi.runOnlyPendingTimers(); // the second look, after the poll phase
    expect(faults).toHaveLength(1);
    expect(faults[0]).toMatchObject({ kind: 'stalled', keepaliveS: 5 });
    expect((faults[0] as { silentMs: number }).silentMs).toBeGreaterThanOrEqual(limit);
    w.stop();
  });

  it('does nothing with keepalive 0, and nothing after it stopped', () => {
    const faults: LinkFault[] = [];
    const w = new LinkWatch({ protocolVersion: 4, maxPacketSize: 1024, onFault: (f) => faults.push(f) });
    w.startLiveness(0);
    vi.advanceTimersByTime(3_600_000);
    const stopped = new LinkWatch({ protocolVersion: 4, maxPacketSize: 1024, onFault: (f) => faults.push(f) });
    stopped.startLiveness(1);
    stopped.stop();
    vi.advanceTimersByTime(3_600_000);
    expect(faults).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('what faults say', () => {
  const ctx = { host: 'broker.example', port: 8883, hasClientCertificate: false, connected: true };

  it('words each link fault with its detail and retries it', () => {
    const cases: Array<[LinkFault, string, RegExp]> = [
      [{ kind: 'protocol', detail: 'it sent a SUBSCRIBE packet, which a broker must never send' }, 'mqtt_broker_protocol_error', /^Protocol error from the broker at broker\.example:8883: it sent a SUBSCRIBE packet/],
      [{ kind: 'malformed', detail: 'the length of a PUBLISH packet takes more than four bytes' }, 'mqtt_malformed_packet', /^Protocol error from the broker at broker\.example:8883: it sent a packet that is not valid MQTT \(the length/],
      [{ kind: 'too_large', size: 268_435_460, limit: 16 * 1024 * 1024 }, 'mqtt_incoming_too_large', /\(256\.0 MB announced, at most 16\.0 MB accepted\)/],
      [{ kind: 'stalled', silentMs: 62_000, keepaliveS: 60 }, 'net_stalled', /went silent: nothing received for 62\.0 s, longer than the keepalive \(60 s\) plus 2 s\.$/],
    ];
    for (const [fault, code, message] of cases) {
      const t = translateError(causeOfLinkFault(fault), ctx);
      expect(t.code).toBe(code);
      expect(t.message).toMatch(message);
      expect(t.hint.length).toBeGreaterThan(20);
      expect(t.retryable).toBe(true);
    }
  });

  it('reads mqtt.js errors: parser errors are protocol errors, socket errors pass, its keepalive is a stall', () => {
    const parser = translateError(causeOfClientError(new Error('Invalid header flag bits, must be 0x0 for puback packet')), ctx);
    expect(parser).toMatchObject({ code: 'mqtt_malformed_packet', retryable: true });
    expect(parser.message).toMatch(/not valid MQTT \(Invalid header flag bits/);
    const own = translateError(causeOfClientError(Object.assign(new Error('Received unregistered Topic Alias'), { code: 130 })), ctx);
    expect(own).toMatchObject({ code: 'mqtt_broker_protocol_error' });
    expect(translateError(causeOfClientError(new Error('Keepalive timeout')), ctx).code).toBe('net_stalled');
    expect(causeOfClientError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toMatchObject({ code: 'ECONNRESET' });
    expect(causeOfClientError(new Error('client disconnecting'))).toBeNull();
  });

  it('passes reason codes MQTT defines and calls the others protocol errors', () => {
    expect(translateError(causeOfReasonCode('CONNACK', 5, 4), ctx)).toMatchObject({ code: 'mqtt_not_authorized', retryable: false });
    expect(translateError(causeOfReasonCode('CONNACK', 0x80, 4), ctx).code).toBe('mqtt_broker_protocol_error');
    expect(translateError(causeOfReasonCode('CONNACK', 0x86, 5), ctx).code).toBe('mqtt_bad_credentials');
    expect(translateError(causeOfReasonCode('CONNACK', 0x8b, 5), ctx).code).toBe('mqtt_broker_protocol_error');
    expect(translateError(causeOfReasonCode('DISCONNECT', 0x8b, 5), ctx)).toMatchObject({ code: 'mqtt_server_shutting_down', retryable: true });
    expect(translateError(causeOfReasonCode('DISCONNECT', 0x00, 5), ctx)).toMatchObject({ code: 'mqtt_disconnected', retryable: true });
    expect(translateError(causeOfReasonCode('DISCONNECT', 0x05, 5), ctx).message).toMatch(/DISCONNECT with reason code 0x05, which MQTT 5 does not define there/);
  });

  it('has a sentence for every CONNACK and DISCONNECT code MQTT defines', () => {
    const defined = [1, 2, 3, 4, 5, 0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2];
    expect(defined.filter((code) => !hasReasonCode(code))).toEqual([]);
  });

  it('tells a lost connection from one refused during setup', () => {
    expect(translateError({ code: 'ECONNRESET', message: 'x' }, ctx).message).toBe('The connection to broker.example:8883 was closed by the broker or the network.');
    expect(translateError({ code: 'ECONNRESET', message: 'x' }, { ...ctx, connected: false }).message).toBe('The broker at broker.example:8883 closed the connection during setup.');
  });
});

describe('backoff after short-lived connections', () => {
  it('starts afresh only after a connection stayed up long enough', () => {
    expect(wasStable(9_999)).toBe(false);
    expect(wasStable(10_000)).toBe(true);
    expect(wasStable(500, { initialMs: 50, maxMs: 400, factor: 2, stableMs: 400 })).toBe(true);
    // Repeated failures: each delay at least the previous one, up to the cap.
    const policy = { initialMs: 100, maxMs: 1600, factor: 2 };
    const delays = [1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy, () => 0));
    expect(delays).toEqual([50, 100, 200, 400, 800, 800]);
  });
});
