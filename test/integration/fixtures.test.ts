/**
 * Integration test of the test fixtures themselves: the generated PKI
 * (test/fixtures/pki.ts) is accepted by the real mosquitto started by
 * test/fixtures/mosquitto.ts — TLS with a full chain, mTLS, TLS-1.2-only,
 * a non-forward-secret cipher, wss — and a stopped broker comes back on the
 * same port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type ConnectionOptions } from 'node:tls';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPki, fingerprintPin, spkiPin, type TestPki } from '../fixtures/pki';
import { startMosquitto, type Broker } from '../fixtures/mosquitto';

/** MQTT 3.1.1 CONNECT, clean session, keep-alive 60 s, client id "fixture-test". */
function connectPacket(clientId = 'fixture-test'): Buffer {
  const id = Buffer.from(clientId, 'utf8');
  const variable = Buffer.from([0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c]);
  const payload = Buffer.concat([Buffer.from([id.length >> 8, id.length & 0xff]), id]);
  const remaining = variable.length + payload.length; // < 128: one length byte
  return Buffer.concat([Buffer.from([0x10, remaining]), variable, payload]);
}
const CONNACK_ACCEPTED = Buffer.from([0x20, 0x02, 0x00, 0x00]);

interface Attempt {
  secure: boolean;
  authorized: boolean;
  protocol: string | null;
  cipher: string | undefined;
  connack: boolean;
  error: string | undefined;
}

/** TLS handshake, then an MQTT CONNECT; resolves when CONNACK arrives, the socket fails or closes, or after 3 s. */
function mqttOverTls(port: number, options: ConnectionOptions): Promise<Attempt> {
  return new Promise((resolve) => {
    const result: Attempt = { secure: false, authorized: false, protocol: null, cipher: undefined, connack: false, error: undefined };
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ...options });
    let received = Buffer.alloc(0);
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => {
      result.error ??= 'timeout';
      finish();
    }, 3_000);
    socket.once('secureConnect', () => {
      result.secure = true;
      result.authorized = socket.authorized;
      result.protocol = socket.getProtocol();
      result.cipher = socket.getCipher()?.name;
      socket.write(connectPacket());
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.subarray(0, 4).equals(CONNACK_ACCEPTED)) {
        result.connack = true;
        finish();
      }
    });
    socket.once('error', (error) => {
      result.error = error.message;
      finish();
    });
    socket.once('close', finish);
  });
}

function tcpRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('test fixtures: generated PKI + real mosquitto', () => {
  let dir: string;
  let pki: TestPki;
  let broker: Broker;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fixtures-test-'));
    pki = createTestPki(join(dir, 'pki'));
    const server = { certfile: pki.server.fullChain.path, keyfile: pki.server.key.path };
    broker = await startMosquitto(
      [
        { name: 'tls', tls: server },
        { name: 'mtls', tls: { ...server, cafile: pki.caBundle.path, requireCertificate: true } },
        { name: 'tls12', tls: { ...server, tlsVersion: 'tlsv1.2' } },
        {
          name: 'weak',
          tls: { certfile: pki.serverRsa.fullChain.path, keyfile: pki.serverRsa.key.path, tlsVersion: 'tlsv1.2', ciphers: 'AES128-GCM-SHA256' },
        },
        { name: 'wss', protocol: 'websockets', tls: server },
      ],
      { dir: join(dir, 'broker') },
    );
  }, 15_000);

  afterAll(async () => {
    await broker?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes the PKI files and pins', () => {
    expect(pki.caBundle.pem).toBe(pki.intermediateCa.cert.pem + pki.rootCa.cert.pem);
    expect(pki.server.fullChain.pem).toBe(pki.server.cert.pem + pki.intermediateCa.cert.pem);
    expect(pki.clientEncryptedKey.key.pem).toContain('ENCRYPTED PRIVATE KEY');
    expect(pki.clientEncryptedKey.cert.pem).toBe(pki.client.cert.pem);
    expect(pki.clientOtherKey.x509.checkPrivateKey(pki.clientOtherKey.privateKey)).toBe(false);
    expect(pki.client.x509.checkPrivateKey(pki.client.privateKey)).toBe(true);
    expect(pki.clientRsa4096.x509.publicKey.asymmetricKeyDetails?.modulusLength).toBe(4096);
    expect(new Date(pki.serverExpired.x509.validTo).getTime()).toBeLessThan(Date.now());
    expect(new Date(pki.serverNotYetValid.x509.validFrom).getTime()).toBeGreaterThan(Date.now());
    expect(pki.serverWrongHost.x509.checkHost('localhost')).toBeUndefined();
    expect(pki.server.x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(fingerprintPin(pki.server.cert.pem)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(spkiPin(pki.server.cert.pem)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(spkiPin(pki.clientEncryptedKey.cert.pem)).toBe(spkiPin(pki.client.cert.pem));
  });

  it('verifies the full-chain listener against the root alone', async () => {
    const attempt = await mqttOverTls(broker.ports.tls!, { ca: pki.rootOnly.pem });
    expect(attempt.authorized).toBe(true);
    expect(attempt.connack).toBe(true);
  });

  it('rejects the listener when trusting only the untrusted CA', async () => {
    const attempt = await mqttOverTls(broker.ports.tls!, { ca: pki.untrustedCa.cert.pem });
    expect(attempt.secure).toBe(false);
    expect(attempt.error).toMatch(/certificate/i);
  });

  it('mTLS listener: CONNACK only with a client certificate', async () => {
    const withCert = await mqttOverTls(broker.ports.mtls!, { ca: pki.caBundle.pem, cert: pki.client.cert.pem, key: pki.client.key.pem });
    expect(withCert.authorized).toBe(true);
    expect(withCert.connack).toBe(true);

    const encrypted = await mqttOverTls(broker.ports.mtls!, {
      ca: pki.caBundle.pem,
      cert: pki.clientEncryptedKey.cert.pem,
      key: pki.clientEncryptedKey.key.pem,
      passphrase: pki.clientEncryptedKey.passphrase,
    });
    expect(encrypted.connack).toBe(true);

    const without = await mqttOverTls(broker.ports.mtls!, { ca: pki.caBundle.pem });
    expect(without.connack).toBe(false);
    expect(without.error).toBeDefined();

    const untrusted = await mqttOverTls(broker.ports.mtls!, {
      ca: pki.caBundle.pem,
      cert: pki.clientUntrusted.cert.pem,
      key: pki.clientUntrusted.key.pem,
    });
    expect(untrusted.connack).toBe(false);
  });

  it('tlsv1.2 listener negotiates TLS 1.2 and refuses a TLS 1.3-only client', async () => {
    const ok = await mqttOverTls(broker.ports.tls12!, { ca: pki.caBundle.pem });
    expect(ok.protocol).toBe('TLSv1.2');
    expect(ok.connack).toBe(true);

    const tls13Only = await mqttOverTls(broker.ports.tls12!, { ca: pki.caBundle.pem, minVersion: 'TLSv1.3' });
    expect(tls13Only.secure).toBe(false);
    expect(tls13Only.error).toMatch(/protocol version/i);
  });

  it('cipher-restricted listener negotiates the non-forward-secret AES128-GCM-SHA256', async () => {
    const attempt = await mqttOverTls(broker.ports.weak!, { ca: pki.rootOnly.pem });
    expect(attempt.protocol).toBe('TLSv1.2');
    expect(attempt.cipher).toBe('AES128-GCM-SHA256');
    expect(attempt.connack).toBe(true);
  });

  it('wss listener speaks MQTT over secure websockets', async () => {
    const reply = await new Promise<Buffer>((resolve, reject) => {
      const ws = new WebSocket(`wss://127.0.0.1:${broker.ports.wss}/mqtt`, 'mqtt', { ca: pki.rootOnly.pem });
      const timer = setTimeout(() => reject(new Error('no CONNACK over wss')), 3_000);
      ws.once('open', () => ws.send(connectPacket('fixture-wss')));
      ws.once('message', (data: Buffer) => {
        clearTimeout(timer);
        ws.close();
        resolve(data);
      });
      ws.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    expect(reply.equals(CONNACK_ACCEPTED)).toBe(true);
  });

  it('stop() closes the ports and start() brings the same ports back', async () => {
    const ports = { ...broker.ports };
    await broker.stop();
    expect(await tcpRefused(ports.tls!)).toBe(true);
    await broker.start();
    expect(broker.ports).toEqual(ports);
    const attempt = await mqttOverTls(ports.tls!, { ca: pki.rootOnly.pem });
    expect(attempt.connack).toBe(true);
    const tls12 = await mqttOverTls(ports.tls12!, { ca: pki.caBundle.pem });
    expect(tls12.protocol).toBe('TLSv1.2');
    expect(broker.log()).toContain('mosquitto version 2.0');
  });
});
