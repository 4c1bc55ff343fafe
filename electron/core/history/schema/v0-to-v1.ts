/**
 * Format 0 (an empty file) → 1: the first tables.
 * - `connections`, `series`, `topics`: names by small integer ids, so the big
 *   tables hold integers, not strings.
 * - `samples`: one row per sample, clustered by series then time (`seq` tells
 *   apart samples of one series in the same millisecond), so a range of one
 *   series is one contiguous read.
 * - `rollups`: per series and minute the lowest and highest value with their
 *   times, the sum and the count, for ranges too long to read sample by sample.
 * - `message_blocks`: raw messages, packed per connection and batch (at
 *   most a minute each; see message-blocks.ts): topic ids, times, full sizes,
 *   flags, and payloads cut at the connection's cap.
 * - `usage`: running counts per connection, so disk use is known without a scan.
 */
import type { SchemaStep } from './step';

export const v0ToV1: SchemaStep = {
  from: 0,
  run(db) {
    db.exec(`
      CREATE TABLE connections (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
      CREATE TABLE series (id INTEGER PRIMARY KEY, conn INTEGER NOT NULL, key TEXT NOT NULL UNIQUE);
      CREATE INDEX series_by_conn ON series (conn);
      CREATE TABLE topics (id INTEGER PRIMARY KEY, conn INTEGER NOT NULL, topic TEXT NOT NULL, UNIQUE (conn, topic));
      CREATE TABLE samples (series INTEGER NOT NULL, t INTEGER NOT NULL, seq INTEGER NOT NULL, v REAL NOT NULL, PRIMARY KEY (series, t, seq)) WITHOUT ROWID;
      CREATE TABLE rollups (series INTEGER NOT NULL, minute INTEGER NOT NULL, lo REAL NOT NULL, lo_t INTEGER NOT NULL, hi REAL NOT NULL, hi_t INTEGER NOT NULL, total REAL NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (series, minute)) WITHOUT ROWID;
      CREATE TABLE message_blocks (id INTEGER PRIMARY KEY, conn INTEGER NOT NULL, t_first INTEGER NOT NULL, t_last INTEGER NOT NULL, count INTEGER NOT NULL, payload_bytes INTEGER NOT NULL,
        topics BLOB NOT NULL, times BLOB NOT NULL, sizes BLOB NOT NULL, ends BLOB NOT NULL, flags BLOB NOT NULL, payloads BLOB NOT NULL);
      CREATE INDEX message_blocks_by_conn_time ON message_blocks (conn, t_last);
      CREATE TABLE usage (conn INTEGER PRIMARY KEY, samples INTEGER NOT NULL DEFAULT 0, messages INTEGER NOT NULL DEFAULT 0, payload_bytes INTEGER NOT NULL DEFAULT 0);
    `);
  },
};
