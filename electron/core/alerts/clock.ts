/**
 * The alert engine's sense of time: what time it is, and one timer. Injected,
 * so the tests run "silent for N seconds" and "above for N seconds" on a fake
 * clock they move by hand (test/support/fake-clock.ts).
 */

export interface AlertClock {
  now(): number;
  /** Calls `run` once after `ms`; returns the function that cancels it. */
  setTimer(run: () => void, ms: number): () => void;
}

export const systemClock: AlertClock = {
  now: () => Date.now(),
  setTimer(run, ms) {
    const timer = setTimeout(run, Math.max(0, ms));
    // The app's other work keeps the process alive; a pending alert check must not.
    timer.unref?.();
    return () => clearTimeout(timer);
  },
};
