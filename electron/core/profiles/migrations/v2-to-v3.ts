/**
 * Format 2 → 3: each connection says what it records to the history database
 * (`recording`). Existing connections get the defaults written out: charted
 * series are recorded (as they are for every connection), no raw messages,
 * kept 30 days or 1 GB. The format number changes although the field has a
 * default, because an app of format 2 would read a format-3 file, drop the
 * field it does not know and write the file back without it; with the new
 * number it opens the file read-only instead.
 */
import { DEFAULT_RECORDING } from '../../../../shared/history';
import { isRecord, type MigrationStep } from './step';

export const v2ToV3: MigrationStep = {
  from: 2,
  run(profiles) {
    const migrated = profiles.map((profile) => (isRecord(profile) && !isRecord(profile.recording) ? { ...profile, recording: structuredClone(DEFAULT_RECORDING) } : profile));
    return { profiles: migrated, notes: [], secrets: [] };
  },
};
