/**
 * Pure edits of a dashboard layout: add a series to a new or an existing
 * chart, remove a series or a chart, move a chart, change a chart's title,
 * unit, window or stat settings, change a series' unit, axis or drawing, add
 * a stat panel of a chart's series beside it. Each returns the new dashboard
 * or a sentence saying why not.
 */
import type { Dashboard, ChartSpec, ChartWindow, SeriesSpec, StatOptions } from '../../../shared/telemetry';
import { seriesKey } from '../../../shared/telemetry';
import { PALETTE, seriesLabel } from './chart-data';

export const MAX_CHARTS = 32;
export const MAX_SERIES_PER_CHART = 16;

export type Edit = { ok: true; dashboard: Dashboard; chartId: string; chartTitle: string } | { ok: false; reason: string };

function newChartId(): string {
  const random = typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
  return `chart-${random}`.slice(0, 64);
}

function freeColor(chart: ChartSpec | null): string {
  // A series saved without a colour is drawn in the palette colour of its position (chart-data.ts).
  const used = new Set(chart?.series.map((s, i) => (s.color ?? PALETTE[i % PALETTE.length] ?? '').toLowerCase()));
  return PALETTE.find((c) => !used.has(c.toLowerCase())) ?? PALETTE[(chart?.series.length ?? 0) % PALETTE.length] ?? '#1f6feb';
}

/** A chart's title: the operator's, or the labels of all its series. */
export function chartTitle(chart: Pick<ChartSpec, 'title' | 'series'>): string {
  return chart.title || chart.series.map(seriesLabel).join(' · ');
}

/** Adds `series` to the chart `target`, or to a new chart when target is 'new' (titled `title`, or by its series when that is ''). */
export function addSeries(dashboard: Dashboard, target: string | 'new', series: Omit<SeriesSpec, 'color'>, title: string): Edit {
  if (target === 'new') {
    if (dashboard.charts.length >= MAX_CHARTS) return { ok: false, reason: `A dashboard holds at most ${MAX_CHARTS} charts; remove one first.` };
    const chart: ChartSpec = { id: newChartId(), title: title.slice(0, 120), unit: '', window: '5m', series: [{ ...series, color: freeColor(null) }] };
    return { ok: true, dashboard: { charts: [...dashboard.charts, chart] }, chartId: chart.id, chartTitle: chartTitle(chart) };
  }
  const chart = dashboard.charts.find((c) => c.id === target);
  if (!chart) return { ok: false, reason: 'That chart is not on the dashboard any more.' };
  const key = seriesKey(series);
  if (chart.series.some((s) => seriesKey(s) === key)) return { ok: false, reason: `${chart.title || 'That chart'} already shows this series.` };
  if (chart.series.length >= MAX_SERIES_PER_CHART) return { ok: false, reason: `A chart holds at most ${MAX_SERIES_PER_CHART} series; pick another chart or a new one.` };
  const next = { ...chart, series: [...chart.series, { ...series, color: freeColor(chart) }] };
  return { ok: true, dashboard: { charts: dashboard.charts.map((c) => (c.id === target ? next : c)) }, chartId: chart.id, chartTitle: chartTitle(next) };
}

/** Removes one series; a chart left without series goes too. */
export function removeSeries(dashboard: Dashboard, chartId: string, index: number): Dashboard {
  const charts = dashboard.charts.flatMap((c) => {
    if (c.id !== chartId) return [c];
    const series = c.series.filter((_, i) => i !== index);
    return series.length ? [{ ...c, series }] : [];
  });
  return { charts };
}

export function removeChart(dashboard: Dashboard, chartId: string): Dashboard {
  return { charts: dashboard.charts.filter((c) => c.id !== chartId) };
}

export function moveChart(dashboard: Dashboard, chartId: string, by: -1 | 1): Dashboard {
  const charts = [...dashboard.charts];
  const i = charts.findIndex((c) => c.id === chartId);
  const j = i + by;
  if (i < 0 || j < 0 || j >= charts.length) return dashboard;
  [charts[i], charts[j]] = [charts[j] as ChartSpec, charts[i] as ChartSpec];
  return { charts };
}

export function changeChart(dashboard: Dashboard, chartId: string, change: Partial<{ title: string; unit: string; window: ChartWindow; stat: StatOptions }>): Dashboard {
  return { charts: dashboard.charts.map((c) => (c.id === chartId ? { ...c, ...change } : c)) };
}

/** What the operator sets per series; a field given as undefined (or an empty unit) goes back to the automatic choice. */
export interface SeriesChange {
  unit?: string;
  axis?: SeriesSpec['axis'];
  draw?: SeriesSpec['draw'];
}

export function changeSeries(dashboard: Dashboard, chartId: string, index: number, change: SeriesChange): Dashboard {
  const edit = (s: SeriesSpec): SeriesSpec => {
    const next = { ...s };
    if ('unit' in change) {
      if (change.unit) next.unit = change.unit.slice(0, 24);
      else delete next.unit;
    }
    if ('axis' in change) {
      if (change.axis) next.axis = change.axis;
      else delete next.axis;
    }
    if ('draw' in change) {
      if (change.draw) next.draw = change.draw;
      else delete next.draw;
    }
    return next;
  };
  return { charts: dashboard.charts.map((c) => (c.id === chartId ? { ...c, series: c.series.map((s, i) => (i === index ? edit(s) : s)) } : c)) };
}

/** A stat panel of the chart's series (same window and unit), placed right after it. */
export function addStatPanel(dashboard: Dashboard, chartId: string): Edit {
  const i = dashboard.charts.findIndex((c) => c.id === chartId);
  const chart = dashboard.charts[i];
  if (!chart) return { ok: false, reason: 'That chart is not on the dashboard any more.' };
  if (dashboard.charts.length >= MAX_CHARTS) return { ok: false, reason: `A dashboard holds at most ${MAX_CHARTS} charts; remove one first.` };
  const panel: ChartSpec = { id: newChartId(), title: chart.title, unit: chart.unit, window: chart.window, series: chart.series.map((s) => ({ ...s })), kind: 'stat' };
  const charts = [...dashboard.charts];
  charts.splice(i + 1, 0, panel);
  return { ok: true, dashboard: { charts }, chartId: panel.id, chartTitle: chartTitle(panel) };
}
