/**
 * How the certificates overview shows the core's inventory: which rows (all,
 * or only those that need the operator), the days-left text and its colour
 * (the inventory carries the level from shared/expiry.ts), who uses a
 * certificate in words, and the revocation column. Pure, so the rules are
 * unit-tested without a window.
 */
import type { RevocationStatus } from '../../../shared/revocation';
import { ROLE_WORDS, type InventoryEntry } from '../../../shared/trust';
import { keyLabel } from './describe';

export type InventoryFilter = 'all' | 'attention';

/** Rows to show, in the inventory's order (soonest end first). */
export function visibleEntries(entries: readonly InventoryEntry[], filter: InventoryFilter): InventoryEntry[] {
  return filter === 'all' ? [...entries] : entries.filter((e) => e.findings.length > 0);
}

export function daysText(entry: InventoryEntry): string {
  if (entry.daysLeft === null) return 'unreadable';
  if (entry.expiry === 'not_yet_valid') return 'not yet valid';
  if (entry.daysLeft < 0) return `expired ${-entry.daysLeft} d ago`;
  return `${entry.daysLeft} d`;
}

/** The CSS class of the days-left cell: the same `expiry-*` classes as every other expiry on screen. */
export function daysClass(entry: InventoryEntry): string {
  return `expiry expiry-${entry.expiry ?? 'unreadable'}`;
}

export function useText(use: InventoryEntry['uses'][number]): string {
  return `${use.connectionName}: ${ROLE_WORDS[use.role]}`;
}

export function keyText(entry: InventoryEntry): string {
  return keyLabel(entry.keyType, entry.keyBits);
}

const REVOCATION_WORDS: Record<RevocationStatus, string> = {
  good: 'not revoked',
  revoked: 'REVOKED',
  unknown: 'unknown to its responder',
  unreachable: 'could not be checked',
  'no-source': 'no OCSP or CRL named',
};

export function revocationText(entry: InventoryEntry): string {
  return entry.revocation ? REVOCATION_WORDS[entry.revocation.status] : 'not checked';
}
