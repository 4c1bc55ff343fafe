/**
 * The benchmark's stand-in sender: a TLS server on 127.0.0.1 that speaks just
 * enough MQTT (answers CONNECT and SUBSCRIBE), then writes pre-encoded QoS 0
 * PUBLISH packets as fast as the socket takes them. A real broker on 2 cores
 * saturates long before a client does; this measures the client's own cost.
 */
import net from 'node:net';
import tls from 'node:tls';
import { generateKey, issueCertificate, privateKeyPem } from '../electron/core/certificates/issue';
import { packet } from '../test/fixtures/fake-broker';

export interface StandIn {
  port: number;
  ca: string;
  close(): Promise<void>;
}

export function encodePublish(topic: string, payload: Buffer): Buffer {
  const t = Buffer.from(topic);
  return packet(0x30, Buffer.concat([Buffer.from([t.length >> 8, t.length & 0xff]), t, payload]));
}

/** `count` messages round-robin over `topics` topics: `{"t":n,"temp":21.37,"hum":40}` on `fleet/dev<i>/telemetry`. */
export function encodeStream(count: number, topics: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < count; i++) parts.push(encodePublish(topicName(i % topics), Buffer.from(`{"t":${i},"temp":21.37,"hum":40}`)));
  return Buffer.concat(parts);
}

export function topicName(i: number): string {
  return `fleet/dev${i}/telemetry`;
}

/** Reads whole MQTT packets off a socket (fixed header + remaining length). */
function onPackets(socket: net.Socket, handler: (type: number, body: Buffer) => void): void {
  let buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      if (buffer.length < 2) return;
      let length = 0;
      let multiplier = 1;
      let i = 1;
      let byte: number;
      do {
        if (i >= buffer.length) return;
        byte = buffer[i++] as number;
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
      } while (byte & 0x80);
      if (buffer.length < i + length) return;
      handler((buffer[0] as number) >> 4, buffer.subarray(i, i + length));
      buffer = buffer.subarray(i + length);
    }
  });
}

export async function startStandIn(stream: Buffer): Promise<StandIn> {
  const ca = generateKey('ec-p256');
  const caName = { CN: 'Bench CA' };
  const now = Date.now();
  const caCert = issueCertificate({ subject: caName, publicKey: ca.publicKey, signingKey: ca.privateKey, notBefore: new Date(now - 3600_000), notAfter: new Date(now + 86_400_000), ca: {} });
  const key = generateKey('ec-p256');
  const cert = issueCertificate({ subject: { CN: 'localhost' }, publicKey: key.publicKey, signingKey: ca.privateKey, issuer: { name: caName, certificate: caCert.x509 }, notBefore: new Date(now - 3600_000), notAfter: new Date(now + 86_400_000), subjectAltNames: ['localhost', '127.0.0.1'], extendedKeyUsage: ['serverAuth'] });
  const sockets = new Set<net.Socket>();
  const server = tls.createServer({ key: privateKeyPem(key.privateKey), cert: cert.pem }, (socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    onPackets(socket, (type, body) => {
      if (type === 1) socket.write(Buffer.from([0x20, 0x02, 0x00, 0x00]));
      if (type === 8) {
        const id = body.subarray(0, 2);
        let filters = 0;
        for (let i = 2; i < body.length; ) {
          const len = ((body[i] as number) << 8) | (body[i + 1] as number);
          i += 2 + len + 1;
          filters++;
        }
        socket.write(Buffer.concat([Buffer.from([0x90, 2 + filters]), id, Buffer.alloc(filters, 0)]));
        void pump(socket, stream);
      }
      if (type === 12) socket.write(Buffer.from([0xd0, 0x00]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    ca: caCert.pem,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function pump(socket: net.Socket, stream: Buffer): Promise<void> {
  const CHUNK = 64 * 1024;
  for (let offset = 0; offset < stream.length && !socket.destroyed; offset += CHUNK) {
    if (!socket.write(stream.subarray(offset, offset + CHUNK))) await new Promise((r) => socket.once('drain', r));
  }
}

/**
 * Runs the stand-in in its own process, so its TLS encryption does not share
 * the measured client's thread: the client's cost is what is measured.
 */
export async function spawnStandIn(count: number, topics: number, stream: 'json' | 'sparkplug' = 'json'): Promise<StandIn> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['--import', 'tsx', process.env.STANDIN ?? new URL('./standin-main.ts', import.meta.url).pathname, String(count), String(topics), stream], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const nl = buffer.indexOf('\n');
      if (nl >= 0) resolve(buffer.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`stand-in exited with ${code}`)));
  });
  const { port, ca } = JSON.parse(line) as { port: number; ca: string };
  return {
    port,
    ca,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
