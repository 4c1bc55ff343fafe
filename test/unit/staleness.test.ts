/**
 * The silence rule (shared/staleness.ts) both the stat panels and the alert
 * engine apply: "no sample for N seconds at time t", a source that said it is
 * offline, and how a silence reads.
 */
import { describe, expect, it } from 'vitest';
import { formatSilence, isSilent, silentFor, sourceState } from '../../shared/staleness';

describe('silence', () => {
  const t = 1_000_000;

  it('measures the time since the last sample, none ever being forever', () => {
    expect(silentFor(t - 2500, t)).toBe(2500);
    expect(silentFor(null, t)).toBe(Infinity);
    // A sample stamped ahead of this clock is not a negative silence.
    expect(silentFor(t + 500, t)).toBe(0);
  });

  it('counts a source as silent from N seconds without a sample, exactly', () => {
    expect(isSilent(t - 9_999, t, 10)).toBe(false);
    expect(isSilent(t - 10_000, t, 10)).toBe(true);
    expect(isSilent(null, t, 10)).toBe(true);
  });

  it('tells live, silent and offline apart; a source’s own "offline" holds until a newer sample', () => {
    expect(sourceState(t - 1000, null, t, 10)).toEqual({ state: 'live', lastAt: t - 1000 });
    expect(sourceState(t - 60_000, null, t, 10)).toEqual({ state: 'silent', forMs: 60_000 });
    expect(sourceState(null, undefined, t, 10)).toEqual({ state: 'silent', forMs: Infinity });
    const death = { since: t - 3000, reason: 'node died' };
    expect(sourceState(t - 4000, death, t, 10)).toEqual({ state: 'offline', forMs: 3000, reason: 'node died' });
    expect(sourceState(t - 2000, death, t, 10)).toEqual({ state: 'live', lastAt: t - 2000 });
  });

  it('reads a silence in the largest units that matter', () => {
    expect([0, 45_999, 60_000, 200_000, 7_500_000, 3 * 86_400_000 + 4 * 3_600_000].map(formatSilence)).toEqual(['0 s', '45 s', '1 min', '3 min 20 s', '2 h 5 min', '3 d 4 h']);
  });
});
