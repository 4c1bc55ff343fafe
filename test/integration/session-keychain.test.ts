/**
 * A first run on a server with no keychain at all: the headless host started
 * as an operator would (its own process) with no D-Bus session, no display,
 * outside the test keyring's bus. Secrets live in memory for the run: the demo
 * starts and streams, `app.info` says the session store is in use, and the
 * data folder never holds a secret. After a restart the demo provisions itself
 * again (it owns its throwaway CA, so a fresh key is no loss), while a
 * connection whose password lived in memory asks for it instead of failing.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_KEYCHAIN_NOTICE } from '../../shared/contract';
import { seriesKey } from '../../shared/telemetry';
import type { WebSocketClient } from '../../renderer/src/client/websocket-client';
import { tempDir } from '../support/backend';
import { startHostProcess, withoutDesktop, type HostProcess } from '../support/host-process';

const dataDir = tempDir('no-keychain');
const password = `pw-${randomBytes(9).toString('base64url')}`;
let host: HostProcess | null = null;

afterAll(async () => {
  await host?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function value<T>(result: Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const r = await result;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** Samples of the demo's first oven, read twice: they must grow. */
async function expectLiveSamples(client: WebSocketClient): Promise<void> {
  const { profileId } = await value(client.invoke('demo.status', {}));
  const demo = (await value(client.invoke('profiles.list', {}))).find((p) => p.id === profileId);
  const series = demo?.dashboard.charts[0]?.series[0];
  expect(series, 'the demo has a dashboard').toBeDefined();
  const key = seriesKey(series!);
  const samples = async () => (await value(client.invoke('telemetry.view', { key, window: '1m', width: 200 }))).samples;
  await expect.poll(samples, { timeout: 20_000, interval: 250 }).toBeGreaterThan(2);
  const before = await samples();
  await expect.poll(samples, { timeout: 20_000, interval: 250 }).toBeGreaterThan(before);
}

/** Every file the app wrote, read whole: no key, no passphrase, no password. */
function expectNoSecretOnDisk(): void {
  const files = readdirSync(dataDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  expect(files.map((f) => f.name)).toContain('profiles.json');
  for (const file of files) {
    const text = readFileSync(path.join(file.parentPath, file.name), 'latin1');
    expect(text, file.name).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
    expect(text, file.name).not.toMatch(/Proc-Type: 4,ENCRYPTED|DEK-Info/);
    expect(text, file.name).not.toMatch(/"(passphrase|password|clientKey|key)"\s*:\s*"/);
    expect(text, file.name).not.toContain(password);
  }
}

// A Linux server is the machine without a keychain; macOS and Windows always have one.
describe.runIf(process.platform === 'linux')('the host on a machine with no keychain', () => {
  let plantId = '';

  beforeAll(async () => {
    host = await startHostProcess({ dataDir, demo: true, env: withoutDesktop() });
  });

  it('says where secrets are, runs the demo and streams its samples', async () => {
    expect(host!.output).toContain(`${SESSION_KEYCHAIN_NOTICE} (Cannot autolaunch D-Bus without X11 $DISPLAY).`);
    expect(host!.output).toContain('Demo fleet started: an embedded TLS broker with simulated devices.');
    const client = await host!.connect();
    const info = await value(client.invoke('app.info', {}));
    expect(info.keychain).toEqual({ store: 'session', available: true, detail: 'Cannot autolaunch D-Bus without X11 $DISPLAY' });
    await expectLiveSamples(client);
    const demo = (await value(client.invoke('profiles.list', {})))[0];
    expect(demo?.secrets.clientKey).toBe(true);

    // A connection of the operator's own with a password: kept in memory, never on disk.
    const plant = await value(client.invoke('profiles.save', { settings: { name: 'Plant', url: 'mqtts://127.0.0.1:1', username: 'op' }, secrets: { password } }));
    plantId = plant.id;
    expect(plant.secrets.password).toBe(true);
    expect(plant.pendingSecrets).toEqual([]);
    expectNoSecretOnDisk();
  });

  it('after a restart, the demo provisions itself again and the other connection asks for its password', async () => {
    await host!.stop();
    expectNoSecretOnDisk();
    host = await startHostProcess({ dataDir, demo: true, env: withoutDesktop() });
    // Not a first start any more: the demo resumes by itself rather than being installed.
    expect(host.output.some((l) => l.startsWith('Demo fleet started'))).toBe(false);
    const client = await host.connect();
    expect((await value(client.invoke('app.info', {}))).keychain.store).toBe('session');
    await expectLiveSamples(client);

    const plant = (await value(client.invoke('profiles.list', {}))).find((p) => p.id === plantId);
    expect(plant?.pendingSecrets).toEqual(['password']);
    const refused = await client.invoke('sessions.connect', { id: plantId });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('secrets_required');
      expect(refused.error.message).toBe('Plant kept its secrets in memory only (no OS keychain), and the run that held them has ended: it needs the password.');
      expect(refused.error.hint).toContain('memory until the app closes');
    }
    // Answering the prompt takes the mark off for this run.
    const answered = await value(client.invoke('profiles.save', { id: plantId, settings: { name: 'Plant', url: 'mqtts://127.0.0.1:1', username: 'op' }, secrets: { password } }));
    expect(answered.pendingSecrets).toEqual([]);
    expectNoSecretOnDisk();
  });
});
