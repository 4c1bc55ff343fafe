/**
 * Secrets a migration step took out of the profiles file go to the keychain
 * before the file is rewritten without them (keychain first, as every save
 * does). A connection whose key is already in the keychain keeps that one and
 * the copy from the file is dropped. When the keychain cannot take a key, the
 * caller must not rewrite the file: the key would be lost.
 */
import type { Profile } from '../../../../shared/profiles';
import type { SecretStore } from '../../secrets/secret-store';
import type { FoundSecret } from './step';

export interface MovedSecrets {
  notes: string[];
  /** Why a secret could not be moved (the file must stay as it is), or null. */
  failure: string | null;
}

/** Moves each found secret into the keychain and records it in its profile's flags (the profiles are changed in place). */
export async function moveFoundSecrets(profiles: Profile[], found: readonly FoundSecret[], secrets: Pick<SecretStore, 'get' | 'set'> | undefined): Promise<MovedSecrets> {
  const notes: string[] = [];
  let failure: string | null = null;
  for (const secret of found) {
    const profile = profiles.find((p) => p.id === secret.profileId);
    if (!profile) continue;
    // A stored key that cannot be read (corrupt entry) is replaced by the one from the file.
    const stored = profile.secrets[secret.item] && secrets ? await secrets.get(profile.id, secret.item).catch(() => null) : null;
    if (stored !== null) {
      notes.push(`${secret.profileName}: a private key saved with its client certificate was removed; the key in the OS keychain is kept.`);
      continue;
    }
    try {
      if (!secrets) throw new Error('no keychain is open');
      await secrets.set(profile.id, secret.item, secret.value);
      profile.secrets[secret.item] = true;
      profile.pendingSecrets = profile.pendingSecrets.filter((item) => item !== secret.item);
      notes.push(`${secret.profileName}: the private key saved with its client certificate was moved to the OS keychain.`);
    } catch (error) {
      failure ??= error instanceof Error ? error.message : String(error);
      // Until it can be moved, the connection asks for its key instead of connecting without one.
      if (secret.item === 'clientKey' && !profile.pendingSecrets.includes('clientKey')) profile.pendingSecrets.push('clientKey');
    }
  }
  return { notes, failure };
}
