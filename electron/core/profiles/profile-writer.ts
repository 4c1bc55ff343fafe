/**
 * Saving a profile together with its secrets, the one way every caller does it
 * (the connection form, a certificate import, a migration, connections
 * imported from another tool): keychain first, profile second. When any step
 * fails, the keychain is put back as it was
 * (previous values restored, new ones deleted), so a saved profile never points
 * at a secret that is not there and a failed save leaves no stray secret behind.
 */
import { SECRET_ITEMS, type Profile, type SecretItem } from '../../../shared/profiles';
import type { SecretStore } from '../secrets/secret-store';
import type { ProfileStore } from './profile-store';

/** Per item: a value to store, `null` (or '') to delete, absent to leave as it is. */
export type SecretChanges = Partial<Record<SecretItem, string | null>>;

export type SecretAccess = Pick<SecretStore, 'get' | 'set' | 'delete'>;

export class ProfileWriter {
  constructor(
    private readonly profiles: Pick<ProfileStore, 'put'>,
    private readonly secrets: SecretAccess,
  ) {}

  /** Applies `changes` to the keychain, records them in the profile's secret flags, then writes the profile. */
  async save(profile: Profile, changes: SecretChanges = {}): Promise<Profile> {
    const [saved] = await this.saveAll([{ profile, changes }]);
    return saved as Profile;
  }

  /**
   * The same for several profiles at once (an import): every secret first,
   * then one write of the profiles file; on any failure, every secret is put
   * back and no profile is written.
   */
  async saveAll(entries: ReadonlyArray<{ profile: Profile; changes?: SecretChanges }>): Promise<Profile[]> {
    const saved = entries.map((entry) => structuredClone(entry.profile));
    const undo: Array<() => Promise<void>> = [];
    try {
      for (const [i, entry] of entries.entries()) {
        const profile = saved[i] as Profile;
        const changes = entry.changes ?? {};
        for (const item of SECRET_ITEMS) {
          if (changes[item] === undefined) continue;
          const value = changes[item] || null;
          // An unreadable previous value (corrupt entry) is being replaced anyway: undoing deletes it.
          const previous = await this.secrets.get(profile.id, item).catch(() => null);
          // Registered before the change: a write that fails half-way (some chunks stored) is undone too.
          undo.push(() => (previous === null ? this.secrets.delete(profile.id, item) : this.secrets.set(profile.id, item, previous)));
          if (value === null) await this.secrets.delete(profile.id, item);
          else await this.secrets.set(profile.id, item, value);
          profile.secrets[item] = value !== null;
        }
      }
      await this.profiles.put(...saved);
    } catch (error) {
      for (const step of undo.reverse()) await step().catch(() => undefined);
      throw error;
    }
    return saved;
  }
}
