/**
 * The two steps of an import: `inspect` reads a bundle in a worker thread
 * (one per window at a time: a newer inspection from the same window cancels
 * the older one; closing the window cancels it too) and keeps what it found
 * in memory for a short while under a random id (the renderer only ever gets
 * the summary), `apply` saves it: certificates into the profile, the private
 * key into the keychain, through the profile writer (keychain first, profile
 * second, undone on failure), so nothing half-saved remains.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ImportProgress, ImportSummary } from '../../../shared/certificates';
import { createProfile, type Profile, type ProfileSettings } from '../../../shared/profiles';
import { AppFailure } from '../../../shared/result';
import type { ProfileStore } from '../profiles/profile-store';
import { ProfileWriter } from '../profiles/profile-writer';
import type { SecretStore } from '../secrets/secret-store';
import type { BundleInput, BundleMaterial, InspectOptions } from './bundle';
import { startInspection, type Inspection } from './inspection';

const TTL_MS = 15 * 60_000;
const MAX_PENDING = 20;
/** Inspections running at once over all windows (one per window): each holds a worker thread and up to 64 MB. */
const MAX_RUNNING = 4;

export interface InspectRequest extends Pick<InspectOptions, 'passphrase' | 'now'> {
  /** The window (transport client) asking; its newer inspection replaces its older one. */
  client?: string;
  /** The window's name for this inspection, for its progress and its cancel. */
  inspectionId?: string;
  onProgress?: (progress: ImportProgress) => void;
}

interface Pending {
  material: BundleMaterial;
  expiresAt: number;
}

export type ApplyTarget = { profileId: string } | { settings: ProfileSettings };

export class ImportService {
  private readonly pending = new Map<string, Pending>();
  /** The running inspection of each client. */
  private readonly running = new Map<string, { inspectionId: string | undefined; inspection: Inspection }>();

  constructor(
    private readonly profiles: ProfileStore,
    private readonly secrets: SecretStore,
    private readonly now: () => number = Date.now,
  ) {}

  async inspect(files: BundleInput[], request: InspectRequest = {}): Promise<ImportSummary> {
    this.expire();
    const client = request.client ?? '';
    this.running.get(client)?.inspection.cancel();
    this.running.delete(client);
    if (this.running.size >= MAX_RUNNING) {
      throw new AppFailure('import_busy', `${MAX_RUNNING} other windows are reading bundles right now.`, 'Wait for one of them to finish, or cancel it, then try again.');
    }
    const { inspectionId, onProgress } = request;
    const inspection = startInspection(files, { passphrase: request.passphrase, now: request.now ?? this.now() }, (progress) => {
      if (inspectionId) onProgress?.({ inspectionId, ...progress });
    });
    const entry = { inspectionId, inspection };
    this.running.set(client, entry);
    let result;
    try {
      result = await inspection.result;
    } finally {
      if (this.running.get(client) === entry) this.running.delete(client);
    }
    const { summary, material } = result;
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

  /** Cancels the client's inspection (only the one named, when a name is given); true when one was running. */
  cancel(client = '', inspectionId?: string): boolean {
    const entry = this.running.get(client);
    if (!entry || (inspectionId !== undefined && entry.inspectionId !== inspectionId)) return false;
    entry.inspection.cancel();
    this.running.delete(client);
    return true;
  }

  /** Inspections running now, over all clients. */
  get inspecting(): number {
    return this.running.size;
  }

  /** Ends every running inspection (the backend is closing). */
  cancelAll(): void {
    for (const client of [...this.running.keys()]) this.cancel(client);
  }

  private expire(): void {
    const now = this.now();
    for (const [id, p] of this.pending) if (p.expiresAt < now) this.pending.delete(id);
  }
}
