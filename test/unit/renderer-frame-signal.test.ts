/**
 * The window's frame loop for chart redraws (renderer/src/app/frame-signal.ts),
 * driven frame by frame at 60 Hz: charts take turns, one redraw per frame, each
 * chart at most once per pacing interval; a chart's first data is drawn at the
 * next frame, before the others, instead of waiting for its turn to come round.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrameSignal, PACED_MIN_INTERVAL_MS } from '../../renderer/src/app/frame-signal';

/** Node has no animation frames: this runs the requested callbacks when the test says a frame happens. */
const requested: Array<(now: number) => void> = [];
let clock = 1000;
const had = 'requestAnimationFrame' in globalThis;
beforeAll(() => {
  (globalThis as { requestAnimationFrame?: (cb: (now: number) => void) => number }).requestAnimationFrame = (cb) => requested.push(cb);
});
afterAll(() => {
  if (!had) delete (globalThis as { requestAnimationFrame?: unknown }).requestAnimationFrame;
});

/** Runs `count` frames 16 ms apart; returns which signals were published in each. */
function frames(count: number, signals: FrameSignal[]): number[][] {
  const drawn: number[][] = [];
  for (let f = 0; f < count; f++) {
    clock += 16;
    const before = signals.map((s) => s.version());
    for (const cb of requested.splice(0)) cb(clock);
    drawn.push(signals.flatMap((s, i) => (s.version() !== before[i] ? [i] : [])));
  }
  return drawn;
}

describe('paced chart redraws', () => {
  it('draw one chart per frame, space a chart’s redraws, and draw a chart’s first data at the next frame, first', () => {
    const charts = Array.from({ length: 5 }, () => new FrameSignal(true));
    const stop = charts.map((c) => c.subscribe(() => undefined));
    // The dashboard opens: each chart draws its empty box, one per frame.
    charts.forEach((c) => c.bump());
    const opening = frames(8, charts);
    expect(opening.filter((d) => d.length > 0)).toEqual([[0], [1], [2], [3], [4]]);

    // New samples for chart 0 right after: it waits for its interval (a quarter of a second at least).
    charts[0]!.bump();
    const soon = frames(Math.floor(PACED_MIN_INTERVAL_MS / 16) - 8, charts);
    expect(soon.flat()).toEqual([]);

    // Chart 3's first data: drawn at the next frame, though its last drawing was as recent.
    charts[3]!.bump(true);
    expect(frames(1, charts)).toEqual([[3]]);
    // Chart 0 still gets its turn once its interval is over.
    expect(frames(40, charts).flat()).toEqual([0]);

    // Both due in the same frame: a chart's first data goes before another's new samples, though that one waited longer.
    charts[1]!.bump();
    charts[4]!.bump(true);
    expect(frames(2, charts)).toEqual([[4], [1]]);
    stop.forEach((s) => s());
  });
});
