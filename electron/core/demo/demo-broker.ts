/**
 * The demo's embedded broker: aedes behind a TLS listener on 127.0.0.1 that
 * requires a client certificate from the demo CA, with a throwaway PKI made at
 * start (nothing of it is written to disk). Simulated devices publish into it;
 * one of them connects over TLS for real with a certificate about to expire.
 */
import type { KeyObject, X509Certificate } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { topicMatchesFilter } from '../../../shared/mqtt';
import { generateKey, issueCertificate, privateKeyPem, type DistinguishedName } from '../certificates/issue';

const DAY = 86_400_000;

export interface DemoIdentity {
  certificate: string;
  key: string;
}

export interface DemoPki {
  ca: string;
  operator: DemoIdentity;
  /** A device whose certificate expires in 12 days: its status says so. */
  expiringDevice: DemoIdentity & { notAfter: string };
}

interface Issuer {
  name: DistinguishedName;
  key: KeyObject;
  certificate: X509Certificate;
}

function leaf(issuer: Issuer, cn: string, usage: 'serverAuth' | 'clientAuth', days: number, names?: string[]) {
  const key = generateKey('ec-p256');
  const now = Date.now();
  const cert = issueCertificate({
    subject: { CN: cn, O: 'MQTTS Dashboard demo' },
    publicKey: key.publicKey,
    signingKey: issuer.key,
    issuer: { name: issuer.name, certificate: issuer.certificate },
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + days * DAY),
    extendedKeyUsage: [usage],
    subjectAltNames: names,
  });
  return { certificate: cert.pem, key: privateKeyPem(key.privateKey), x509: cert.x509 };
}

export function createDemoPki(): DemoPki & { server: DemoIdentity } {
  const caKey = generateKey('ec-p256');
  const caName = { CN: 'MQTTS Dashboard Demo CA', O: 'MQTTS Dashboard demo' };
  const now = Date.now();
  const ca = issueCertificate({ subject: caName, publicKey: caKey.publicKey, signingKey: caKey.privateKey, notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY), ca: { pathLength: 0 } });
  const issuer: Issuer = { name: caName, key: caKey.privateKey, certificate: ca.x509 };
  const server = leaf(issuer, 'localhost', 'serverAuth', 365, ['localhost', '127.0.0.1']);
  const operator = leaf(issuer, 'demo-operator', 'clientAuth', 365);
  const expiring = leaf(issuer, 'door-7', 'clientAuth', 12);
  return {
    ca: ca.pem,
    server: { certificate: server.certificate, key: server.key },
    operator: { certificate: operator.certificate, key: operator.key },
    expiringDevice: { certificate: expiring.certificate, key: expiring.key, notAfter: new Date(expiring.x509.validTo).toISOString() },
  };
}

/** The slice of aedes the demo uses. */
export interface BrokerHandle {
  handle: (stream: tls.TLSSocket) => unknown;
  publish(packet: { cmd: 'publish'; topic: string; payload: Buffer; qos: 0 | 1 | 2; retain: boolean; dup: false }, callback: (error?: Error) => void): void;
  close(callback?: () => void): void;
  on(event: 'subscribe', listener: (subscriptions: Array<{ topic: string }>) => void): unknown;
}

export interface DemoBroker {
  port: number;
  publish(topic: string, payload: string, retain?: boolean): void;
  /** Resolves at the next subscription (from now on) to a filter that receives `topic`. */
  subscribed(topic: string): Promise<void>;
  close(): Promise<void>;
}

export async function startDemoBroker(pki: ReturnType<typeof createDemoPki>): Promise<DemoBroker> {
  // aedes is an ES module only: loaded dynamically so the CommonJS main process can use it.
  const { Aedes } = (await import('aedes')) as unknown as { Aedes: { createBroker(): Promise<BrokerHandle> } };
  const aedes = await Aedes.createBroker();
  const sockets = new Set<tls.TLSSocket>();
  const server = tls.createServer(
    { key: pki.server.key, cert: pki.server.certificate, ca: pki.ca, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' },
    (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      aedes.handle(socket);
    },
  );
  server.on('tlsClientError', () => undefined);
  const waiting = new Set<{ topic: string; resolve: () => void }>();
  aedes.on('subscribe', (subscriptions) => {
    for (const w of waiting) {
      if (!subscriptions.some((s) => topicMatchesFilter(s.topic, w.topic))) continue;
      waiting.delete(w);
      w.resolve();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    publish(topic, payload, retain = false) {
      aedes.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 0, retain, dup: false }, () => undefined);
    },
    subscribed: (topic) => new Promise<void>((resolve) => waiting.add({ topic, resolve })),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
    },
  };
}
