/**
 * Round tick times for a chart's time axis (every 10 s, every minute, …),
 * chosen here rather than by recharts so it never has to measure label
 * widths in the DOM to thin overlapping ticks on every redraw.
 */
const STEPS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800].map((s) => s * 1000);

/** Local-clock milliseconds of a time: round ticks are round on the operator's clock, across DST changes too. */
function localOffset(t: number): number {
  return -new Date(t).getTimezoneOffset() * 60_000;
}

/** At most `max` ticks at a round step inside [from, to]. */
export function timeTicks(from: number, to: number, max: number): number[] {
  const span = to - from;
  if (!(span > 0) || max < 1) return [];
  const step = STEPS_MS.find((s) => span / s <= max) ?? Math.ceil(span / max / 86_400_000) * 86_400_000;
  const ticks: number[] = [];
  for (let local = Math.ceil((from + localOffset(from)) / step) * step; ticks.length <= max; local += step) {
    // Back from local to real time with the offset in force at that moment (it changes at DST).
    let t = local - localOffset(local - localOffset(from));
    t = local - localOffset(t);
    if (t > to) break;
    if (t >= from && ticks.at(-1) !== t) ticks.push(t);
  }
  // A span that starts on a tick and is an exact multiple of the step holds one tick more than max.
  return ticks.slice(0, max);
}
