/**
 * Connection profiles: everything needed to connect to one broker except the
 * secrets. Private keys, passphrases and passwords live only in the OS keychain;
 * a profile only records which of them exist (`secrets`).
 */
import { z } from 'zod';
import { QosSchema, topicFilterValid } from './mqtt';
import { certificateFieldProblem, type CertificateField } from './pem';
import { DEFAULT_RECORDING, RecordingSettingsSchema } from './history';
import { AlertRulesSchema, defaultAlertRules } from './alerts';
import { DEFAULT_REVOCATION, RevocationSettingsSchema } from './revocation';
import { DashboardSchema, DEFAULT_MESSAGE_HISTORY, MessageHistorySettingsSchema } from './telemetry';
import { deviceKeyProblem, SAS_LIFETIME } from './sas';
import { DecodersSchema, DEFAULT_DECODERS } from './decoders';

export const SCHEMES = ['mqtts:', 'wss:', 'mqtt:', 'ws:'] as const;

/** Returns a sentence saying what is wrong with `raw` as a broker URL, or null when it is usable. */
export function brokerUrlProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'Enter a broker URL such as mqtts://broker.example.com:8883.';
  }
  if (!(SCHEMES as readonly string[]).includes(url.protocol)) {
    return `The scheme ${url.protocol} is not supported; use mqtts://, wss://, mqtt:// or ws://.`;
  }
  if (!url.hostname) return 'The URL has no host name.';
  if (url.username || url.password) {
    return 'Put the user name and password in their own fields, not in the URL.';
  }
  return null;
}

export const BrokerUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .superRefine((value, ctx) => {
    const problem = brokerUrlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

function certificatesSchema(field: CertificateField) {
  return z
    .string()
    .max(512 * 1024)
    .superRefine((value, ctx) => {
      const problem = certificateFieldProblem(value, field);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}

/** PEM certificates, one or several, and nothing else: never a private key (it belongs in the keychain). */
export const PemCertificatesSchema = certificatesSchema('saved');
/** CA certificates as the operator picks them: refused with a CA-specific fix when a key came along. */
export const CaCertificatesSchema = certificatesSchema('ca');
/**
 * A client certificate file as the connection form sends it: it may also hold
 * the certificate's private key, which main moves to the keychain before the
 * certificates alone are saved (see `profiles.save`).
 */
export const ClientCertificateInputSchema = certificatesSchema('client');

/** `sha256:` followed by 64 hex digits (colons allowed), normalised to lower case without colons. */
export const PinSchema = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const hex = /^sha256[:/](.+)$/i.exec(value)?.[1]?.replace(/:/g, '').toLowerCase();
    if (!hex || !/^[0-9a-f]{64}$/.test(hex)) {
      ctx.addIssue({ code: 'custom', message: 'A pin is sha256: followed by 64 hex digits.' });
      return z.NEVER;
    }
    return `sha256:${hex}`;
  });

export const TrustSchema = z.enum(['system', 'custom', 'system+custom']);
export type Trust = z.infer<typeof TrustSchema>;

export const TlsSettingsSchema = z.object({
  /** Which roots verify the broker: the system's (Node's bundle plus the OS store), the profile's CAs, or both. */
  trust: TrustSchema.default('system'),
  /** The profile's own CA certificates, PEM, possibly several. */
  ca: z.array(CaCertificatesSchema).max(32).default([]),
  /** The client certificate chain (PEM). Its private key lives in the keychain. */
  clientCertificate: PemCertificatesSchema.nullable().default(null),
  /** SNI name; empty means the URL's host. */
  servername: z.string().trim().max(253).default(''),
  alpn: z.array(z.string().trim().min(1).max(255)).max(8).default([]),
  minVersion: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2'),
  pins: z.array(PinSchema).max(16).default([]),
  /** Certificate and host name verification. Off only by the operator's explicit choice, always graded insecure. */
  verify: z.boolean().default(true),
  /** Revocation checks of the broker's chain: the connection's own CRL files, and hard fail. */
  revocation: RevocationSettingsSchema.default(() => structuredClone(DEFAULT_REVOCATION)),
});
export type TlsSettings = z.infer<typeof TlsSettingsSchema>;

export { QosSchema, topicFilterValid, type Qos } from './mqtt';

export const SubscriptionSchema = z.object({
  filter: z
    .string()
    .min(1)
    .max(65535)
    .refine(topicFilterValid, 'A filter uses + for one level and # only as the last level.'),
  qos: QosSchema.default(0),
});
export type Subscription = z.infer<typeof SubscriptionSchema>;

export const WillSchema = z.object({
  topic: z.string().min(1).max(65535),
  payload: z.string().max(256 * 1024).default(''),
  qos: QosSchema.default(0),
  retain: z.boolean().default(false),
});

/** Which secrets of a profile exist in the keychain. Maintained by main, never set by the renderer. */
export const SecretFlagsSchema = z.object({
  password: z.boolean().default(false),
  clientKey: z.boolean().default(false),
  passphrase: z.boolean().default(false),
  /** The symmetric key a SAS token is signed with (Azure IoT Hub); the token itself is never stored. */
  deviceKey: z.boolean().default(false),
});
export type SecretFlags = z.infer<typeof SecretFlagsSchema>;
export const SECRET_ITEMS = ['password', 'clientKey', 'passphrase', 'deviceKey'] as const;
export type SecretItem = (typeof SECRET_ITEMS)[number];

/**
 * The largest MQTT packet a connection accepts from its broker, in bytes (fixed
 * header included, as MQTT 5's Maximum Packet Size counts it). MQTT itself
 * allows 256 MB; a dashboard has no use for that much in one message.
 */
export const DEFAULT_MAX_PACKET_SIZE = 16 * 1024 * 1024;
/** 1 + 4 bytes of fixed header + the largest remaining length MQTT can encode. */
export const MQTT_MAX_PACKET_SIZE = 268_435_460;
export const MaxPacketSizeSchema = z.number().int().min(1024, 'Accept at least 1 KB per packet.').max(MQTT_MAX_PACKET_SIZE, 'MQTT packets are at most 256 MB.');

/**
 * Signing in with a SAS token (Azure IoT Hub): instead of a stored password,
 * each connect attempt sends a token the core signs with the device key from
 * the keychain, valid `lifetimeSeconds`; the session reconnects with a fresh
 * one before it expires (shared/sas.ts).
 */
export const SasTokenSettingsSchema = z.object({
  lifetimeSeconds: z
    .number()
    .int()
    .min(SAS_LIFETIME.min, `A SAS token lives at least ${SAS_LIFETIME.min} seconds.`)
    .max(SAS_LIFETIME.max, 'A SAS token lives at most 7 days (604,800 seconds).')
    .default(SAS_LIFETIME.default),
});
export type SasTokenSettings = z.infer<typeof SasTokenSettingsSchema>;

/** What the operator edits: every setting of a connection, no secrets. */
export const ProfileSettingsSchema = z.object({
  name: z.string().trim().min(1, 'Give the connection a name.').max(200),
  group: z.string().trim().max(200).default(''),
  url: BrokerUrlSchema,
  protocolVersion: z.union([z.literal(4), z.literal(5)]).default(4),
  clientId: z.string().max(256).default(''),
  username: z.string().max(1024).default(''),
  keepalive: z.number().int().min(0).max(65535).default(60),
  clean: z.boolean().default(true),
  will: WillSchema.nullable().default(null),
  tls: TlsSettingsSchema.default(TlsSettingsSchema.parse({})),
  subscriptions: z.array(SubscriptionSchema).max(256).default([]),
  /** Larger incoming packets are refused unread and the connection is dropped; MQTT 5 also tells the broker. */
  maxPacketSize: MaxPacketSizeSchema.default(DEFAULT_MAX_PACKET_SIZE),
  /** null: the password (if any) is sent as stored; set: a SAS token signed with the device key is sent instead. */
  sasToken: SasTokenSettingsSchema.nullable().default(null),
  /** How payloads are decoded, by topic filter (first match wins), and the .proto files Protobuf rules use. */
  decoders: DecodersSchema.default(() => structuredClone(DEFAULT_DECODERS)),
});
export type ProfileSettings = z.infer<typeof ProfileSettingsSchema>;
export type ProfileSettingsInput = z.input<typeof ProfileSettingsSchema>;

/**
 * The settings the connection form saves: as `ProfileSettingsSchema`, except
 * that the client certificate may bring its private key along. Main moves that
 * key to the keychain; the saved profile holds the certificates only.
 */
export const ProfileSettingsDraftSchema = ProfileSettingsSchema.extend({
  tls: TlsSettingsSchema.extend({ clientCertificate: ClientCertificateInputSchema.nullable().default(null) }).default(TlsSettingsSchema.parse({})),
});

/** Secrets a profile needs before it can connect: set on profiles imported from an export, which carries none. */
export const PendingSecretSchema = z.enum(['password', 'clientKey', 'deviceKey']);
export type PendingSecret = z.infer<typeof PendingSecretSchema>;
/** How a secret is named in a sentence, wherever the app speaks of one. */
export const SECRET_WORDS: Record<SecretItem, string> = { password: 'the password', clientKey: 'the client key', passphrase: 'the key’s passphrase', deviceKey: 'the device key' };

export const ProfileSchema = ProfileSettingsSchema.extend({
  id: z.string().min(1).max(64),
  secrets: SecretFlagsSchema.default(SecretFlagsSchema.parse({})),
  pendingSecrets: z.array(PendingSecretSchema).default([]),
  /** The charts of this connection's dashboard; a chart may also show series of other connections. */
  dashboard: DashboardSchema.default({ charts: [] }),
  /** What this connection records to the history database; set apart from the connection form (`history.settings`). */
  recording: RecordingSettingsSchema.default(DEFAULT_RECORDING),
  /** The alert rules of this connection and its charts (evaluated in the core); set apart from the connection form (`alerts.rules`). */
  alerts: AlertRulesSchema.default([]),
  /** How many of each topic's last messages this connection keeps in memory, in how many MB at most (`topics.historySettings`). */
  messageHistory: MessageHistorySettingsSchema.default(DEFAULT_MESSAGE_HISTORY),
});
export type Profile = z.infer<typeof ProfileSchema>;

/**
 * Whether a pending secret of this profile was stored once and lost with the
 * session keychain (memory, when no OS keychain exists): its flag still says
 * stored. An import's pending secrets never had a flag.
 */
export function secretsLostWithSession(profile: Pick<Profile, 'secrets' | 'pendingSecrets'>): boolean {
  return profile.pendingSecrets.some((item) => profile.secrets[item]);
}

/**
 * Secrets the operator types or picks, sent from the renderer to main once and
 * never sent back. `null` deletes the stored value; absent leaves it unchanged.
 * PKCS#12 files go through the bundle import, which stores their key.
 */
export const SecretInputSchema = z.object({
  password: z.string().max(64 * 1024).nullable().optional(),
  clientKey: z.string().max(64 * 1024).nullable().optional(),
  passphrase: z.string().max(4096).nullable().optional(),
  deviceKey: z
    .string()
    .trim()
    .max(1024)
    .superRefine((value, ctx) => {
      const problem = value === '' ? null : deviceKeyProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .nullable()
    .optional(),
});
export type SecretInput = z.infer<typeof SecretInputSchema>;

const NO_SECRETS: SecretFlags = { password: false, clientKey: false, passphrase: false, deviceKey: false };

/** A profile from its settings: no secrets stored yet, nothing pending, an empty dashboard, the default alert rules and message history unless given. */
export function createProfile(settings: ProfileSettings, id: string, extra: Partial<Pick<Profile, 'secrets' | 'pendingSecrets' | 'dashboard' | 'recording' | 'alerts' | 'messageHistory'>> = {}): Profile {
  return { ...settings, id, secrets: { ...NO_SECRETS }, pendingSecrets: [], dashboard: { charts: [] }, recording: structuredClone(DEFAULT_RECORDING), alerts: defaultAlertRules(), messageHistory: { ...DEFAULT_MESSAGE_HISTORY }, ...extra };
}

/** Where an imported connections file came from: this app's export, or another tool's. */
export const ImportSourceSchema = z.enum(['mqtts-dashboard', 'mqttx', 'mqtt-explorer']);
export type ImportSource = z.infer<typeof ImportSourceSchema>;

/** A certificate or key file another tool names by its path on the operator's disk: never read, the operator picks it. */
export const FileToPickSchema = z.object({
  profileId: z.string(),
  connection: z.string(),
  field: z.enum(['ca', 'clientCertificate', 'clientKey']),
  path: z.string().max(4096),
});
export type FileToPick = z.infer<typeof FileToPickSchema>;

/**
 * What an import of connections did: the connections made, the secrets the
 * file held in clear that now live in the keychain (names, never values), the
 * files to pick instead of paths, and the summary in sentences.
 */
export const ConnectionsImportSchema = z.object({
  source: ImportSourceSchema,
  profiles: z.array(ProfileSchema),
  secretsMoved: z.array(z.object({ profileId: z.string(), connection: z.string(), items: z.array(z.enum(['password', 'clientKey'])) })),
  filesToPick: z.array(FileToPickSchema),
  summary: z.array(z.string()),
  /** Said apart, as a warning, when secrets were moved: the source file still holds them in clear text. */
  sourceWarning: z.string().nullable(),
});
export type ConnectionsImport = z.infer<typeof ConnectionsImportSchema>;
