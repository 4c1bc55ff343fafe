/**
 * The headless host as an operator starts it (`serve.ts`, its own process),
 * optionally on a machine with no keychain at all: no D-Bus session, no display,
 * no runtime dir where a bus could be found. Used by the first-run tests and the
 * cold-start benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import WebSocket from 'ws';
import { BUILT_HOST } from '../../electron/host/built-host';
import { createWebSocketClient, type WebSocketClient, type WebSocketLike } from '../../renderer/src/client/websocket-client';

const SERVE = path.resolve(__dirname, '../../electron/host/serve.ts');

/** The environment of a server without a desktop session: nothing that leads to a D-Bus session bus. */
export function withoutDesktop(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const scrubbed = { ...env };
  for (const name of ['DBUS_SESSION_BUS_ADDRESS', 'DISPLAY', 'WAYLAND_DISPLAY', 'XDG_RUNTIME_DIR']) delete scrubbed[name];
  return scrubbed;
}

export interface HostProcess {
  url: string;
  origin: string;
  token: string;
  /** Every line the host printed so far (stdout and stderr). */
  output: string[];
  /** A WebSocket client of the contract, as the page uses. */
  connect(): Promise<WebSocketClient>;
  /** SIGTERM, as Ctrl-C would; resolves once the process has exited. */
  stop(): Promise<void>;
}

/** `built`: the host `npm start` runs (out/main/serve.js, plain Node; `electron-vite build` first), else its sources through tsx. */
export function startHostProcess(options: { dataDir: string; demo?: boolean; env?: NodeJS.ProcessEnv; timeoutMs?: number; built?: boolean }): Promise<HostProcess> {
  const args = [...(options.built ? [path.resolve(__dirname, '../..', BUILT_HOST)] : ['--import', 'tsx', SERVE]), '--data-dir', options.dataDir, '--port', '0', ...(options.demo ? ['--demo'] : [])];
  const child: ChildProcess = spawn(process.execPath, args, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const clients: WebSocketClient[] = [];
  const stop = async () => {
    for (const c of clients.splice(0)) c.close();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop().then(() => reject(new Error(`the host printed no URL within ${options.timeoutMs ?? 60_000} ms:\n${output.join('\n')}`)));
    }, options.timeoutMs ?? 60_000);
    const take = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        output.push(line);
        const match = /^Open (http:\/\/127\.0\.0\.1:(\d+)\/#token=(\S+))$/.exec(line);
        if (!match) continue;
        clearTimeout(timer);
        const [, url = '', port = '', token = ''] = match;
        const origin = `http://127.0.0.1:${port}`;
        resolve({
          url,
          origin,
          token,
          output,
          stop,
          connect: async () => {
            const client = createWebSocketClient(`ws://127.0.0.1:${port}/ws?token=${token}`, (u) => new WebSocket(u, { origin }) as unknown as WebSocketLike);
            clients.push(client);
            await client.ready;
            return client;
          },
        });
      }
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the host exited (code ${child.exitCode}) before printing its URL:\n${output.join('\n')}`));
    });
  });
}
