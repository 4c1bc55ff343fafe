/**
 * Change signals for live data that is mutated outside React, and the one
 * animation-frame loop that publishes them. Producers (the telemetry feed)
 * bump a signal as often as they like; the components reading it hear about
 * it at most once per frame, however many batches arrived in between. A
 * hidden window gets no frames and so renders nothing, while the data
 * underneath keeps being updated.
 *
 * Paced signals (the charts, whose redraw costs milliseconds) share the frame
 * more carefully: at most one of them is published per frame, the one waiting
 * longest first, none in a frame that follows a late one, and none while it
 * is scrolled out of view. Each waits at least PACED_MIN_INTERVAL_MS, longer
 * when redraws are costly: the loop measures what a redraw takes and spaces
 * them so that all paced redraws together use about PACED_SHARE of the time.
 * Eight charts fed 20 times a second thus never stack their redraws into one
 * long frame, and a slow machine gets slower charts, not a stuttering window.
 * A bump marked `first` (a chart's first data has come) skips the spacing and
 * the late-frame rule and goes before the others, still one paced signal per
 * frame: opening a dashboard,
 * each chart drew its empty box and then waited out a whole interval (a
 * quarter to half a second) before drawing the data it already had.
 */
import { useSyncExternalStore } from 'react';

/** A paced signal is published at most this often (four redraws a second per chart)... */
export const PACED_MIN_INTERVAL_MS = 250;
/** ...and at least this often while it has changes. */
const PACED_MAX_INTERVAL_MS = 2000;
/** The share of the main thread all paced redraws together may take. */
const PACED_SHARE = 0.3;
/** A frame this much longer than 60 Hz counts as late: the next one draws no paced signal... */
const LATE_FRAME_MS = 24;
/** ...unless this many frames were skipped in a row already, so a slow machine still draws. */
const MAX_LATE_SKIPS = 3;

const pending = new Set<FrameSignal>();
/** Paced signals waiting to be published. */
const paced = new Set<FrameSignal>();
/** Paced signals someone listens to: what shares the redraw budget. */
const pacedLive = new Set<FrameSignal>();
let frame = 0;
let lastFrameAt = 0;
let lateSkips = 0;

/** What one paced redraw costs (ms), smoothed: from its publication to the next task, so rendering, effects and paint. */
let redrawCost = 8;
let measuring = false;
let measureStart = 0;
const afterRedraw = new MessageChannel();
afterRedraw.port1.onmessage = () => {
  measuring = false;
  redrawCost = 0.8 * redrawCost + 0.2 * Math.min(200, performance.now() - measureStart);
};

function pacedInterval(): number {
  let visible = 0;
  for (const signal of pacedLive) if (signal.visible) visible++;
  return Math.min(PACED_MAX_INTERVAL_MS, Math.max(PACED_MIN_INTERVAL_MS, (visible * redrawCost) / PACED_SHARE));
}

function schedule(): void {
  if (!frame) frame = requestAnimationFrame(flush);
}

function flush(now: number): void {
  frame = 0;
  const delta = now - lastFrameAt;
  lastFrameAt = now;
  const due = [...pending];
  pending.clear();
  for (const signal of due) signal.publish(now);
  if (paced.size === 0) return;
  // A delta far above a frame is an idle gap, not a late frame.
  const late = delta > LATE_FRAME_MS && delta < 250;
  if (late && lateSkips < MAX_LATE_SKIPS && ![...paced].some((signal) => signal.first && signal.visible)) lateSkips++;
  else {
    const interval = pacedInterval();
    let next: FrameSignal | null = null;
    for (const signal of paced) {
      if (!signal.visible || !(signal.first || now - signal.publishedAt >= interval)) continue;
      // First data before anything else, then the one waiting longest.
      if (!next || (signal.first && !next.first) || (signal.first === next.first && signal.publishedAt < next.publishedAt)) next = signal;
    }
    if (next) {
      paced.delete(next);
      if (!measuring) {
        measuring = true;
        measureStart = performance.now();
        afterRedraw.port2.postMessage(0);
      }
      next.publish(now);
      lateSkips = 0;
    }
  }
  for (const signal of paced) {
    if (signal.visible) return schedule();
  }
}

export class FrameSignal {
  /** What components see: changes only at frame boundaries. */
  private published = 0;
  publishedAt = -Infinity;
  private dirty = false;
  /** Paced: the waiting change is the first data to draw, published without the spacing. */
  first = false;
  /** Paced signals out of view wait, dirty, until they are in view again. */
  visible = true;
  private readonly listeners = new Set<() => void>();

  constructor(
    /** Paced: drawn in turn with the other paced signals, at most one per frame. */
    readonly pacedDraw = false,
  ) {}

  /** Something changed; listeners are told on a coming animation frame (`first`: the first data, see above). */
  bump(first = false): void {
    if (first) this.first = true;
    if (this.dirty) return;
    this.dirty = true;
    (this.pacedDraw ? paced : pending).add(this);
    schedule();
  }

  /** For paced signals: whether what they draw is on screen. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible && this.dirty) schedule();
  }

  /** @internal called by the frame loop. */
  publish(now: number): void {
    this.dirty = false;
    this.first = false;
    this.published++;
    this.publishedAt = now;
    for (const listener of this.listeners) listener();
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    if (this.pacedDraw) pacedLive.add(this);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) pacedLive.delete(this);
    };
  };

  readonly version = (): number => this.published;
}

/** Re-renders the calling component at most once per frame when `signal` changed; returns its version. */
export function useFrameSignal(signal: FrameSignal): number {
  return useSyncExternalStore(signal.subscribe, signal.version);
}
