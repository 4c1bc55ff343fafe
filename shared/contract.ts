/**
 * The IPC contract: every channel between the renderer and main, declared once.
 * `invoke` channels map a request schema to a response schema; `events` are pushed
 * from main. Types are inferred from the schemas; both transports (Electron IPC and
 * the WebSocket host) and the preload are generated from this object.
 */
import { z } from 'zod';
import { DecodedPayloadSchema, MAX_PROTO_FILES, ProtoFileSchema, ProtoSummarySchema } from './decoders';
import { AlertChangeSchema, AlertHistoryRequestSchema, AlertHistorySchema, AlertListSchema, AlertRulesSchema, AlertViewSchema, MAX_MUTE_MINUTES } from './alerts';
import { ImportProgressSchema, ImportRequestSchema, ImportSummarySchema, InspectionIdSchema, ProfileCertificatesSchema } from './certificates';
import { ExportProgressSchema, ExportRequestSchema, ExportStartSchema, HistoryHealthSchema, HistoryStatusSchema, RecordingSettingsSchema, TimeRangeSchema } from './history';
import { ConnectionsImportSchema, ProfileSchema, ProfileSettingsDraftSchema, ProfileSettingsSchema, SecretInputSchema } from './profiles';
import { AppErrorSchema } from './result';
import { SessionViewSchema } from './sessions';
import { SparkplugTreeSchema } from './sparkplug';
import { CertificateInventorySchema } from './trust';
import {
  BudgetStatsSchema,
  ChartViewSchema,
  ChartWindowSchema,
  DashboardSchema,
  MessageHistorySettingsSchema,
  MessageListRequestSchema,
  PublishRequestSchema,
  TelemetryBatchSchema,
  TopicHistorySchema,
  TopicUpdateSchema,
} from './telemetry';

const Id = z.string().min(1).max(64);
/** A connections file (this app's export, MQTTX's, MQTT Explorer's settings) imported as text: the largest text any channel takes. */
export const MAX_PROFILES_TEXT = 8 * 1024 * 1024;
const Empty = z.object({}).strict();

export const DemoStatusSchema = z.object({ running: z.boolean(), profileId: z.string().nullable() });
export type DemoStatus = z.infer<typeof DemoStatusSchema>;

/**
 * Where secrets live this run: `os` is the OS keychain (its `detail` says why it
 * refuses, when it does); `session` is process memory, chosen only when no OS
 * keychain answered at all (`detail` is what the system answered instead).
 */
export const KeychainStatusSchema = z.object({ store: z.enum(['os', 'session']), available: z.boolean(), detail: z.string() });
export type KeychainStatus = z.infer<typeof KeychainStatusSchema>;
/** What the app says, everywhere, while secrets live in the session store. */
export const SESSION_KEYCHAIN_NOTICE = 'Secrets are kept in memory until the app closes: no OS keychain found';

export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  transport: z.enum(['electron', 'websocket']),
  keychain: KeychainStatusSchema,
  /** Something the operator must know about the saved connections (recovered from backup, unreadable). */
  profilesNotice: AppErrorSchema.nullable(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const contract = {
  invoke: {
    'app.info': { request: Empty, response: AppInfoSchema },

    'profiles.list': { request: Empty, response: z.array(ProfileSchema) },
    /** Saves a connection and its secrets; a private key in the client certificate field goes to the keychain with them. */
    'profiles.save': {
      request: z
        .object({ id: Id.optional(), settings: ProfileSettingsDraftSchema, secrets: SecretInputSchema.optional() })
        .strict(),
      response: ProfileSchema,
    },
    'profiles.delete': { request: z.object({ id: Id }).strict(), response: z.null() },
    'profiles.describe': { request: z.object({ id: Id }).strict(), response: ProfileCertificatesSchema },
    /** Profiles (with their groups) as a JSON document without any secret, for a download. */
    'profiles.export': {
      request: z.object({ ids: z.array(Id).max(1000).optional() }).strict(),
      response: z.object({ fileName: z.string(), text: z.string() }),
    },
    /**
     * Connections from a file the window read: this app's export, an MQTTX export (JSON or YAML) or
     * MQTT Explorer's settings.json. Passwords and keys the file holds in clear go to the keychain.
     */
    'profiles.import': {
      request: z.object({ text: z.string().min(2).max(MAX_PROFILES_TEXT) }).strict(),
      response: ConnectionsImportSchema,
    },

    /** Reads a bundle (files, folder contents, zips) and summarises it; saves nothing. Progress comes as `certificates.progress`. */
    'certificates.inspect': { request: ImportRequestSchema, response: ImportSummarySchema },
    /** Stops this window's inspection of that id: its `certificates.inspect` answers `import_cancelled`. */
    'certificates.cancel': { request: z.object({ inspectionId: InspectionIdSchema }).strict(), response: z.null() },
    /** Saves an inspected bundle to an existing connection, or to a new one with these settings. */
    'certificates.apply': {
      request: z
        .object({ importId: z.string().min(1).max(64), profileId: Id.optional(), settings: ProfileSettingsSchema.optional() })
        .strict()
        .refine((r) => !!r.profileId !== !!r.settings, 'Give either the connection to update or the settings of a new one.'),
      response: ProfileSchema,
    },

    'sessions.list': { request: Empty, response: z.array(SessionViewSchema) },
    'sessions.connect': { request: z.object({ id: Id }).strict(), response: SessionViewSchema },
    'sessions.disconnect': { request: z.object({ id: Id }).strict(), response: SessionViewSchema },
    'sessions.publish': { request: PublishRequestSchema, response: z.null() },

    /** Every topic of a connection as it is now, for a window that starts showing it. */
    'topics.snapshot': { request: z.object({ connectionId: Id }).strict(), response: z.array(TopicUpdateSchema) },
    /** The whole last payload of a topic (previews are cut). */
    'topics.payload': {
      request: z.object({ connectionId: Id, topic: z.string().min(1).max(65535) }).strict(),
      /** `decoded`: the payload as the topic's decoder rule reads it (absent when no rule matches). */
      response: z.object({ base64: z.string(), size: z.number().int(), complete: z.boolean(), decoded: DecodedPayloadSchema.optional() }),
    },
    /** The messages kept in memory for a topic (its last N), oldest first. */
    'topics.history': {
      request: z.object({ connectionId: Id, topic: z.string().min(1).max(65535) }).strict(),
      response: TopicHistorySchema,
    },
    /** The whole payload of one kept message (as far as it was kept), by its seq; `decoded` as for `topics.payload`. */
    'topics.message': {
      request: z.object({ connectionId: Id, topic: z.string().min(1).max(65535), seq: z.number().int().nonnegative() }).strict(),
      response: z.object({ base64: z.string(), size: z.number().int(), complete: z.boolean(), decoded: DecodedPayloadSchema.optional() }),
    },
    /** How many messages per topic a connection keeps in memory, and in how many MB; saved with its profile. */
    'topics.historySettings': { request: z.object({ connectionId: Id, messageHistory: MessageHistorySettingsSchema }).strict(), response: ProfileSchema },
    /** Topics at or below `prefix` that hold a retained message: what a clear would delete. */
    'topics.retained': {
      request: z.object({ connectionId: Id, prefix: z.string().max(65535) }).strict(),
      response: z.object({ topics: z.array(z.string()) }),
    },
    /** Deletes exactly the retained messages the operator confirmed; refused if the set changed meanwhile. */
    'topics.clearRetained': {
      request: z.object({ connectionId: Id, prefix: z.string().max(65535), topics: z.array(z.string().max(65535)).min(1).max(100_000) }).strict(),
      response: z.object({ cleared: z.number().int() }),
    },

    /** Reads a .proto file the operator picked (its text, never a path) and lists its messages; a file that does not compile is refused naming the line. */
    'decoders.inspectProto': { request: z.object({ file: ProtoFileSchema, others: z.array(ProtoFileSchema).max(MAX_PROTO_FILES).default([]) }).strict(), response: ProtoSummarySchema },
    /** A connection's Sparkplug B edge nodes, devices and metrics as births, deaths and data defined them. */
    'sparkplug.tree': { request: z.object({ connectionId: Id }).strict(), response: SparkplugTreeSchema },
    /** Asks an edge node to publish its births again: NCMD `Node Control/Rebirth` = true, published on the connection. */
    'sparkplug.rebirth': {
      request: z.object({ connectionId: Id, group: z.string().min(1).max(1024), edge: z.string().min(1).max(1024) }).strict(),
      response: z.object({ topic: z.string() }),
    },

    'dashboard.save': { request: z.object({ profileId: Id, dashboard: DashboardSchema }).strict(), response: ProfileSchema },
    /** The window received batch `seq`; the next one may be sent. */
    'telemetry.ack': { request: z.object({ seq: z.number().int().nonnegative() }).strict(), response: z.null() },
    /** The connections whose topic updates this window wants in its batches (null: all). */
    'telemetry.topics': { request: z.object({ connectionIds: z.array(Id).max(1000).nullable() }).strict(), response: z.null() },
    /** The connection whose messages this window lists (narrowed by topic filter and text), or none: batches then carry its new messages. */
    'telemetry.messages': { request: z.object({ list: MessageListRequestSchema.nullable() }).strict(), response: z.null() },
    /**
     * The topic whose payload this window shows (its payload panel), or none:
     * batches carry the decoded form of that topic only. Answers the topic as
     * it is now, decoded form included (null: nothing arrived on it yet).
     */
    'telemetry.focus': { request: z.object({ topic: z.object({ connectionId: Id, topic: z.string().min(1).max(65535) }).strict().nullable() }).strict(), response: TopicUpdateSchema.nullable() },
    /** The series this window shows now; batches carry their new samples (series already watched keep their place). */
    'telemetry.watch': { request: z.object({ keys: z.array(z.string().max(70000)).max(512) }).strict(), response: z.null() },
    /**
     * A series reduced to min/max per pixel column over a live `window` (up to now) or an absolute
     * `range`, one of the two: recent samples from memory, older ones from the recorded history.
     */
    'telemetry.view': {
      request: z
        .object({ key: z.string().max(70000), window: ChartWindowSchema.optional(), range: TimeRangeSchema.optional(), width: z.number().int().min(1).max(8000) })
        .strict()
        .refine((r) => (r.window === undefined) !== (r.range === undefined), 'Give either a live window or an absolute range.'),
      response: ChartViewSchema,
    },
    'telemetry.csv': { request: z.object({ key: z.string().max(70000) }).strict(), response: z.object({ fileName: z.string(), text: z.string() }) },
    /** Reads, or with `megabytes` sets, the global sample memory budget. */
    'telemetry.budget': { request: z.object({ megabytes: z.number().int().min(16).max(65536).optional() }).strict(), response: BudgetStatsSchema },

    /** The recorder's state, what it dropped, and the disk use of each connection's history. */
    'history.status': { request: Empty, response: HistoryStatusSchema },
    /** What a connection records and how long it is kept; saved with its profile. */
    'history.settings': { request: z.object({ connectionId: Id, recording: RecordingSettingsSchema }).strict(), response: ProfileSchema },
    /**
     * Starts an export of a range. In the desktop app main asks where to save it (its own
     * dialog) and writes the file; in the browser the host streams it as a download.
     * Progress arrives as `history.export` events.
     */
    'history.export': { request: ExportRequestSchema, response: ExportStartSchema },

    /** Firing alerts and cleared ones not yet acknowledged, across every connection. */
    'alerts.list': { request: Empty, response: AlertListSchema },
    /** Recorded changes of alerts (fired, cleared, acknowledged, muted), newest first, narrowed as asked; charts draw them as marks. */
    'alerts.history': { request: AlertHistoryRequestSchema, response: AlertHistorySchema },
    /** The operator saw it: a cleared alert leaves the list, a firing one stays, marked acknowledged. */
    'alerts.acknowledge': { request: z.object({ key: z.string().min(1).max(200) }).strict(), response: AlertViewSchema },
    /** Holds back an alert's notifications for `minutes` (0: now again); it is still listed and recorded. */
    'alerts.mute': { request: z.object({ key: z.string().min(1).max(200), minutes: z.number().int().min(0).max(MAX_MUTE_MINUTES) }).strict(), response: AlertViewSchema },
    /** The alert rules of a connection and its charts; saved with its profile. */
    'alerts.rules': { request: z.object({ connectionId: Id, rules: AlertRulesSchema }).strict(), response: ProfileSchema },

    /** Every certificate the connections rely on (client certificates, their CAs, each broker's chain as last seen), with days left and findings. */
    'trust.inventory': { request: Empty, response: CertificateInventorySchema },
    /**
     * The inventory and every connection's verdict as one self-contained HTML page, delivered as
     * history exports are (main's save dialog, or a signed download); its end arrives as `history.export`.
     */
    'trust.report': { request: Empty, response: ExportStartSchema },

    /** Starts (or resumes) the demo fleet: an embedded TLS broker, simulated devices, a "Demo fleet" connection. */
    'demo.start': { request: Empty, response: ProfileSchema },
    /** Removes the demo: broker, devices, its connection and the connection's keychain secrets. */
    'demo.remove': { request: Empty, response: z.null() },
    'demo.status': { request: Empty, response: DemoStatusSchema },
  },
  events: {
    'sessions.changed': SessionViewSchema,
    'profiles.changed': z.array(ProfileSchema),
    'telemetry.batch': TelemetryBatchSchema,
    /** Progress of the inspection this window started (only that window gets it). */
    'certificates.progress': ImportProgressSchema,
    /** The recorder started, stopped recording (with why), or dropped data. */
    'history.changed': HistoryHealthSchema,
    'history.export': ExportProgressSchema,
    /** An alert fired, cleared, was acknowledged, muted or removed (with its rule). */
    'alerts.changed': AlertChangeSchema,
    /** The certificates inventory changed (a broker showed a chain, a revocation check ended): ask `trust.inventory` again. */
    'trust.changed': z.object({ at: z.number() }).strict(),
  },
} as const;

type Contract = typeof contract;
export type InvokeName = keyof Contract['invoke'];
export type EventName = keyof Contract['events'];
/** What a caller passes (defaults not yet applied). */
export type InvokeRequest<K extends InvokeName> = z.input<Contract['invoke'][K]['request']>;
/** What a handler receives (validated, defaults applied). */
export type InvokeParsed<K extends InvokeName> = z.output<Contract['invoke'][K]['request']>;
export type InvokeResponse<K extends InvokeName> = z.output<Contract['invoke'][K]['response']>;
export type EventPayload<K extends EventName> = z.output<Contract['events'][K]>;

export const invokeNames = Object.keys(contract.invoke) as InvokeName[];
export const eventNames = Object.keys(contract.events) as EventName[];

/** The Electron IPC channel string of a contract name. */
export function ipcChannel(kind: 'invoke' | 'event', name: string): string {
  return `mqtts:${kind}:${name}`;
}
