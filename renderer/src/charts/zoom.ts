/**
 * A chart's time axis under the pointer: where the plot area lies inside the
 * chart (recharts puts it between the margins and the y-axes), the time at a
 * pixel and back, the range a drag selects and the one a wheel step zooms to
 * around the pointer. Pure, so the drawing and the tests agree.
 */
import type { TimeRange } from '../../../shared/history';

/** What the plot draws around its data area (px): ChartPlot passes these to recharts. */
export const PLOT_MARGIN = { top: 8, right: 24, bottom: 0, left: 0 } as const;
export const Y_AXIS_WIDTH = 56;
/** A drag shorter than this is a click. */
export const MIN_DRAG_PX = 4;
/** No zooming in below this span. */
export const MIN_SPAN_MS = 1000;
/** Nor out beyond this one (the longest range a view takes). */
export const MAX_SPAN_MS = 10 * 365 * 86_400_000;
/** Each wheel notch (100 px of deltaY) shows this share of the span. */
const WHEEL_FACTOR = 0.8;

export interface PlotArea {
  left: number;
  width: number;
}

/** The data area of a chart `width` wide, with or without a right axis (the right margin gives way to it). */
export function plotArea(width: number, rightAxis: boolean): PlotArea {
  const left = PLOT_MARGIN.left + Y_AXIS_WIDTH;
  const right = rightAxis ? Y_AXIS_WIDTH : PLOT_MARGIN.right;
  return { left, width: Math.max(1, width - left - right) };
}

export function timeAt(x: number, area: PlotArea, from: number, to: number): number {
  const share = Math.min(1, Math.max(0, (x - area.left) / area.width));
  return from + share * (to - from);
}

export function xAt(t: number, area: PlotArea, from: number, to: number): number {
  return area.left + ((t - from) / (to - from)) * area.width;
}

/**
 * The range a drag selects: from the time under the pointer when it went down
 * (kept, as a live chart slides on under a drag) to the time under it now;
 * null for a click (less than MIN_DRAG_PX). At least MIN_SPAN_MS.
 */
export function dragRange(start: { x: number; t: number }, x: number, area: PlotArea, from: number, to: number): TimeRange | null {
  if (Math.abs(x - start.x) < MIN_DRAG_PX) return null;
  const t = timeAt(x, area, from, to);
  return widen({ from: Math.min(start.t, t), to: Math.max(start.t, t) });
}

function widen(r: TimeRange): TimeRange {
  const span = r.to - r.from;
  if (span >= MIN_SPAN_MS) return r;
  const mid = (r.from + r.to) / 2;
  return { from: mid - MIN_SPAN_MS / 2, to: mid + MIN_SPAN_MS / 2 };
}

/**
 * The range after one wheel event at `pointer` (a time inside [from, to]):
 * in for a negative deltaY, out for a positive one, the time under the pointer
 * staying under it. Never past `now` on the right, within MIN/MAX_SPAN_MS.
 */
export function wheelRange(from: number, to: number, pointer: number, deltaY: number, now: number): TimeRange {
  const span = to - from;
  const factor = Math.pow(WHEEL_FACTOR, -deltaY / 100);
  const next = Math.min(MAX_SPAN_MS, Math.max(MIN_SPAN_MS, span * factor));
  const share = span > 0 ? (pointer - from) / span : 0.5;
  let a = pointer - share * next;
  let b = a + next;
  if (b > now) {
    b = now;
    a = now - next;
  }
  return { from: a, to: b };
}
