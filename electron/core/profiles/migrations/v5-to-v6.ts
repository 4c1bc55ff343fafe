/**
 * Format 5 → 6: each connection says how its payloads are decoded
 * (`decoders`: rules by topic filter, and the .proto files Protobuf rules use).
 * Existing connections get the default written out: Sparkplug B on
 * `spBv1.0/#`, nothing else, so every other topic shows as it did. The format
 * number changes because an app of format 5 would drop the field it does not
 * know (and with it the operator's imported .proto files) when it writes the
 * file back; with the new number it opens the file read-only instead.
 */
import { DEFAULT_DECODERS } from '../../../../shared/decoders';
import { isRecord, type MigrationStep } from './step';

export const v5ToV6: MigrationStep = {
  from: 5,
  run(profiles) {
    const migrated = profiles.map((profile) => (isRecord(profile) && !isRecord(profile.decoders) ? { ...profile, decoders: structuredClone(DEFAULT_DECODERS) } : profile));
    return { profiles: migrated, notes: [], secrets: [] };
  },
};
