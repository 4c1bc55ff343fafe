/**
 * A clock the test moves by hand, for the alert engine (electron/core/alerts/clock.ts):
 * `advance` runs every timer that falls due on the way, in time order, at its
 * own time; no real time passes.
 */
import type { AlertClock } from '../../electron/core/alerts/clock';

export interface FakeClock extends AlertClock {
  advance(ms: number): void;
  /** Timers not yet run. */
  readonly pending: number;
}

export function fakeClock(start = Date.UTC(2026, 0, 5, 8, 0, 0)): FakeClock {
  let now = start;
  let next = 1;
  const timers = new Map<number, { at: number; run: () => void }>();
  return {
    now: () => now,
    setTimer(run, ms) {
      const id = next++;
      timers.set(id, { at: now + Math.max(0, ms), run });
      return () => void timers.delete(id);
    },
    advance(ms) {
      const end = now + ms;
      // Bounded: a timer that keeps rescheduling itself at the same instant cannot hang the test.
      for (let guard = 0; guard < 100_000; guard++) {
        let due: [number, { at: number; run: () => void }] | null = null;
        for (const entry of timers) if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) due = entry;
        if (!due) break;
        timers.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].run();
      }
      now = end;
    },
    get pending() {
      return timers.size;
    },
  };
}
