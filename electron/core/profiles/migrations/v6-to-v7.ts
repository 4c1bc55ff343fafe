/**
 * Format 6 → 7: each connection holds its alert rules (`alerts`). Existing
 * connections get the default rules written out, which keep what the app did
 * before rules existed (a notification when a connection drops or its grade
 * falls), now with a clear when it recovers. The format number changes so an
 * app of format 6 opens the file read-only instead of dropping the rules.
 */
import { defaultAlertRules } from '../../../../shared/alerts';
import { isRecord, type MigrationStep } from './step';

export const v6ToV7: MigrationStep = {
  from: 6,
  run(profiles) {
    const migrated = profiles.map((profile) => (isRecord(profile) && !Array.isArray(profile.alerts) ? { ...profile, alerts: defaultAlertRules() } : profile));
    return { profiles: migrated, notes: [], secrets: [] };
  },
};
