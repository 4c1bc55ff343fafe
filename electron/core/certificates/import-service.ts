/**
 * The two steps of an import: `inspect` reads a bundle and keeps what it found
 * in memory for a short while under a random id (the renderer only ever gets
 * the summary), `apply` saves it: certificates into the profile, the private
 * key into the keychain, through the profile writer (keychain first, profile
 * second, undone on failure), so nothing half-saved remains.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ImportSummary } from '../../../shared/certificates';
import { createProfile, type Profile, type ProfileSettings } from '../../../shared/profiles';
import { AppFailure } from '../../../shared/result';
import type { ProfileStore } from '../profiles/profile-store';
import { ProfileWriter } from '../profiles/profile-writer';
import type { SecretStore } from '../secrets/secret-store';
import { inspectBundle, type BundleInput, type BundleMaterial, type InspectOptions } from './bundle';

const TTL_MS = 15 * 60_000;
const MAX_PENDING = 20;

interface Pending {
  material: BundleMaterial;
  expiresAt: number;
}

export type ApplyTarget = { profileId: string } | { settings: ProfileSettings };

export class ImportService {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly profiles: ProfileStore,
    private readonly secrets: SecretStore,
    private readonly now: () => number = Date.now,
  ) {}

  inspect(files: BundleInput[], options: InspectOptions = {}): ImportSummary {
    this.expire();
    const { summary, material } = inspectBundle(files, { ...options, now: options.now ?? this.now() });
    let importId: string | null = null;
    if (material) {
      importId = randomBytes(16).toString('hex');
      this.pending.set(importId, { material, expiresAt: this.now() + TTL_MS });
      while (this.pending.size > MAX_PENDING) this.pending.delete(this.pending.keys().next().value as string);
    }
    return { ...summary, importId };
  }

  async apply(importId: string, target: ApplyTarget): Promise<Profile> {
    this.expire();
    const pending = this.pending.get(importId);
    if (!pending) {
      throw new AppFailure('import_expired', 'That import is no longer available (it expired or was already saved).', 'Import the bundle again.');
    }
    const { material } = pending;
    const existing = 'profileId' in target ? this.profiles.get(target.profileId) : null;
    const base: Profile = existing ?? createProfile((target as { settings: ProfileSettings }).settings, randomUUID());
    const profile: Profile = structuredClone(base);
    if (material.ca.length) {
      profile.tls.ca = material.ca;
      if (profile.tls.trust === 'system') profile.tls.trust = 'custom';
    }
    if (material.clientCertificate && material.key) {
      profile.tls.clientCertificate = material.clientCertificate;
      profile.pendingSecrets = profile.pendingSecrets.filter((s) => s !== 'clientKey');
    }
    // The key is stored decrypted (the keychain protects it), so an old passphrase no longer applies.
    const saved = await new ProfileWriter(this.profiles, this.secrets).save(profile, material.key ? { clientKey: material.key, passphrase: null } : {});
    this.pending.delete(importId);
    return saved;
  }

  private expire(): void {
    const now = this.now();
    for (const [id, p] of this.pending) if (p.expiresAt < now) this.pending.delete(id);
  }
}
