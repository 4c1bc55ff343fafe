/**
 * The headless host: the same core and handlers as the Electron app, served
 * over HTTP + WebSocket on 127.0.0.1 only. The page is public; the WebSocket
 * requires the random token printed with the URL and our own Origin, and the
 * Host header must name the loopback address (no DNS rebinding).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventName, EventPayload } from '../../shared/contract';
import { err } from '../../shared/result';
import { ClientFrameSchema, WS_PATH, type ServerFrame } from '../../shared/wire';
import type { Backend } from '../core/backend';
import { describeIssues } from '../core/ipc/dispatcher';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export interface HostOptions {
  backend: Backend;
  /** The built renderer (out/renderer). */
  staticDir: string;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
  /** Largest WebSocket frame accepted (bundle imports travel as bytes). */
  maxPayloadBytes?: number;
}

export interface RunningHost {
  url: string;
  origin: string;
  port: number;
  token: string;
  /** Connected, authenticated WebSocket clients. */
  clients(): number;
  close(): Promise<void>;
}

function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.write(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length}\r\n\r\n${reason}`);
  socket.destroy();
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const staticRoot = path.resolve(options.staticDir);
  let port = 0;
  const allowedHosts = () => [`127.0.0.1:${port}`, `localhost:${port}`];
  const allowedOrigins = () => allowedHosts().map((h) => `http://${h}`);

  const server = http.createServer((req, res) => {
    void (async () => {
      if (!allowedHosts().includes(req.headers.host ?? '')) {
        res.writeHead(421, { 'Content-Type': 'text/plain' }).end('Misdirected request');
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' }).end();
        return;
      }
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const relative = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
      const file = path.resolve(staticRoot, '.' + relative);
      if (!file.startsWith(staticRoot + path.sep)) {
        res.writeHead(404).end();
        return;
      }
      let body: Buffer;
      try {
        body = await fs.readFile(file);
      } catch {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
        return;
      }
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'X-Frame-Options': 'DENY',
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cache-Control': path.extname(file) === '.html' ? 'no-store' : 'max-age=3600',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    })();
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes ?? 64 * 1024 * 1024 });
  const sockets = new Set<WebSocket>();

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== WS_PATH) return refuse(socket, 404, 'Not Found');
    if (!allowedHosts().includes(req.headers.host ?? '')) return refuse(socket, 421, 'Misdirected Request');
    if (!tokensEqual(url.searchParams.get('token') ?? '', token)) return refuse(socket, 401, 'Unauthorized');
    if (!allowedOrigins().includes(req.headers.origin ?? '')) return refuse(socket, 403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  let clients = 0;
  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws);
    const client = `ws:${++clients}`;
    const send = (frame: ServerFrame) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    };
    const detach = options.backend.events.attach(<K extends EventName>(name: K, payload: EventPayload<K>) => send({ event: name, payload }), client);
    ws.on('message', (data, isBinary) => {
      void (async () => {
        let json: unknown;
        try {
          json = JSON.parse(isBinary ? '' : data.toString());
        } catch {
          ws.close(1003, 'Frames must be JSON');
          return;
        }
        const frame = ClientFrameSchema.safeParse(json);
        if (!frame.success) {
          const id = typeof (json as { id?: unknown })?.id === 'number' ? (json as { id: number }).id : -1;
          send({ id, result: err('invalid_frame', `The request frame was rejected: ${describeIssues(frame.error)}.`, 'Reload the page.') });
          return;
        }
        const result = await options.backend.dispatch(frame.data.channel, frame.data.payload, { client });
        send({ id: frame.data.id, result });
      })();
    });
    ws.on('close', () => {
      sockets.delete(ws);
      detach();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/#token=${token}`,
    origin,
    port,
    token,
    clients: () => sockets.size,
    close: async () => {
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
