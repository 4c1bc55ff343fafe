/**
 * Bundle import end to end on real parts: an RSA-4096 identity goes into the
 * real keychain in chunks, connects with mutual TLS to a real mosquitto, and
 * leaves with its profile. Afterwards nothing secret is found in the data
 * folder, the logs, or anything sent to the renderer. Also: the CLI `import`,
 * with a keychain that refuses (locked) and with none at all.
 */
import { execFile } from 'node:child_process';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ImportSummary } from '../../shared/certificates';
import type { Profile } from '../../shared/profiles';
import type { Result } from '../../shared/result';
import type { SessionView } from '../../shared/sessions';
import { runCli } from '../../electron/cli/index';
import { keytarBackend } from '../../electron/core/secrets/keytar-backend';
import { startMosquitto, tlsListener, writePasswordFile, type Broker } from '../fixtures/mosquitto';
import { createTestPki, type TestPki } from '../fixtures/pki';
import { tempDir, waitForSession } from '../support/backend';
import { startTestHost, type TestHost } from '../support/host';
import { writeZip } from '../support/zip';

const PASSPHRASE = `rsa-passphrase-${randomBytes(6).toString('hex')}`;
const PASSWORD = `mqtt-password-${randomBytes(6).toString('hex')}`;

let pki: TestPki;
let broker: Broker;
let app: TestHost;
let dir: string;

beforeAll(async () => {
  dir = tempDir('import');
  pki = createTestPki(path.join(dir, 'pki'));
  const passwords = await writePasswordFile(path.join(dir, 'pw'), { operator: PASSWORD });
  broker = await startMosquitto([
    { ...tlsListener(pki.server, 'mtls', { cafile: pki.caBundle.path, requireCertificate: true }), passwordFile: passwords },
  ]);
  app = await startTestHost();
});

afterAll(async () => {
  await app?.cleanup();
  await broker?.stop();
});

/** A renderer stand-in on the real WebSocket transport that records every frame main sends it. */
async function recordingClient(host: TestHost['host']) {
  const received: string[] = [];
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, { origin: host.origin });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let next = 1;
  const waiting = new Map<number, (r: Result<unknown>) => void>();
  const views: SessionView[] = [];
  ws.on('message', (data) => {
    const textFrame = data.toString();
    received.push(textFrame);
    const frame = JSON.parse(textFrame) as { id?: number; result?: Result<unknown>; event?: string; payload?: unknown };
    if (frame.event === 'sessions.changed') views.push(frame.payload as SessionView);
    if (typeof frame.id === 'number') waiting.get(frame.id)?.(frame.result as Result<unknown>);
  });
  const invoke = <T>(channel: string, payload: unknown): Promise<T> =>
    new Promise((resolve, reject) => {
      const id = next++;
      waiting.set(id, (r) => (r.ok ? resolve(r.value as T) : reject(new Error(`${r.error.code}: ${r.error.message}`))));
      ws.send(JSON.stringify({ id, channel, payload }));
    });
  return { received, invoke, views, close: () => ws.close() };
}

function walk(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const full = path.join(root, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

/** Distinctive lines of a PEM key: any one of them appearing anywhere is a leak. */
function keyLines(pem: string): string[] {
  return pem.split('\n').filter((l) => l.length >= 40 && !l.startsWith('-----'));
}

describe('an RSA-4096 identity, from bundle to connection and back out', () => {
  let profile: Profile;
  const secretsToFind: string[] = [];
  let renderer: Awaited<ReturnType<typeof recordingClient>>;

  it('imports the bundle: summary first, nothing saved yet', async () => {
    renderer = await recordingClient(app.host);
    const encryptedKey = createPrivateKey(pki.clientRsa4096.key.pem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE }) as string;
    const plainPkcs8 = createPrivateKey(pki.clientRsa4096.key.pem).export({ type: 'pkcs8', format: 'pem' }) as string;
    secretsToFind.push(...keyLines(encryptedKey), ...keyLines(plainPkcs8), ...keyLines(pki.clientRsa4096.key.pem), PASSPHRASE, PASSWORD);
    const zip = writeZip([
      { path: 'device/device.crt', data: pki.clientRsa4096.cert.pem },
      { path: 'device/device.key', data: encryptedKey, method: 8 },
      { path: 'ca/ca-chain.pem', data: pki.caBundle.pem },
    ]);
    const files = [{ name: 'rsa4096-bundle.zip', base64: zip.toString('base64') }];
    const locked = await renderer.invoke<ImportSummary>('certificates.inspect', { files });
    expect(locked.needsPassphrase).toBe(true);
    const summary = await renderer.invoke<ImportSummary>('certificates.inspect', { files, passphrase: PASSPHRASE });
    expect(summary.errors).toEqual([]);
    expect(summary.identity?.key).toMatchObject({ keyType: 'RSA', keyBits: 4096, encrypted: true });
    expect(app.backend.profiles.list()).toHaveLength(0);
    expect(await app.secrets.accounts()).toEqual([]);

    profile = await renderer.invoke<Profile>('certificates.apply', {
      importId: summary.importId,
      settings: { name: 'RSA device', url: `mqtts://localhost:${broker.ports.mtls}`, username: 'operator' },
    });
    expect(profile.secrets.clientKey).toBe(true);
    expect(profile.tls.trust).toBe('custom');
    profile = await renderer.invoke<Profile>('profiles.save', { id: profile.id, settings: profile, secrets: { password: PASSWORD } });
  });

  it('stores the key in the keychain in chunks and reads it back whole', async () => {
    const raw = await keytarBackend().findCredentials(app.secrets.service);
    const head = raw.find((c) => c.account === `${profile.id}/clientKey`);
    expect(head?.password).toMatch(/^c:\d+:[0-9a-f]{64}$/);
    const chunks = raw.filter((c) => c.account.startsWith(`${profile.id}/clientKey#`));
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    const key = await app.secrets.get(profile.id, 'clientKey');
    expect(createPrivateKey(key ?? '').asymmetricKeyDetails?.modulusLength).toBe(4096);
  });

  it('connects with mutual TLS using the key from the keychain', async () => {
    await renderer.invoke('sessions.connect', { id: profile.id });
    const view = await waitForSession(app.backend, profile.id, (v) => v.state === 'connected' || v.state === 'failed');
    expect(view.state).toBe('connected');
    expect(view.security.tls?.clientCertificate).toMatchObject({ keyType: 'RSA', keyBits: 4096 });
    expect(view.security.grade).toBe('secure');
    const described = await renderer.invoke<{ key: { keyBits: number; matchesCertificate: boolean; storedIn: string } }>('profiles.describe', { id: profile.id });
    expect(described.key).toMatchObject({ keyBits: 4096, matchesCertificate: true, storedIn: 'keychain' });
    await renderer.invoke('sessions.disconnect', { id: profile.id });
  });

  it('deletes the profile together with every keychain entry', async () => {
    await renderer.invoke('profiles.delete', { id: profile.id });
    const raw = await keytarBackend().findCredentials(app.secrets.service);
    expect(raw.filter((c) => c.account.startsWith(`${profile.id}/`))).toEqual([]);
    expect(app.backend.profiles.list()).toEqual([]);
  });

  it('left no private key, passphrase or password in the data folder, the logs or anything sent to the renderer', () => {
    renderer.close();
    expect(renderer.received.length).toBeGreaterThan(5);
    const places: Array<[string, string]> = [
      ...walk(app.dataDir).map((f): [string, string] => [f, readFileSync(f, 'latin1')]),
      ['logs', app.logs.join('\n')],
      ['renderer messages', renderer.received.join('\n')],
    ];
    for (const [where, content] of places) {
      expect(content, where).not.toMatch(/PRIVATE KEY/);
      for (const secret of secretsToFind) expect(content.includes(secret), `${where} contains a secret`).toBe(false);
    }
  });
});

describe('CLI import', () => {
  const io = (out: string[], env: NodeJS.ProcessEnv = {}) => ({ stdout: (l: string) => out.push(l), stderr: (l: string) => out.push(l), env });

  it('prints the summary as JSON with exit 0 for a clean bundle, 1 with warnings, 3 when unusable', async () => {
    const bundle = path.join(dir, 'cli-bundle');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(bundle, { recursive: true });
    writeFileSync(path.join(bundle, 'abc-certificate.pem.crt'), pki.client.cert.pem);
    writeFileSync(path.join(bundle, 'abc-private.pem.key'), pki.client.key.pem);
    writeFileSync(path.join(bundle, 'ca.pem'), pki.caBundle.pem);
    const out: string[] = [];
    expect(await runCli(['import', bundle, '--json'], io(out))).toBe(0);
    const report = JSON.parse(out[0] ?? '{}');
    expect(report.items.map((i: { kind: string }) => i.kind).sort()).toEqual(['certificate', 'intermediate-ca', 'private-key', 'root-ca']);
    expect(report.identity.certificate.subject).toContain('device-001');
    expect(report.items[0]).toHaveProperty('fingerprint256');
    expect(out.join('')).not.toMatch(/PRIVATE KEY/);

    const warned: string[] = [];
    expect(await runCli(['import', pki.client.cert.path, pki.client.key.path, pki.rootOnly.path, '--json'], io(warned))).toBe(1);
    expect(JSON.parse(warned[0] ?? '{}').warnings.map((w: { code: string }) => w.code)).toContain('chain_incomplete');

    const bad: string[] = [];
    expect(await runCli(['import', pki.clientEncryptedKey.key.path, pki.clientEncryptedKey.cert.path, '--json', '--passphrase-env', 'P'], io(bad, { P: 'wrong' }))).toBe(3);
    expect(JSON.parse(bad[0] ?? '{}').errors[0].code).toBe('key_wrong_passphrase');
    expect(bad.join('')).not.toContain('wrong"');

    expect(await runCli(['import', '--json'], io([]))).toBe(64);
    expect(await runCli(['import', path.join(dir, 'missing.pem')], io([]))).toBe(64);
    expect(await runCli(['import', bundle, '--url', 'mqtts://x'], io([]))).toBe(64);
  });

  it('saves with --save into the data folder and the keychain', async () => {
    const dataDir = tempDir('cli-data');
    const out: string[] = [];
    const code = await runCli(
      ['import', pki.client.cert.path, pki.client.key.path, pki.caBundle.path, '--json', '--save', 'Line 9', '--url', `mqtts://localhost:${broker.ports.mtls}`, '--data-dir', dataDir],
      io(out),
    );
    expect(code).toBe(0);
    const saved = JSON.parse(out[0] ?? '{}').saved;
    expect(saved).toMatchObject({ name: 'Line 9', created: true, keyStoredIn: 'os', note: 'The client key is in the OS keychain.' });
    const profiles = JSON.parse(readFileSync(path.join(dataDir, 'profiles.json'), 'utf8'));
    expect(profiles.profiles[0].tls.clientCertificate).toContain('BEGIN CERTIFICATE');
    expect(readFileSync(path.join(dataDir, 'profiles.json'), 'utf8')).not.toMatch(/PRIVATE KEY/);
    const raw = await keytarBackend().findCredentials('mqtts-dashboard');
    expect(raw.some((c) => c.account === `${saved.id}/clientKey`)).toBe(true);
    for (const c of raw.filter((x) => x.account.startsWith(`${saved.id}/`))) await keytarBackend().deletePassword('mqtts-dashboard', c.account);
  });

  /** The CLI in its own process, in an environment the test chooses (`wrap` runs it under another command). */
  async function cliProcess(args: string[], env: NodeJS.ProcessEnv, wrap: string[] = []): Promise<{ code: number; stdout: string }> {
    const cli = path.resolve(__dirname, '../../electron/cli/index.ts');
    const [command = process.execPath, ...before] = [...wrap, process.execPath];
    try {
      const { stdout } = await promisify(execFile)(command, [...before, '--import', 'tsx', cli, ...args], { env, timeout: 60_000 });
      return { code: 0, stdout };
    } catch (error) {
      return { code: (error as { code: number }).code, stdout: (error as { stdout: string }).stdout };
    }
  }

  it.runIf(process.platform === 'linux')('refuses to save a private key anywhere when the keychain exists but is locked', async () => {
    const dataDir = tempDir('locked-keychain');
    // A Secret Service of its own, unlocked then locked again: it answers, and refuses.
    const withKeyring = path.resolve(__dirname, '../with-keyring.sh');
    const { code, stdout } = await cliProcess(
      ['import', pki.client.cert.path, pki.client.key.path, pki.caBundle.path, '--json', '--save', 'Locked', '--url', 'mqtts://localhost:8883', '--data-dir', dataDir],
      process.env,
      ['bash', withKeyring, '--locked'],
    );
    expect(code).toBe(3);
    const report = JSON.parse(stdout);
    expect(report.saved).toBeNull();
    const failure = report.errors.at(-1);
    expect(failure.code).toBe('keychain_unavailable');
    expect(failure.message).toContain('Cannot create an item in a locked collection');
    expect(failure.message).toMatch(/never stored anywhere else/);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it.runIf(process.platform === 'linux')('with no keychain at all, saves the connection, says the key lived only as long as the command, and the app will ask for it', async () => {
    const dataDir = tempDir('no-keychain');
    // No D-Bus session: the Secret Service cannot even be looked for, as on a server without a desktop.
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' };
    const { code, stdout } = await cliProcess(
      ['import', pki.client.cert.path, pki.client.key.path, pki.caBundle.path, '--json', '--save', 'No keychain', '--url', 'mqtts://localhost:8883', '--data-dir', dataDir],
      env,
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.saved).toMatchObject({ name: 'No keychain', created: true, keyStoredIn: 'session' });
    expect(report.saved.note).toMatch(/No OS keychain found: the client key was held in this command’s memory only and is gone now that it exits/);
    const text = readFileSync(path.join(dataDir, 'profiles.json'), 'utf8');
    expect(text).not.toMatch(/PRIVATE KEY/);
    const [profile] = JSON.parse(text).profiles as Profile[];
    expect(profile?.pendingSecrets).toEqual(['clientKey']);

    const plain = await cliProcess(['import', pki.client.cert.path, pki.client.key.path, '--save', 'No keychain', '--data-dir', dataDir], env);
    expect(plain.stdout).toContain('saved as connection "No keychain". No OS keychain found: the client key was held in this command’s memory only');
  });
});
