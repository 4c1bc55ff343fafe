/**
 * What the recorder (main thread) and its worker say to each other. Samples and
 * messages travel in compact batches of typed arrays whose buffers are
 * transferred, not copied: one postMessage per batch, never one per message.
 * Names (series keys, topics) are sent once per run as small integer indexes.
 */
import type { AlertHistoryRequest, AlertRecord } from '../../../shared/alerts';
import type { ConnectionUsage } from '../../../shared/history';
import type { SeedQuery, SeedSamples } from '../telemetry/seeding';
import type { SavedAlert } from '../alerts/journal';
import type { HistoryProblem } from './problems';

export interface SeriesDefinition {
  index: number;
  key: string;
  connectionId: string;
}

export interface TopicDefinition {
  index: number;
  connectionId: string;
  topic: string;
}

/** `flags` of a message: QoS in the low two bits, retain in the third. */
export const RETAIN_FLAG = 4;

export interface RecordBatch {
  seq: number;
  /** Series and topics named for the first time in this run. */
  series: SeriesDefinition[];
  topics: TopicDefinition[];
  samples: { count: number; series: Uint32Array; times: Float64Array; values: Float64Array };
  messages: {
    count: number;
    topic: Uint32Array;
    times: Float64Array;
    flags: Uint8Array;
    /** Full payload sizes (the arena holds at most the connection's cap of each). */
    sizes: Uint32Array;
    /** End offset of each message's kept payload in `arena`; it starts where the previous one ended. */
    ends: Uint32Array;
    arena: Uint8Array;
  };
}

export interface RetentionRule {
  connectionId: string;
  maxAgeMs: number;
  maxBytes: number;
}

export interface ViewQuery {
  key: string;
  from: number;
  to: number;
  width: number;
  /** Only samples before this time (memory holds the rest). */
  before: number;
}

export interface ViewAnswer {
  times: Float64Array;
  values: Float64Array;
  /** Samples the points stand for. */
  samples: number;
  /** The sum of their values (the mean is sum / samples). */
  sum: number;
  /** Element keys of a wildcard series recorded in the database. */
  elements: string[];
}

export type ExportQuery =
  | { kind: 'samples'; keys: string[]; from: number; to: number; names: Record<string, string> }
  | { kind: 'messages'; format: 'csv' | 'jsonl'; connectionIds: string[]; topicFilter: string | null; from: number; to: number; names: Record<string, string> };

/**
 * Where an export stopped: which series or connection (`part`), and there the
 * last sample written (`t`, `after` = its seq), or the message block to go on
 * from (`t` = block id) and the last message written in it (`after`).
 */
export interface ExportCursor {
  part: number;
  t: number;
  after: number;
}
export const START_CURSOR: ExportCursor = { part: 0, t: Number.NEGATIVE_INFINITY, after: -1 };

export interface ExportChunk {
  text: string;
  rows: number;
  /** null when the export is complete. */
  next: ExportCursor | null;
}

export interface RetentionReport {
  deletedSamples: number;
  deletedMessages: number;
  deletedRollups: number;
}

/** Requests that get an answer, by kind. */
export interface Requests {
  view: { query: ViewQuery; answer: ViewAnswer };
  usage: { query: null; answer: ConnectionUsage[] };
  exportCount: { query: ExportQuery; answer: number };
  exportChunk: { query: { export: ExportQuery; cursor: ExportCursor; rows: number }; answer: ExportChunk };
  retain: { query: { now: number }; answer: RetentionReport };
  /** Values of a topic's recorded raw messages for a newly charted series, read in steps. */
  seed: { query: SeedQuery; answer: SeedSamples };
  /** Resolves once every batch posted before it is written. */
  settle: { query: null; answer: null };
  /** The alert states saved before a restart (parsed JSON, checked by the engine). */
  alertStates: { query: null; answer: unknown[] };
  alertHistory: { query: AlertHistoryRequest; answer: AlertRecord[] };
}
export type RequestKind = keyof Requests;

/** A written batch's arrays, handed back to be filled again (a batch's arrays are about 1.5 MB, zeroed when new). */
export type SpentBatch = Pick<RecordBatch, 'samples' | 'messages'>;

/** The memory a batch's arrays live in, moved (not copied) between the threads. */
export function batchBuffers(batch: SpentBatch): ArrayBuffer[] {
  const { samples: s, messages: m } = batch;
  return [s.series, s.times, s.values, m.topic, m.times, m.flags, m.sizes, m.ends, m.arena].map((a) => a.buffer as ArrayBuffer);
}

export type ToWorker =
  | { type: 'batch'; batch: RecordBatch }
  | { type: 'rules'; rules: RetentionRule[] }
  /** Alert changes: written at once, in their own transaction (a few a minute at most). */
  | { type: 'alerts'; records: readonly AlertRecord[]; saved: readonly SavedAlert[]; removed: readonly string[] }
  | { type: 'request'; id: number; kind: RequestKind; query: unknown }
  | { type: 'close' };

export type FromWorker =
  | { type: 'opened'; problem: HistoryProblem | null }
  /**
   * A batch's messages are in the database and its samples taken (written within SAMPLE_HOLD_MS), or it was
   * given up (`problem` set) and recording stopped. `lostSamples`: samples of earlier batches the writer held
   * and gave up when writing stopped.
   */
  | { type: 'written'; seq: number; problem: HistoryProblem | null; lostSamples: number; spent?: SpentBatch }
  | { type: 'answer'; id: number; ok: true; value: unknown }
  | { type: 'answer'; id: number; ok: false; problem: HistoryProblem }
  /** Writing failed outside a batch (held samples, an alert change, retention): recording stops, as for a batch. */
  | { type: 'stopped'; problem: HistoryProblem; lostSamples: number }
  | { type: 'closed' };

export interface WorkerInput {
  file: string;
  maxPageCount?: number;
}
