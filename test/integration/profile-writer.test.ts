/**
 * Keychain first, profile second, undone on failure: against the real keyring,
 * a profile write that fails (injected between write and rename) leaves the
 * keychain exactly as it was, for a new connection (nothing left behind) and
 * for an existing one (previous key, passphrase and password back), whether the
 * save came from the connection form (profiles.save) or a bundle import
 * (certificates.apply).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProfile, ProfileSettingsSchema, type Profile } from '../../shared/profiles';
import { createDemoPki } from '../../electron/core/demo/demo-broker';
import { ProfileStore } from '../../electron/core/profiles/profile-store';
import { ProfileWriter } from '../../electron/core/profiles/profile-writer';
import { keytarBackend } from '../../electron/core/secrets/keytar-backend';
import { SecretStore } from '../../electron/core/secrets/secret-store';
import { createTestBackend, tempDir, type TestBackend } from '../support/backend';

const secrets = new SecretStore(keytarBackend(), `mqtts-dashboard-test-${randomBytes(4).toString('hex')}`);
let failWrites = false;
const powerCut = () => {
  if (failWrites) throw new Error('power cut');
};

afterAll(async () => {
  for (const account of await secrets.accounts()) await secrets.deleteProfile(account.split('/')[0] ?? '');
});

/** Every secret stored for a profile, by item (chunked values read back whole). */
async function stored(store: SecretStore, id: string) {
  return { password: await store.get(id, 'password'), clientKey: await store.get(id, 'clientKey'), passphrase: await store.get(id, 'passphrase') };
}

describe('profile writer against the real keychain', () => {
  const store = new ProfileStore(tempDir('writer'), { beforeRename: powerCut });
  const writer = new ProfileWriter(store, secrets);
  const settings = ProfileSettingsSchema.parse({ name: 'Line 4', url: 'mqtts://line4.example:8883' });
  let saved: Profile;
  const accountsOf = async (id: string) => (await secrets.accounts()).filter((a) => a.startsWith(`${id}/`)).sort();

  beforeAll(async () => {
    await store.load();
  });

  it('stores the secrets, records them in the flags, then writes the profile', async () => {
    saved = await writer.save(createProfile(settings, 'p-existing'), { clientKey: 'key-one', passphrase: 'pass-one', password: 'x'.repeat(4500) });
    expect(saved.secrets).toEqual({ password: true, clientKey: true, passphrase: true, deviceKey: false });
    expect(store.get('p-existing').secrets).toEqual(saved.secrets);
    expect(await stored(secrets, 'p-existing')).toEqual({ password: 'x'.repeat(4500), clientKey: 'key-one', passphrase: 'pass-one' });
  });

  it('puts back every previous value when the profile write fails', async () => {
    const before = await accountsOf('p-existing');
    expect(before.length).toBeGreaterThan(3);
    failWrites = true;
    try {
      const next = { ...saved, name: 'Line 4 renamed' };
      await expect(writer.save(next, { clientKey: 'key-two', passphrase: null, password: 'short' })).rejects.toMatchObject({ error: { code: 'profiles_write_failed' } });
    } finally {
      failWrites = false;
    }
    expect(await stored(secrets, 'p-existing')).toEqual({ password: 'x'.repeat(4500), clientKey: 'key-one', passphrase: 'pass-one' });
    expect(store.get('p-existing')).toEqual(saved);
    // The chunked password was replaced by a short one, then put back: the same entries as before.
    expect(await accountsOf('p-existing')).toEqual(before);
  });

  it('leaves no secret behind for a new profile whose write fails', async () => {
    failWrites = true;
    try {
      await expect(writer.save(createProfile(settings, 'p-new'), { clientKey: 'k'.repeat(5000), password: 'pw' })).rejects.toMatchObject({ error: { code: 'profiles_write_failed' } });
    } finally {
      failWrites = false;
    }
    expect(await accountsOf('p-new')).toEqual([]);
    expect(store.has('p-new')).toBe(false);
  });
});

describe('both ways of saving secrets use it', () => {
  let t: TestBackend;
  const pki = createDemoPki();
  const other = createDemoPki();
  const base64 = (text: string) => Buffer.from(text).toString('base64');

  beforeAll(async () => {
    t = await createTestBackend({ profileStore: { beforeRename: powerCut } });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  async function invoke<T>(name: string, payload: unknown): Promise<T> {
    const result = await t.backend.dispatch(name, payload);
    if (!result.ok) throw Object.assign(new Error(result.error.message), { error: result.error });
    return result.value as T;
  }

  async function failing<T>(run: () => Promise<T>) {
    failWrites = true;
    try {
      await expect(run()).rejects.toMatchObject({ error: { code: 'profiles_write_failed' } });
    } finally {
      failWrites = false;
    }
  }

  it('profiles.save restores the previous key of an existing connection', async () => {
    const settings = { name: 'Press 2', url: 'mqtts://localhost:8883', tls: { clientCertificate: pki.operator.certificate } };
    const profile = await invoke<Profile>('profiles.save', { settings, secrets: { clientKey: pki.operator.key, password: 'first' } });
    await failing(() => invoke('profiles.save', { id: profile.id, settings: { ...settings, tls: { clientCertificate: other.operator.certificate } }, secrets: { clientKey: other.operator.key, password: 'second' } }));
    expect(await stored(t.secrets, profile.id)).toEqual({ password: 'first', clientKey: pki.operator.key, passphrase: null });
    expect(t.backend.profiles.get(profile.id).tls.clientCertificate).toBe(pki.operator.certificate);
  });

  it('certificates.apply restores the previous key and passphrase of an existing connection', async () => {
    const settings = { name: 'Press 3', url: 'mqtts://localhost:8883', tls: { clientCertificate: pki.operator.certificate } };
    const profile = await invoke<Profile>('profiles.save', { settings, secrets: { clientKey: pki.operator.key, passphrase: 'unused' } });
    const files = [
      { name: 'device.crt', base64: base64(other.operator.certificate) },
      { name: 'device.key', base64: base64(other.operator.key) },
      { name: 'ca.pem', base64: base64(other.ca) },
    ];
    const summary = await invoke<{ importId: string }>('certificates.inspect', { files });
    await failing(() => invoke('certificates.apply', { importId: summary.importId, profileId: profile.id }));
    expect(await stored(t.secrets, profile.id)).toEqual({ password: null, clientKey: pki.operator.key, passphrase: 'unused' });
    expect(t.backend.profiles.get(profile.id)).toEqual(profile);

    // The same import, saved for real: new key in, stale passphrase gone.
    const applied = await invoke<Profile>('certificates.apply', { importId: summary.importId, profileId: profile.id });
    expect(applied.secrets).toEqual({ password: false, clientKey: true, passphrase: false, deviceKey: false });
    expect(await stored(t.secrets, profile.id)).toEqual({ password: null, clientKey: expect.stringContaining('PRIVATE KEY'), passphrase: null });
  });
});
