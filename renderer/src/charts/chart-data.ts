/**
 * What one chart draws, computed from its live lines once per frame at most:
 * the visible lines (a wildcard series becomes one line per element), their
 * points merged into the row array recharts takes (one row per timestamp, one
 * field per line), and the time domain of the chart's window.
 */
import { WINDOW_MS, type ChartWindow } from '../../../shared/telemetry';
import type { LiveChart } from './live-charts';
import { minMaxPerColumn, type Points } from '../../../shared/min-max';
import type { SeriesLine } from './series-line';

export const PALETTE = ['#1f6feb', '#d1242f', '#1a7f37', '#9a6700', '#8250df', '#bf3989', '#0a7ea4', '#bc4c00', '#57606a', '#2da44e'];

export interface DrawnLine {
  /** Field of the rows holding this line's values. */
  field: string;
  key: string;
  label: string;
  color: string;
  line: SeriesLine;
  /** The newest value when the data was built (frozen with it while paused). */
  last: number | null;
}

export type Row = { t: number } & { [field: string]: number };

export interface ChartData {
  lines: DrawnLine[];
  rows: Row[];
  from: number;
  to: number;
  points: number;
}

const collator = new Intl.Collator(undefined, { numeric: true });

/** The label of a series: the operator's, or the topic and the field. */
export function seriesLabel(spec: { label: string; topic: string; extractor: { kind: string; path?: string } }): string {
  if (spec.label) return spec.label;
  return spec.extractor.kind === 'json' ? `${spec.topic} ${spec.extractor.path}` : spec.topic;
}

export function drawnLines(chart: LiveChart): DrawnLine[] {
  const out: DrawnLine[] = [];
  chart.groups.forEach((group, g) => {
    const color = group.spec.color ?? PALETTE[g % PALETTE.length] ?? '#1f6feb';
    const label = seriesLabel(group.spec);
    const base = group.lines.get(group.baseKey);
    const elements = [...group.lines.values()].filter((l) => l.element !== '').sort((a, b) => collator.compare(a.element, b.element));
    if (base && (elements.length === 0 || base.size > 0)) out.push({ field: '', key: base.key, label, color, line: base, last: base.lastValue });
    elements.forEach((line, i) => out.push({ field: '', key: line.key, label: `${label} ${line.element}`, color: i === 0 && !base?.size ? color : (PALETTE[(g + i + 1) % PALETTE.length] ?? color), line, last: line.lastValue }));
  });
  out.forEach((d, i) => (d.field = `v${i}`));
  return out;
}

/** Points drawn per pixel at most; more cannot be seen and only slow recharts down. */
const POINTS_PER_PIXEL = 1;

/** The line's points, thinned to min and max per two pixels when there are more than the plot can show. */
export function visiblePoints(line: SeriesLine, from: number, to: number, width: number): Points {
  const all: Points = { times: line.times, values: line.values, start: line.head, end: line.times.length };
  const columns = Math.max(1, Math.floor((width * POINTS_PER_PIXEL) / 2));
  if (all.end - all.start <= columns * 2 || to <= from) return all;
  const thin = minMaxPerColumn(all, from, to, columns);
  return { ...thin, start: 0, end: thin.times.length };
}

/** Merges the lines' points by time: rows in time order, a field per line where it has a point. */
export function mergeRows(lines: readonly DrawnLine[], points: readonly Points[]): Row[] {
  if (lines.length === 1) {
    const { field } = lines[0] as DrawnLine;
    const p = points[0] as Points;
    const rows: Row[] = new Array(p.end - p.start);
    for (let i = p.start, j = 0; i < p.end; i++, j++) rows[j] = { t: p.times[i] as number, [field]: p.values[i] as number } as Row;
    return rows;
  }
  const at = points.map((p) => p.start);
  const rows: Row[] = [];
  for (;;) {
    let t = Infinity;
    for (let k = 0; k < points.length; k++) {
      const p = points[k] as Points;
      const i = at[k] as number;
      if (i < p.end && (p.times[i] as number) < t) t = p.times[i] as number;
    }
    if (t === Infinity) return rows;
    const row = { t } as Row;
    for (let k = 0; k < points.length; k++) {
      const p = points[k] as Points;
      const i = at[k] as number;
      if (i < p.end && p.times[i] === t) {
        row[(lines[k] as DrawnLine).field] = p.values[i] as number;
        at[k] = i + 1;
      }
    }
    rows.push(row);
  }
}

/** The time axis: the window up to now, or everything the lines hold. */
export function timeDomain(window: ChartWindow, lines: readonly DrawnLine[], now: number): { from: number; to: number } {
  const span = WINDOW_MS[window];
  if (span !== null) return { from: now - span, to: now };
  let first = Infinity;
  let last = -Infinity;
  for (const { line } of lines) {
    if (line.size === 0) continue;
    first = Math.min(first, line.times[line.head] as number);
    last = Math.max(last, line.times[line.times.length - 1] as number);
  }
  if (first === Infinity) return { from: now - 60_000, to: now };
  return last > first ? { from: first, to: last } : { from: first - 1000, to: last + 1000 };
}

export function chartData(chart: LiveChart, now = Date.now()): ChartData {
  const lines = drawnLines(chart);
  const { from, to } = timeDomain(chart.window, lines, now);
  const rows = mergeRows(
    lines,
    lines.map((d) => visiblePoints(d.line, from, to, chart.width)),
  );
  return { lines, rows, from, to, points: rows.length };
}
