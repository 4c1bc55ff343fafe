/**
 * Saved connections whose secrets this run's store cannot give back ask for
 * them again (the pending-secrets prompt imported connections use) instead of
 * failing at connect time. A secret marked pending while its flag still says
 * "stored" is one a session run held in memory and lost at exit
 * (`secretsLostWithSession`); that pair is what lets a later run with the OS
 * keychain take the mark off again when the keychain does hold it (the same
 * data folder, opened from a desktop).
 */
import type { PendingSecret, Profile } from '../../../shared/profiles';
import type { ProfileStore } from '../profiles/profile-store';
import type { SecretStore } from './secret-store';

const ASKED: PendingSecret[] = ['password', 'clientKey', 'deviceKey'];

async function settle(profile: Profile, store: SecretStore): Promise<PendingSecret[]> {
  if (store.home.kind === 'session') {
    return [...new Set([...profile.pendingSecrets, ...ASKED.filter((item) => profile.secrets[item])])];
  }
  const kept: PendingSecret[] = [];
  for (const item of profile.pendingSecrets) {
    // Only a mark a session run left (flag still set) may be lifted; an import's stays until the operator answers.
    const found = profile.secrets[item] ? await store.get(profile.id, item).catch(() => null) : null;
    if (found === null) kept.push(item);
  }
  return kept;
}

/**
 * Brings the pending marks in line with the store in use: with the session
 * store (empty at every start) every stored password and client key becomes
 * pending; with the OS keychain, marks left by a session run are lifted where
 * the keychain has the secret. `only` limits it to some connections. Returns
 * the connections it changed.
 */
export async function settlePendingSecrets(profiles: ProfileStore, store: SecretStore, only?: string[]): Promise<Profile[]> {
  const changed: Profile[] = [];
  for (const profile of profiles.list()) {
    if (only && !only.includes(profile.id)) continue;
    const pending = await settle(profile, store);
    const same = pending.length === profile.pendingSecrets.length && pending.every((item) => profile.pendingSecrets.includes(item));
    if (!same) changed.push({ ...profile, pendingSecrets: pending });
  }
  if (changed.length) await profiles.put(...changed);
  return changed;
}
