/**
 * Reconnect delays: exponential, capped, with jitter so a fleet of dashboards
 * does not hammer a broker that just came back all in the same second.
 */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  factor: number;
  /**
   * A connection must stay up this long to count as healthy and start the
   * delays afresh; one dropped sooner (a broker that accepts and then sends
   * garbage, or crashes again) keeps backing off further.
   */
  stableMs?: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1000, maxMs: 60_000, factor: 2, stableMs: 10_000 };

/** Delay before retry number `attempt` (1-based): half fixed, half random ("equal jitter"). */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (random() * exp) / 2);
}

/** Whether a connection that lasted `upMs` resets the delays. */
export function wasStable(upMs: number, policy: BackoffPolicy = DEFAULT_BACKOFF): boolean {
  return upMs >= (policy.stableMs ?? DEFAULT_BACKOFF.stableMs ?? 0);
}
