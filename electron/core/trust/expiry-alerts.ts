/**
 * Which certificates of the inventory the operator is told about today: each
 * one that has expired or expires within the warning window, once per
 * certificate per day, worded with the connections that would break. Pure;
 * the trust service raises what it returns through its one alert hook.
 */
import { expiryOf, expiryPhrase } from '../../../shared/expiry';
import { ROLE_WORDS, type CertificateAlert, type CertificateInventory, type InventoryEntry } from '../../../shared/trust';

/** The UTC day of `now`, as the once-a-day rule counts days. */
export function dayOf(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

const MAX_USES_NAMED = 5;

function usedBy(entry: InventoryEntry): string {
  const named = entry.uses.slice(0, MAX_USES_NAMED).map((u) => `${u.connectionName} (${ROLE_WORDS[u.role]})`);
  const more = entry.uses.length - named.length;
  return `${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

export function alertOf(entry: InventoryEntry, now: number): CertificateAlert | null {
  const expiry = expiryOf(entry, now);
  if (!expiry || (expiry.level !== 'expired' && expiry.level !== 'expiring')) return null;
  return {
    fingerprint256: entry.fingerprint256,
    level: expiry.level === 'expired' ? 'insecure' : 'warning',
    title: `Certificate ${expiryPhrase(expiry)}`,
    body: `${entry.subject}, used by ${usedBy(entry)}.`,
  };
}

export interface DueAlerts {
  alerts: CertificateAlert[];
  /** The record to keep: certificates still in use, with today for those told now. */
  notified: Map<string, string>;
}

/** The alerts due at `now`, given the day each certificate was last told. */
export function dueAlerts(inventory: CertificateInventory, notified: ReadonlyMap<string, string>, now: number): DueAlerts {
  const today = dayOf(now);
  const alerts: CertificateAlert[] = [];
  const keep = new Map<string, string>();
  for (const entry of inventory.certificates) {
    const last = notified.get(entry.fingerprint256);
    if (last) keep.set(entry.fingerprint256, last);
    const alert = alertOf(entry, now);
    if (!alert || last === today) continue;
    alerts.push(alert);
    keep.set(entry.fingerprint256, today);
  }
  return { alerts, notified: keep };
}
