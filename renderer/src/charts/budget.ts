/**
 * The sample memory budget as the latest batch reported it (or as read on
 * demand before any batch came), for the dashboard's status line.
 */
import type { BudgetStats } from '../../../shared/telemetry';
import { FrameSignal } from '../app/frame-signal';

export class BudgetState {
  private current: BudgetStats | null = null;
  readonly signal = new FrameSignal();

  get stats(): BudgetStats | null {
    return this.current;
  }

  set(stats: BudgetStats): void {
    const c = this.current;
    if (c && c.budgetBytes === stats.budgetBytes && c.usedBytes === stats.usedBytes && c.samples === stats.samples && c.series === stats.series && c.evictedSamples === stats.evictedSamples && c.messages === stats.messages && c.evictedMessages === stats.evictedMessages) return;
    this.current = stats;
    this.signal.bump();
  }
}
