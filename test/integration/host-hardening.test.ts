/**
 * The headless host against hostile local clients (any web page the operator
 * visits can reach 127.0.0.1): malformed paths, oversized and malformed
 * WebSocket frames, too many connections, request floods, and a seeded,
 * bounded fuzz of HTTP request lines, headers and frames. After each, the host
 * still serves a normal request; the last-resort handler is armed to fail.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_BUNDLE_BYTES, MAX_BUNDLE_FILE_NAME, MAX_BUNDLE_FILES, MAX_PASSPHRASE_LENGTH } from '../../shared/certificates';
import { invokeNames, MAX_PROFILES_TEXT } from '../../shared/contract';
import { MAX_REQUEST_FRAME_BYTES, WS_PATH } from '../../shared/wire';
import { CLOSE, HTTP_RATE, MAX_CONNECTIONS, MAX_WS_CLIENTS, startHost, WS_RATE, type RunningHost } from '../../electron/host/server';
import { createTestBackend, tempDir, type TestBackend } from '../support/backend';
import { failIfLastResortReached } from '../support/last-resort';
import { seededRandom } from '../support/random';

failIfLastResortReached();

let t: TestBackend;
let host: RunningHost;

beforeAll(async () => {
  const dir = path.join(tempDir('host-static'), 'renderer');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>MQTTS Dashboard</title>');
  t = await createTestBackend();
  host = await startHost({ backend: t.backend, staticDir: dir });
});

afterAll(async () => {
  await host?.close();
  await t?.cleanup();
});

// ------------------------------------------------------------ raw clients

/** Writes `request` on a fresh TCP connection; resolves with whatever came back before close or `ms`. */
function raw(request: Buffer | string, ms = 1500): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(host.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(done, ms);
    socket.on('data', (c) => chunks.push(c));
    socket.on('close', done);
    socket.on('error', done);
    socket.on('connect', () => socket.write(request));
  });
}

const hostHeader = () => `127.0.0.1:${host.port}`;

function upgradeRequest(): string {
  return [
    `GET ${WS_PATH}?token=${host.token} HTTP/1.1`,
    `Host: ${hostHeader()}`,
    `Origin: ${host.origin}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    '',
    '',
  ].join('\r\n');
}

/** An upgraded raw socket, after the 101; `received` collects what the server sends next. */
function openRawWebSocket(): Promise<{ socket: net.Socket; received: Buffer[]; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(host.port, '127.0.0.1');
    const received: Buffer[] = [];
    let upgraded = false;
    let head = Buffer.alloc(0);
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      if (upgraded) return void received.push(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      if (!head.subarray(0, end).toString('latin1').startsWith('HTTP/1.1 101')) return reject(new Error(head.toString('latin1')));
      upgraded = true;
      if (head.length > end + 4) received.push(head.subarray(end + 4));
      resolve({ socket, received, closed });
    });
    socket.on('connect', () => socket.write(upgradeRequest()));
  });
}

interface FrameSpec {
  opcode: number;
  payload?: Buffer;
  fin?: boolean;
  mask?: boolean;
  rsv?: number;
  /** Length written in the header, whatever the payload really is. */
  declared?: number;
}

function frame({ opcode, payload = Buffer.alloc(0), fin = true, mask = true, rsv = 0, declared = payload.length }: FrameSpec): Buffer {
  const first = (fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0f);
  let header: Buffer;
  if (declared < 126) header = Buffer.from([first, (mask ? 0x80 : 0) | declared]);
  else if (declared < 65536) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = (mask ? 0x80 : 0) | 126;
    header.writeUInt16BE(declared, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = (mask ? 0x80 : 0) | 127;
    header.writeBigUInt64BE(BigInt(declared), 2);
  }
  if (!mask) return Buffer.concat([header, payload]);
  const key = randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ (key[i % 4] as number)));
  return Buffer.concat([header, key, masked]);
}

/** The close frame the server sent on a raw WebSocket, or null when none came; the socket is closed after. */
async function closeCode(ws: { socket: net.Socket; received: Buffer[]; closed: Promise<void> }): Promise<{ code: number; reason: string } | null> {
  const find = () => {
    const data = Buffer.concat(ws.received);
    for (let at = 0; at + 2 <= data.length; ) {
      const opcode = (data[at] as number) & 0x0f;
      let length = (data[at + 1] as number) & 0x7f;
      let start = at + 2;
      if (length === 126) {
        length = data.readUInt16BE(at + 2);
        start += 2;
      } else if (length === 127) {
        length = Number(data.readBigUInt64BE(at + 2));
        start += 8;
      }
      if (start + length > data.length) return null;
      if (opcode === 0x8) return { code: data.readUInt16BE(start), reason: data.subarray(start + 2, start + length).toString('utf8') };
      at = start + length;
    }
    return null;
  };
  let closed = false;
  void ws.closed.then(() => (closed = true));
  for (let i = 0; i < 60 && !closed && !find(); i++) await new Promise((r) => setTimeout(r, 50));
  ws.socket.destroy();
  return find();
}

/** A normal dashboard client: connects, asks app.info, closes. */
async function normalRequest(): Promise<{ page: number; info: boolean }> {
  const page = (await fetch(`${host.origin}/`)).status;
  const ws = new WebSocket(`ws://${hostHeader()}${WS_PATH}?token=${host.token}`, { origin: host.origin });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const answer = await new Promise<{ id: number; result: { ok: boolean } }>((resolve) => {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { id?: number; result?: { ok: boolean } };
      if (frame.id === 7 && frame.result) resolve(frame as { id: number; result: { ok: boolean } });
    });
    ws.send(JSON.stringify({ id: 7, channel: 'app.info', payload: {} }));
  });
  ws.close();
  return { page, info: answer.result.ok };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

// ------------------------------------------------------------ cases

describe('the host against malformed requests', () => {
  it('answers GET /%zz with 400 (no token needed to try) and keeps serving', async () => {
    const answer = await raw(`GET /%zz HTTP/1.1\r\nHost: ${hostHeader()}\r\nConnection: close\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(await normalRequest()).toEqual({ page: 200, info: true });
  });

  it('never serves a file outside the renderer folder, however the path is spelled', async () => {
    for (const target of ['/../../../../etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd', '/..\\..\\etc\\passwd', '/index.html%00.js']) {
      const answer = await raw(`GET ${target} HTTP/1.1\r\nHost: ${hostHeader()}\r\nConnection: close\r\n\r\n`);
      expect(answer, target).toMatch(/^HTTP\/1\.1 (400|404)/);
      expect(answer, target).not.toMatch(/root:/);
    }
  });

  it('closes a WebSocket frame declaring 100 MB with 1009 before reading it, and keeps serving', async () => {
    const ws = await openRawWebSocket();
    ws.socket.write(frame({ opcode: 0x1, payload: Buffer.from('{"id":1'), declared: 100 * 1024 * 1024 }));
    expect((await closeCode(ws))?.code).toBe(1009);
    expect(await normalRequest()).toEqual({ page: 200, info: true });
  });

  it('accepts the largest legitimate request and refuses one byte more', async () => {
    // The largest import the contract allows (most files, longest names, whole bundle budget) fits the limit.
    const perFile = Math.floor(MAX_BUNDLE_BYTES / MAX_BUNDLE_FILES);
    const largestImport = JSON.stringify({
      id: 1,
      channel: 'certificates.inspect',
      payload: {
        files: Array.from({ length: MAX_BUNDLE_FILES }, () => ({ name: '€'.repeat(MAX_BUNDLE_FILE_NAME), base64: Buffer.alloc(perFile).toString('base64') })),
        passphrase: '€'.repeat(MAX_PASSPHRASE_LENGTH),
      },
    });
    expect(Buffer.byteLength(largestImport)).toBeLessThanOrEqual(MAX_REQUEST_FRAME_BYTES);

    // The largest profiles import really crosses and is answered (as invalid profiles, not as a closed socket).
    const text = '€'.repeat(MAX_PROFILES_TEXT);
    const big = JSON.stringify({ id: 9, channel: 'profiles.import', payload: { text } });
    expect(Buffer.byteLength(big)).toBeLessThanOrEqual(MAX_REQUEST_FRAME_BYTES);
    const ws = new WebSocket(`ws://${hostHeader()}${WS_PATH}?token=${host.token}`, { origin: host.origin });
    await new Promise((resolve) => ws.once('open', resolve));
    const answer = await new Promise<{ id: number; result: { ok: boolean; error?: { code: string } } }>((resolve, reject) => {
      // Pushed events (telemetry, history) may arrive first: the answer is the frame with our id.
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as { id?: number };
        if (frame.id === 9) resolve(frame as { id: number; result: { ok: boolean; error?: { code: string } } });
      });
      ws.on('close', (code) => reject(new Error(`closed with ${code}`)));
      ws.send(big);
    });
    ws.close();
    expect(answer.id).toBe(9);
    expect(answer.result.ok).toBe(false);

    const over = await openRawWebSocket();
    over.socket.write(frame({ opcode: 0x1, payload: Buffer.from('{'), declared: MAX_REQUEST_FRAME_BYTES + 1 }));
    expect((await closeCode(over))?.code).toBe(1009);
  });
});

describe('the host under load from one machine', () => {
  it(`refuses connection ${MAX_CONNECTIONS + 1} with 503 and a reason, then serves again`, async () => {
    const idle = await Promise.all(
      Array.from({ length: MAX_CONNECTIONS }, () => new Promise<net.Socket>((resolve) => {
        const s = net.connect(host.port, '127.0.0.1', () => resolve(s));
        s.on('error', () => undefined);
      })),
    );
    try {
      await new Promise((r) => setTimeout(r, 100));
      expect(await raw(`GET / HTTP/1.1\r\nHost: ${hostHeader()}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 503 Too many connections/);
    } finally {
      for (const s of idle) s.destroy();
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(await normalRequest()).toEqual({ page: 200, info: true });
  });

  it(`refuses dashboard ${MAX_WS_CLIENTS + 1} with 503 and a reason`, async () => {
    const open = await Promise.all(Array.from({ length: MAX_WS_CLIENTS }, () => openRawWebSocket()));
    try {
      await until(() => host.clients() === MAX_WS_CLIENTS, 'every dashboard to connect');
      expect(await raw(upgradeRequest())).toMatch(new RegExp(`^HTTP/1\\.1 503 ${CLOSE.overloaded.reason}`));
    } finally {
      for (const ws of open) ws.socket.destroy();
    }
    await until(() => host.clients() === 0, 'the dashboards to close');
  });

  it('answers an HTTP flood on one connection with 429 and Retry-After', async () => {
    const count = HTTP_RATE.burst + 30;
    const request = `GET / HTTP/1.1\r\nHost: ${hostHeader()}\r\n\r\n`.repeat(count - 1) + `GET / HTTP/1.1\r\nHost: ${hostHeader()}\r\nConnection: close\r\n\r\n`;
    const answer = await raw(request, 3000);
    const statuses = [...answer.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(HTTP_RATE.burst - 5);
    expect(statuses).toContain(429);
    expect(answer).toMatch(/Retry-After: 1/);
  });

  it('closes a WebSocket that floods requests with 1008 and the reason', async () => {
    const ws = await openRawWebSocket();
    const junk = frame({ opcode: 0x1, payload: Buffer.from('{}') });
    ws.socket.write(Buffer.concat(Array.from({ length: WS_RATE.burst + 50 }, () => junk)));
    expect(await closeCode(ws)).toEqual({ code: CLOSE.rateLimited.code, reason: CLOSE.rateLimited.reason });
    expect(await normalRequest()).toEqual({ page: 200, info: true });
  });
});

describe('fuzzing the host (seeded, bounded)', () => {
  const random = seededRandom(0x10_f022);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const int = (n: number) => Math.floor(random() * n);
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  const printable = (n: number) => Array.from({ length: n }, () => String.fromCharCode(0x21 + int(94))).join('');

  function httpCase(): Buffer {
    const method = pick(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE', 'G\0T', printable(1 + int(8))]);
    const target = pick([
      '/', '/%zz', '/%', '/%E0%A4%A', '/%C0%AF', '/../../etc/passwd', '/index.html%00', '//', 'http://[', '*', WS_PATH, `${WS_PATH}?token=${host.token}`,
      '/' + printable(int(200)), '/' + '%'.repeat(int(50)), '/a'.repeat(2000 + int(4000)), '/' + bytes(int(40)).toString('latin1'),
    ]);
    const version = pick(['HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', '', printable(5)]);
    const eol = pick(['\r\n', '\r\n', '\n', '\r']);
    const headers: string[] = [];
    for (let i = int(7); i > 0; i--) {
      headers.push(
        pick([
          `Host: ${hostHeader()}`,
          `Host: ${hostHeader()}`,
          'Host: evil.example',
          `Origin: ${pick([host.origin, 'http://evil.example', 'null'])}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          'Connection: keep-alive',
          `Sec-WebSocket-Key: ${pick([randomBytes(16).toString('base64'), printable(10), ''])}`,
          `Sec-WebSocket-Version: ${pick(['13', '8', 'x'])}`,
          `Content-Length: ${pick(['0', '5', '-1', '99999999999', 'abc', '10, 20'])}`,
          'Transfer-Encoding: chunked',
          `${printable(1 + int(20))}: ${printable(int(50))}`,
          `X-Bad: ${bytes(int(30)).toString('latin1')}`,
          `X-Long: ${'v'.repeat(int(40_000))}`,
          bytes(int(40)).toString('latin1'),
        ]),
      );
    }
    const body = pick(['', '', printable(int(100)), '5\r\nhello\r\n0\r\n\r\n', 'zz\r\n', bytes(int(200)).toString('latin1')]);
    return Buffer.from(`${method} ${target} ${version}${eol}${headers.join(eol)}${eol}${eol}${body}`, 'latin1');
  }

  /** JSON values of every shape, small. */
  function json(depth = 0): unknown {
    switch (int(depth > 2 ? 5 : 8)) {
      case 0:
        return null;
      case 1:
        return random() < 0.5;
      case 2:
        return pick([0, -1, 1e308, 2 ** 53, 0.5, int(1e6)]);
      case 3:
        return pick(['', 'x', '€'.repeat(int(50)), printable(int(100)), '\u0000\ud800']);
      case 4:
        return pick([{}, []]);
      case 5:
        return Array.from({ length: int(4) }, () => json(depth + 1));
      default:
        return Object.fromEntries(Array.from({ length: int(4) }, () => [pick(['id', 'name', 'url', 'settings', 'files', 'text', printable(5)]), json(depth + 1)]));
    }
  }

  // Channels that would start or remove the demo broker are left out: they are valid requests, not hostile ones.
  const channels = invokeNames.filter((n) => !n.startsWith('demo.'));

  function wsFrames(): Buffer[] {
    const frames: Buffer[] = [];
    for (let i = 1 + int(4); i > 0; i--) {
      frames.push(
        pick<() => Buffer>([
          () => frame({ opcode: 0x1, payload: Buffer.from([0xc3, 0x28, 0xff]) }),
          () => frame({ opcode: 0x2, payload: bytes(int(100)) }),
          () => frame({ opcode: 0x1, payload: Buffer.from('{"id":1,'), fin: false }),
          () => frame({ opcode: 0x0, payload: Buffer.from('"channel":"app.info"'), fin: random() < 0.5 }),
          () => frame({ opcode: 0x1, payload: Buffer.from('{'), declared: MAX_REQUEST_FRAME_BYTES + 1 + int(1e9) }),
          () => frame({ opcode: 0x1, payload: Buffer.from('{}'), mask: false }),
          () => frame({ opcode: 0x1, payload: Buffer.from('{}'), rsv: 1 + int(7) }),
          () => frame({ opcode: pick([3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf]), payload: bytes(int(10)) }),
          () => frame({ opcode: 0x9, payload: bytes(126 + int(100)) }),
          () => frame({ opcode: 0x8, payload: pick([Buffer.from([3]), Buffer.from([0x03, 0xe7]), Buffer.from([0x13, 0x88, 0xff])]) }),
          () => frame({ opcode: 0x1, payload: Buffer.from(JSON.stringify({ id: int(100), channel: pick(channels), payload: json() })) }),
          () => frame({ opcode: 0x1, payload: Buffer.from(JSON.stringify(json())) }),
          () => bytes(1 + int(50)),
        ])(),
      );
    }
    return frames;
  }

  it('survives random HTTP requests and WebSocket frames, then answers a normal request', async () => {
    const httpCases = Array.from({ length: 80 }, httpCase);
    for (let i = 0; i < httpCases.length; i += 8) {
      await Promise.all(httpCases.slice(i, i + 8).map((c) => raw(c, 1000)));
    }
    for (let i = 0; i < 60; i += 6) {
      await Promise.all(
        Array.from({ length: 6 }, async () => {
          const ws = await openRawWebSocket();
          ws.socket.write(Buffer.concat(wsFrames()));
          await Promise.race([ws.closed, new Promise((r) => setTimeout(r, 300))]);
          ws.socket.destroy();
        }),
      );
    }
    expect(await normalRequest()).toEqual({ page: 200, info: true });
    await until(() => host.clients() === 0, 'the fuzzed sockets to close');
  });
});
