/**
 * Export and import of connections between machines and operators: settings,
 * groups and public certificates only. An export records which secrets a
 * connection had, so the imported copy asks for them on its first connect.
 * An imported file may also come from another tool (MQTTX's export, MQTT
 * Explorer's settings; `importers/`): `readConnectionsFile` tells which from
 * the content, JSON or YAML.
 */
import { randomUUID } from 'node:crypto';
import type * as JsYaml from 'js-yaml';
import { z } from 'zod';
import { createProfile, PendingSecretSchema, ProfileSettingsSchema, type PendingSecret, type Profile } from '../../../shared/profiles';
import { AppFailure } from '../../../shared/result';
import { AlertRulesSchema } from '../../../shared/alerts';
import { RecordingSettingsSchema } from '../../../shared/history';
import { DashboardSchema } from '../../../shared/telemetry';
import { describeIssues } from '../ipc/dispatcher';
import { onFirstUse } from '../process/on-first-use';
import type { ForeignConnections } from './importers/imported';
import { isMqttExplorerSettings, readMqttExplorerSettings } from './importers/mqtt-explorer';
import { isMqttxExport, readMqttxExport } from './importers/mqttx';

// Loaded with the first YAML file read (few operators import one), not at every start.
const yaml = onFirstUse<typeof JsYaml>('js-yaml');

export const EXPORT_FORMAT = 'mqtts-dashboard/profiles';
export const EXPORT_VERSION = 1;

const ExportedProfileSchema = ProfileSettingsSchema.extend({
  /** Secrets the connection had and that were deliberately left out. */
  secretsNotIncluded: z.array(PendingSecretSchema).default([]),
  dashboard: DashboardSchema.optional(),
  recording: RecordingSettingsSchema.optional(),
  /** Exported without their ids (nothing machine-specific leaves); numbered again on import. */
  alerts: z
    .preprocess((rules) => (Array.isArray(rules) ? rules.map((rule: unknown, i) => (typeof rule === 'object' && rule !== null ? { ...rule, id: `rule-${i + 1}` } : rule)) : rules), AlertRulesSchema)
    .optional(),
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
      return { ...settings, dashboard: p.dashboard, recording: p.recording, alerts: p.alerts.map(({ id: _id, ...rule }) => rule), ref: p.id, secretsNotIncluded: withheld(p) };
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
  return profilesFromExport(json);
}

/** This app's export, parsed, as new profiles (new ids; charts that combine them keep pointing at them). */
function profilesFromExport(json: unknown): Profile[] {
  const parsed = ExportFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new AppFailure('profiles_import_invalid', `The file is not a valid connections export: ${describeIssues(parsed.error)}.`, 'Pick a file made with "Export" in this app, unmodified.');
  }
  if (parsed.data.version > EXPORT_VERSION) {
    throw new AppFailure('profiles_import_newer', `The export was made by a newer version of the app (format ${parsed.data.version}).`, 'Update the app, then import again.');
  }
  const ids = new Map(parsed.data.profiles.filter((p) => p.ref).map((p) => [p.ref as string, randomUUID()]));
  const remap = (id: string) => ids.get(id) ?? id;
  return parsed.data.profiles.map(({ secretsNotIncluded, dashboard, recording, alerts, ref, ...settings }) => {
    const charts = (dashboard?.charts ?? []).map((chart) => ({
      ...chart,
      series: chart.series.map((s) => ({ ...s, connectionId: remap(s.connectionId) })),
    }));
    // Rules that watch a series or topics of an exported connection keep pointing at its copy.
    const rules = alerts?.map((rule) =>
      rule.kind === 'threshold' ? { ...rule, series: { ...rule.series, connectionId: remap(rule.series.connectionId) } } : rule.kind === 'silence' && rule.connectionId ? { ...rule, connectionId: remap(rule.connectionId) } : rule,
    );
    return createProfile(settings, (ref && ids.get(ref)) || randomUUID(), { pendingSecrets: secretsNotIncluded, dashboard: { charts }, ...(recording && { recording }), ...(rules && { alerts: rules }) });
  });
}

/**
 * YAML is parsed on the thread that takes in MQTT messages: about 35 ms a
 * megabyte here, so larger YAML files are refused with the way to JSON (which
 * parses ten times faster and is read up to the channel's limit).
 */
export const MAX_YAML_TEXT = 1024 * 1024;

const KNOWN_FILES = 'Pick an export of this app (Export), an MQTTX export (Export Data, as JSON or YAML) or MQTT Explorer\u2019s settings.json.';

export type ConnectionsFile = { source: 'mqtts-dashboard'; profiles: Profile[] } | ForeignConnections;

function parseText(text: string): unknown {
  const start = text.trimStart().slice(0, 2);
  if (start.startsWith('{') || start.startsWith('[')) {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new AppFailure('profiles_import_invalid', `The file looks like JSON but is not valid JSON (${(error as Error).message.slice(0, 200)}).`, KNOWN_FILES);
    }
  }
  if (start.startsWith('<')) throw new AppFailure('profiles_import_invalid', 'The file is XML, which is not read here.', 'In MQTTX, use Export Data with JSON or YAML instead.');
  if (start === 'PK') throw new AppFailure('profiles_import_invalid', 'The file is a spreadsheet or a zip archive, not a connections file.', 'In MQTTX, use Export Data with JSON or YAML instead.');
  if (text.length > MAX_YAML_TEXT) {
    throw new AppFailure('profiles_import_too_large', `The file is ${(text.length / 1024 / 1024).toFixed(1)} MB of YAML; YAML is read up to 1 MB.`, 'In MQTTX, use Export Data with JSON instead (MQTTX also exports every message it kept; JSON of any of it is read up to 8 MB).');
  }
  try {
    return yaml.load(text);
  } catch (error) {
    const detail = error instanceof yaml.YAMLException ? error.reason + (error.mark ? ` at line ${error.mark.line + 1}` : '') : 'unreadable';
    throw new AppFailure('profiles_import_invalid', `The file is neither JSON nor valid YAML (${detail.slice(0, 200)}).`, KNOWN_FILES);
  }
}

/** A connections file the window read, whichever of the known formats it is in. */
export function readConnectionsFile(text: string): ConnectionsFile {
  const value = parseText(text.replace(/^\uFEFF/, ''));
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'format' in value && 'profiles' in value) {
    return { source: 'mqtts-dashboard', profiles: profilesFromExport(value) };
  }
  if (isMqttExplorerSettings(value)) return readMqttExplorerSettings(value);
  if (isMqttxExport(value)) return readMqttxExport(value);
  throw new AppFailure('profiles_import_invalid', 'The file is not a connections file this app reads.', KNOWN_FILES);
}
