/**
 * A broker that presents a malformed certificate (a notBefore that is no
 * date, validly signed) against a real mosquitto TLS listener: through the
 * CLI's probe and through a backend session, the core describes what it can,
 * marks the rest unreadable, grades it insecure or fails the connection with
 * a clear code, and never throws (the last-resort handler is armed to fail).
 * Then a broker that sends malformed MQTT packets, which mosquitto never does:
 * a small fake peer on 127.0.0.1, seeded and bounded.
 */
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/index';
import { startMosquitto, type Broker } from '../fixtures/mosquitto';
import { certificateWithBadNotBefore } from '../fixtures/malformed';
import { createTestBackend, tempDir, waitForSession, type TestBackend } from '../support/backend';
import { failIfLastResortReached } from '../support/last-resort';
import { seededRandom } from '../support/random';

failIfLastResortReached();

let broker: Broker;
let t: TestBackend;
let certFile: string;
let certPem: string;

beforeAll(async () => {
  const dir = tempDir('hostile');
  const bad = certificateWithBadNotBefore();
  certPem = bad.pem;
  certFile = path.join(dir, 'bad.crt');
  writeFileSync(certFile, bad.pem);
  writeFileSync(path.join(dir, 'bad.key'), bad.keyPem, { mode: 0o600 });
  broker = await startMosquitto([{ name: 'badTime', tls: { certfile: certFile, keyfile: path.join(dir, 'bad.key') } }]);
  t = await createTestBackend();
});

afterAll(async () => {
  await t?.cleanup();
  await broker?.stop();
});

interface Report {
  connected: boolean;
  grade: string;
  reasons: Array<{ code: string; message: string }>;
  tls: null | { peerChain: Array<{ subject: string; notBefore: string | null; notAfter: string | null; unreadable: Array<{ field: string; reason: string }> }> };
  error: null | { code: string; message: string; hint: string };
}

async function probe(args: string[]): Promise<{ exit: number; report: Report }> {
  const out: string[] = [];
  const exit = await runCli(['probe', `mqtts://localhost:${broker.ports.badTime}`, '--json', '--timeout', '8000', ...args], { stdout: (l) => out.push(l), stderr: (l) => out.push(l), env: {} });
  return { exit, report: JSON.parse(out.join('\n')) as Report };
}

describe('cli probe against a broker with a malformed certificate', () => {
  it('with verification off: connects, shows notBefore as unreadable with the reason, grades insecure (exit 2)', async () => {
    const { exit, report } = await probe(['--insecure']);
    expect(report.connected).toBe(true);
    expect(report.grade).toBe('insecure');
    const leaf = report.tls?.peerChain[0];
    expect(leaf?.subject).toContain('CN=localhost');
    expect(leaf?.notBefore).toBeNull();
    expect(leaf?.notAfter).toMatch(/^\d{4}-/);
    expect(leaf?.unreadable).toEqual([{ field: 'notBefore', reason: expect.stringMatching(/malformed time/) }]);
    expect(report.reasons.find((r) => r.code === 'peer_unreadable')?.message).toMatch(/notBefore/);
    expect(exit).toBe(2);
  });

  it('with verification on: the connection fails with tls_cert_malformed (exit 3)', async () => {
    const { exit, report } = await probe(['--ca', certFile]);
    expect(report.connected).toBe(false);
    expect(report.error?.code).toBe('tls_cert_malformed');
    expect(report.error?.hint).toMatch(/reissue/);
    expect(report.grade).toBe('insecure');
    expect(exit).toBe(3);
  });
});

describe('a session against a broker with a malformed certificate', () => {
  async function save(name: string, tls: Record<string, unknown>) {
    const result = await t.backend.dispatch('profiles.save', { settings: { name, url: `mqtts://localhost:${broker.ports.badTime}`, tls } });
    if (!result.ok) throw new Error(result.error.message);
    return result.value as { id: string };
  }

  it('fails without retrying, with the code, the cause and the fix, when the certificate is verified', async () => {
    const profile = await save('verified', { trust: 'custom', ca: [certPem] });
    await t.backend.dispatch('sessions.connect', { id: profile.id });
    const view = await waitForSession(t.backend, profile.id, (v) => v.state === 'failed');
    expect(view.error?.code).toBe('tls_cert_malformed');
    expect(view.security.grade).toBe('insecure');
    expect(view.security.tls?.peerChain[0]?.unreadable.map((u) => u.field)).toEqual(['notBefore']);
    expect(view.history.filter((h) => h.to === 'reconnecting')).toHaveLength(0);
  });

  it('connects with verification off and keeps serving, the certificate shown as unreadable', async () => {
    const profile = await save('unverified', { verify: false });
    await t.backend.dispatch('sessions.connect', { id: profile.id });
    const view = await waitForSession(t.backend, profile.id, (v) => v.state === 'connected');
    expect(view.security.grade).toBe('insecure');
    expect(view.security.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['verification_off', 'peer_unreadable']));
    const listed = await t.backend.dispatch('sessions.list', {});
    expect(listed.ok).toBe(true);
    await t.backend.dispatch('sessions.disconnect', { id: profile.id });
  });
});

describe('a broker that sends malformed MQTT packets', () => {
  /** Accepts the CONNECT, answers CONNACK, then sends `packets` once per connection. */
  async function fakeBroker(packets: Buffer): Promise<{ port: number; close(): void }> {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.once('data', () => {
        socket.write(Buffer.from([0x20, 0x02, 0x00, 0x00]));
        setTimeout(() => socket.writable && socket.write(packets), 50);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return {
      port: (server.address() as net.AddressInfo).port,
      close: () => {
        for (const s of sockets) s.destroy();
        server.close();
      },
    };
  }

  const publish = (topic: string, payload: string) => {
    const body = Buffer.concat([Buffer.from([0, Buffer.byteLength(topic)]), Buffer.from(topic), Buffer.from(payload)]);
    return Buffer.concat([Buffer.from([0x30, body.length]), body]);
  };

  async function run(packets: Buffer) {
    const broker = await fakeBroker(packets);
    const saved = await t.backend.dispatch('profiles.save', { settings: { name: 'fake', url: `mqtt://127.0.0.1:${broker.port}`, subscriptions: [{ filter: '#', qos: 0 }] } });
    if (!saved.ok) throw new Error(saved.error.message);
    const id = (saved.value as { id: string }).id;
    try {
      await t.backend.dispatch('sessions.connect', { id });
      await waitForSession(t.backend, id, (v) => v.state === 'connected');
      const after = await waitForSession(t.backend, id, (v) => v.state !== 'connected', 1500).catch(() => null);
      return { id, after };
    } finally {
      await t.backend.dispatch('sessions.disconnect', { id });
      broker.close();
    }
  }

  it.each([
    ['a PUBLISH with QoS 3', Buffer.from([0x36, 0x02, 0x00, 0x00])],
    ['a remaining length of five bytes', Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])],
    ['a topic longer than its packet', Buffer.from([0x30, 0x05, 0x00, 0x09, 0x61, 0x62, 0x63])],
  ])('closes the connection on %s with mqtt_malformed_packet and retries', async (_what, packets) => {
    const { after } = await run(packets);
    expect(after?.error?.code).toBe('mqtt_malformed_packet');
    expect(after?.state).toBe('reconnecting');
  });

  it('takes in a well-formed PUBLISH of {"temp":1e999} and stays connected (the sample side: json-scan.test.ts)', async () => {
    const { id, after } = await run(publish('dev/1', '{"temp":1e999}'));
    expect(after).toBeNull();
    const snapshot = await t.backend.dispatch('topics.snapshot', { connectionId: id });
    expect(snapshot.ok && (snapshot.value as Array<{ topic: string }>).map((u) => u.topic)).toEqual(['dev/1']);
  });

  it('survives random bytes after CONNACK (seeded): connected, or failed with an MQTT or network code', async () => {
    const random = seededRandom(0x9ac_e7);
    for (let i = 0; i < 6; i++) {
      const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 40) }, () => Math.floor(random() * 256)));
      const { after } = await run(bytes);
      if (after) expect(after.error?.code, bytes.toString('hex')).toMatch(/^(mqtt_|net_)/);
    }
    expect((await t.backend.dispatch('sessions.list', {})).ok).toBe(true);
  });
});
