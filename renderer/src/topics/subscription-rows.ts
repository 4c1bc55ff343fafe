/**
 * A connection's subscription rows as the operator edits them, in the
 * connection form and the subscriptions editor alike, and the one rule for
 * which rows to mark invalid: a filter MQTT refuses (the same check main
 * applies, shared/profiles.ts), or the row main's validation error names by
 * its field.
 */
import { topicFilterValid, type Qos, type Subscription } from '../../../shared/profiles';
import type { AppError } from '../../../shared/result';

export interface SubscriptionRow {
  filter: string;
  qos: Qos;
}

/** Whether the rows say the same as the saved subscriptions. */
export function sameRows(rows: readonly SubscriptionRow[], saved: readonly Subscription[]): boolean {
  return rows.length === saved.length && rows.every((r, i) => r.filter === saved[i]?.filter && r.qos === saved[i]?.qos);
}

/**
 * The rows to mark invalid. `sent` maps the index main saw to the row, when
 * not every row was sent (the connection form drops empty rows).
 */
export function invalidRows(rows: readonly SubscriptionRow[], error: AppError | null, sent?: readonly number[]): Set<number> {
  const invalid = new Set<number>();
  rows.forEach((r, i) => {
    const filter = r.filter.trim();
    if (filter !== '' && !topicFilterValid(filter)) invalid.add(i);
  });
  // Main names the field as data: ['settings', 'subscriptions', 2, 'filter'].
  const field = error?.field ?? [];
  if (field[0] === 'settings' && field[1] === 'subscriptions' && typeof field[2] === 'number') {
    const row = sent ? sent[field[2]] : field[2];
    if (row !== undefined && row < rows.length) invalid.add(row);
  }
  return invalid;
}
