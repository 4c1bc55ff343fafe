/**
 * Issue 10.3: a private key never lands in a connection. Combined
 * certificate-and-key files go through the real handlers: the key of a client
 * certificate file goes to the real keychain, a CA file with a key is refused
 * with its fix. Then a scan finds no key material (no PRIVATE KEY block, no
 * base64 of the key in any PEM or DER form) in the data folder, in any
 * `profiles.*` response or pushed event, or in the export. A profiles file of
 * format 1 that already holds keys is cleaned on load, both copies.
 */
import { createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionsImport, Profile, ProfileSettingsInput } from '../../shared/profiles';
import type { Result } from '../../shared/result';
import { createDemoPki } from '../../electron/core/demo/demo-broker';
import { PROFILES_FILE, PROFILES_VERSION, ProfileStore } from '../../electron/core/profiles/profile-store';
import { keytarBackend } from '../../electron/core/secrets/keytar-backend';
import { SecretStore } from '../../electron/core/secrets/secret-store';
import { sessionKeychain } from '../../electron/core/secrets/session-keychain';
import { createTestBackend, tempDir, type TestBackend } from '../support/backend';

const pki = createDemoPki();
const other = createDemoPki();
const PASSPHRASE = 'combined-file-passphrase';
const encryptedKey = createPrivateKey(other.operator.key).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE }) as string;

function walk(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const full = path.join(root, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

/** Every text by which a key could leak: its PEM lines in each encoding, and its DER in base64. */
function keyMaterial(key: KeyObject): string[] {
  const pems = [key.export({ type: 'pkcs8', format: 'pem' }) as string, key.export({ type: 'sec1', format: 'pem' }) as string];
  const ders = [key.export({ type: 'pkcs8', format: 'der' }), key.export({ type: 'sec1', format: 'der' })].map((der) => der.toString('base64'));
  const lines = pems.flatMap((pem) => pem.split('\n').filter((l) => l.length >= 40 && !l.startsWith('-----')));
  return [...ders, ...ders.map((b64) => b64.slice(8, 48)), ...lines];
}

function expectNoKeyMaterial(places: Array<[string, string]>, keys: KeyObject[]): void {
  const material = keys.flatMap(keyMaterial);
  for (const [where, content] of places) {
    expect(content, where).not.toMatch(/PRIVATE KEY/);
    for (const m of material) expect(content.includes(m), `${where} holds key material`).toBe(false);
  }
}

const files = (dir: string) => walk(dir).map((f): [string, string] => [f, readFileSync(f, 'latin1')]);

describe('combined certificate-and-key files through the real handlers', () => {
  let t: TestBackend;
  const seen: Array<[string, string]> = [];

  beforeAll(async () => {
    t = await createTestBackend();
    t.backend.events.attach((name, payload) => seen.push([`event ${name}`, JSON.stringify(payload)]));
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  /** Calls a channel as a window would and keeps every profiles.* answer for the scan. */
  async function call<T>(name: string, payload: unknown): Promise<Result<T>> {
    const result = (await t.backend.dispatch(name, payload)) as Result<T>;
    if (name.startsWith('profiles.')) seen.push([`response ${name}`, JSON.stringify(result)]);
    return result;
  }
  async function value<T>(name: string, payload: unknown): Promise<T> {
    const result = await call<T>(name, payload);
    if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
    return result.value;
  }
  const settings = (name: string, tls: ProfileSettingsInput['tls']): ProfileSettingsInput => ({ name, url: 'mqtts://localhost:8883', tls });

  it('moves the key of a client certificate file to the keychain and keeps the certificate only', async () => {
    const profile = await value<Profile>('profiles.save', { settings: settings('Combined', { clientCertificate: `${pki.operator.certificate}${pki.operator.key}` }) });
    expect(profile.tls.clientCertificate).toBe(pki.operator.certificate);
    expect(profile.secrets.clientKey).toBe(true);
    expect(await t.secrets.get(profile.id, 'clientKey')).toBe(pki.operator.key.trim());
    const described = await value<{ key: { storedIn: string; matchesCertificate: boolean } }>('profiles.describe', { id: profile.id });
    expect(described.key).toMatchObject({ storedIn: 'keychain', matchesCertificate: true });

    // Saved again as the form does (its settings, no secrets): the key stays where it is.
    const again = await value<Profile>('profiles.save', { id: profile.id, settings: profile });
    expect(again.secrets.clientKey).toBe(true);
  });

  it('does the same for an encrypted key, with its passphrase', async () => {
    const profile = await value<Profile>('profiles.save', {
      settings: settings('Combined encrypted', { clientCertificate: `${other.operator.certificate}${encryptedKey}` }),
      secrets: { passphrase: PASSPHRASE },
    });
    expect(profile.secrets).toMatchObject({ clientKey: true, passphrase: true });
    expect(await t.secrets.get(profile.id, 'clientKey')).toBe(encryptedKey.trim());
  });

  it('refuses a CA file that holds a private key, naming the fix', async () => {
    const result = await call('profiles.save', { settings: settings('CA with key', { trust: 'custom', ca: [`${pki.ca}${pki.operator.key}`] }) });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_payload');
    expect(result.error.message).toMatch(/settings\.tls\.ca\.0: This CA file also holds a private key.*Pick the CA certificate file itself/);
  });

  it('refuses a second, different key for the same certificate', async () => {
    const result = await call('profiles.save', { settings: settings('Two keys', { clientCertificate: `${pki.operator.certificate}${pki.operator.key}` }), secrets: { clientKey: other.operator.key } });
    expect(result).toMatchObject({ ok: false, error: { code: 'client_key_twice' } });
    expect(t.backend.profiles.list().map((p) => p.name)).not.toContain('Two keys');
  });

  it('exports and imports connections without the key, and refuses an export that carries one', async () => {
    const exported = await value<{ text: string }>('profiles.export', {});
    seen.push(['export', exported.text]);
    const imported = await value<ConnectionsImport>('profiles.import', { text: exported.text });
    expect(imported.profiles.find((p) => p.name === 'Combined')?.pendingSecrets).toEqual(['clientKey']);

    const hostile = JSON.parse(exported.text) as { profiles: Array<{ tls: { clientCertificate: string } }> };
    hostile.profiles[0]!.tls.clientCertificate += pki.operator.key;
    const refused = await call('profiles.import', { text: JSON.stringify(hostile) });
    expect(refused).toMatchObject({ ok: false, error: { code: 'profiles_import_invalid', message: expect.stringMatching(/private key/) } });
  });

  it('left no key material in the data folder, any profiles response or event, or the export', async () => {
    await value('profiles.list', {});
    expect(seen.filter(([where]) => where.startsWith('response')).length).toBeGreaterThan(8);
    expect(seen.some(([where]) => where === 'event profiles.changed')).toBe(true);
    expectNoKeyMaterial([...files(t.dataDir), ...seen], [createPrivateKey(pki.operator.key), createPrivateKey(other.operator.key)]);
  });
});

describe('a profiles file of format 1 that holds keys', () => {
  const combined = `${pki.operator.certificate}${pki.operator.key}`;
  const file = (dir: string) => path.join(dir, PROFILES_FILE);

  /** Format 1 as the old app wrote it: key blocks inside certificate fields. */
  function writeV1(dir: string): string {
    const base = { url: 'mqtts://localhost:8883', group: '', protocolVersion: 4, clientId: '', username: '', keepalive: 60, clean: true, will: null, subscriptions: [], pendingSecrets: [], dashboard: { charts: [] } };
    const tls = { trust: 'system', ca: [], clientCertificate: null, servername: '', alpn: [], minVersion: 'TLSv1.2', pins: [], verify: true };
    const body = JSON.stringify({
      version: 1,
      profiles: [
        { ...base, id: 'moved', name: 'Key in file', secrets: { password: false, clientKey: false, passphrase: false }, tls: { ...tls, clientCertificate: combined } },
        { ...base, id: 'kept', name: 'Key in keychain too', secrets: { password: false, clientKey: true, passphrase: false }, tls: { ...tls, clientCertificate: combined } },
        { ...base, id: 'ca', name: 'Key among CAs', secrets: { password: false, clientKey: false, passphrase: false }, tls: { ...tls, trust: 'custom', ca: [`${pki.ca}${other.operator.key}`] } },
      ],
    });
    mkdirSync(dir, { recursive: true });
    writeFileSync(file(dir), body);
    writeFileSync(`${file(dir)}.bak`, body);
    return body;
  }

  it('moves a key to the keychain, keeps a key already there, drops one among CAs, and rewrites both copies', async () => {
    const dataDir = tempDir('v1');
    writeV1(dataDir);
    const secrets = new SecretStore(keytarBackend(), `mqtts-dashboard-test-${randomBytes(4).toString('hex')}`);
    await secrets.set('kept', 'clientKey', other.operator.key);
    const t = await createTestBackend({ dataDir, secrets });
    try {
      const info = await t.backend.dispatch('app.info', {});
      expect(info).toMatchObject({ ok: true, value: { profilesNotice: { code: 'profiles_migrated' } } });
      const notice = (info as { value: { profilesNotice: { message: string } } }).value.profilesNotice.message;
      expect(notice).toMatch(/Key in file: the private key saved with its client certificate was moved to the OS keychain/);
      expect(notice).toMatch(/Key in keychain too: .*removed; the key in the OS keychain is kept/);
      expect(notice).toMatch(/Key among CAs: removed from its CA certificates: a private key/);

      expect(await secrets.get('moved', 'clientKey')).toBe(pki.operator.key.trim());
      expect(await secrets.get('kept', 'clientKey')).toBe(other.operator.key);
      expect(t.backend.profiles.get('moved').secrets.clientKey).toBe(true);
      for (const copy of [file(dataDir), `${file(dataDir)}.bak`]) expect(JSON.parse(readFileSync(copy, 'utf8')).version).toBe(PROFILES_VERSION);
      const listed = await t.backend.dispatch('profiles.list', {});
      expectNoKeyMaterial([...files(dataDir), ['profiles.list', JSON.stringify(listed)]], [createPrivateKey(pki.operator.key), createPrivateKey(other.operator.key)]);
    } finally {
      await t.cleanup();
    }
  });

  it('without a keychain, rewrites nothing, opens read-only and never shows the key', async () => {
    const dataDir = tempDir('v1-no-keychain');
    const body = writeV1(dataDir);
    const store = new ProfileStore(dataDir);
    const profiles = await store.load();
    expect(store.notice?.code).toBe('profiles_key_in_file');
    expect(JSON.stringify(profiles)).not.toMatch(/PRIVATE KEY/);
    expect(profiles.find((p) => p.id === 'moved')?.pendingSecrets).toEqual(['clientKey']);
    await expect(store.remove('ca')).rejects.toMatchObject({ error: { code: 'profiles_read_only' } });
    expect(readFileSync(file(dataDir), 'utf8')).toBe(body);
  });

  it('with secrets in memory only (no OS keychain at all), does not move a key there: it would be lost at exit', async () => {
    const dataDir = tempDir('v1-session');
    const body = writeV1(dataDir);
    const secrets = new SecretStore(sessionKeychain(), 'v1-session', { kind: 'session', reason: 'Cannot autolaunch D-Bus without X11 $DISPLAY' });
    const t = await createTestBackend({ dataDir, secrets });
    try {
      const info = await t.backend.dispatch('app.info', {});
      expect(info).toMatchObject({ ok: true, value: { keychain: { store: 'session' }, profilesNotice: { code: 'profiles_key_in_file' } } });
      expect(await secrets.accounts()).toEqual([]);
      for (const copy of [file(dataDir), `${file(dataDir)}.bak`]) expect(readFileSync(copy, 'utf8')).toBe(body);
    } finally {
      await t.cleanup();
    }
  });
});
