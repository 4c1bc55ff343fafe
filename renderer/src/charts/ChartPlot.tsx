/**
 * The recharts drawing of one chart's data: a time axis over the chart's
 * window or zoomed range, a left y-axis and, when a line needs it, a right
 * one (axes.ts), one line per series, steps for states. No dots, no
 * animation, no per-point components, no recharts tooltip (PlotOverlay draws
 * the pointer's time and every series' value); memoized, so it redraws only
 * when its data object (built at most once per frame) changes. Marks on the
 * chart (alerts, for instance) come in as `children`: recharts elements drawn
 * over the lines, against the time axis and the "left" or "right" y-axis.
 */
import { memo, type ReactNode } from 'react';
import { CartesianGrid, Line, LineChart, XAxis, YAxis } from 'recharts';
import type { ChartData } from './chart-data';
import { timeTicks } from './time-ticks';
import { PLOT_MARGIN, Y_AXIS_WIDTH } from './zoom';

const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const dateTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
const valueFormat = new Intl.NumberFormat(undefined, { maximumSignificantDigits: 6 });
const tickFormat = new Intl.NumberFormat(undefined, { notation: 'compact', maximumSignificantDigits: 4 });

export function formatValue(value: number, unit: string): string {
  return unit ? `${valueFormat.format(value)} ${unit}` : valueFormat.format(value);
}

/** A moment as the chart's axis shows it: the time, with the date on spans over 12 hours. */
export function formatMoment(t: number, span: number): string {
  return (span > 12 * 3600_000 ? dateTime : timeOnly).format(t);
}

const MARGIN_ONE_AXIS = { ...PLOT_MARGIN };
const MARGIN_TWO_AXES = { ...PLOT_MARGIN, right: 0 };
const TICK = { fontSize: 11 };
const formatTick = (v: number) => tickFormat.format(v);

export const ChartPlot = memo(function ChartPlot({ data, width, height, children }: { data: ChartData; width: number; height: number; children?: ReactNode }) {
  const span = data.to - data.from;
  const right = data.axes.right !== null;
  // About one label per 90 px; explicit ticks with interval 0 spare recharts from measuring labels.
  const ticks = timeTicks(data.from, data.to, Math.max(2, Math.floor((width - 80 - (right ? Y_AXIS_WIDTH : 0)) / 90)));
  return (
    <LineChart width={width} height={height} data={data.rows} margin={right ? MARGIN_TWO_AXES : MARGIN_ONE_AXIS}>
      <CartesianGrid strokeDasharray="3 3" vertical={false} className="chart-grid-lines" yAxisId="left" />
      <XAxis dataKey="t" type="number" domain={[data.from, data.to]} allowDataOverflow ticks={ticks} interval={0} tickFormatter={(t: number) => formatMoment(t, span)} tick={TICK} />
      <YAxis yAxisId="left" orientation="left" width={Y_AXIS_WIDTH} domain={['auto', 'auto']} interval={0} tickFormatter={formatTick} tick={TICK} />
      {right && <YAxis yAxisId="right" orientation="right" width={Y_AXIS_WIDTH} domain={['auto', 'auto']} interval={0} tickFormatter={formatTick} tick={TICK} />}
      {data.lines.map((d) => (
        <Line key={d.key} className={`line-${d.field}`} yAxisId={d.side} dataKey={d.field} name={d.label} type={d.step ? 'stepAfter' : 'linear'} stroke={d.color} strokeWidth={1.5} dot={false} activeDot={false} isAnimationActive={false} connectNulls />
      ))}
      {children}
    </LineChart>
  );
});
