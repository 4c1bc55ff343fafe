/**
 * What a series shows at a moment: for a line, its sample nearest in time;
 * for a step series, the sample in force then (the last one at or before it).
 * Binary searches over the points a chart draws, for the tooltip that lists
 * every series at the hovered time.
 */
import type { Points } from '../../../shared/min-max';

/** Index of the last point at or before `t` in [start, end), or -1. */
export function heldIndex(p: Points, t: number): number {
  let lo = p.start;
  let hi = p.end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((p.times[mid] as number) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1 >= p.start ? lo - 1 : -1;
}

/** Index of the point nearest to `t` in [start, end) (the earlier one on a tie), or -1 when there is none. */
export function nearestIndex(p: Points, t: number): number {
  if (p.end <= p.start) return -1;
  const before = heldIndex(p, t);
  if (before === -1) return p.start;
  const after = before + 1;
  if (after >= p.end) return before;
  return t - (p.times[before] as number) <= (p.times[after] as number) - t ? before : after;
}

/** The point a series shows at `t`: nearest for a line, the one in force for steps; null when it has none there. */
export function pointAt(p: Points, t: number, step: boolean): { t: number; v: number } | null {
  const i = step ? heldIndex(p, t) : nearestIndex(p, t);
  return i < 0 ? null : { t: p.times[i] as number, v: p.values[i] as number };
}
