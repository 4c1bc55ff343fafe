/**
 * Format 7 → 8: a connection may sign in with a SAS token signed by a device
 * key kept in the keychain (Azure IoT Hub). Existing connections get
 * `sasToken: null` (they send their password as before) and a `deviceKey`
 * flag of false written out. The format number changes so that an app of
 * format 7, which would drop both fields and write the file back (leaving a
 * device key in the keychain that no connection uses, and a connection that
 * sends no token), opens a format-8 file read-only instead.
 */
import { isRecord, type MigrationStep } from './step';

export const v7ToV8: MigrationStep = {
  from: 7,
  run(profiles) {
    const migrated = profiles.map((profile) => {
      if (!isRecord(profile)) return profile;
      const secrets = isRecord(profile.secrets) ? { ...profile.secrets, deviceKey: profile.secrets.deviceKey === true } : profile.secrets;
      return { ...profile, sasToken: isRecord(profile.sasToken) ? profile.sasToken : null, ...(secrets !== undefined && { secrets }) };
    });
    return { profiles: migrated, notes: [], secrets: [] };
  },
};
