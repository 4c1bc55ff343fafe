/**
 * The recharts drawing of one chart's data: a time axis over the chart's
 * window, one line per series, a tooltip with time, value and unit. No dots,
 * no animation, no per-point components; memoized, so it redraws only when
 * its data object (built at most once per frame) changes.
 */
import { memo } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { ChartMark } from '../alerts/chart-marks';
import type { ChartData } from './chart-data';
import { timeTicks } from './time-ticks';

const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const dateTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
const valueFormat = new Intl.NumberFormat(undefined, { maximumSignificantDigits: 6 });
const tickFormat = new Intl.NumberFormat(undefined, { notation: 'compact', maximumSignificantDigits: 4 });

export function formatValue(value: number, unit: string): string {
  return unit ? `${valueFormat.format(value)} ${unit}` : valueFormat.format(value);
}

const MARGIN = { top: 8, right: 24, bottom: 0, left: 0 };
const TICK = { fontSize: 11 };
const TOOLTIP_STYLE = { background: 'var(--panel)', border: '1px solid var(--border)', borderRadius: 6, fontSize: 12, padding: '4px 8px' };
const TOOLTIP_ITEM = { padding: 0 };

export const ChartPlot = memo(function ChartPlot({ data, width, height, unit, marks = [] }: { data: ChartData; width: number; height: number; unit: string; marks?: readonly ChartMark[] }) {
  const long = data.to - data.from > 12 * 3600_000;
  const formatTick = (t: number) => (long ? dateTime : timeOnly).format(t);
  // About one label per 90 px; explicit ticks with interval 0 spare recharts from measuring labels.
  const ticks = timeTicks(data.from, data.to, Math.max(2, Math.floor((width - 80) / 90)));
  return (
    <LineChart width={width} height={height} data={data.rows} margin={MARGIN}>
      <CartesianGrid strokeDasharray="3 3" vertical={false} className="chart-grid-lines" />
      <XAxis dataKey="t" type="number" domain={[data.from, data.to]} allowDataOverflow ticks={ticks} interval={0} tickFormatter={formatTick} tick={TICK} />
      <YAxis width={56} domain={['auto', 'auto']} interval={0} tickFormatter={(v: number) => tickFormat.format(v)} tick={TICK} />
      <Tooltip
        isAnimationActive={false}
        contentStyle={TOOLTIP_STYLE}
        itemStyle={TOOLTIP_ITEM}
        labelFormatter={(t) => timeOnly.format(Number(t))}
        formatter={(value, name) => [typeof value === 'number' ? formatValue(value, unit) : String(value ?? ''), String(name ?? '')]}
      />
      {data.lines.map((d) => (
        <Line key={d.key} dataKey={d.field} name={d.label} stroke={d.color} strokeWidth={1.5} dot={false} activeDot={{ r: 3 }} isAnimationActive={false} connectNulls />
      ))}
      {/* Alerts of this chart's rules: where one fired (red) or cleared (green); marks outside the window are left out. */}
      {marks.map((m) => (
        <ReferenceLine key={`${m.key}|${m.change}|${m.at}`} x={m.at} ifOverflow="discard" stroke={m.change === 'fired' ? 'var(--bad)' : 'var(--ok)'} strokeDasharray="4 3" className={`alert-mark alert-mark-${m.change}`} />
      ))}
    </LineChart>
  );
});
