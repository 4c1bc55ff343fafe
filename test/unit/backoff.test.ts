import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../electron/core/sessions/backoff';

describe('reconnect backoff', () => {
  const policy = { initialMs: 1000, maxMs: 60_000, factor: 2 };
  it('grows exponentially and stays within the cap', () => {
    const lows = [1, 2, 3, 4, 5, 6, 7, 8, 20].map((a) => backoffDelay(a, policy, () => 0));
    const highs = [1, 2, 3, 4, 5, 6, 7, 8, 20].map((a) => backoffDelay(a, policy, () => 1));
    expect(highs).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
    expect(lows).toEqual(highs.map((h) => h / 2));
  });

  it('spreads retries of many clients instead of synchronising them', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(5, policy)));
    expect(delays.size).toBeGreaterThan(40);
  });
});
