/**
 * What a stat panel says about one series: the last value and when it came,
 * the lowest, highest and mean value over the panel's range, the colour its
 * thresholds give the value, the gauge's scale and coloured bands, and
 * whether the source is live, silent or offline (shared/staleness.ts). Pure.
 */
import type { Points } from '../../../shared/min-max';
import { sourceState, type ReportedOffline, type SourceState } from '../../../shared/staleness';
import type { StatOptions, ThresholdColor } from '../../../shared/telemetry';

export interface LineStats {
  last: { t: number; v: number } | null;
  /** Over the points drawn for the range; null when the range holds none. */
  min: number | null;
  max: number | null;
  /** Over every sample of the range (sum / count); null when unknown. */
  mean: number | null;
  source: SourceState;
}

export interface StatInput {
  points: Points;
  /** The range's sample count and sum, as main computed them (plus samples appended since). */
  count: number;
  sum: number | null;
  /** The newest sample known, even one older than the range. */
  latest: { t: number; v: number } | null;
  offline: ReportedOffline | null;
}

export function lineStats(input: StatInput, from: number, to: number, now: number, silenceSeconds: number): LineStats {
  const { times, values } = input.points;
  let min = Infinity;
  let max = -Infinity;
  let newest = -1;
  for (let i = input.points.start; i < input.points.end; i++) {
    const t = times[i] as number;
    if (t < from || t > to) continue;
    const v = values[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
    newest = i;
  }
  let last = input.latest;
  if (newest >= 0 && (!last || (times[newest] as number) > last.t)) last = { t: times[newest] as number, v: values[newest] as number };
  const mean = input.count > 0 && input.sum !== null && Number.isFinite(input.sum) ? input.sum / input.count : null;
  return {
    last,
    min: newest >= 0 ? min : null,
    max: newest >= 0 ? max : null,
    mean,
    source: sourceState(last?.t ?? null, input.offline, now, silenceSeconds),
  };
}

/** The colour of `value`: that of the highest threshold it reaches, else the base colour. */
export function thresholdColor(value: number, options: Pick<StatOptions, 'thresholds' | 'base'>): ThresholdColor {
  let color = options.base;
  let reached = -Infinity;
  for (const t of options.thresholds) {
    if (value >= t.value && t.value >= reached) {
      reached = t.value;
      color = t.color;
    }
  }
  return color;
}

export interface GaugeScale {
  min: number;
  max: number;
}

/** The gauge's scale: the operator's, else the range's values and the thresholds, never empty. */
export function gaugeScale(options: Pick<StatOptions, 'thresholds' | 'gaugeMin' | 'gaugeMax'>, low: number | null, high: number | null): GaugeScale {
  const marks = options.thresholds.map((t) => t.value);
  let min = options.gaugeMin ?? Math.min(...marks, low ?? Infinity, high ?? Infinity);
  let max = options.gaugeMax ?? Math.max(...marks, low ?? -Infinity, high ?? -Infinity);
  if (!Number.isFinite(min)) min = Number.isFinite(max) ? max - 1 : 0;
  if (!Number.isFinite(max)) max = min + 1;
  if (max <= min) {
    const pad = Math.max(1, Math.abs(min) * 0.1);
    if (options.gaugeMin === undefined) min -= pad;
    if (options.gaugeMax === undefined || max <= min) max = min + 2 * pad;
  }
  return { min, max };
}

/** Where `value` sits on the scale, 0…1 (clamped). */
export function gaugeFraction(value: number, scale: GaugeScale): number {
  return Math.min(1, Math.max(0, (value - scale.min) / (scale.max - scale.min)));
}

/** The scale cut into coloured bands by the thresholds, as fractions of it, left to right. */
export function gaugeBands(scale: GaugeScale, options: Pick<StatOptions, 'thresholds' | 'base'>): Array<{ from: number; to: number; color: ThresholdColor }> {
  const cuts = [...options.thresholds].sort((a, b) => a.value - b.value);
  const bands: Array<{ from: number; to: number; color: ThresholdColor }> = [];
  let at = 0;
  let color = options.base;
  for (const cut of cuts) {
    const f = gaugeFraction(cut.value, scale);
    if (f > at) bands.push({ from: at, to: f, color });
    at = Math.max(at, f);
    color = cut.color;
  }
  if (at < 1) bands.push({ from: at, to: 1, color });
  return bands;
}
