/**
 * A whole chart as one CSV: a time column, then one column per series, one
 * row per moment any series has a sample (the other cells empty). Times are
 * the operator's local time with its UTC offset (`2026-12-03T14:05:00.123+01:00`),
 * so a spreadsheet shows what the chart showed and the moment stays exact.
 * Cells are written by the one CSV rule of the app (shared/csv.ts). Each
 * series is read from main over the chart's range at the widest view
 * (CSV_VIEW_WIDTH columns): every sample when the range holds fewer than
 * twice as many, else the lowest and highest per column, which the caller
 * tells the operator (Export range… writes every sample).
 */
import type { ApiClient } from '../../../shared/client';
import { CSV_BOM, csvLine, csvNumber, csvText } from '../../../shared/csv';
import { ok, type Result } from '../../../shared/result';

const pad = (n: number, width = 2) => String(Math.abs(Math.trunc(n))).padStart(width, '0');

/** ISO 8601 in local time with the offset in force at that moment. */
export function localIsoTime(t: number): string {
  const d = new Date(t);
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const date = `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  return `${date}T${time}${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}

export interface CsvColumn {
  header: string;
  times: readonly number[];
  values: readonly number[];
}

/** The CSV text (with a byte-order mark): rows in time order; samples of one series sharing a millisecond get a row each. */
export function chartCsv(columns: readonly CsvColumn[]): string {
  const parts = [CSV_BOM, csvLine(['time', ...columns.map((c) => csvText(c.header))])];
  const at = columns.map(() => 0);
  const cells = columns.map(() => '');
  for (;;) {
    let t = Infinity;
    columns.forEach((c, k) => {
      const i = at[k] as number;
      if (i < c.times.length && (c.times[i] as number) < t) t = c.times[i] as number;
    });
    if (t === Infinity) return parts.join('');
    columns.forEach((c, k) => {
      const i = at[k] as number;
      if (i < c.times.length && c.times[i] === t) {
        cells[k] = csvNumber(c.values[i] as number);
        at[k] = i + 1;
      } else cells[k] = '';
    });
    parts.push(csvLine([localIsoTime(t), ...cells]));
  }
}

/** A file name for a chart's CSV: its title and the start of its range (`Oven_temperatures_2026-12-03T14-05.csv`). */
export function chartCsvFileName(title: string, from: number): string {
  const name = title.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 80) || 'chart';
  return `${name}_${localIsoTime(from).slice(0, 16).replace(/:/g, '-')}.csv`;
}

/** Points a chart CSV asks per series: views this wide hold every sample of ranges with up to twice as many. */
export const CSV_VIEW_WIDTH = 8000;

export interface ChartCsv {
  text: string;
  /** Samples in the range, and how many rows of them the file holds (fewer when a series had more than a view holds). */
  samples: number;
  written: number;
}

/** Reads every line of a chart over [from, to] and writes them as one CSV; the header names each series (and its unit). */
export async function readChartCsv(client: ApiClient, lines: ReadonlyArray<{ key: string; label: string; unit: string }>, from: number, to: number): Promise<Result<ChartCsv>> {
  const views = await Promise.all(lines.map((d) => client.invoke('telemetry.view', { key: d.key, range: { from, to }, width: CSV_VIEW_WIDTH })));
  const columns: CsvColumn[] = [];
  let samples = 0;
  let written = 0;
  for (const [i, view] of views.entries()) {
    if (!view.ok) return view;
    const d = lines[i] as (typeof lines)[number];
    columns.push({ header: d.unit ? `${d.label} (${d.unit})` : d.label, times: view.value.times, values: view.value.values });
    samples += view.value.samples;
    written += view.value.times.length;
  }
  return ok({ text: chartCsv(columns), samples, written });
}
