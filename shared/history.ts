/**
 * Recorded history as it crosses the contract: what each connection records
 * (saved with its profile), the time ranges a chart can ask for, the
 * recorder's state and disk use, and exports of a range (request, delivery,
 * progress). The recorder itself lives in electron/core/history/.
 */
import { z } from 'zod';
import { topicFilterValid } from './mqtt';
import { AppErrorSchema } from './result';

/**
 * Per connection. Samples of charted series are always recorded; raw messages
 * only on the topics the filters match. Retention removes the oldest data of
 * the connection first, by age and by size, whichever is reached first.
 */
export const RecordingSettingsSchema = z.object({
  /** Topic filters (`plant/+/alarm`, `#`) whose raw messages are recorded. */
  messageFilters: z
    .array(z.string().trim().min(1).max(65535).refine(topicFilterValid, 'A filter uses + for one level and # only as the last level.'))
    .max(64)
    .default([]),
  /** Payload bytes kept per recorded message; a longer payload is cut there (its full size is kept). */
  maxPayloadBytes: z.number().int().min(0).max(1024 * 1024).default(64 * 1024),
  /** Data older than this many days is removed. */
  retentionDays: z.number().int().min(1).max(3650).default(30),
  /** Past this many megabytes of the connection's history, its oldest data is removed. */
  retentionMB: z.number().int().min(1).max(1024 * 1024).default(1024),
});
export type RecordingSettings = z.infer<typeof RecordingSettingsSchema>;
export const DEFAULT_RECORDING: RecordingSettings = RecordingSettingsSchema.parse({});

/** An absolute time range in ms since the epoch, `from` before `to`, at most ten years. */
export const TimeRangeSchema = z
  .object({ from: z.number().finite(), to: z.number().finite() })
  .strict()
  .refine((r) => r.to > r.from && r.to - r.from <= 10 * 366 * 86_400_000, 'A range ends after it starts and spans at most ten years.');
export type TimeRange = z.infer<typeof TimeRangeSchema>;

/** What the recorder is doing: `starting` until the database is open, `live-only` when it cannot record (see `notice`). */
export const RecorderStateSchema = z.enum(['starting', 'recording', 'live-only']);
export type RecorderState = z.infer<typeof RecorderStateSchema>;

export const HistoryHealthSchema = z.object({
  state: RecorderStateSchema,
  /** Why history is not (fully) working: a newer, damaged or unwritable database, a full disk. */
  notice: AppErrorSchema.nullable(),
  /** Samples and messages not recorded because the writer fell behind (or stopped), since start. */
  dropped: z.object({ samples: z.number().int(), messages: z.number().int() }),
});
export type HistoryHealth = z.infer<typeof HistoryHealthSchema>;

export const ConnectionUsageSchema = z.object({
  connectionId: z.string(),
  samples: z.number().int(),
  messages: z.number().int(),
  /** About how many bytes of the database this connection's history takes. */
  bytes: z.number().int(),
  /** Oldest and newest recorded times (ms), null when nothing is recorded. */
  oldest: z.number().nullable(),
  newest: z.number().nullable(),
});
export type ConnectionUsage = z.infer<typeof ConnectionUsageSchema>;

export const HistoryStatusSchema = HistoryHealthSchema.extend({
  /** Size of the database file (with its write-ahead log), bytes. */
  fileBytes: z.number().int(),
  connections: z.array(ConnectionUsageSchema),
});
export type HistoryStatus = z.infer<typeof HistoryStatusSchema>;

/**
 * An export of a range: the samples of some series (CSV), or the raw messages
 * of some connections (CSV or JSON Lines), optionally narrowed by a topic filter.
 */
export const ExportRequestSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('samples'),
      format: z.literal('csv'),
      keys: z.array(z.string().min(1).max(70000)).min(1).max(16),
      range: TimeRangeSchema,
    })
    .strict(),
  z
    .object({
      kind: z.literal('messages'),
      format: z.enum(['csv', 'jsonl']),
      connectionIds: z.array(z.string().min(1).max(64)).min(1).max(64),
      topicFilter: z.string().min(1).max(65535).refine(topicFilterValid, 'A filter uses + for one level and # only as the last level.').optional(),
      range: TimeRangeSchema,
    })
    .strict(),
]);
export type ExportRequest = z.infer<typeof ExportRequestSchema>;

/**
 * How an export reaches the operator: written by main to the file its save
 * dialog returned (`file`), streamed to the browser at `path` (`download`;
 * the request carries `sig`, see `exportSignatureInput`), or nothing because
 * the operator closed the dialog (`cancelled`).
 */
export const ExportStartSchema = z.object({
  exportId: z.string(),
  fileName: z.string(),
  delivery: z.enum(['file', 'download', 'cancelled']),
  /** For `download`: the host path to fetch (`/export/<id>`). */
  path: z.string().nullable(),
});
export type ExportStart = z.infer<typeof ExportStartSchema>;

export const ExportProgressSchema = z.object({
  exportId: z.string(),
  state: z.enum(['running', 'done', 'failed']),
  rows: z.number().int(),
  /** Rows the range holds (counted when the export starts). */
  total: z.number().int(),
  bytes: z.number().int(),
  error: AppErrorSchema.nullable(),
});
export type ExportProgress = z.infer<typeof ExportProgressSchema>;

/** Where the headless host serves a started export: `${EXPORT_PATH}/<exportId>?sig=<hex>`. */
export const EXPORT_PATH = '/export';

/**
 * What the download signature signs: the host's token keys an HMAC-SHA256 of
 * this text, so the download is authenticated with the token without the
 * token appearing in the URL (nor in the browser's download list).
 */
export function exportSignatureInput(exportId: string): string {
  return `mqtts-dashboard export ${exportId}`;
}
