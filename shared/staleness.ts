/**
 * When a source counts as silent: "no sample for N seconds at time t". One
 * rule for every place that says a device went quiet: a stat panel's "offline
 * for …" and the alert engine's silence rule in the core. A source may also
 * say so itself (a Sparkplug node's DEATH certificate, a last-will message):
 * then it is offline at once, whatever its last sample, until a new sample
 * arrives.
 */

/** A source that reported itself offline: since when, and in its own words why. */
export interface ReportedOffline {
  since: number;
  reason: string;
}

/** Milliseconds since the last sample at `now` (0 for a sample stamped later than now, by a skewed clock); Infinity when none ever came. */
export function silentFor(lastAt: number | null, now: number): number {
  if (lastAt === null || !Number.isFinite(lastAt)) return Number.POSITIVE_INFINITY;
  return Math.max(0, now - lastAt);
}

/** Silent at `now`: no sample for `seconds` or longer (a source that never sent counts as silent). */
export function isSilent(lastAt: number | null, now: number, seconds: number): boolean {
  return silentFor(lastAt, now) >= seconds * 1000;
}

export type SourceState =
  | { state: 'live'; lastAt: number }
  /** `forMs` is Infinity when no sample ever came. */
  | { state: 'silent'; forMs: number }
  | { state: 'offline'; forMs: number; reason: string };

/**
 * What a source is at `now`: offline when it said so (and sent nothing since),
 * silent past the threshold, live otherwise.
 */
export function sourceState(lastAt: number | null, offline: ReportedOffline | null | undefined, now: number, seconds: number): SourceState {
  if (offline && (lastAt === null || lastAt <= offline.since)) return { state: 'offline', forMs: Math.max(0, now - offline.since), reason: offline.reason };
  if (lastAt === null || isSilent(lastAt, now, seconds)) return { state: 'silent', forMs: silentFor(lastAt, now) };
  return { state: 'live', lastAt };
}

/** A silence as an operator reads it: "45 s", "3 min 20 s", "2 h 5 min", "3 d 4 h". */
export function formatSilence(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}
