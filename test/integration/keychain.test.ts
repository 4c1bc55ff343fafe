/**
 * keytar against a real Secret Service (gnome-keyring in a private D-Bus
 * session, see test/with-keyring.sh): set, read back, chunk, delete; chosen
 * over the session store when it answers; and, locked, a clear refusal.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { generateKey, privateKeyPem } from '../../electron/core/certificates/issue';
import { keytarBackend } from '../../electron/core/secrets/keytar-backend';
import { openSecretStore } from '../../electron/core/secrets/open-store';
import { CHUNK_BYTES, SecretStore } from '../../electron/core/secrets/secret-store';

const raw = keytarBackend();
const service = `mqtts-dashboard-test-${randomBytes(4).toString('hex')}`;
const store = new SecretStore(raw, service);

afterAll(async () => {
  for (const { account } of await raw.findCredentials(service)) await raw.deletePassword(service, account);
});

describe('OS keychain through keytar', () => {
  it('sets, gets and deletes a secret (smoke)', async () => {
    await raw.setPassword(service, 'smoke', 's3cret');
    expect(await raw.getPassword(service, 'smoke')).toBe('s3cret');
    expect(await raw.deletePassword(service, 'smoke')).toBe(true);
    expect(await raw.getPassword(service, 'smoke')).toBeNull();
  });

  it('reports the keychain as available, and is the store chosen at start', async () => {
    expect(await store.status()).toEqual({ store: 'os', available: true, detail: 'OS keychain available.' });
    expect((await openSecretStore({ service })).home).toEqual({ kind: 'os' });
  });

  it('splits an RSA-4096 key into entries no larger than the Windows limit and reads it back whole', async () => {
    const pem = privateKeyPem(generateKey('rsa-4096').privateKey);
    expect(pem.length).toBeGreaterThan(3000);
    await store.set('p1', 'clientKey', pem);
    const entries = await raw.findCredentials(service);
    const parts = entries.filter((e) => e.account.startsWith('p1/clientKey#'));
    expect(parts.length).toBeGreaterThanOrEqual(2);
    for (const e of entries) expect(Buffer.byteLength(e.password, 'utf8')).toBeLessThanOrEqual(CHUNK_BYTES);
    expect(await store.get('p1', 'clientKey')).toBe(pem);

    // Replacing it with a short value leaves no stale chunk behind.
    await store.set('p1', 'clientKey', 'short');
    expect((await raw.findCredentials(service)).filter((e) => e.account.startsWith('p1/clientKey#'))).toHaveLength(0);
    expect(await store.get('p1', 'clientKey')).toBe('short');
  });

  it('keeps multi-byte passwords intact across chunk boundaries', async () => {
    const value = 'пароль-密码-🔐'.repeat(200);
    await store.set('p2', 'password', value);
    expect(await store.get('p2', 'password')).toBe(value);
  });

  it('detects a missing chunk instead of returning a truncated key', async () => {
    await store.set('p3', 'clientKey', 'k'.repeat(5000));
    await raw.deletePassword(service, 'p3/clientKey#1');
    await expect(store.get('p3', 'clientKey')).rejects.toMatchObject({ error: { code: 'keychain_corrupt' } });
  });

  it('deletes every entry of a profile', async () => {
    await store.set('p4', 'clientKey', 'x'.repeat(4500));
    await store.set('p4', 'passphrase', 'pw');
    await store.deleteProfile('p4');
    expect((await raw.findCredentials(service)).filter((e) => e.account.startsWith('p4/'))).toHaveLength(0);
  });

  it.runIf(process.platform === 'linux')('locked with entries in it: deleting a connection fails with a clear error, and the process lives on', async () => {
    // A keyring of its own (locking the shared one would disturb the suites running beside this one).
    // keytar's listing crashes the process on a locked collection holding entries; the store must not get there.
    const script = `
      const { execFileSync } = require('node:child_process');
      const { SecretStore } = require('./electron/core/secrets/secret-store.ts');
      const { keytarBackend } = require('./electron/core/secrets/keytar-backend.ts');
      (async () => {
        const store = new SecretStore(keytarBackend(), 'locked-test');
        await store.set('p', 'clientKey', 'k'.repeat(4500));
        execFileSync('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.secrets', '/org/freedesktop/secrets',
          'org.freedesktop.Secret.Service.Lock', 'array:objpath:/org/freedesktop/secrets/collection/login']);
        const outcome = await store.deleteProfile('p').then(() => ({ deleted: true }), (e) => e.error);
        console.log(JSON.stringify({ outcome, status: await store.status() }));
      })();`;
    const root = path.resolve(__dirname, '../..');
    const { stdout } = await promisify(execFile)('bash', [path.join(root, 'test/with-keyring.sh'), process.execPath, '--import', 'tsx', '-e', script], { cwd: root, timeout: 60_000 });
    const { outcome, status } = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    expect(outcome.code).toBe('keychain_unavailable');
    expect(outcome.message).toContain('Cannot create an item in a locked collection');
    expect(outcome.hint).toContain('gnome-keyring-daemon --unlock');
    expect(status).toMatchObject({ store: 'os', available: false });
  });
});
