/**
 * One step of the history database's format history: it runs inside a
 * transaction on a database of format `from` and leaves format `from + 1`.
 */
import type { Database } from 'better-sqlite3';

export interface SchemaStep {
  from: number;
  run(db: Database): void;
}
