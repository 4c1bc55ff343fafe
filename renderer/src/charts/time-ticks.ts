/**
 * Round tick times for a chart's time axis (every 10 s, every minute, …),
 * chosen here rather than by recharts so it never has to measure label
 * widths in the DOM to thin overlapping ticks on every redraw.
 */
const STEPS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800].map((s) => s * 1000);

/** At most `max` ticks at a round step inside [from, to]. */
export function timeTicks(from: number, to: number, max: number): number[] {
  const span = to - from;
  if (!(span > 0) || max < 1) return [];
  const step = STEPS_MS.find((s) => span / s <= max) ?? Math.ceil(span / max / 86_400_000) * 86_400_000;
  // Round to the local clock so minute and hour ticks land on :00.
  const offset = new Date(from).getTimezoneOffset() * 60_000;
  const ticks: number[] = [];
  for (let t = Math.ceil((from - offset) / step) * step + offset; t <= to; t += step) ticks.push(t);
  return ticks;
}
