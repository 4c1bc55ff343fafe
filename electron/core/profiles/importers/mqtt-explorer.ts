/**
 * MQTT Explorer's settings file (settings.json in its user data folder, a
 * lowdb JSON document written by backend/src/ConfigStorage.ts) as this app's
 * connections. Its connections are under `ConnectionManager_connections`, a
 * map from id to `ConnectionOptions` (app/src/model/ConnectionOptions.ts):
 * host, port, protocol `mqtt` or `ws` with `encryption` making them TLS,
 * `basePath`, credentials in clear, `certValidation`, and the CA, client
 * certificate and client key as the picked files themselves, base64-encoded
 * (`{name, data}`). Files from before its configVersion 1 list subscriptions
 * as bare topics. MQTT Explorer has no groups.
 */
import { z } from 'zod';
import type { ProfileSettingsInput } from '../../../../shared/profiles';
import { checkCount, connectionName, FIELD_WORDS, parseOrRefuse, settingsFrom, subscriptionsFrom, takeInlineFile, type ForeignConnections, type ImportedConnection, type InlineTls } from './imported';
import { MAX_INLINE_FILE_BYTES } from './inline-files';

export const CONNECTIONS_KEY = 'ConnectionManager_connections';

const FIX = 'Pick MQTT Explorer\u2019s settings.json as it is (in its user data folder: ~/.config/MQTT-Explorer on Linux, ~/Library/Application Support/MQTT-Explorer on macOS, %APPDATA%\\MQTT-Explorer on Windows).';

const FileSchema = z.object({
  name: z.string().max(1024).nullish(),
  data: z
    .string()
    .max(Math.ceil(MAX_INLINE_FILE_BYTES / 3) * 4)
    .regex(/^[A-Za-z0-9+/=\s]*$/, 'not base64'),
});

const ExplorerConnectionSchema = z.object({
  type: z.string().max(32).nullish(),
  name: z.string().max(10_000).nullish(),
  host: z.string().max(2048),
  port: z.coerce.number().int().min(1).max(65535),
  protocol: z.enum(['mqtt', 'ws']).nullish(),
  basePath: z.string().max(2048).nullish(),
  username: z.string().max(64 * 1024).nullish(),
  password: z.string().max(64 * 1024).nullish(),
  encryption: z.boolean().nullish(),
  certValidation: z.boolean().nullish(),
  selfSignedCertificate: FileSchema.nullish(),
  clientCertificate: FileSchema.nullish(),
  clientKey: FileSchema.nullish(),
  clientId: z.string().max(10_000).nullish(),
  subscriptions: z
    .array(z.union([z.object({ topic: z.string().max(65535), qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).catch(0) }), z.string().max(65535).transform((topic) => ({ topic, qos: 0 as const }))]))
    .max(10_000)
    .nullish(),
});
type ExplorerConnection = z.infer<typeof ExplorerConnectionSchema>;

/** Whether a parsed file is MQTT Explorer's settings: an object with its connections key. */
export function isMqttExplorerSettings(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && CONNECTIONS_KEY in value;
}

/** Its three file fields, and the field each fills here. */
const FILE_FIELDS = { selfSignedCertificate: 'ca', clientCertificate: 'clientCertificate', clientKey: 'clientKey' } as const;

function connectionFrom(c: ExplorerConnection): ImportedConnection | { problem: string; name: string } {
  const notes: string[] = [];
  const host = c.host.trim();
  const name = connectionName(c.name, host);
  if (c.type && c.type !== 'mqtt') return { problem: `it is of type ${c.type}, not an MQTT connection`, name };
  const protocol = c.protocol ?? 'mqtt';
  const scheme = c.encryption ? `${protocol}s` : protocol;
  const path = protocol === 'ws' ? `/${(c.basePath ?? '').replace(/^\/+/, '')}` : '';

  const imported: Omit<ImportedConnection, 'settings'> = { secrets: {}, files: [], pendingSecrets: [], notes };
  if (c.password) imported.secrets.password = c.password;
  const tls: InlineTls = { ca: [], clientCertificate: null };
  if (c.encryption) {
    for (const [own, field] of Object.entries(FILE_FIELDS) as Array<[keyof typeof FILE_FIELDS, (typeof FILE_FIELDS)[keyof typeof FILE_FIELDS]]>) {
      const file = c[own];
      if (!file?.data) continue;
      takeInlineFile(imported, tls, field, Buffer.from(file.data, 'base64'), `${FIELD_WORDS[field]}${file.name ? ` ${file.name}` : ''}`);
    }
    if (c.certValidation === false) notes.push('Certificate validation was off in MQTT Explorer and stays off: the connection is graded insecure until it is turned on.');
  }
  const draft: ProfileSettingsInput = {
    name,
    url: `${scheme}://${host}:${c.port}${path}`,
    clientId: (c.clientId ?? '').slice(0, 256),
    username: c.username ?? '',
    tls: {
      // MQTT Explorer hands its CA file to Node as the only roots.
      trust: tls.ca.length ? 'custom' : 'system',
      ...tls,
      verify: c.certValidation !== false,
    },
    subscriptions: subscriptionsFrom(c.subscriptions ?? [], notes),
  };
  const result = settingsFrom(draft);
  if ('problem' in result) return { problem: result.problem, name };
  return { ...imported, settings: result.settings };
}

/** Reads a parsed MQTT Explorer settings file. */
export function readMqttExplorerSettings(value: unknown): ForeignConnections {
  const held: unknown = (value as Record<string, unknown>)[CONNECTIONS_KEY];
  if (typeof held === 'object' && held !== null) checkCount(Object.keys(held).length, 'The MQTT Explorer settings file');
  const file = parseOrRefuse(z.object({ [CONNECTIONS_KEY]: z.record(z.string().max(1024), z.unknown()) }), value, 'The MQTT Explorer settings file', FIX);
  const entries = Object.values(file[CONNECTIONS_KEY]);
  const connections = entries.map((item, i) => parseOrRefuse(ExplorerConnectionSchema, item, `Connection ${i + 1} of the MQTT Explorer settings`, FIX));
  const notes: string[] = [];
  const imported: ImportedConnection[] = [];
  for (const c of connections) {
    const result = connectionFrom(c);
    if ('problem' in result) notes.push(`${result.name} was not imported: ${result.problem}.`);
    else imported.push(result);
  }
  return { source: 'mqtt-explorer', connections: imported, notes };
}
