/**
 * How long a source has been silent, and whether that counts as silent: one
 * rule for the stat panels' "offline for …" state and the alert engine's
 * "topic silent for N seconds" rule. A source never heard from has no
 * silence to measure (null / false): the caller decides what that means.
 */

/** Milliseconds since `lastAt` (never negative), or null when nothing was ever heard. */
export function silentFor(lastAt: number | null, now: number): number | null {
  if (lastAt === null || !Number.isFinite(lastAt)) return null;
  return Math.max(0, now - lastAt);
}

/** Whether a source last heard at `lastAt` has been silent for at least `seconds` at `now`. */
export function isSilent(lastAt: number | null, now: number, seconds: number): boolean {
  const silent = silentFor(lastAt, now);
  return silent !== null && silent >= seconds * 1000;
}
