/**
 * Format 8 → 9: each connection says how many of each topic's last messages
 * it keeps in memory and in how many megabytes (`messageHistory`). Existing
 * connections get the defaults written out (20 per topic, 16 MB). As in step
 * 2 → 3, the number changes although the field has a default, so an app of
 * format 8 opens the file read-only instead of dropping the field on save.
 */
import { DEFAULT_MESSAGE_HISTORY } from '../../../../shared/telemetry';
import { isRecord, type MigrationStep } from './step';

export const v8ToV9: MigrationStep = {
  from: 8,
  run(profiles) {
    const migrated = profiles.map((profile) => (isRecord(profile) && !isRecord(profile.messageHistory) ? { ...profile, messageHistory: { ...DEFAULT_MESSAGE_HISTORY } } : profile));
    return { profiles: migrated, notes: [], secrets: [] };
  },
};
