/**
 * Format 1 → 2: alerts (electron/core/alerts/).
 * - `alert_records`: every change of every alert (fired, cleared,
 *   acknowledged, muted), by time, by connection and by chart, for the alert
 *   history and the marks on charts. Connections are named by their profile id
 *   as text: the table is small, and raised alerts may belong to none.
 * - `alert_states`: each alert's current state as JSON, so a restart resumes
 *   it (a firing alert is not announced again; acknowledgements and mutes hold).
 */
import type { SchemaStep } from './step';

export const v1ToV2: SchemaStep = {
  from: 1,
  run(db) {
    db.exec(`
      CREATE TABLE alert_records (id INTEGER PRIMARY KEY, t INTEGER NOT NULL, key TEXT NOT NULL, conn TEXT, rule TEXT, chart TEXT, series TEXT,
        kind TEXT NOT NULL, change TEXT NOT NULL, title TEXT NOT NULL, detail TEXT NOT NULL, value REAL);
      CREATE INDEX alert_records_by_time ON alert_records (t);
      CREATE INDEX alert_records_by_conn ON alert_records (conn, t);
      CREATE INDEX alert_records_by_chart ON alert_records (chart, t) WHERE chart IS NOT NULL;
      CREATE TABLE alert_states (key TEXT PRIMARY KEY, state TEXT NOT NULL) WITHOUT ROWID;
    `);
  },
};
