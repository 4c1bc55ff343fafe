/**
 * The sample memory budget as the latest batch reported it (or as read on
 * demand before any batch came), for the dashboard's status line.
 */
import type { BudgetStats } from '../../../shared/telemetry';
import { FrameSignal } from '../app/frame-signal';

let current: BudgetStats | null = null;
export const budgetSignal = new FrameSignal();

export function budgetStats(): BudgetStats | null {
  return current;
}

export function setBudgetStats(stats: BudgetStats): void {
  const c = current;
  if (c && c.budgetBytes === stats.budgetBytes && c.usedBytes === stats.usedBytes && c.samples === stats.samples && c.series === stats.series && c.evictedSamples === stats.evictedSamples) return;
  current = stats;
  budgetSignal.bump();
}
