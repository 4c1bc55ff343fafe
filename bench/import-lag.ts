/**
 * Event-loop lag of the core while a bundle with costly key derivation is
 * inspected: a PKCS#12 file that openssl writes with OpenSSL 3's default
 * encryption (PBES2, AES-256, HMAC-SHA256 MAC) at 600,000 iterations, sent
 * through the backend's `certificates.inspect` as a window would send it. The
 * thread that takes in MQTT messages is the one measured (monitorEventLoopDelay
 * at its default 10 ms resolution, so an idle loop reads about 10 ms) from a
 * little before the request to a little after the answer, so that a stall
 * that blocks the loop for the whole inspection is recorded when its timer
 * finally fires. Runs in a process of its own and prints one JSON line.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createBackend } from '../electron/core/backend';
import { keytarBackend } from '../electron/core/secrets/keytar-backend';
import { SecretStore } from '../electron/core/secrets/secret-store';
import { deviceIdentity } from '../test/fixtures/device-identity';

const ITERATIONS = 600_000;
const ROUNDS = 3;
const PASSPHRASE = 'bench-passphrase';
/** Idle loop before and after each request, so the histogram has a tick on either side of it. */
const MARGIN_MS = 50;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtts-bench-import-'));
  try {
    const { leaf, keyPem } = deviceIdentity('bench-device');
    writeFileSync(path.join(dir, 'key.pem'), keyPem, { mode: 0o600 });
    writeFileSync(path.join(dir, 'cert.pem'), leaf.pem);
    const p12 = path.join(dir, 'device.p12');
    execFileSync('openssl', ['pkcs12', '-export', '-iter', String(ITERATIONS), '-inkey', path.join(dir, 'key.pem'), '-in', path.join(dir, 'cert.pem'), '-passout', `pass:${PASSPHRASE}`, '-out', p12]);
    const files = [{ name: 'device.p12', base64: readFileSync(p12).toString('base64') }];

    const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const backend = await createBackend({ dataDir: path.join(dir, 'data'), secrets: new SecretStore(keytarBackend(), 'mqtts-dashboard-bench'), transport: 'websocket', version: 'bench', logger: quiet });
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    const inspectMs: number[] = [];
    let usable = true;
    try {
      for (let round = 0; round < ROUNDS; round++) {
        histogram.enable();
        await sleep(MARGIN_MS);
        const started = performance.now();
        const answer = await backend.dispatch('certificates.inspect', { files, passphrase: PASSPHRASE });
        inspectMs.push(performance.now() - started);
        await sleep(MARGIN_MS);
        histogram.disable();
        if (!answer.ok) throw new Error(`${answer.error.code}: ${answer.error.message}`);
        usable &&= (answer.value as { usable: boolean }).usable;
      }
    } finally {
      await backend.dispose();
    }
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    console.log(
      JSON.stringify({
        iterations: ITERATIONS,
        rounds: ROUNDS,
        usable,
        lagP99Ms: ms(histogram.percentile(99)),
        lagMaxMs: ms(histogram.max),
        lagMeanMs: ms(histogram.mean),
        inspectMs: Math.round(inspectMs.reduce((a, b) => a + b, 0) / inspectMs.length),
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
