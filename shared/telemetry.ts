/**
 * Live topics and charts as they cross to the renderer: topic updates, chart
 * series and their samples, the dashboard layout saved with a profile, and the
 * batch main pushes at most ~20 times a second per window.
 */
import { z } from 'zod';
import { DecodedPreviewSchema } from './decoders';
import { QosSchema } from './mqtt';

export const ExtractorSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('number') }),
  z.object({ kind: z.literal('boolean') }),
  z.object({ kind: z.literal('json'), path: z.string().trim().min(1).max(256) }),
]);
export type ExtractorSpecInput = z.infer<typeof ExtractorSpecSchema>;

export const SeriesSpecSchema = z.object({
  connectionId: z.string().min(1).max(64),
  /** An exact topic (no wildcards): one series per topic. */
  topic: z
    .string()
    .min(1)
    .max(65535)
    .refine((t) => !/[+#]/.test(t), 'Chart an exact topic, not a filter with + or #.'),
  extractor: ExtractorSpecSchema,
  label: z.string().max(120).default(''),
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/)
    .optional(),
  /** The series' own unit; without it, the chart's. Series of different units get their own axis. */
  unit: z.string().max(24).optional(),
  /** The y-axis the operator chose; without it, decided by unit, then by range (renderer/src/charts/axes.ts). */
  axis: z.enum(['left', 'right']).optional(),
  /** Drawn as steps (a state held until the next sample) or as a line; without it, booleans are steps. */
  draw: z.enum(['line', 'step']).optional(),
});
export type SeriesSpec = z.infer<typeof SeriesSpecSchema>;
export type AxisSide = NonNullable<SeriesSpec['axis']>;

/** Live windows: the last minutes, hours or days up to now (older than memory holds comes from the recorded history), or all samples kept in memory. */
export const ChartWindowSchema = z.enum(['1m', '5m', '1h', '24h', '7d', 'all']);
export type ChartWindow = z.infer<typeof ChartWindowSchema>;
export const WINDOW_MS: Record<ChartWindow, number | null> = { '1m': 60_000, '5m': 300_000, '1h': 3_600_000, '24h': 86_400_000, '7d': 604_800_000, all: null };

/** Colours a stat panel's value and gauge take at and above a threshold (and below the first: `base`). */
export const ThresholdColorSchema = z.enum(['green', 'blue', 'amber', 'red']);
export type ThresholdColor = z.infer<typeof ThresholdColorSchema>;

/** A stat panel's settings, chosen by the operator. */
export const StatOptionsSchema = z.object({
  /** From `value` upwards the panel shows `color` (the highest threshold reached wins). */
  thresholds: z.array(z.object({ value: z.number().finite(), color: ThresholdColorSchema })).max(8).default([]),
  /** The colour below every threshold. */
  base: ThresholdColorSchema.default('green'),
  /** A source with no sample for this long shows "offline for …" (shared/staleness.ts). */
  silenceSeconds: z.number().int().min(1).max(7 * 86_400).default(60),
  /** The gauge's scale; without them, the range's lowest and highest values and the thresholds. */
  gaugeMin: z.number().finite().optional(),
  gaugeMax: z.number().finite().optional(),
});
export type StatOptions = z.infer<typeof StatOptionsSchema>;
export const DEFAULT_STAT_OPTIONS: StatOptions = StatOptionsSchema.parse({});

export const ChartSpecSchema = z.object({
  id: z.string().min(1).max(64),
  /** The operator's title; empty: titled by its series. */
  title: z.string().max(120).default(''),
  unit: z.string().max(24).default(''),
  window: ChartWindowSchema.default('5m'),
  series: z.array(SeriesSpecSchema).min(1).max(16),
  /** A line chart (absent) or a stat panel: last value and its age, min/max/mean over the window, a gauge, silence. */
  kind: z.enum(['line', 'stat']).optional(),
  /** A stat panel's settings (absent: the defaults). */
  stat: StatOptionsSchema.optional(),
});
export type ChartSpec = z.infer<typeof ChartSpecSchema>;

export const DashboardSchema = z.object({ charts: z.array(ChartSpecSchema).max(32).default([]) });
export type Dashboard = z.infer<typeof DashboardSchema>;

/** The key naming one series in the store (and a concrete element for wildcard paths: `…|[2]`). */
export function seriesKey(spec: Pick<SeriesSpec, 'connectionId' | 'topic' | 'extractor'>): string {
  const e = spec.extractor;
  return `${spec.connectionId}|${e.kind === 'json' ? `json:${e.path}` : e.kind}|${spec.topic}`;
}

/** A file name for a series' CSV: its topic and, for a JSON field, the field (`plant_line1_dev1_temp.csv`). */
export function seriesFileName(key: string): string {
  const [, extractor = '', ...topic] = key.split('|');
  const field = extractor.startsWith('json:') ? `_${extractor.slice(5).replace(/^\$\.?/, '')}` : '';
  const name = `${topic.join('|') || 'series'}${field}`.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '');
  return `${name.slice(0, 100)}.csv`;
}

export const PayloadPreviewSchema = z.object({
  encoding: z.enum(['text', 'base64']),
  data: z.string(),
  /** The preview holds less than the payload; the full payload is fetched on demand. */
  truncated: z.boolean(),
});
export type PayloadPreview = z.infer<typeof PayloadPreviewSchema>;

export const TopicUpdateSchema = z.object({
  topic: z.string(),
  count: z.number().int(),
  /** Messages per second, smoothed over the last seconds. */
  rate: z.number(),
  retained: z.boolean(),
  qos: QosSchema,
  /** Size of the last payload in bytes. */
  size: z.number().int(),
  updatedAt: z.number(),
  /**
   * The last payload's preview. Absent when not sent: a window's batches carry
   * the payload of the one topic it focuses (`telemetry.focus`, its payload
   * panel), not of every topic that changed; the snapshot and the focus answer
   * carry it always.
   */
  preview: PayloadPreviewSchema.optional(),
  /** The last payload as a decoder rule of the connection read it (absent: no rule matches this topic). */
  decoded: DecodedPreviewSchema.optional(),
  /**
   * Whether the source of this topic is known to be offline: a Sparkplug DEATH
   * (of the edge node or the device) came after its last birth, or a STATE
   * message says the host is offline. Absent for topics with no such notion.
   */
  offline: z.boolean().optional(),
});
export type TopicUpdate = z.infer<typeof TopicUpdateSchema>;

/** A source that said itself it is offline (a Sparkplug DEATH, a last will): since when and why (shared/staleness.ts). */
export const ReportedOfflineSchema = z.object({ since: z.number(), reason: z.string().max(500) });

/**
 * What a series has to say besides its samples: payloads that gave no number,
 * samples the budget dropped, and whether its source reported itself offline
 * (absent or null: it did not; a new sample clears it).
 */
const SeriesHealthShape = {
  errors: z.number().int(),
  lastError: z.string().nullable(),
  evicted: z.number().int(),
  offline: ReportedOfflineSchema.nullable().optional(),
};

export const SeriesUpdateSchema = z.object({
  key: z.string(),
  /** New samples since the previous batch, oldest first (decimated when there are many). */
  times: z.array(z.number()),
  values: z.array(z.number()),
  /** Samples since the previous batch did not all fit: the renderer should ask for a fresh view. */
  gap: z.boolean(),
  ...SeriesHealthShape,
});
export type SeriesUpdate = z.infer<typeof SeriesUpdateSchema>;

export const BudgetStatsSchema = z.object({
  budgetBytes: z.number(),
  /** Samples and kept messages together. */
  usedBytes: z.number(),
  samples: z.number(),
  series: z.number(),
  evictedSamples: z.number(),
  /** The message history's share of `usedBytes`, the messages it keeps, and those it dropped while still among their topic's last N. */
  messageBytes: z.number().optional(),
  messages: z.number().optional(),
  evictedMessages: z.number().optional(),
});
export type BudgetStats = z.infer<typeof BudgetStatsSchema>;

/** Previews in snapshots and batches are cut to this many characters; `topics.payload` has the whole payload. */
export const PREVIEW_CHARS = 200;

/**
 * Message history, per connection (saved with its profile): the last
 * `perTopic` messages of every topic are kept in memory, all of them together
 * in at most `maxMB` (the oldest go first), within the global memory budget.
 * 0 messages per topic turns it off.
 */
export const MessageHistorySettingsSchema = z.object({
  perTopic: z.number().int().min(0).max(1000).default(20),
  maxMB: z.number().int().min(1).max(4096).default(16),
});
export type MessageHistorySettings = z.infer<typeof MessageHistorySettingsSchema>;
export const DEFAULT_MESSAGE_HISTORY: MessageHistorySettings = MessageHistorySettingsSchema.parse({});

/** One kept message as a list shows it: its facts and a preview cut to PREVIEW_CHARS (the whole payload by `topics.message`). */
export const KeptMessageSchema = z.object({
  /** Names the message within its connection's history (`topics.message`). */
  seq: z.number().int().nonnegative(),
  topic: z.string(),
  time: z.number(),
  qos: QosSchema,
  retain: z.boolean(),
  /** Size of the payload in bytes. */
  size: z.number().int(),
  preview: PayloadPreviewSchema,
});
export type KeptMessage = z.infer<typeof KeptMessageSchema>;

/** The messages kept for one topic, oldest first. */
export const TopicHistorySchema = z.object({
  messages: z.array(KeptMessageSchema),
  /** How many the connection keeps per topic. */
  perTopic: z.number().int(),
});
export type TopicHistory = z.infer<typeof TopicHistorySchema>;

/** What a window's message list asks for: one connection's messages, optionally narrowed. */
export const MessageListRequestSchema = z
  .object({
    connectionId: z.string().min(1).max(64),
    /** An MQTT topic filter (`plant/+/temp`, `#`); null: every topic. */
    topicFilter: z.string().min(1).max(65535).nullable(),
    /** Text the topic or the payload contains (letters of any case); null: any. */
    text: z.string().min(1).max(256).nullable(),
  })
  .strict();
export type MessageListRequest = z.infer<typeof MessageListRequestSchema>;

/** New messages for a window's message list since its previous batch, newest first, at most MAX_LISTED_MESSAGES. */
export const MessageListUpdateSchema = z.object({
  connectionId: z.string(),
  messages: z.array(KeptMessageSchema),
  /** Messages that arrived since the previous batch and are not in this one (too many to list; some may not match the filter). */
  unlisted: z.number().int(),
});
export type MessageListUpdate = z.infer<typeof MessageListUpdateSchema>;

export const TelemetryBatchSchema = z.object({
  seq: z.number().int(),
  topics: z.array(z.object({ connectionId: z.string(), updates: z.array(TopicUpdateSchema), cleared: z.boolean() })),
  series: z.array(SeriesUpdateSchema),
  budget: BudgetStatsSchema,
  /** Present while the window lists a connection's messages (`telemetry.messages`). */
  messages: MessageListUpdateSchema.optional(),
});
export type TelemetryBatch = z.infer<typeof TelemetryBatchSchema>;

export const ChartViewSchema = z.object({
  key: z.string(),
  /** For a wildcard path: the keys of its elements (`…|[0]`, `…|[1]`), each readable with its own view. */
  elements: z.array(z.string()),
  times: z.array(z.number()),
  values: z.array(z.number()),
  samples: z.number().int(),
  from: z.number(),
  to: z.number(),
  /** How many of `samples` were read from the recorded history (the rest from memory); absent when none. */
  recorded: z.number().int().optional(),
  /** The sum of the values of all `samples` (their mean is sum / samples); absent when not known. */
  sum: z.number().optional(),
  /** The newest sample kept in memory, wherever it lies (a stat panel's last value and its age); null when none. */
  latest: z.object({ t: z.number(), v: z.number() }).nullable().optional(),
  ...SeriesHealthShape,
});
export type ChartViewData = z.infer<typeof ChartViewSchema>;

export const PublishRequestSchema = z
  .object({
    id: z.string().min(1).max(64),
    topic: z
      .string()
      .min(1)
      .max(65535)
      .refine((t) => !/[+#]/.test(t), 'A topic to publish to cannot contain + or #.'),
    payload: z.string().max(16 * 1024 * 1024),
    encoding: z.enum(['text', 'base64']).default('text'),
    qos: QosSchema.default(0),
    retain: z.boolean().default(false),
    /** MQTT 5 properties; ignored on MQTT 3.1.1 connections. */
    properties: z
      .object({
        contentType: z.string().max(256).optional(),
        responseTopic: z.string().max(65535).optional(),
        messageExpiryInterval: z.number().int().min(0).max(4294967295).optional(),
        payloadFormatIndicator: z.boolean().optional(),
        userProperties: z.record(z.string().max(1024), z.string().max(65535)).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type PublishRequest = z.infer<typeof PublishRequestSchema>;
