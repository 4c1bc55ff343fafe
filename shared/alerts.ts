/**
 * Alerts as both sides see them: the rules an operator saves with a
 * connection (a value past a threshold, a silent topic, a connection down,
 * the grade below secure, a certificate expiring), the alerts they raise
 * (firing, cleared, acknowledged, muted), the records kept of every change,
 * and how each is worded. The rules are evaluated in the core
 * (electron/core/alerts/), so they fire with no window open; the window edits
 * them and lists what they raised.
 */
import { z } from 'zod';
import { topicFilterValid } from './mqtt';
import { SeriesSpecSchema, seriesKey, type SeriesSpec } from './telemetry';

const Id = z.string().min(1).max(64);

const RuleBase = {
  /** Unique among the rules of its connection; an alert is known by its connection and this id. */
  id: z.string().trim().min(1).max(64),
  /** What the operator calls it: the notification's title. Empty: the rule's own description. */
  name: z.string().trim().max(120).default(''),
  enabled: z.boolean().default(true),
  /** The chart whose plot shows this rule's alerts as marks; null for a rule of the connection alone. */
  chartId: Id.nullable().default(null),
};

/** The series a threshold watches: the same identity as a chart's series (it is extracted, kept and recorded like one). */
export const WatchedSeriesSchema = SeriesSpecSchema.pick({ connectionId: true, topic: true, extractor: true });
export type WatchedSeries = z.infer<typeof WatchedSeriesSchema>;

export const ThresholdRuleSchema = z
  .object({
    ...RuleBase,
    kind: z.literal('threshold'),
    series: WatchedSeriesSchema,
    direction: z.enum(['above', 'below']),
    value: z.number({ message: 'The threshold is a number.' }).finite(),
    /**
     * Hysteresis: once firing, the alert clears only when the value is back at
     * or below this (`above`), at or above it (`below`). Null: the threshold itself.
     */
    clearAt: z.number().finite().nullable().default(null),
    /** The value must stay past the threshold this long before the alert fires. */
    forSeconds: z.number().int('Whole seconds, please.').min(0, 'A time cannot be negative.').max(86_400, 'At most a day (86,400 s).').default(0),
  })
  .refine((r) => r.clearAt === null || (r.direction === 'above' ? r.clearAt <= r.value : r.clearAt >= r.value), {
    message: 'The clear-again value must be on the normal side of the threshold: at or below it for "above", at or above it for "below".',
    path: ['clearAt'],
  });

export const SilenceRuleSchema = z.object({
  ...RuleBase,
  kind: z.literal('silence'),
  /** The connection whose topics are watched; null: the connection the rule is saved with. */
  connectionId: Id.nullable().default(null),
  /** A topic or a filter (`plant/dev7/#`: anything from device 7). */
  filter: z.string().trim().min(1).max(65535).refine(topicFilterValid, 'A filter uses + for one level and # only as the last level.'),
  seconds: z.number().int('Whole seconds, please.').min(1, 'At least 1 second.').max(604_800, 'At most a week (604,800 s).'),
});

export const DownRuleSchema = z.object({
  ...RuleBase,
  kind: z.literal('down'),
  /** How long the connection may be trying to (re)connect before the alert fires; 0: at once. */
  seconds: z.number().int('Whole seconds, please.').min(0, 'A time cannot be negative.').max(86_400, 'At most a day (86,400 s).').default(30),
});

export const GradeRuleSchema = z.object({ ...RuleBase, kind: z.literal('grade') });

export const ExpiryRuleSchema = z.object({
  ...RuleBase,
  kind: z.literal('expiry'),
  /** Fires when a certificate in use (the client certificate, or the broker's chain as last seen) ends within this many days. */
  days: z.number().int('Whole days, please.').min(1, 'At least 1 day.').max(3650, 'At most ten years (3,650 days).').default(30),
});

export const AlertRuleSchema = z.discriminatedUnion('kind', [ThresholdRuleSchema, SilenceRuleSchema, DownRuleSchema, GradeRuleSchema, ExpiryRuleSchema]);
export type AlertRule = z.infer<typeof AlertRuleSchema>;
export type AlertRuleInput = z.input<typeof AlertRuleSchema>;
export type RuleKind = AlertRule['kind'];
export type ThresholdRule = z.infer<typeof ThresholdRuleSchema>;
export type SilenceRule = z.infer<typeof SilenceRuleSchema>;

export const MAX_RULES = 64;

export const AlertRulesSchema = z
  .array(AlertRuleSchema)
  .max(MAX_RULES, `A connection keeps at most ${MAX_RULES} alert rules.`)
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.forEach((rule, i) => {
      if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', message: `Two rules have the id "${rule.id}"; each needs its own.`, path: [i, 'id'] });
      seen.add(rule.id);
    });
  });

/**
 * The rules a connection starts with (and that format 7 of the profiles file
 * gave existing connections): what the app notified of before rules existed,
 * a connection that stays down and a grade that falls, each with a clear.
 */
export function defaultAlertRules(): AlertRule[] {
  return [
    { id: 'connection-down', name: '', enabled: true, chartId: null, kind: 'down', seconds: 30 },
    { id: 'grade-below-secure', name: '', enabled: true, chartId: null, kind: 'grade' },
  ];
}

/** What an alert is about: a rule's kind, or `raised` by another part of the app (`alerts.raise`). */
export const AlertKindSchema = z.enum(['threshold', 'silence', 'down', 'grade', 'expiry', 'raised']);
export type AlertKind = z.infer<typeof AlertKindSchema>;

export const AlertViewSchema = z.object({
  /** `rule:<connection id>:<rule id>`, or `<source>:<id>` for a raised alert. */
  key: z.string(),
  connectionId: z.string().nullable(),
  ruleId: z.string().nullable(),
  chartId: z.string().nullable(),
  /** A threshold's series: its marks go on any chart showing that series. */
  seriesKey: z.string().nullable(),
  kind: AlertKindSchema,
  /** `rules`, or the part of the app that raised it (`certificates`). */
  source: z.string(),
  state: z.enum(['firing', 'cleared']),
  title: z.string(),
  /** The latest fact: the value and how long, who went silent, which certificate. */
  detail: z.string(),
  value: z.number().nullable(),
  firedAt: z.number(),
  clearedAt: z.number().nullable(),
  acknowledgedAt: z.number().nullable(),
  /** Notifications of this alert are held back until then. */
  mutedUntil: z.number().nullable(),
});
export type AlertView = z.infer<typeof AlertViewSchema>;

export const AlertChangeKindSchema = z.enum(['fired', 'cleared', 'acknowledged', 'muted', 'unmuted']);
export type AlertChangeKind = z.infer<typeof AlertChangeKindSchema>;

/** One change of one alert, as recorded in the history database (or in memory when it is not available). */
export const AlertRecordSchema = AlertViewSchema.pick({ key: true, connectionId: true, ruleId: true, chartId: true, seriesKey: true, kind: true, title: true, detail: true, value: true }).extend({
  at: z.number(),
  change: AlertChangeKindSchema,
});
export type AlertRecord = z.infer<typeof AlertRecordSchema>;

/** Pushed on every change; `notify` says whether it should reach the operator's desktop now (not muted, fired or cleared). */
export const AlertChangeSchema = z.object({
  alert: AlertViewSchema,
  change: z.union([AlertChangeKindSchema, z.literal('removed')]),
  notify: z.boolean(),
});
export type AlertChange = z.infer<typeof AlertChangeSchema>;

export const AlertListSchema = z.object({
  /** Firing alerts, and cleared ones nobody acknowledged yet, newest first. */
  alerts: z.array(AlertViewSchema),
  /** Whether changes are recorded in the history database (false: live-only, kept in memory). */
  recorded: z.boolean(),
});
export type AlertList = z.infer<typeof AlertListSchema>;

export const AlertHistoryRequestSchema = z
  .object({
    connectionId: Id.optional(),
    chartId: Id.optional(),
    key: z.string().min(1).max(200).optional(),
    from: z.number().finite().optional(),
    to: z.number().finite().optional(),
    limit: z.number().int().min(1).max(1000).default(200),
  })
  .strict();
export type AlertHistoryRequest = z.infer<typeof AlertHistoryRequestSchema>;

export const AlertHistorySchema = z.object({
  /** Newest first. */
  records: z.array(AlertRecordSchema),
  from: z.enum(['database', 'memory']),
});
export type AlertHistory = z.infer<typeof AlertHistorySchema>;

/** How long the operator can mute an alert's notifications, in minutes. */
export const MUTE_MINUTES = [15, 60, 8 * 60, 24 * 60] as const;
export const MAX_MUTE_MINUTES = 7 * 24 * 60;

// ---- wording, the same in notifications, the alert list and the rule editor

/** `45 s`, `5 min`, `2 h`, `3 days`: the largest whole unit. */
export function formatDuration(seconds: number): string {
  if (seconds >= 86_400 && seconds % 86_400 === 0) return seconds === 86_400 ? '1 day' : `${seconds / 86_400} days`;
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

const number = (v: number) => String(Number(v.toPrecision(6)));

/** `plant/line1/boiler` or `plant/line1/boiler · temp` (a JSON field). */
export function watchedLabel(series: Pick<SeriesSpec, 'topic' | 'extractor'>): string {
  return series.extractor.kind === 'json' ? `${series.topic} · ${series.extractor.path}` : series.topic;
}

/** The key of the series a threshold rule watches (the chart series' key). */
export function watchedKey(rule: ThresholdRule): string {
  return seriesKey(rule.series);
}

/** The rule in one line: `plant/boiler · temp above 80 for 30 s (clears at or below 75)`. */
export function describeRule(rule: AlertRule): string {
  switch (rule.kind) {
    case 'threshold': {
      const clear = rule.clearAt === null || rule.clearAt === rule.value ? '' : ` (clears at or ${rule.direction === 'above' ? 'below' : 'above'} ${number(rule.clearAt)})`;
      const held = rule.forSeconds > 0 ? ` for ${formatDuration(rule.forSeconds)}` : '';
      return `${watchedLabel(rule.series)} ${rule.direction} ${number(rule.value)}${held}${clear}`;
    }
    case 'silence':
      return `Nothing on ${rule.filter} for ${formatDuration(rule.seconds)}`;
    case 'down':
      return rule.seconds > 0 ? `Connection down for ${formatDuration(rule.seconds)}` : 'Connection down';
    case 'grade':
      return 'Security grade below secure';
    case 'expiry':
      return `A certificate in use expires within ${rule.days === 1 ? '1 day' : `${rule.days} days`}`;
  }
}

/** The name the operator gave the rule, or its description. */
export function ruleTitle(rule: AlertRule): string {
  return rule.name || describeRule(rule);
}

/** A desktop notification's text for a fired or cleared alert. */
export function notificationText(alert: Pick<AlertView, 'title' | 'detail'>, change: 'fired' | 'cleared'): { title: string; body: string } {
  return { title: change === 'fired' ? alert.title : `Cleared: ${alert.title}`, body: alert.detail };
}
