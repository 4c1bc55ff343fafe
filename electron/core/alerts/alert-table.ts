/**
 * The alert tables of the history database (schema step v1-to-v2), read and
 * written in the recorder's worker thread: records appended and states
 * replaced in one transaction, the history read newest first as asked, and
 * old records removed with their connection's history retention.
 */
import type { Database } from 'better-sqlite3';
import { AlertRecordSchema, type AlertHistoryRequest, type AlertRecord } from '../../../shared/alerts';
import type { RetentionRule } from '../history/protocol';
import type { SavedAlert } from './journal';

/** Records of alerts about no connection (raised by another part of the app) are kept this long. */
export const UNATTACHED_RETENTION_MS = 365 * 86_400_000;

export function writeAlerts(db: Database, records: readonly AlertRecord[], saved: readonly SavedAlert[], removed: readonly string[]): void {
  const insert = db.prepare('INSERT INTO alert_records (t, key, conn, rule, chart, series, kind, change, title, detail, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const upsert = db.prepare('INSERT INTO alert_states (key, state) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET state = excluded.state');
  const remove = db.prepare('DELETE FROM alert_states WHERE key = ?');
  db.transaction(() => {
    for (const r of records) insert.run(Math.round(r.at), r.key, r.connectionId, r.ruleId, r.chartId, r.seriesKey, r.kind, r.change, r.title, r.detail, r.value);
    for (const s of saved) upsert.run(s.key, JSON.stringify(s));
    for (const key of removed) remove.run(key);
  })();
}

/** The saved states as parsed JSON, for the engine to check (journal.ts); a row that is not JSON is skipped. */
export function readAlertStates(db: Database): unknown[] {
  const rows = db.prepare('SELECT state FROM alert_states').pluck().all() as string[];
  return rows.flatMap((text) => {
    try {
      return [JSON.parse(text) as unknown];
    } catch {
      return [];
    }
  });
}

interface RecordRow {
  t: number;
  key: string;
  conn: string | null;
  rule: string | null;
  chart: string | null;
  series: string | null;
  kind: string;
  change: string;
  title: string;
  detail: string;
  value: number | null;
}

export function readAlertHistory(db: Database, q: AlertHistoryRequest): AlertRecord[] {
  const where: string[] = [];
  const args: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    where.push(clause);
    args.push(value);
  };
  if (q.connectionId !== undefined) add('conn = ?', q.connectionId);
  if (q.chartId !== undefined) add('chart = ?', q.chartId);
  if (q.key !== undefined) add('key = ?', q.key);
  if (q.from !== undefined) add('t >= ?', q.from);
  if (q.to !== undefined) add('t <= ?', q.to);
  const sql = `SELECT t, key, conn, rule, chart, series, kind, change, title, detail, value FROM alert_records ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY t DESC, id DESC LIMIT ?`;
  const rows = db.prepare(sql).all(...args, q.limit) as RecordRow[];
  return rows.flatMap((r) => {
    const parsed = AlertRecordSchema.safeParse({ at: r.t, key: r.key, connectionId: r.conn, ruleId: r.rule, chartId: r.chart, seriesKey: r.series, kind: r.kind, change: r.change, title: r.title, detail: r.detail, value: r.value });
    return parsed.success ? [parsed.data] : [];
  });
}

/**
 * Removes up to `limit` records past their connection's age limit (all of a
 * connection that no longer exists; a year for those about none). Returns how
 * many went; 0 means done.
 */
export function retainAlerts(db: Database, rules: readonly RetentionRule[], now: number, limit: number): number {
  let left = limit;
  const run = (sql: string, ...args: unknown[]) => {
    if (left <= 0) return;
    left -= db.prepare(`DELETE FROM alert_records WHERE id IN (SELECT id FROM alert_records WHERE ${sql} LIMIT ?)`).run(...args, left).changes;
  };
  for (const rule of rules) run('conn = ? AND t < ?', rule.connectionId, now - rule.maxAgeMs);
  const known = rules.map((r) => r.connectionId);
  run(`conn IS NOT NULL AND conn NOT IN (${known.map(() => '?').join(', ')})`, ...known);
  run('conn IS NULL AND t < ?', now - UNATTACHED_RETENTION_MS);
  return limit - left;
}
