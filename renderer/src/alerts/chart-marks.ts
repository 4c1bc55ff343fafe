/**
 * Alerts as marks on a chart: when an alert of one of its rules (or of a
 * threshold on one of its series) fired or cleared. Read from the alert
 * history for the chart's window when it is shown, then kept current from
 * `alerts.changed`; at most MAX_MARKS, the newest.
 */
import { useEffect, useState } from 'react';
import type { AlertRecord, AlertView } from '../../../shared/alerts';
import { seriesKey, WINDOW_MS, type ChartSpec } from '../../../shared/telemetry';
import { useServices } from '../app/services';

export interface ChartMark {
  at: number;
  change: 'fired' | 'cleared';
  title: string;
  key: string;
}

export const MAX_MARKS = 200;

/** Adds marks to a list: one per alert, change and time, in time order, the newest MAX_MARKS. */
export function mergeMarks(list: readonly ChartMark[], added: readonly ChartMark[]): ChartMark[] {
  const seen = new Map(list.map((m) => [`${m.key}|${m.change}|${m.at}`, m]));
  for (const m of added) seen.set(`${m.key}|${m.change}|${m.at}`, m);
  return [...seen.values()].sort((a, b) => a.at - b.at).slice(-MAX_MARKS);
}

/** The mark a record or a pushed change makes, if it is a firing or a clear. */
export function markOf(alert: Pick<AlertRecord, 'key' | 'title'>, change: string, at: number | null): ChartMark[] {
  return (change === 'fired' || change === 'cleared') && at !== null ? [{ at, change, title: alert.title, key: alert.key }] : [];
}

function concerns(spec: ChartSpec, alert: Pick<AlertView, 'chartId' | 'seriesKey'>): boolean {
  return alert.chartId === spec.id || (alert.seriesKey !== null && spec.series.some((s) => seriesKey(s) === alert.seriesKey));
}

export function useChartMarks(spec: ChartSpec): ChartMark[] {
  const { client, alerts } = useServices();
  const [marks, setMarks] = useState<ChartMark[]>([]);
  const span = WINDOW_MS[spec.window];

  useEffect(() => {
    let live = true;
    const off = alerts.onChange(({ alert, change }) => {
      if (concerns(spec, alert)) setMarks((list) => mergeMarks(list, markOf(alert, change, change === 'fired' ? alert.firedAt : alert.clearedAt)));
    });
    void client.invoke('alerts.history', { chartId: spec.id, ...(span !== null && { from: Date.now() - span }), limit: MAX_MARKS }).then((result) => {
      if (live && result.ok) setMarks((list) => mergeMarks(list, result.value.records.flatMap((r) => markOf(r, r.change, r.at))));
    });
    return () => {
      live = false;
      off();
    };
    // The spec object changes with every dashboard save; what matters is which chart, window and series.
  }, [client, alerts, spec.id, span, spec.series.map(seriesKey).join('\n')]);

  return marks;
}
