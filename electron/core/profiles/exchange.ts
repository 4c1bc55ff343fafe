/**
 * Export and import of connections between machines and operators: settings,
 * groups and public certificates only. An export records which secrets a
 * connection had, so the imported copy asks for them on its first connect.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { createProfile, PendingSecretSchema, ProfileSettingsSchema, type PendingSecret, type Profile } from '../../../shared/profiles';
import { AppFailure } from '../../../shared/result';
import { RecordingSettingsSchema } from '../../../shared/history';
import { DashboardSchema } from '../../../shared/telemetry';
import { describeIssues } from '../ipc/dispatcher';

export const EXPORT_FORMAT = 'mqtts-dashboard/profiles';
export const EXPORT_VERSION = 1;

const ExportedProfileSchema = ProfileSettingsSchema.extend({
  /** Secrets the connection had and that were deliberately left out. */
  secretsNotIncluded: z.array(PendingSecretSchema).default([]),
  dashboard: DashboardSchema.optional(),
  recording: RecordingSettingsSchema.optional(),
  /** The id on the exporting machine, so charts that combine exported connections keep pointing at them. */
  ref: z.string().max(64).optional(),
});

const ExportFileSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.number().int().positive(),
  exportedAt: z.string(),
  profiles: z.array(ExportedProfileSchema).max(1000),
});

function withheld(profile: Profile): PendingSecret[] {
  const out = new Set<PendingSecret>(profile.pendingSecrets);
  if (profile.secrets.password) out.add('password');
  if (profile.secrets.clientKey) out.add('clientKey');
  if (profile.secrets.deviceKey) out.add('deviceKey');
  return [...out];
}

export function exportProfiles(profiles: Profile[], now = new Date()): { fileName: string; text: string } {
  const document = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: now.toISOString(),
    profiles: profiles.map((p) => {
      // Rebuilt field by field from the settings schema: nothing outside it (ids, secret flags) can leak.
      const settings = ProfileSettingsSchema.parse(p);
      return { ...settings, dashboard: p.dashboard, recording: p.recording, ref: p.id, secretsNotIncluded: withheld(p) };
    }),
  };
  const stamp = now.toISOString().slice(0, 10);
  return { fileName: `mqtts-connections-${stamp}.json`, text: JSON.stringify(document, null, 2) + '\n' };
}

export function importProfiles(text: string): Profile[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppFailure('profiles_import_invalid', 'The file is not a connections export (it is not JSON).', 'Pick a file made with "Export" in this app.');
  }
  const parsed = ExportFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new AppFailure('profiles_import_invalid', `The file is not a valid connections export: ${describeIssues(parsed.error)}.`, 'Pick a file made with "Export" in this app, unmodified.');
  }
  if (parsed.data.version > EXPORT_VERSION) {
    throw new AppFailure('profiles_import_newer', `The export was made by a newer version of the app (format ${parsed.data.version}).`, 'Update the app, then import again.');
  }
  const ids = new Map(parsed.data.profiles.filter((p) => p.ref).map((p) => [p.ref as string, randomUUID()]));
  return parsed.data.profiles.map(({ secretsNotIncluded, dashboard, recording, ref, ...settings }) => {
    const charts = (dashboard?.charts ?? []).map((chart) => ({
      ...chart,
      series: chart.series.map((s) => ({ ...s, connectionId: ids.get(s.connectionId) ?? s.connectionId })),
    }));
    return createProfile(settings, (ref && ids.get(ref)) || randomUUID(), { pendingSecrets: secretsNotIncluded, dashboard: { charts }, ...(recording && { recording }) });
  });
}
