/**
 * Reading the recorded raw messages of one topic for a newly charted series
 * (telemetry/seeding.ts), in the history worker: message blocks of the
 * topic's connection, newest first, before the time memory starts, their
 * values extracted as live ones are. A few blocks per step, so batches being
 * written wait at most one step; bounded in blocks and messages looked at and
 * in samples returned. A series that has recorded samples of its own is not
 * seeded: chart views read those.
 */
import type { Database } from 'better-sqlite3';
import { NO_SEED, SeedCollector, type SeedQuery, type SeedSamples } from '../telemetry/seeding';
import { BlockReader, type StoredBlock } from './message-blocks';

/** Blocks read per step. */
const BLOCKS_PER_STEP = 8;
/** Blocks and messages looked at for one seed, at most (a busy connection's blocks hold thousands of messages). */
const MAX_BLOCKS = 2000;
const MAX_MESSAGES = 2_000_000;

export class SeedRead {
  private readonly collector: SeedCollector;
  private readonly conn: number | null;
  private readonly topic: number | null;
  /** Keyset of the next read: blocks ending before (tLast, id). */
  private tLast = Number.POSITIVE_INFINITY;
  private id = Number.POSITIVE_INFINITY;
  private blocks = 0;
  private messages = 0;
  private done = false;

  constructor(
    private readonly db: Database,
    private readonly query: SeedQuery,
  ) {
    this.collector = new SeedCollector(query.extractor);
    const recorded = db.prepare('SELECT EXISTS (SELECT 1 FROM samples WHERE series = (SELECT id FROM series WHERE key = ?)) AS n').get(query.key) as { n: number };
    const conn = db.prepare('SELECT id FROM connections WHERE name = ?').get(query.connectionId) as { id: number } | undefined;
    const topic = conn ? (db.prepare('SELECT id FROM topics WHERE conn = ? AND topic = ?').get(conn.id, query.topic) as { id: number } | undefined) : undefined;
    this.conn = conn?.id ?? null;
    this.topic = topic?.id ?? null;
    this.done = recorded.n === 1 || this.topic === null;
  }

  /** Reads a few blocks; returns whether there is more to read. */
  step(): boolean {
    if (this.done) return false;
    const rows = this.db
      .prepare(
        `SELECT id, t_last AS tLast, topics, times, sizes, ends, flags, payloads FROM message_blocks
         WHERE conn = ? AND t_first < ? AND (t_last < ? OR (t_last = ? AND id < ?)) ORDER BY t_last DESC, id DESC LIMIT ?`,
      )
      .all(this.conn, this.query.before, this.tLast, this.tLast, this.id, BLOCKS_PER_STEP) as Array<StoredBlock & { tLast: number }>;
    for (const row of rows) {
      this.tLast = row.tLast;
      this.id = row.id;
      const reader = new BlockReader(row);
      this.messages += reader.count;
      for (let k = 0; k < reader.count; k++) {
        if (reader.topic(k) !== this.topic || reader.time(k) >= this.query.before) continue;
        const m = reader.message(k);
        this.collector.add(m.t, Buffer.from(m.payload.buffer, m.payload.byteOffset, m.payload.byteLength));
      }
    }
    this.blocks += rows.length;
    this.done = rows.length < BLOCKS_PER_STEP || this.blocks >= MAX_BLOCKS || this.messages >= MAX_MESSAGES || this.collector.count >= this.query.maxSamples;
    return !this.done;
  }

  result(): SeedSamples {
    return this.collector.count === 0 ? NO_SEED : this.collector.finish(this.query.maxSamples);
  }
}
