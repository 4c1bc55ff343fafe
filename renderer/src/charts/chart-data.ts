/**
 * What one chart draws, computed from its live lines once per frame at most:
 * the visible lines (a wildcard series becomes one line per element), each
 * with its unit, its axis (axes.ts) and whether it is drawn as steps, their
 * points merged into the row array recharts takes (one row per timestamp, one
 * field per line), and the time domain: the chart's window up to now, or the
 * range it is zoomed to.
 */
import { WINDOW_MS, type AxisSide, type ChartWindow, type SeriesSpec } from '../../../shared/telemetry';
import type { LiveChart } from './live-charts';
import { minMaxPerColumn, type Points } from '../../../shared/min-max';
import { assignAxes } from './axes';
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
  /** The series' unit, else the chart's ('' when neither says). */
  unit: string;
  /** Drawn as steps: the value holds until the next sample. */
  step: boolean;
  /** Whether the operator left the drawing automatic (then an enumeration is drawn as steps too). */
  automatic: boolean;
  /** The axis the operator chose for the series, if any. */
  choice: AxisSide | undefined;
  /** The axis it is drawn against (set by chartData). */
  side: AxisSide;
  /** The points drawn, a snapshot taken with the data (set by chartData). */
  points: Points;
}

export type Row = { t: number } & { [field: string]: number };

export interface ChartData {
  lines: DrawnLine[];
  rows: Row[];
  from: number;
  to: number;
  /** Points drawn (a step line held up to now adds none). */
  points: number;
  /** Zoomed to an absolute range rather than following live data. */
  zoomed: boolean;
  /** The units of the lines on each axis ('' for none); `right` is null when no line uses the right axis. */
  axes: { left: string; right: string | null };
}

/** Drawn as steps: the operator's choice, else booleans (a door is open or shut, never half-way). */
export function drawsSteps(spec: Pick<SeriesSpec, 'draw' | 'extractor'>): boolean {
  return spec.draw ? spec.draw === 'step' : spec.extractor.kind === 'boolean';
}

/** At most this many distinct values make a set of states (idle, running, fault, …) rather than a measurement. */
const MAX_STATES = 8;

/**
 * Whether the points read as an enumeration: whole numbers from a few values
 * that come back to one already left (0, 2, 1, 2, 0). A state code is as
 * sudden as a door, so it is drawn as steps too; a counter (1, 2, 3, …) never
 * returns to a value and stays a line, as does anything with a fraction.
 */
export function looksLikeStates(p: Points): boolean {
  const seen = new Set<number>();
  let returned = false;
  let previous = NaN;
  for (let i = p.start; i < p.end; i++) {
    const v = p.values[i] as number;
    if (!Number.isInteger(v)) return false;
    if (v === previous) continue;
    if (seen.has(v)) returned = true;
    else if (seen.add(v).size > MAX_STATES) return false;
    previous = v;
  }
  return returned;
}

const NO_POINTS: Points = { times: [], values: [], start: 0, end: 0 };

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
    const drawing = { unit: group.spec.unit || chart.unit, step: drawsSteps(group.spec), automatic: !group.spec.draw, choice: group.spec.axis, side: 'left' as AxisSide, points: NO_POINTS };
    const base = group.lines.get(group.baseKey);
    const elements = [...group.lines.values()].filter((l) => l.element !== '').sort((a, b) => collator.compare(a.element, b.element));
    if (base && (elements.length === 0 || base.size > 0)) out.push({ field: '', key: base.key, label, color, line: base, last: base.lastValue, ...drawing });
    elements.forEach((line, i) =>
      out.push({ field: '', key: line.key, label: `${label} ${line.element}`, color: i === 0 && !base?.size ? color : (PALETTE[(g + i + 1) % PALETTE.length] ?? color), line, last: line.lastValue, ...drawing }),
    );
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
export function mergeRows(lines: ReadonlyArray<Pick<DrawnLine, 'field'>>, points: readonly Points[]): Row[] {
  if (lines.length === 1) {
    const { field } = lines[0] as Pick<DrawnLine, 'field'>;
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
        row[(lines[k] as Pick<DrawnLine, 'field'>).field] = p.values[i] as number;
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

/** The lowest and highest value among the points inside [from, to] (min > max when none). */
export function valueRange(p: Points, from: number, to: number): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = p.start; i < p.end; i++) {
    const t = p.times[i] as number;
    if (t < from || t > to) continue;
    const v = p.values[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/**
 * A step line's last value held up to `to`: a state stays what it was until
 * the next sample says otherwise, so a door opened a while ago still shows
 * open now. One row at `to` with every such line's value, or null.
 */
export function heldRow(lines: readonly DrawnLine[], to: number): Row | null {
  let row: Row | null = null;
  for (const d of lines) {
    const p = d.points;
    if (!d.step || p.end <= p.start) continue;
    const t = p.times[p.end - 1] as number;
    if (t >= to) continue;
    row ??= { t: to } as Row;
    row[d.field] = p.values[p.end - 1] as number;
  }
  return row;
}

export function chartData(chart: LiveChart, now = Date.now()): ChartData {
  const lines = drawnLines(chart);
  const { from, to } = chart.range ?? timeDomain(chart.window, lines, now);
  for (const d of lines) d.points = visiblePoints(d.line, from, to, chart.width);
  // Without the operator's choice, an enumeration is drawn as steps like a boolean.
  for (const d of lines) if (d.automatic && !d.step) d.step = looksLikeStates(d.points);
  const sides = assignAxes(lines.map((d) => ({ unit: d.unit, choice: d.choice, ...valueRange(d.points, from, to) })));
  lines.forEach((d, i) => (d.side = sides[i] ?? 'left'));
  const rows = mergeRows(
    lines,
    lines.map((d) => d.points),
  );
  const points = rows.length;
  // Live, a state holds up to now; zoomed into the past, what came after the range is not known here.
  const held = chart.range ? null : heldRow(lines, Math.min(to, now));
  if (held) rows.push(held);
  return { lines, rows, from, to, points, zoomed: chart.range !== null, axes: { left: axisUnit(lines, 'left'), right: lines.some((d) => d.side === 'right') ? axisUnit(lines, 'right') : null } };
}

/** The units of the lines on one axis, as its label: "°C", "bar, hPa", or ''. */
function axisUnit(lines: readonly DrawnLine[], side: AxisSide): string {
  const units: string[] = [];
  for (const d of lines) if (d.side === side && d.unit && !units.includes(d.unit)) units.push(d.unit);
  return units.join(', ');
}
