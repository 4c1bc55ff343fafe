/**
 * End to end through a real broker: Debian's mosquitto over TLS on 127.0.0.1
 * and a separate publisher process. Two subscribers receive the same stream at
 * the same time, each in its own process: the whole core and a bare mqtt.js
 * client. The broker is the bottleneck here; the question is whether the core
 * keeps up with whatever it delivers, under exactly the same conditions.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMosquitto, tlsListener } from '../test/fixtures/mosquitto';
import { createTestPki } from '../test/fixtures/pki';
import type { Rate } from './ingest';

function node(script: string, args: string[]) {
  return spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
}

/** Starts a subscriber; resolves `ready` once it is subscribed and `rate` when it has counted. */
function subscriber(mode: 'core' | 'bare', url: string, caFile: string, count: number, topics: number) {
  const child = node('subscriber.ts', [mode, url, caFile, String(count), String(topics)]);
  let output = '';
  let signalReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (signalReady = resolve));
  const rate = new Promise<Rate>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready\n')) signalReady();
    });
    child.once('exit', (code) => {
      const last = output.trim().split('\n').at(-1) ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as Rate);
      else reject(new Error(`${mode} subscriber exited with ${code}`));
    });
  });
  return { ready, rate };
}

/** A mosquitto TLS listener on 127.0.0.1 with a fresh PKI, for one benchmark part; `close` removes it all. */
export async function benchBroker() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtts-bench-'));
  const pki = createTestPki(path.join(dir, 'pki'));
  const caFile = path.join(dir, 'ca.pem');
  writeFileSync(caFile, pki.rootOnly.pem);
  const broker = await startMosquitto([tlsListener(pki.server)], { dir: path.join(dir, 'broker') });
  return {
    dir,
    url: `mqtts://localhost:${broker.ports.tls}`,
    ca: pki.rootOnly.pem,
    caFile,
    close: async () => {
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function throughBroker(count: number, topics: number, rounds: number): Promise<{ core: Rate[]; raw: Rate[] }> {
  const { url, caFile, close } = await benchBroker();
  const core: Rate[] = [];
  const raw: Rate[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const subs = { core: subscriber('core', url, caFile, count, topics), bare: subscriber('bare', url, caFile, count, topics) };
      await Promise.all([subs.core.ready, subs.bare.ready]);
      const publisher = node('publisher.ts', [url, caFile, String(count), String(topics)]);
      const [c, b] = await Promise.all([subs.core.rate, subs.bare.rate]);
      publisher.kill('SIGTERM');
      core.push(c);
      raw.push(b);
    }
  } finally {
    await close();
  }
  return { core, raw };
}
