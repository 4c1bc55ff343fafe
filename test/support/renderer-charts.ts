/**
 * Charts as the window's chart tests build them: a series spec, a view as
 * main would answer it, a chart of some width with its lines, and a chart's
 * line by position.
 */
import type { ChartSpec, ChartViewData, ChartWindow, SeriesSpec } from '../../shared/telemetry';
import { LiveChart } from '../../renderer/src/charts/live-charts';
import type { SeriesLine } from '../../renderer/src/charts/series-line';

export function spec(topic: string, extra: Partial<SeriesSpec> = {}): SeriesSpec {
  return { connectionId: 'c1', topic, extractor: { kind: 'number' }, label: '', ...extra };
}

export function view(key: string, times: number[], values: number[], extra: Partial<ChartViewData> = {}): ChartViewData {
  return { key, elements: [], times, values, samples: times.length, from: times[0] ?? 0, to: times.at(-1) ?? 0, errors: 0, lastError: null, evicted: 0, ...extra };
}

export function chart(window: ChartWindow, series: SeriesSpec[], width = 800, extra: Partial<ChartSpec> = {}): LiveChart {
  const c = new LiveChart('chart-1', { id: 'chart-1', title: '', unit: '', window, series, ...extra });
  c.width = width;
  return c;
}

/** The line of the series at `index` itself (not a wildcard element). */
export function baseLine(c: LiveChart, index: number): SeriesLine {
  const group = c.groups[index];
  const l = group?.lines.get(group.baseKey);
  if (!l) throw new Error(`no line ${index}`);
  return l;
}
