/**
 * The headless host: the same core and handlers as the Electron app, served
 * over HTTP + WebSocket on 127.0.0.1 only. The page is public; the WebSocket
 * requires the random token printed with the URL and our own Origin, and the
 * Host header must name the loopback address (no DNS rebinding).
 *
 * Any web page the operator visits can reach 127.0.0.1, so every byte that
 * arrives is hostile until parsed: each request path answers with a status
 * instead of throwing, every socket has an error handler, frames are capped at
 * the largest legitimate request, and connections and request rates are
 * limited with a clear reason (503, 429, close code 1008).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventName, EventPayload } from '../../shared/contract';
import { EXPORT_PATH, exportSignatureInput } from '../../shared/history';
import { err } from '../../shared/result';
import { ClientFrameSchema, MAX_REQUEST_FRAME_BYTES, WS_PATH, type ServerFrame } from '../../shared/wire';
import type { Backend } from '../core/backend';
import type { ExportSink } from '../core/history/exports';
import { describeIssues } from '../core/ipc/dispatcher';
import { resolveStaticFile, staticHeaders } from '../core/static/renderer-files';

/** Open TCP connections (page loads, WebSockets); one more is refused with 503. */
export const MAX_CONNECTIONS = 64;
/** Open dashboards (WebSocket clients) at once. */
export const MAX_WS_CLIENTS = 16;
/**
 * Requests per second per connection, with the burst a page load or a resize
 * of every chart at once needs. Connections are capped too, so the total rate
 * any local page can impose is bounded by both.
 */
export const HTTP_RATE = { perSecond: 50, burst: 100 } as const;
export const WS_RATE = { perSecond: 100, burst: 400 } as const;
/** WebSocket close codes the host uses, with their reasons. */
export const CLOSE = {
  notJson: { code: 1003, reason: 'Frames must be JSON text' },
  rateLimited: { code: 1008, reason: 'Too many requests per second' },
  overloaded: { code: 1013, reason: 'Too many open dashboards' },
} as const;

export interface HostOptions {
  backend: Backend;
  /** The built renderer (out/renderer). */
  staticDir: string;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
  /** Told about what the host refused or could not do (never thrown); defaults to nothing. */
  log?: (message: string) => void;
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

/** A token bucket: `take` says whether one more request fits now. */
export class RateLimit {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: { perSecond: number; burst: number },
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = rate.burst;
    this.last = now();
  }

  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.rate.burst, this.tokens + ((now - this.last) / 1000) * this.rate.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A plain HTTP answer on a raw socket (an upgrade refused, a connection over the limit), then close. */
function refuse(socket: Duplex, status: number, reason: string): void {
  if (socket.writable) {
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`);
  }
  // A peer that never reads must not keep the socket: it goes after a second whatever happens.
  setTimeout(() => socket.destroy(), 1000).unref();
}

/** `new URL` of a request target; null for one that does not parse (`//`, `http://[`). */
function requestUrl(raw: string | undefined): URL | null {
  try {
    return new URL(raw ?? '/', 'http://127.0.0.1');
  } catch {
    return null;
  }
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const staticRoot = path.resolve(options.staticDir);
  const log = options.log ?? (() => undefined);
  let port = 0;
  const allowedHosts = () => [`127.0.0.1:${port}`, `localhost:${port}`];
  const allowedOrigins = () => allowedHosts().map((h) => `http://${h}`);
  const limits = new WeakMap<Socket, RateLimit>();

  async function serveStatic(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!allowedHosts().includes(req.headers.host ?? '')) {
      res.writeHead(421, { 'Content-Type': 'text/plain' }).end('Misdirected request');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const url = requestUrl(req.url);
    const target = url ? resolveStaticFile(staticRoot, url.pathname) : ({ ok: false, status: 400 } as const);
    if (!target.ok) {
      res.writeHead(target.status, { 'Content-Type': 'text/plain' }).end(target.status === 400 ? 'Bad request' : 'Not found');
      return;
    }
    let body: Buffer;
    try {
      body = await fs.readFile(target.file);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }
    res.writeHead(200, staticHeaders(target.file));
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  /**
   * An export the page started over the WebSocket, as a download: the URL names
   * the export and carries an HMAC of it keyed with the host's token, so only
   * a page that holds the token can fetch it, and the token itself never
   * appears in the URL (nor in the browser's download list). Each export is
   * fetched once, within a minute of being started.
   */
  function serveExport(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    if (!allowedHosts().includes(req.headers.host ?? '')) {
      res.writeHead(421, { 'Content-Type': 'text/plain' }).end('Misdirected request');
      return;
    }
    if (req.method !== 'GET') {
      res.writeHead(405, { Allow: 'GET' }).end();
      return;
    }
    const id = url.pathname.slice(EXPORT_PATH.length + 1);
    const expected = createHmac('sha256', token).update(exportSignatureInput(id)).digest('hex');
    if (!/^[0-9a-f]{32}$/.test(id) || !tokensEqual(url.searchParams.get('sig') ?? '', expected)) {
      res.writeHead(401, { 'Content-Type': 'text/plain' }).end('Unauthorized');
      return;
    }
    const prepared = options.backend.history.exports.takeDownload(id);
    if (!prepared) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('This export has expired or was downloaded already; start it again.');
      return;
    }
    res.writeHead(200, {
      'Content-Type': prepared.contentType,
      'Content-Disposition': `attachment; filename="${prepared.fileName}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    let gone = false;
    res.on('close', () => (gone = true));
    const sink: ExportSink = {
      write: (chunk) =>
        new Promise((resolve, reject) => {
          if (gone) return reject(new Error('the browser stopped the download'));
          if (res.write(chunk)) return resolve();
          const settle = () => {
            res.off('drain', settle);
            res.off('close', settle);
            if (gone) reject(new Error('the browser stopped the download'));
            else resolve();
          };
          res.on('drain', settle);
          res.on('close', settle);
        }),
      end: () => new Promise((resolve) => res.end(() => resolve())),
      // A cut-off download must not look complete: the connection is dropped, not ended.
      abort: async () => void res.destroy(),
    };
    void options.backend.history.exports.run(prepared, sink);
  }

  const server = http.createServer((req, res) => {
    let limit = limits.get(req.socket);
    if (!limit) limits.set(req.socket, (limit = new RateLimit(HTTP_RATE)));
    if (!limit.take()) {
      res.writeHead(429, { 'Content-Type': 'text/plain', 'Retry-After': '1' }).end('Too many requests');
      return;
    }
    const url = requestUrl(req.url);
    if (url?.pathname.startsWith(`${EXPORT_PATH}/`)) {
      serveExport(req, res, url);
      return;
    }
    serveStatic(req, res).catch((error: unknown) => {
      log(`HTTP ${String(req.url).slice(0, 200)} failed: ${(error as Error)?.message ?? String(error)}`);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end();
    });
  });
  // Slow or half-sent requests must not hold connections (and their slots) for long.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // Malformed request lines or headers: Node's parser says which; the client gets 400.
    if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') refuse(socket, 400, 'Bad Request');
    else socket.destroy();
  });
  server.on('error', (error) => log(`HTTP server error: ${error.message}`));

  const connections = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    socket.on('error', () => socket.destroy());
    if (connections.size >= MAX_CONNECTIONS) {
      refuse(socket, 503, 'Too many connections');
      return;
    }
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_FRAME_BYTES, perMessageDeflate: false });
  wss.on('error', (error) => log(`WebSocket server error: ${error.message}`));
  const sockets = new Set<WebSocket>();

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node detaches its own error handling from an upgraded socket: this one must not be left without.
    socket.on('error', () => socket.destroy());
    const url = requestUrl(req.url);
    if (!url || url.pathname !== WS_PATH) return refuse(socket, 404, 'Not Found');
    if (!allowedHosts().includes(req.headers.host ?? '')) return refuse(socket, 421, 'Misdirected Request');
    if (!tokensEqual(url.searchParams.get('token') ?? '', token)) return refuse(socket, 401, 'Unauthorized');
    if (!allowedOrigins().includes(req.headers.origin ?? '')) return refuse(socket, 403, 'Forbidden');
    if (sockets.size >= MAX_WS_CLIENTS) return refuse(socket, 503, CLOSE.overloaded.reason);
    try {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    } catch (error) {
      log(`WebSocket upgrade failed: ${(error as Error).message}`);
      refuse(socket, 400, 'Bad Request');
    }
  });

  let clients = 0;
  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws);
    const client = `ws:${++clients}`;
    const limit = new RateLimit(WS_RATE);
    const send = (frame: ServerFrame) => {
      if (ws.readyState !== ws.OPEN) return;
      try {
        ws.send(JSON.stringify(frame));
      } catch (error) {
        log(`A frame for ${client} could not be sent: ${(error as Error).message}`);
      }
    };
    // Oversized (1009), invalid UTF-8 (1007) or malformed frames: ws has already closed the connection; say so and go on.
    ws.on('error', (error) => log(`WebSocket ${client} closed on a bad frame: ${error.message}`));
    const detach = options.backend.events.attach(<K extends EventName>(name: K, payload: EventPayload<K>) => send({ event: name, payload }), client);
    ws.on('message', (data, isBinary) => {
      if (!limit.take()) {
        ws.close(CLOSE.rateLimited.code, CLOSE.rateLimited.reason);
        return;
      }
      let json: unknown;
      try {
        if (isBinary) throw new Error('binary');
        json = JSON.parse(data.toString());
      } catch {
        ws.close(CLOSE.notJson.code, CLOSE.notJson.reason);
        return;
      }
      const frame = ClientFrameSchema.safeParse(json);
      if (!frame.success) {
        const id = typeof (json as { id?: unknown })?.id === 'number' ? (json as { id: number }).id : -1;
        send({ id, result: err('invalid_frame', `The request frame was rejected: ${describeIssues(frame.error)}.`, 'Reload the page.') });
        return;
      }
      const { id, channel, payload } = frame.data;
      options.backend
        .dispatch(channel, payload, { client })
        .then((result) => send({ id, result }))
        .catch((error: unknown) => {
          // dispatch turns every handler failure into a result; this is a bug, reported to the page as one.
          log(`Dispatching ${channel} failed: ${(error as Error)?.message ?? String(error)}`);
          send({ id, result: err('internal', `${channel} failed unexpectedly.`, 'See the host log for details.') });
        });
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
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
