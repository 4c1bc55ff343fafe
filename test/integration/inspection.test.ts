/**
 * Bundle inspection off the message loop, on real parts: PKCS#12 files that
 * openssl writes at test time with costly key derivation are read in a worker
 * thread while the core keeps answering; progress goes to the window that
 * asked and to no other; an inspection stops when its window cancels it,
 * starts another one, or goes away. The core wiring (ImportService behind the
 * contract's handlers and a real EventHub) is driven directly where a
 * transport would hide whether the worker really ended, and through the real
 * WebSocket host where the transport is the point.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ImportProgress } from '../../shared/certificates';
import type { EventName, EventPayload } from '../../shared/contract';
import { ImportService } from '../../electron/core/certificates/import-service';
import { certificateHandlers } from '../../electron/core/certificates/handlers';
import { EventHub } from '../../electron/core/ipc/events';
import { ProfileStore } from '../../electron/core/profiles/profile-store';
import { keytarBackend } from '../../electron/core/secrets/keytar-backend';
import { SecretStore } from '../../electron/core/secrets/secret-store';
import { createWebSocketClient, type WebSocketClient, type WebSocketLike } from '../../renderer/src/client/websocket-client';
import { createTestPki, type TestPki } from '../fixtures/pki';
import { tempDir } from '../support/backend';
import { startTestHost, type TestHost } from '../support/host';

const PASSWORD = 'p12-password';
let dir: string;
let pki: TestPki;
/** OpenSSL 3 default encryption at 100,000 iterations: a few hundred milliseconds to read. */
let costly: { name: string; base64: string };
/** -legacy at 600,000 iterations: several seconds of PKCS#12 KDF in JS, long enough to cancel. */
let slow: { name: string; base64: string };

function p12(name: string, extra: string[]): { name: string; base64: string } {
  const out = path.join(dir, name);
  execFileSync('openssl', ['pkcs12', '-export', '-inkey', pki.client.key.path, '-in', pki.client.cert.path, '-passout', `pass:${PASSWORD}`, '-out', out, ...extra]);
  return { name, base64: readFileSync(out).toString('base64') };
}

beforeAll(() => {
  dir = tempDir('inspection');
  pki = createTestPki(path.join(dir, 'pki'));
  costly = p12('costly.p12', ['-iter', '100000']);
  slow = p12('slow.p12', ['-legacy', '-iter', '600000']);
});

describe('the core: ImportService behind the inspect handlers', () => {
  let imports: ImportService;
  let events: EventHub;
  let handlers: ReturnType<typeof certificateHandlers>;
  const received = new Map<string, ImportProgress[]>();

  beforeAll(async () => {
    const profiles = new ProfileStore(tempDir('inspection-data'));
    await profiles.load();
    imports = new ImportService(profiles, new SecretStore(keytarBackend(), 'mqtts-dashboard-test-inspection'));
    events = new EventHub();
    handlers = certificateHandlers({ imports, events });
  });
  afterAll(() => imports.cancelAll());

  /** A window as a transport attaches it: an event sink under its client id. */
  function openWindow(client: string): () => void {
    received.set(client, []);
    return events.attach(<K extends EventName>(name: K, payload: EventPayload<K>) => {
      if (name === 'certificates.progress') received.get(client)?.push(payload as ImportProgress);
    }, client);
  }
  const inspect = (client: string, file: { name: string; base64: string }, inspectionId: string) =>
    Promise.resolve(handlers['certificates.inspect']({ files: [file], passphrase: PASSWORD, inspectionId }, { client }));
  const failure = async (answer: Promise<unknown>) => answer.then(() => 'answered', (e: { error?: { code: string } }) => e.error?.code ?? String(e));
  const firstDerivation = async (client: string) => {
    for (let i = 0; i < 600 && !received.get(client)?.some((p) => p.stage === 'deriving'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(received.get(client)?.some((p) => p.stage === 'deriving')).toBe(true);
  };

  it('derives in a worker: timers keep firing, progress arrives before the answer, and only for the asking window', async () => {
    const closeA = openWindow('a');
    const closeB = openWindow('b');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    let progressBeforeAnswer = 0;
    const answer = inspect('a', costly, 'first').then((summary) => {
      progressBeforeAnswer = received.get('a')?.length ?? 0;
      return summary;
    });
    const summary = await answer;
    clearInterval(timer);
    expect(summary.errors).toEqual([]);
    expect(summary.identity?.certificate.subject).toContain('device-001');
    expect(summary.identity?.key.encrypted).toBe(true);
    // Were the derivation on this thread, no timer could fire and no progress message could be taken in before the answer.
    expect(ticks).toBeGreaterThanOrEqual(3);
    expect(progressBeforeAnswer).toBeGreaterThan(0);
    const stages = received.get('a') ?? [];
    expect(stages.map((p) => p.stage)).toEqual(expect.arrayContaining(['reading', 'deriving', 'checking']));
    expect(stages.every((p) => p.inspectionId === 'first' && p.done <= p.total)).toBe(true);
    expect(received.get('b')).toEqual([]);
    expect(imports.inspecting).toBe(0);
    closeA();
    closeB();
  });

  it('ends the worker when the window cancels, and only that inspection', async () => {
    const close = openWindow('c');
    const answer = failure(inspect('c', slow, 'to-cancel'));
    await firstDerivation('c');
    expect(imports.inspecting).toBe(1);
    expect(await handlers['certificates.cancel']({ inspectionId: 'another' }, { client: 'c' })).toBeNull();
    expect(imports.inspecting).toBe(1);
    await handlers['certificates.cancel']({ inspectionId: 'to-cancel' }, { client: 'c' });
    expect(await answer).toBe('import_cancelled');
    expect(imports.inspecting).toBe(0);
    close();
  });

  it('ends the worker when its window goes away', async () => {
    const close = openWindow('d');
    const answer = failure(inspect('d', slow, 'orphan'));
    await firstDerivation('d');
    close();
    expect(imports.inspecting).toBe(0);
    expect(await answer).toBe('import_cancelled');
  });

  it('lets a window read one bundle at a time: a newer inspection replaces the older one', async () => {
    const close = openWindow('e');
    const older = failure(inspect('e', slow, 'older'));
    await firstDerivation('e');
    const newer = await inspect('e', costly, 'newer');
    expect(await older).toBe('import_cancelled');
    expect(newer.usable).toBe(true);
    expect(imports.inspecting).toBe(0);
    close();
  });
});

describe('through the WebSocket host', () => {
  let app: TestHost;
  let a: WebSocketClient;
  let b: WebSocketClient;
  const connect = async () => {
    const client = createWebSocketClient(`ws://127.0.0.1:${app.host.port}/ws?token=${app.host.token}`, (url) => new WebSocket(url, { origin: app.host.origin }) as unknown as WebSocketLike);
    await client.ready;
    return client;
  };

  beforeAll(async () => {
    app = await startTestHost();
    a = await connect();
    b = await connect();
  });
  afterAll(async () => {
    a?.close();
    b?.close();
    await app?.cleanup();
  });

  it('answers other requests while a bundle is read, pushes progress to the asking window, and cancels on request', async () => {
    const toA: ImportProgress[] = [];
    const toB: ImportProgress[] = [];
    a.on('certificates.progress', (p) => toA.push(p));
    b.on('certificates.progress', (p) => toB.push(p));
    const order: string[] = [];
    const inspected = a.invoke('certificates.inspect', { files: [slow], passphrase: PASSWORD, inspectionId: 'over-ws' }).then((r) => {
      order.push('inspect');
      return r;
    });
    for (let i = 0; i < 600 && !toA.some((p) => p.stage === 'deriving'); i++) await new Promise((r) => setTimeout(r, 50));
    const info = await b.invoke('app.info', {});
    order.push('app.info');
    expect(info.ok).toBe(true);
    expect((await a.invoke('certificates.cancel', { inspectionId: 'over-ws' })).ok).toBe(true);
    const result = await inspected;
    expect(order).toEqual(['app.info', 'inspect']);
    expect(result.ok ? 'answered' : result.error.code).toBe('import_cancelled');
    expect(toA.some((p) => p.stage === 'deriving' && p.inspectionId === 'over-ws')).toBe(true);
    expect(toB).toEqual([]);
  });

  it('refuses an inspection id that is not a plain token', async () => {
    const result = await a.invoke('certificates.cancel', { inspectionId: '../../etc' });
    expect(result.ok || result.error.code).toBe('invalid_payload');
  });
});
