/**
 * Where alerts are remembered: every change as a record, and each alert's
 * current state so a restart resumes it (firing stays firing and is not
 * notified again; acknowledgements and mutes hold). The history database
 * (through the recorder's worker, never on the message loop) when it is
 * available; otherwise the engine keeps its recent records in memory and
 * alerts work live-only.
 */
import { AlertViewSchema, type AlertHistoryRequest, type AlertRecord, type AlertView } from '../../../shared/alerts';
import { z } from 'zod';

/** What an alert is about, fixed by its rule (or by whoever raised it). */
export const AlertMetaSchema = AlertViewSchema.pick({ key: true, connectionId: true, ruleId: true, chartId: true, seriesKey: true, kind: true, source: true, title: true });
export type AlertMeta = z.infer<typeof AlertMetaSchema>;

/** One alert's state as saved: its current alert (null: none since the last restart of it) and mute. */
export interface SavedAlert {
  key: string;
  meta: AlertMeta;
  alert: AlertView | null;
  mutedUntil: number | null;
}

/** A saved state read back from the database is checked like any input: a row that fails is skipped. */
export const SavedAlertSchema = z.object({
  key: z.string().min(1),
  meta: AlertMetaSchema,
  alert: AlertViewSchema.nullable(),
  mutedUntil: z.number().nullable(),
});

export interface AlertJournal {
  /** Appends records and replaces (or with `removed`, forgets) saved states; never waits. */
  write(records: readonly AlertRecord[], saved: readonly SavedAlert[], removed: readonly string[]): void;
  /** The saved states, or null when there is no readable database. */
  load(): Promise<SavedAlert[] | null>;
  /** Records as asked, newest first, or null when there is no readable database. */
  history(query: AlertHistoryRequest): Promise<AlertRecord[] | null>;
  /** Whether changes are being written now. */
  recording(): boolean;
}

/** The recorder's part the journal uses (see history/recorder.ts). */
export interface AlertStorage {
  readonly state: 'starting' | 'recording' | 'live-only';
  writeAlerts(records: readonly AlertRecord[], saved: readonly SavedAlert[], removed: readonly string[]): void;
  alertStates(): Promise<unknown[] | null>;
  alertHistory(query: AlertHistoryRequest): Promise<AlertRecord[] | null>;
}

export function databaseJournal(storage: AlertStorage): AlertJournal {
  return {
    write: (records, saved, removed) => storage.writeAlerts(records, saved, removed),
    load: async () => {
      const rows = await storage.alertStates();
      if (rows === null) return null;
      return rows.flatMap((row) => {
        const parsed = SavedAlertSchema.safeParse(row);
        return parsed.success ? [parsed.data] : [];
      });
    },
    history: (query) => storage.alertHistory(query),
    recording: () => storage.state === 'recording',
  };
}

/** Whether a record is one the query asks for (the memory side of `alerts.history`; the database does the same in SQL). */
export function recordMatches(record: AlertRecord, q: AlertHistoryRequest): boolean {
  return (
    (q.connectionId === undefined || record.connectionId === q.connectionId) &&
    (q.chartId === undefined || record.chartId === q.chartId) &&
    (q.key === undefined || record.key === q.key) &&
    (q.from === undefined || record.at >= q.from) &&
    (q.to === undefined || record.at <= q.to)
  );
}
