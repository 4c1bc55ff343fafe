/**
 * The history database's reads and writes (run in the recorder's worker
 * thread, or directly by the benchmark): a batch of samples and messages in
 * one transaction with the per-minute rollups and usage counts updated in the
 * same one; chart views reduced per pixel column in SQL or from the rollups;
 * retention in small steps; exports read in chunks by keyset, so no read
 * holds the database between two chunks.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { ConnectionUsage } from '../../../shared/history';
import { topicMatchesFilter } from '../../../shared/mqtt';
import { downsample } from '../telemetry/samples';
import { PointList } from './points';
import { csvLine, csvNumber, csvText, fieldOf, isoTime, messageCsvLine, messageJsonLine } from './export-format';
import { BlockReader, bytesOf, packBlocks, type StoredBlock } from './message-blocks';
import { START_CURSOR, type ExportChunk, type ExportCursor, type ExportQuery, type RecordBatch, type RetentionReport, type RetentionRule, type ViewAnswer, type ViewQuery } from './protocol';

export const MINUTE_MS = 60_000;
/**
 * A view whose pixel columns are this wide or wider is drawn from the
 * per-minute rollups: each column then spans five minutes or more, so the
 * minutes cut by a column border are a small part of it (their extremes are
 * placed by their own time, and the extremes of the whole range are exact).
 */
export const ROLLUP_COLUMN_MS = 5 * MINUTE_MS;
/** An upper bound no sample time reaches (SQLite binds it as a REAL). */
const UNBOUNDED = Number.MAX_VALUE;
/** Narrower columns over more samples than this are still drawn from rollups when a column spans a minute or more. */
export const RAW_VIEW_MAX_SAMPLES = 250_000;
/** Rows removed per retention step: a few milliseconds of work, so batches never wait long. */
export const RETENTION_STEP_ROWS = 2000;
/**
 * Samples are held in the writer and written together, at most this many at a
 * time, sorted by series. Each series' newest rows share a leaf page of the
 * samples B-tree, and a write rewrites (into the write-ahead log) every leaf
 * page it touches: with a thousand charted series, writing each batch of the
 * recorder at once rewrote a page per handful of samples. Measured writing
 * 200,000 samples of 1,000 series into a new file: 64k at a time instead of
 * the recorder's batches of 8k, the writer's CPU per sample fell from about
 * 2.4 to 1.3 µs, its system time (the kernel taking the log's pages) from 0.7
 * to 0.15; 1,000,000 samples 256k at a time instead of 64k: user 1.2-1.5 ->
 * 0.8-1.1 µs, system 0.4 -> 0.15-0.2. Held, they take 5 MB; a read arriving
 * while they are written waits for that (about 0.3 s on a slow machine).
 */
export const SAMPLES_HELD = 262_144;
/** Held samples are written at the latest this long after the first of them came (and before any read). */
export const SAMPLE_HOLD_MS = 2000;
/** A connection over its size is trimmed to this share of it. */
export const SIZE_TRIM_TO = 0.9;
/** Rough bytes on disk per row, for the per-connection use the operator sees (the file size is exact). */
export const SAMPLE_ROW_BYTES = 40;
export const MESSAGE_ROW_BYTES = 24;

interface SeriesRow {
  id: number;
  conn: number;
}

/** Sample rows per INSERT statement: one call into SQLite for many rows costs far less than one per row. */
const ROWS_PER_INSERT = 64;
const SAMPLE_COLUMNS = 4;

/**
 * Inserts sample rows in groups of ROWS_PER_INSERT through one multi-row
 * statement, the rest one by one. The values wait in one array reused for
 * every group, so a row costs no allocation.
 */
class SampleInserter {
  private readonly args: number[] = new Array<number>(ROWS_PER_INSERT * SAMPLE_COLUMNS).fill(0);
  private rows = 0;
  private readonly many: Statement;
  private readonly one: Statement;

  constructor(db: Database) {
    const head = 'INSERT INTO samples (series, t, seq, v) VALUES';
    const row = '(?, ?, ?, ?)';
    this.one = db.prepare(`${head} ${row} ON CONFLICT DO NOTHING`);
    this.many = db.prepare(`${head} ${new Array(ROWS_PER_INSERT).fill(row).join(', ')} ON CONFLICT DO NOTHING`);
  }

  add(series: number, t: number, seq: number, v: number): void {
    const args = this.args;
    const at = this.rows * SAMPLE_COLUMNS;
    args[at] = series;
    args[at + 1] = t;
    args[at + 2] = seq;
    args[at + 3] = v;
    if (++this.rows === ROWS_PER_INSERT) {
      this.many.run(args);
      this.rows = 0;
    }
  }

  /** Inserts what is left; call before the transaction ends. */
  finish(): void {
    for (let i = 0; i < this.rows; i++) this.one.run(this.args.slice(i * SAMPLE_COLUMNS, (i + 1) * SAMPLE_COLUMNS));
    this.rows = 0;
  }
}

function statements(db: Database) {
  return {
    connInsert: db.prepare('INSERT INTO connections (name) VALUES (?) ON CONFLICT (name) DO NOTHING'),
    connId: db.prepare('SELECT id FROM connections WHERE name = ?'),
    seriesInsert: db.prepare('INSERT INTO series (conn, key) VALUES (?, ?) ON CONFLICT (key) DO NOTHING'),
    seriesByKey: db.prepare('SELECT id, conn FROM series WHERE key = ?'),
    seriesLast: db.prepare('SELECT t, seq FROM samples WHERE series = ? ORDER BY t DESC, seq DESC LIMIT 1'),
    topicInsert: db.prepare('INSERT INTO topics (conn, topic) VALUES (?, ?) ON CONFLICT (conn, topic) DO NOTHING'),
    topicId: db.prepare('SELECT id FROM topics WHERE conn = ? AND topic = ?'),
    samples: new SampleInserter(db),
    rollupUpsert: db.prepare(`INSERT INTO rollups (series, minute, lo, lo_t, hi, hi_t, total, n) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (series, minute) DO UPDATE SET
        lo_t = CASE WHEN excluded.lo < lo THEN excluded.lo_t ELSE lo_t END, lo = min(lo, excluded.lo),
        hi_t = CASE WHEN excluded.hi > hi THEN excluded.hi_t ELSE hi_t END, hi = max(hi, excluded.hi),
        total = total + excluded.total, n = n + excluded.n`),
    blockInsert: db.prepare('INSERT INTO message_blocks (conn, t_first, t_last, count, payload_bytes, topics, times, sizes, ends, flags, payloads) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    usageAdd: db.prepare(`INSERT INTO usage (conn, samples, messages, payload_bytes) VALUES (?, ?, ?, ?)
      ON CONFLICT (conn) DO UPDATE SET samples = samples + excluded.samples, messages = messages + excluded.messages, payload_bytes = payload_bytes + excluded.payload_bytes`),
  };
}
type Statements = ReturnType<typeof statements>;

/**
 * A column's or a minute's lowest and highest sample, in time order, as
 * points before `before` (the minute that holds `before` also holds samples
 * memory has; theirs come from memory, so the points stay in time order).
 */
function pushExtremes(points: PointList, lo: number, loT: number, loSeq: number, hi: number, hiT: number, hiSeq: number, before: number): void {
  if (loT === hiT && loSeq === hiSeq) {
    if (loT < before) points.push(loT, lo);
    return;
  }
  const [t1, v1, t2, v2] = loT < hiT || (loT === hiT && loSeq < hiSeq) ? [loT, lo, hiT, hi] : [hiT, hi, loT, lo];
  if (t1 < before) points.push(t1, v1);
  if (t2 < before) points.push(t2, v2);
}

/**
 * The positions of a batch's samples grouped by series, each series' in the
 * order they came (a counting sort on the run's series index). Written in that
 * order, the samples of one series land together in the table's B-tree (keyed
 * by series, then time): one leaf page visited per series and batch instead of
 * one per sample across every charted series.
 */
function bySeries(series: Uint32Array, count: number): Uint32Array {
  let top = 0;
  for (let i = 0; i < count; i++) top = Math.max(top, series[i] as number);
  const starts = new Uint32Array(top + 2);
  for (let i = 0; i < count; i++) (starts[(series[i] as number) + 1] as number)++;
  for (let j = 1; j < starts.length; j++) starts[j] = (starts[j] as number) + (starts[j - 1] as number);
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[(starts[series[i] as number] as number)++] = i;
  return order;
}

/** The recorded connection of a messages export and its topics (those the filter matches), id → name. */
interface MessageScope {
  conn: number;
  names: Map<number, string>;
}

export class HistoryStore {
  private readonly connIds = new Map<string, number>();
  private readonly seriesByIndex = new Map<number, SeriesRow>();
  /** The last sample time and seq written per series id, to number samples of the same millisecond. */
  private readonly lastOf = new Map<number, { t: number; seq: number }>();
  private readonly topicsByIndex = new Map<number, { id: number; conn: number }>();
  private rules: RetentionRule[] | null = null;
  /** Connections over their size being trimmed down to SIZE_TRIM_TO of it. */
  private readonly trimming = new Set<number>();
  private readonly held = { count: 0, series: new Uint32Array(SAMPLES_HELD), times: new Float64Array(SAMPLES_HELD), values: new Float64Array(SAMPLES_HELD) };
  private readonly s: Statements;

  constructor(readonly db: Database) {
    this.s = statements(db);
  }

  // ---- writing

  private connection(name: string): number {
    let id = this.connIds.get(name);
    if (id === undefined) {
      this.s.connInsert.run(name);
      id = (this.s.connId.get(name) as { id: number }).id;
      this.connIds.set(name, id);
    }
    return id;
  }

  /** Defines a series for this run's batches (index → row), creating its row when new. */
  defineSeries(index: number, key: string, connectionId: string): void {
    const conn = this.connection(connectionId);
    this.s.seriesInsert.run(conn, key);
    this.seriesByIndex.set(index, this.s.seriesByKey.get(key) as SeriesRow);
  }

  defineTopic(index: number, connectionId: string, topic: string): void {
    const conn = this.connection(connectionId);
    this.s.topicInsert.run(conn, topic);
    this.topicsByIndex.set(index, { id: (this.s.topicId.get(conn, topic) as { id: number }).id, conn });
  }

  /**
   * Writes one batch's messages in one transaction and takes its samples into
   * the held ones. Held samples that would not fit with the batch's are written
   * first, in a transaction of their own, so a batch that fails takes none of
   * them with it.
   */
  write(batch: RecordBatch): void {
    const taken = batch.samples.count;
    if (this.held.count + taken > SAMPLES_HELD) this.writeHeld();
    return this.db.transaction(() => {
      for (const d of batch.series) this.defineSeries(d.index, d.key, d.connectionId);
      for (const d of batch.topics) this.defineTopic(d.index, d.connectionId, d.topic);
      const usage = new Map<number, { messages: number; bytes: number }>();
      for (const block of packBlocks(batch.messages, (index) => this.topicsByIndex.get(index))) {
        const { topics, times, sizes, ends, flags, payloads } = block;
        this.s.blockInsert.run(block.conn, block.tFirst, block.tLast, block.count, block.payloadBytes, bytesOf(topics), bytesOf(times), bytesOf(sizes), bytesOf(ends), bytesOf(flags), bytesOf(payloads));
        let u = usage.get(block.conn);
        if (!u) usage.set(block.conn, (u = { messages: 0, bytes: 0 }));
        u.messages += block.count;
        u.bytes += block.payloadBytes;
      }
      for (const [conn, u] of usage) this.s.usageAdd.run(conn, 0, u.messages, u.bytes);
      // Last, so a batch whose messages fail holds nothing; a batch larger than what is held at most is written at once.
      if (taken > SAMPLES_HELD) this.writeSamples(batch.samples);
      else this.hold(batch.samples);
    })();
  }

  /**
   * Samples taken by write() and not yet in the file. Reads here do not see
   * them: their owner writes them first (worker.ts does before every request
   * and retention pass, where a failure stops writing).
   */
  get heldSamples(): number {
    return this.held.count;
  }

  /**
   * Writes the held samples in a transaction of their own (a savepoint inside
   * an open one); returns how many it wrote. When that fails they stay held
   * until the owner gives them up (discardHeld), as the worker does when it
   * stops writing.
   */
  writeHeld(): number {
    const held = this.held;
    if (held.count === 0) return 0;
    const written = this.db.transaction(() => this.writeSamples(held))();
    held.count = 0;
    return written;
  }

  /** Gives up the held samples unwritten (writing stopped); returns how many there were. */
  discardHeld(): number {
    const n = this.held.count;
    this.held.count = 0;
    return n;
  }

  private hold(s: RecordBatch['samples']): void {
    const held = this.held;
    held.series.set(s.series.subarray(0, s.count), held.count);
    held.times.set(s.times.subarray(0, s.count), held.count);
    held.values.set(s.values.subarray(0, s.count), held.count);
    held.count += s.count;
  }

  /**
   * Appends samples (series given by this run's index) and folds them into the
   * per-minute rollups. Also used by the benchmark to fill a week quickly.
   */
  writeSamples(s: RecordBatch['samples']): number {
    const perConn = new Map<number, number>();
    const order = bySeries(s.series, s.count);
    let written = 0;
    // bySeries puts each series' samples together: one run per series, its row and last sample looked up once.
    for (let k = 0; k < s.count; ) {
      const index = s.series[order[k] as number] as number;
      let end = k + 1;
      while (end < s.count && s.series[order[end] as number] === index) end++;
      const row = this.seriesByIndex.get(index);
      if (row) {
        const n = this.writeRun(row.id, s, order, k, end);
        written += n;
        perConn.set(row.conn, (perConn.get(row.conn) ?? 0) + n);
      }
      k = end;
    }
    this.s.samples.finish();
    for (const [conn, n] of perConn) this.s.usageAdd.run(conn, n, 0, 0);
    return written;
  }

  /** Writes the samples order[from..to) of one series and folds them into its per-minute rollups; returns how many it wrote. */
  private writeRun(series: number, s: RecordBatch['samples'], order: Uint32Array, from: number, to: number): number {
    let last = this.lastOf.get(series);
    if (!last) {
      const stored = this.s.seriesLast.get(series) as { t: number; seq: number } | undefined;
      this.lastOf.set(series, (last = stored ? { t: stored.t, seq: stored.seq } : { t: -Infinity, seq: 0 }));
    }
    let lastT = last.t;
    let seq = last.seq;
    let written = 0;
    // The minute being folded: its start (NaN before the first sample), extremes, total and count.
    let minute = NaN;
    let lo = 0;
    let loT = 0;
    let hi = 0;
    let hiT = 0;
    let total = 0;
    let n = 0;
    for (let k = from; k < to; k++) {
      const i = order[k] as number;
      const v = s.values[i] as number;
      if (v !== v) continue;
      const t = Math.round(s.times[i] as number);
      seq = t === lastT ? seq + 1 : 0;
      lastT = t;
      this.s.samples.add(series, t, seq, v);
      written++;
      const m = t - (((t % MINUTE_MS) + MINUTE_MS) % MINUTE_MS);
      if (m !== minute) {
        if (n > 0) this.s.rollupUpsert.run(series, minute, lo, loT, hi, hiT, total, n);
        minute = m;
        lo = hi = total = v;
        loT = hiT = t;
        n = 1;
        continue;
      }
      if (v < lo) {
        lo = v;
        loT = t;
      }
      if (v > hi) {
        hi = v;
        hiT = t;
      }
      total += v;
      n++;
    }
    if (n > 0) this.s.rollupUpsert.run(series, minute, lo, loT, hi, hiT, total, n);
    last.t = lastT;
    last.seq = seq;
    return written;
  }

  // ---- reading

  private seriesOf(key: string): SeriesRow | null {
    return (this.s.seriesByKey.get(key) as SeriesRow | undefined) ?? null;
  }

  /** Keys recorded for the elements of a wildcard series (`key|[0]`, …). */
  elementsOf(key: string): string[] {
    // '}' follows '|' in byte order: the range holds exactly the keys that start with `key|`.
    const rows = this.db.prepare('SELECT key FROM series WHERE key > ? AND key < ? ORDER BY key').all(`${key}|`, `${key}}`) as Array<{ key: string }>;
    return rows.map((r) => r.key);
  }

  /**
   * A series over [from, min(to, before)) as min/max points per pixel column
   * of the whole [from, to] grid (so the caller can add memory's part and
   * reduce once more with the same columns).
   */
  view(q: ViewQuery): ViewAnswer {
    const elements = this.elementsOf(q.key);
    const row = this.seriesOf(q.key);
    const end = Math.min(q.to, q.before - 1e-9);
    const empty = { times: new Float64Array(0), values: new Float64Array(0), samples: 0, sum: 0, elements };
    if (!row || end < q.from) return empty;
    const columns = Math.max(1, Math.floor(q.width));
    const columnMs = (q.to - q.from) / columns;
    const points = new PointList();
    const useRollups = columnMs >= ROLLUP_COLUMN_MS || (columnMs >= MINUTE_MS && this.countInRollups(row.id, q.from, end) > RAW_VIEW_MAX_SAMPLES);
    const tally = { samples: 0, sum: 0 };
    if (!useRollups) {
      this.rawExtremes(row.id, q, q.from, UNBOUNDED, columns, points, tally);
    } else {
      // Whole minutes inside [from, end] from the rollups; the cut minutes at either end (the one
      // holding `before` also holds samples memory has) from their rows, so nothing counts twice.
      const firstWhole = Math.ceil(q.from / MINUTE_MS) * MINUTE_MS;
      const afterWhole = Math.floor(end / MINUTE_MS) * MINUTE_MS;
      if (afterWhole <= firstWhole) {
        this.rawExtremes(row.id, q, q.from, UNBOUNDED, columns, points, tally);
      } else {
        this.rawExtremes(row.id, q, q.from, firstWhole, columns, points, tally);
        const rows = this.db
          .prepare('SELECT lo, lo_t, hi, hi_t, n, total FROM rollups WHERE series = ? AND minute >= ? AND minute < ? ORDER BY minute')
          .raw()
          .all(row.id, firstWhole, afterWhole) as Array<[number, number, number, number, number, number]>;
        for (const [lo, loT, hi, hiT, n, total] of rows) {
          tally.samples += n;
          tally.sum += total;
          // Minutes keep no sample numbers: the lowest and highest of one millisecond count as one sample only when equal.
          pushExtremes(points, lo, loT, 0, hi, hiT, lo === hi ? 0 : 1, q.before);
        }
        this.rawExtremes(row.id, q, afterWhole, UNBOUNDED, columns, points, tally);
      }
    }
    const reduced = downsample(points, q.from, q.to, q.width);
    return { times: Float64Array.from(reduced.times), values: Float64Array.from(reduced.values), samples: tally.samples, sum: tally.sum, elements };
  }

  /**
   * Min and max per column of the view's grid for the rows at or after `lo`,
   * before `stop`, within the view (to `to` included, before `before`),
   * appended to `points` in time order; their count and sum are added to
   * `tally`. Bounds are compared, never nudged: at 1.7e12 ms a double cannot
   * hold t - 1e-9.
   */
  private rawExtremes(series: number, q: ViewQuery, lo: number, stop: number, columns: number, points: PointList, tally: { samples: number; sum: number }): void {
    if (stop <= lo) return;
    // One GROUP BY per extreme: SQLite gives the row of a lone min() or max() as its bare columns.
    const bucket = `CAST(((t - ?) / ?) * ? AS INTEGER)`;
    const range = 'FROM samples WHERE series = ? AND t >= ? AND t < ? AND t <= ? AND t < ?';
    const args = [q.from, Math.max(1e-9, q.to - q.from), columns, series, lo, stop, q.to, q.before] as const;
    // (Of equal lowest values SQLite may give any one's time; memory gives the first. Same value, same column.)
    const lows = this.db.prepare(`SELECT ${bucket} AS c, min(v), t, seq, count(*), total(v) ${range} GROUP BY c ORDER BY c`).raw().all(...args) as Array<[number, number, number, number, number, number]>;
    const highs = this.db.prepare(`SELECT ${bucket} AS c, max(v), t, seq ${range} GROUP BY c ORDER BY c`).raw().all(...args) as Array<[number, number, number, number]>;
    for (let i = 0; i < lows.length; i++) {
      const [, low, lowT, lowSeq, n, total] = lows[i] as [number, number, number, number, number, number];
      const [, high, highT, highSeq] = highs[i] as [number, number, number, number];
      tally.samples += n;
      tally.sum += total;
      pushExtremes(points, low, lowT, lowSeq, high, highT, highSeq, q.before);
    }
  }

  private countInRollups(series: number, from: number, to: number): number {
    const row = this.db.prepare('SELECT total(n) AS n FROM rollups WHERE series = ? AND minute > ? AND minute <= ?').get(series, from - MINUTE_MS, to) as { n: number };
    return row.n;
  }

  usage(): ConnectionUsage[] {
    const rows = this.db.prepare('SELECT c.id AS id, c.name AS name, u.samples AS samples, u.messages AS messages, u.payload_bytes AS bytes FROM connections c JOIN usage u ON u.conn = c.id').all() as Array<{
      id: number;
      name: string;
      samples: number;
      messages: number;
      bytes: number;
    }>;
    return rows.map((r) => {
      const span = this.spanOf(r.id);
      return { connectionId: r.name, samples: r.samples, messages: r.messages, bytes: r.samples * SAMPLE_ROW_BYTES + r.messages * MESSAGE_ROW_BYTES + r.bytes, oldest: span.oldest, newest: span.newest };
    });
  }

  private spanOf(conn: number): { oldest: number | null; newest: number | null } {
    const s = this.db
      .prepare('SELECT min((SELECT min(t) FROM samples WHERE series = s.id)) AS oldest, max((SELECT max(t) FROM samples WHERE series = s.id)) AS newest FROM series s WHERE s.conn = ?')
      .get(conn) as { oldest: number | null; newest: number | null };
    const m = this.db.prepare('SELECT min(t_first) AS oldest, max(t_last) AS newest FROM message_blocks WHERE conn = ?').get(conn) as { oldest: number | null; newest: number | null };
    const pick = (a: number | null, b: number | null, f: (x: number, y: number) => number) => (a === null ? b : b === null ? a : f(a, b));
    return { oldest: pick(s.oldest, m.oldest, Math.min), newest: pick(s.newest, m.newest, Math.max) };
  }

  // ---- retention

  setRules(rules: RetentionRule[]): void {
    this.rules = rules;
  }

  /**
   * Removes data past each connection's age and size limits (and all data of
   * connections that no longer exist), at most RETENTION_STEP_ROWS rows per
   * call, oldest first. Returns what it removed; nothing removed means done.
   */
  retentionStep(now: number): RetentionReport {
    const report: RetentionReport = { deletedSamples: 0, deletedMessages: 0, deletedRollups: 0 };
    if (!this.rules) return report;
    const byName = new Map(this.rules.map((r) => [r.connectionId, r]));
    const conns = this.db.prepare('SELECT c.id AS id, c.name AS name, u.samples AS samples, u.messages AS messages, u.payload_bytes AS bytes FROM connections c LEFT JOIN usage u ON u.conn = c.id').all() as Array<{
      id: number;
      name: string;
      samples: number | null;
      messages: number | null;
      bytes: number | null;
    }>;
    let budget = RETENTION_STEP_ROWS;
    for (const c of conns) {
      if (budget <= 0) break;
      const rule = byName.get(c.name);
      let cutoff: number;
      if (!rule) {
        cutoff = Number.MAX_SAFE_INTEGER;
      } else {
        cutoff = now - rule.maxAgeMs;
        const bytes = (c.samples ?? 0) * SAMPLE_ROW_BYTES + (c.messages ?? 0) * MESSAGE_ROW_BYTES + (c.bytes ?? 0);
        // Over its size, a connection is trimmed to SIZE_TRIM_TO of it, over as many steps as that takes,
        // so one at its limit is not trimmed again on every pass.
        const target = rule.maxBytes * SIZE_TRIM_TO;
        if (bytes > rule.maxBytes || (this.trimming.has(c.id) && bytes > target)) {
          this.trimming.add(c.id);
          // Remove the oldest part that should free the excess, assuming data spread evenly in time.
          const span = this.spanOf(c.id);
          if (span.oldest !== null && span.newest !== null) {
            const share = Math.min(1, (bytes - target) / bytes);
            cutoff = Math.max(cutoff, span.oldest + Math.max(1, Math.ceil(share * (span.newest - span.oldest))));
          }
        } else this.trimming.delete(c.id);
      }
      const removed = this.deleteBefore(c.id, cutoff, budget);
      report.deletedSamples += removed.samples;
      report.deletedMessages += removed.messages;
      report.deletedRollups += removed.rollups;
      budget -= removed.samples + removed.messages + removed.rollups;
      if (!rule && removed.samples + removed.messages + removed.rollups === 0) this.forgetConnection(c.id);
    }
    return report;
  }

  private deleteBefore(conn: number, cutoff: number, limit: number): { samples: number; messages: number; rollups: number } {
    return this.db.transaction(() => {
      let left = limit;
      let samples = 0;
      let rollups = 0;
      const series = this.db.prepare('SELECT id FROM series WHERE conn = ?').pluck().all(conn) as number[];
      for (const id of series) {
        if (left <= 0) break;
        const n = this.db.prepare('DELETE FROM samples WHERE series = ? AND t < ? LIMIT ?').run(id, cutoff, left).changes;
        samples += n;
        left -= n;
        if (left <= 0) break;
        const r = this.db.prepare('DELETE FROM rollups WHERE series = ? AND minute <= ? LIMIT ?').run(id, cutoff - MINUTE_MS, left).changes;
        rollups += r;
        left -= r;
      }
      let messages = 0;
      let bytes = 0;
      if (left > 0) {
        // Whole blocks (a minute at most each), a few per step: each may hold thousands of messages.
        const blocks = Math.max(1, Math.ceil(left / 1000));
        const gone = this.db.prepare('SELECT count(*) AS blocks, total(count) AS n, total(payload_bytes) AS bytes FROM (SELECT count, payload_bytes FROM message_blocks WHERE conn = ? AND t_last < ? ORDER BY t_last LIMIT ?)').get(conn, cutoff, blocks) as {
          blocks: number;
          n: number;
          bytes: number;
        };
        if (gone.blocks > 0) {
          this.db.prepare('DELETE FROM message_blocks WHERE conn = ? AND t_last < ? ORDER BY t_last LIMIT ?').run(conn, cutoff, blocks);
          messages = gone.n;
          bytes = gone.bytes;
        }
      }
      if (samples || messages) this.db.prepare('UPDATE usage SET samples = max(0, samples - ?), messages = max(0, messages - ?), payload_bytes = max(0, payload_bytes - ?) WHERE conn = ?').run(samples, messages, bytes, conn);
      return { samples, messages, rollups };
    })();
  }

  /** A connection whose data is all gone and that has no profile any more: its names go too. */
  private forgetConnection(conn: number): void {
    const left = this.db.prepare('SELECT EXISTS (SELECT 1 FROM message_blocks WHERE conn = ?) OR EXISTS (SELECT 1 FROM samples WHERE series IN (SELECT id FROM series WHERE conn = ?)) AS n').get(conn, conn) as { n: number };
    if (left.n) return;
    this.db.transaction(() => {
      for (const table of ['series', 'topics', 'usage']) this.db.prepare(`DELETE FROM ${table} WHERE conn = ?`).run(conn);
      this.db.prepare('DELETE FROM connections WHERE id = ?').run(conn);
    })();
    for (const [name, id] of this.connIds) if (id === conn) this.connIds.delete(name);
    this.trimming.delete(conn);
    for (const [index, row] of this.seriesByIndex) {
      if (row.conn !== conn) continue;
      this.seriesByIndex.delete(index);
      this.lastOf.delete(row.id);
    }
    for (const [index, row] of this.topicsByIndex) if (row.conn === conn) this.topicsByIndex.delete(index);
  }

  /** Gives pages freed by retention back to the file system, a few at a time. */
  shrink(pages = 500): void {
    this.db.pragma(`incremental_vacuum(${pages})`);
  }

  // ---- exports

  count(q: ExportQuery): number {
    let n = 0;
    if (q.kind === 'samples') {
      for (const key of q.keys) {
        const row = this.seriesOf(key);
        if (row) n += (this.db.prepare('SELECT count(*) AS n FROM samples WHERE series = ? AND t >= ? AND t <= ?').get(row.id, q.from, q.to) as { n: number }).n;
      }
      return n;
    }
    for (let part = 0; part < q.connectionIds.length; part++) {
      const scope = this.messageScope(q, part);
      if (!scope) continue;
      let after = -1;
      for (;;) {
        const blocks = this.blocksAfter(scope.conn, q, after, 16);
        for (const { id, reader } of blocks) {
          after = id;
          for (let k = 0; k < reader.count; k++) if (this.inExport(q, scope, reader, k)) n++;
        }
        if (blocks.length < 16) break;
      }
    }
    return n;
  }

  /** The recorded connection of part `part` of a messages export and, with a topic filter, the ids of the topics it matches. */
  private messageScope(q: Extract<ExportQuery, { kind: 'messages' }>, part: number): MessageScope | null {
    const conn = this.db.prepare('SELECT id FROM connections WHERE name = ?').pluck().get(q.connectionIds[part]) as number | undefined;
    if (conn === undefined) return null;
    const all = this.db.prepare('SELECT id, topic FROM topics WHERE conn = ?').raw().all(conn) as Array<[number, string]>;
    const filter = q.topicFilter;
    const names = new Map(filter ? all.filter(([, topic]) => topicMatchesFilter(filter, topic)) : all);
    return { conn, names };
  }

  /** Blocks of a connection overlapping the export's range, after block id `after`, in the order they were written. */
  private blocksAfter(conn: number, q: { from: number; to: number }, after: number, limit: number): Array<{ id: number; reader: BlockReader }> {
    const rows = this.db
      .prepare('SELECT id, topics, times, sizes, ends, flags, payloads FROM message_blocks WHERE conn = ? AND id > ? AND t_last >= ? AND t_first <= ? ORDER BY id LIMIT ?')
      .all(conn, after, q.from, q.to, limit) as StoredBlock[];
    return rows.map((row) => ({ id: row.id, reader: new BlockReader(row) }));
  }

  private inExport(q: { from: number; to: number }, scope: MessageScope, reader: BlockReader, k: number): boolean {
    const t = reader.time(k);
    return t >= q.from && t <= q.to && scope.names.has(reader.topic(k));
  }

  /** Up to `rows` rows of an export after `cursor`, as text. */
  exportChunk(q: ExportQuery, cursor: ExportCursor, rows: number): ExportChunk {
    let text = '';
    let written = 0;
    let c: ExportCursor | null = cursor;
    while (c && written < rows) {
      const step: ExportChunk = q.kind === 'samples' ? this.sampleRows(q, c, rows - written) : this.messageRows(q, c, rows - written);
      text += step.text;
      written += step.rows;
      c = step.next;
    }
    return { text, rows: written, next: c };
  }

  private sampleRows(q: Extract<ExportQuery, { kind: 'samples' }>, cursor: ExportCursor, limit: number): ExportChunk {
    const key = q.keys[cursor.part];
    if (key === undefined) return { text: '', rows: 0, next: null };
    const nextPart = { ...START_CURSOR, part: cursor.part + 1 };
    const row = this.seriesOf(key);
    if (!row) return { text: '', rows: 0, next: nextPart };
    const [connectionId = '', extractor = '', ...rest] = key.split('|');
    // A wildcard element's key ends in `|[n]`: the topic is what lies between.
    const element = rest.length > 1 && /^\[\d+\]$/.test(rest[rest.length - 1] as string) ? (rest.pop() as string) : '';
    const prefix = `${csvText(q.names[connectionId] ?? connectionId)},${csvText(rest.join('|'))},${csvText(fieldOf(extractor, element))},`;
    const found = this.db
      .prepare('SELECT t, seq, v FROM samples WHERE series = ? AND (t, seq) > (?, ?) AND t >= ? AND t <= ? ORDER BY t, seq LIMIT ?')
      .raw()
      .all(row.id, cursor.t, cursor.after, q.from, q.to, limit) as Array<[number, number, number]>;
    let text = '';
    for (const [t, , v] of found) text += prefix + csvLine([isoTime(t), csvNumber(v)]);
    const last = found[found.length - 1];
    return { text, rows: found.length, next: found.length < limit || !last ? nextPart : { part: cursor.part, t: last[0], after: last[1] } };
  }

  /** Messages of part `cursor.part` from block `cursor.t`, after its message `cursor.after`. */
  private messageRows(q: Extract<ExportQuery, { kind: 'messages' }>, cursor: ExportCursor, limit: number): ExportChunk {
    if (cursor.part >= q.connectionIds.length) return { text: '', rows: 0, next: null };
    const nextPart = { ...START_CURSOR, part: cursor.part + 1 };
    const scope = this.messageScope(q, cursor.part);
    if (!scope) return { text: '', rows: 0, next: nextPart };
    const connectionId = q.connectionIds[cursor.part] as string;
    const connection = q.names[connectionId] ?? connectionId;
    let text = '';
    let rows = 0;
    let block = Math.max(0, cursor.t);
    let after = cursor.after;
    for (;;) {
      // The cursor's own block first (it may be part-way through), then the ones after it.
      const blocks = this.blocksAfter(scope.conn, q, block - 1, 4);
      for (const { id, reader } of blocks) {
        const from = id === block ? after + 1 : 0;
        for (let k = from; k < reader.count; k++) {
          if (!this.inExport(q, scope, reader, k)) continue;
          const m = reader.message(k);
          const message = { connection, topic: scope.names.get(m.topic) as string, t: m.t, qos: m.qos, retain: m.retain, size: m.size, payload: m.payload };
          text += q.format === 'jsonl' ? messageJsonLine(message) : messageCsvLine(message);
          if (++rows === limit) return { text, rows, next: k + 1 < reader.count ? { part: cursor.part, t: id, after: k } : { part: cursor.part, t: id + 1, after: -1 } };
        }
        block = id + 1;
        after = -1;
      }
      if (blocks.length < 4) return { text, rows, next: nextPart };
    }
  }
}
