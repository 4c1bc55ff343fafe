/**
 * MQTTX's exported connections (Export Data, JSON or YAML) as this app's
 * connections. The export is an array of MQTTX's `ConnectionModel` (its
 * src/types/global.d.ts; written by src/main/streamExportData.ts from
 * ConnectionService.getConnectionsForExport): host, port, protocol, MQTT
 * version, credentials in clear, TLS as `certType` with CA, certificate and
 * key *paths* on the MQTTX user's disk, subscriptions, last will, MQTT 5
 * properties, and the id of the collection it sits in (`parentId`; the
 * collection's name is not exported, so connections that shared one share a
 * numbered group here). Messages are ignored.
 */
import { z } from 'zod';
import { MaxPacketSizeSchema, type ProfileSettingsInput } from '../../../../shared/profiles';
import { checkCount, connectionName, FIELD_WORDS, parseOrRefuse, settingsFrom, subscriptionsFrom, takeInlineFile, type ForeignConnections, type ImportedConnection, type InlineTls } from './imported';

const FIX = 'In MQTTX, use Export Data with JSON or YAML and import that file unmodified.';

/** MQTTX's XML and CSV round trips turn some strings into numbers: text fields take either. */
const text = (max: number) => z.union([z.string().max(max), z.number()]).transform(String);
const qos = z.coerce.number().pipe(z.union([z.literal(0), z.literal(1), z.literal(2)]));

const MqttxSubscriptionSchema = z.object({
  topic: text(65535),
  qos: qos.catch(0),
  disabled: z.boolean().nullish(),
});

const MqttxWillSchema = z.object({
  lastWillTopic: text(65535).nullish(),
  lastWillPayload: text(256 * 1024).nullish(),
  lastWillQos: qos.nullish(),
  lastWillRetain: z.boolean().nullish(),
});

const MqttxConnectionSchema = z.object({
  name: text(10_000).nullish(),
  clientId: text(10_000).nullish(),
  host: text(2048),
  port: z.coerce.number().int().min(1).max(65535),
  protocol: z.enum(['mqtt', 'mqtts', 'ws', 'wss']).nullish(),
  ssl: z.boolean().nullish(),
  path: text(2048).nullish(),
  mqttVersion: text(16).nullish(),
  username: text(64 * 1024).nullish(),
  password: text(64 * 1024).nullish(),
  keepalive: z.coerce.number().int().min(0).nullish(),
  clean: z.boolean().nullish(),
  certType: z.enum(['', 'server', 'self']).nullish(),
  rejectUnauthorized: z.boolean().nullish(),
  ALPNProtocols: text(1024).nullish(),
  ca: text(64 * 1024).nullish(),
  cert: text(64 * 1024).nullish(),
  key: text(64 * 1024).nullish(),
  clientIdWithTime: z.boolean().nullish(),
  parentId: text(256).nullish(),
  subscriptions: z.array(MqttxSubscriptionSchema).max(10_000).nullish(),
  will: MqttxWillSchema.nullish(),
  properties: z.object({ maximumPacketSize: z.number().nullish() }).nullish(),
});
type MqttxConnection = z.infer<typeof MqttxConnectionSchema>;

/** Whether a parsed file looks like an MQTTX export: MQTTX's own import requires these fields of every connection. */
export function isMqttxExport(value: unknown): boolean {
  const list = Array.isArray(value) ? value : [value];
  const first: unknown = list[0];
  return typeof first === 'object' && first !== null && ['host', 'port', 'clientId'].every((key) => key in first) && ('mqttVersion' in first || 'ssl' in first);
}

/** The longest path listed for the operator to pick. */
const MAX_PATH = 1024;

/** MQTTX's rule when `protocol` is missing (connections from before it existed): `ssl` decides. */
function protocolOf(c: MqttxConnection): 'mqtt' | 'mqtts' | 'ws' | 'wss' {
  return c.protocol ?? (c.ssl ? 'mqtts' : 'mqtt');
}

/** A path on the MQTTX user's disk, or the file's own PEM text (hand-edited exports). */
function isInline(field: string): boolean {
  return field.includes('-----BEGIN ');
}

function connectionFrom(c: MqttxConnection, group: string): ImportedConnection | { problem: string; name: string } {
  const notes: string[] = [];
  const protocol = protocolOf(c);
  const secure = protocol === 'mqtts' || protocol === 'wss';
  const host = c.host.trim();
  const name = connectionName(c.name, host);
  const path = protocol.startsWith('ws') ? `${(c.path ?? '').startsWith('/') ? '' : '/'}${c.path ?? ''}` : '';
  const version = (c.mqttVersion ?? '3.1.1').trim();
  if (version === '3.1') notes.push('MQTT 3.1 is not spoken here: it connects with MQTT 3.1.1, which brokers that take 3.1 also take.');
  if (c.clientIdWithTime) notes.push('MQTTX added a time stamp to its client id at each connect; here the client id is used as it is.');

  const imported: Omit<ImportedConnection, 'settings'> = { secrets: {}, files: [], pendingSecrets: [], notes };
  if (c.password) imported.secrets.password = c.password;

  const tls: InlineTls = { ca: [], clientCertificate: null };
  if (secure) {
    for (const [field, value] of [
      ['ca', c.ca],
      ['clientCertificate', c.cert],
      ['clientKey', c.key],
    ] as const) {
      const given = (value ?? '').trim();
      if (!given) continue;
      if (!isInline(given)) {
        // A path is only ever shown to the operator: one that cannot be a path is said, not listed.
        if (given.length > MAX_PATH || [...given].some((ch) => ch.charCodeAt(0) < 32)) notes.push(`Its ${FIELD_WORDS[field]} field holds neither a file path nor a PEM file, and was left out.`);
        else imported.files.push({ field, path: given });
        continue;
      }
      takeInlineFile(imported, tls, field, Buffer.from(given, 'utf8'), FIELD_WORDS[field]);
    }
    if (imported.files.some((f) => f.field === 'clientKey') && !imported.secrets.clientKey) imported.pendingSecrets.push('clientKey');
    if (c.rejectUnauthorized === false) notes.push('Certificate verification was off in MQTTX and stays off: the connection is graded insecure until it is turned on.');
  }
  const maxPacket = c.properties?.maximumPacketSize;
  const will = c.will?.lastWillTopic ? { topic: c.will.lastWillTopic, payload: c.will.lastWillPayload ?? '', qos: c.will.lastWillQos ?? 0, retain: c.will.lastWillRetain ?? false } : null;
  const draft: ProfileSettingsInput = {
    name,
    group,
    url: `${protocol}://${host}:${c.port}${path}`,
    protocolVersion: version === '5.0' || version === '5' ? 5 : 4,
    clientId: (c.clientId ?? '').slice(0, 256),
    username: c.username ?? '',
    keepalive: Math.min(c.keepalive ?? 60, 65535),
    clean: c.clean ?? true,
    will,
    tls: {
      trust: tls.ca.length ? 'custom' : 'system',
      ...tls,
      alpn: (c.ALPNProtocols ?? '')
        .replace(/[[\] ]/g, '')
        .split(',')
        .filter(Boolean)
        .slice(0, 8),
      verify: c.rejectUnauthorized !== false,
    },
    subscriptions: subscriptionsFrom(
      (c.subscriptions ?? []).filter((s) => !s.disabled),
      notes,
    ),
    // MQTTX's Maximum Packet Size is what it accepts from the broker, as this app's limit is.
    ...(MaxPacketSizeSchema.safeParse(maxPacket).success && { maxPacketSize: maxPacket as number }),
  };
  const result = settingsFrom(draft);
  if ('problem' in result) return { problem: result.problem, name };
  return { ...imported, settings: result.settings };
}

/** Reads a parsed MQTTX export (an array of connections, or one connection). */
export function readMqttxExport(value: unknown): ForeignConnections {
  const list: unknown[] = Array.isArray(value) ? value : [value];
  checkCount(list.length, 'The MQTTX export');
  const connections = list.map((item, i) => parseOrRefuse(MqttxConnectionSchema, item, `Connection ${i + 1} of the MQTTX export`, FIX));
  const notes: string[] = [];
  // MQTTX exports the id of each connection's collection, not its name: number them in order of appearance.
  const groups = new Map<string, string>();
  for (const c of connections) if (c.parentId && !groups.has(c.parentId)) groups.set(c.parentId, `MQTTX collection ${groups.size + 1}`);
  if (groups.size) {
    notes.push(`MQTTX exports which collection a connection is in but not the collection\u2019s name: they became the groups ${[...groups.values()].join(', ')}. Rename a group by editing its connections.`);
  }
  const imported: ImportedConnection[] = [];
  for (const c of connections) {
    const result = connectionFrom(c, c.parentId ? (groups.get(c.parentId) ?? '') : '');
    if ('problem' in result) notes.push(`${result.name} was not imported: ${result.problem}.`);
    else imported.push(result);
  }
  return { source: 'mqttx', connections: imported, notes };
}
