/**
 * Sparkplug B as both sides name it: the topic namespace
 * (`spBv1.0/<group>/<kind>/<edge node>[/<device>]`, `spBv1.0/STATE/<host>`),
 * the path that charts a metric by name from its DATA topic, and the state of
 * a connection's edge nodes, devices and metrics as the core's births, deaths
 * and data define it (`sparkplug.tree`).
 */
import { z } from 'zod';
import { SPARKPLUG_KINDS, type SparkplugKind } from './decoders';

export const SPARKPLUG_NAMESPACE = 'spBv1.0';
/** The node command that asks an edge node to publish its births again. */
export const REBIRTH_METRIC = 'Node Control/Rebirth';

export interface SparkplugTopic {
  kind: SparkplugKind;
  group: string;
  /** The edge node, or for STATE the host application. */
  edge: string;
  /** '' for node-level messages. */
  device: string;
}

const KINDS = new Set<string>(SPARKPLUG_KINDS);
const DEVICE_KINDS = new Set<string>(['DBIRTH', 'DDEATH', 'DDATA', 'DCMD']);

/** The parts of a Sparkplug B topic, or null when the topic is not one. */
export function parseSparkplugTopic(topic: string): SparkplugTopic | null {
  const levels = topic.split('/');
  if (levels[0] !== SPARKPLUG_NAMESPACE) return null;
  if (levels[1] === 'STATE' && levels.length === 3) return { kind: 'STATE', group: '', edge: levels[2] as string, device: '' };
  const [, group, kind, edge, device] = levels;
  if (group === undefined || kind === undefined || edge === undefined || !KINDS.has(kind) || kind === 'STATE') return null;
  if (group === '' || edge === '') return null;
  const deviceLevel = DEVICE_KINDS.has(kind);
  if (levels.length !== (deviceLevel ? 5 : 4) || (deviceLevel && !device)) return null;
  return { kind: kind as SparkplugKind, group, edge, device: device ?? '' };
}

/** The topic of a message of `kind` for an edge node, or one of its devices. */
export function sparkplugTopic(kind: Exclude<SparkplugKind, 'STATE'>, group: string, edge: string, device = ''): string {
  return device ? `${SPARKPLUG_NAMESPACE}/${group}/${kind}/${edge}/${device}` : `${SPARKPLUG_NAMESPACE}/${group}/${kind}/${edge}`;
}

/**
 * The extraction path of a metric in the decoded payload (`metrics["Temperature"]`),
 * or null for a name the path language cannot quote (one holding both quote kinds or `]`).
 */
export function metricPath(name: string): string | null {
  if (name.includes(']')) return null;
  if (!name.includes('"')) return `metrics["${name}"]`;
  if (!name.includes("'")) return `metrics['${name}']`;
  return null;
}

/** A metric's value as the window shows it: scalars as they are; data sets, templates and long texts as (cut) JSON text. */
export const MetricValueSchema = z.union([z.number(), z.string(), z.boolean(), z.null()]);

export const SparkplugMetricSchema = z.object({
  name: z.string(),
  alias: z.number().nullable(),
  /** The Sparkplug data type (`Float`, `Int64`, `Template`…). */
  type: z.string(),
  value: MetricValueSchema,
  /** The metric's own timestamp (ms), or the message's. */
  timestamp: z.number().nullable(),
});
export type SparkplugMetric = z.infer<typeof SparkplugMetricSchema>;

const LifeShape = {
  /** A birth was seen (since the app started or the connection's decoders changed). */
  born: z.boolean(),
  /** A death came after the last birth: the node (or device) and its metrics are stale. */
  offline: z.boolean(),
  births: z.number().int(),
  metrics: z.array(SparkplugMetricSchema),
};

export const SparkplugDeviceSchema = z.object({ device: z.string(), ...LifeShape });
export type SparkplugDevice = z.infer<typeof SparkplugDeviceSchema>;

export const SparkplugNodeSchema = z.object({
  group: z.string(),
  edge: z.string(),
  ...LifeShape,
  /** Messages whose `seq` did not follow the previous one of this node (lost or reordered). */
  seqGaps: z.number().int(),
  lastSeq: z.number().int().nullable(),
  /** The birth/death sequence of the current session, matching an NDEATH to its NBIRTH. */
  bdSeq: z.number().nullable(),
  /** NDEATHs of an earlier session (their bdSeq did not match), ignored as the specification says. */
  staleDeaths: z.number().int(),
  devices: z.array(SparkplugDeviceSchema),
});
export type SparkplugNode = z.infer<typeof SparkplugNodeSchema>;

export const SparkplugHostSchema = z.object({ host: z.string(), online: z.boolean(), timestamp: z.number().nullable() });
export type SparkplugHost = z.infer<typeof SparkplugHostSchema>;

export const SparkplugTreeSchema = z.object({
  nodes: z.array(SparkplugNodeSchema),
  hosts: z.array(SparkplugHostSchema),
  /** More metrics exist than one answer carries (MAX_TREE_METRICS); the first ones are listed. */
  truncated: z.boolean(),
});
export type SparkplugTree = z.infer<typeof SparkplugTreeSchema>;

/** Metrics in one `sparkplug.tree` answer at most. */
export const MAX_TREE_METRICS = 20_000;
