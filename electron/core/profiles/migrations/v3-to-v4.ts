/**
 * Format 3 → 4: each connection's TLS settings say how the broker's chain is
 * checked for revocation (`tls.revocation`: its own CRL files, hard fail).
 * Existing connections get the defaults written out: no CRL file, soft fail
 * (a check that cannot be made is a warning, not a refusal). The format
 * number changes because an app of format 3 would drop the field when it
 * writes the file back, losing the operator's CRL files and hard-fail choice.
 */
import { DEFAULT_REVOCATION } from '../../../../shared/revocation';
import { isRecord, type MigrationStep } from './step';

export const v3ToV4: MigrationStep = {
  from: 3,
  run(profiles) {
    const migrated = profiles.map((profile) =>
      isRecord(profile) && isRecord(profile.tls) && !isRecord(profile.tls.revocation) ? { ...profile, tls: { ...profile.tls, revocation: structuredClone(DEFAULT_REVOCATION) } } : profile,
    );
    return { profiles: migrated, notes: [], secrets: [] };
  },
};
