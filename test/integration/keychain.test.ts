/**
 * keytar against a real Secret Service (gnome-keyring in a private D-Bus
 * session, see test/with-keyring.sh): set, read back, chunk, delete.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { generateKey, privateKeyPem } from '../../electron/core/certificates/issue';
import { keytarBackend } from '../../electron/core/secrets/keytar-backend';
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

  it('reports the keychain as available', async () => {
    expect(await store.status()).toEqual({ available: true, detail: 'OS keychain available.' });
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
});
