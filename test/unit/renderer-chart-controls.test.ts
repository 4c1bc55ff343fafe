/**
 * How a chart reads (renderer/src/charts): which y-axis each series gets
 * (axes.ts), steps for states and a state held up to now (chart-data.ts), the
 * value each series shows at the hovered time (nearest.ts), the time under
 * the pointer, a drag and a wheel step (zoom.ts), a stat panel's figures,
 * colours and gauge (stats.ts), the chart's CSV in local time (chart-csv.ts),
 * read back through the real core; and the registry of charts on screen
 * zoomed to a range and back to live, each test with its own registry around
 * an in-memory client.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Points } from '../../shared/min-max';
import { seriesKey, type SeriesUpdate } from '../../shared/telemetry';
import { Telemetry } from '../../electron/core/telemetry/service';
import { ChartViews } from '../../electron/core/history/views';
import { assignAxes, type AxisInput } from '../../renderer/src/charts/axes';
import { chartData, drawsSteps, looksLikeStates } from '../../renderer/src/charts/chart-data';
import { chartCsv, localIsoTime, readChartCsv } from '../../renderer/src/charts/chart-csv';
import { ChartRegistry } from '../../renderer/src/charts/live-charts';
import { heldIndex, nearestIndex, pointAt } from '../../renderer/src/charts/nearest';
import { SeriesLine } from '../../renderer/src/charts/series-line';
import { gaugeBands, gaugeFraction, gaugeScale, lineStats, thresholdColor } from '../../renderer/src/charts/stats';
import { dragRange, MIN_SPAN_MS, plotArea, timeAt, wheelRange, xAt, Y_AXIS_WIDTH } from '../../renderer/src/charts/zoom';
import { parseCsv } from '../support/csv';
import { baseLine, chart, spec, view } from '../support/renderer-charts';
import { createMemoryClient } from '../support/memory-client';

const NO_RANGE = { min: Infinity, max: -Infinity };
const auto = (unit: string, min: number, max: number): AxisInput => ({ unit, min, max });

function points(times: number[], values: number[]): Points {
  return { times, values, start: 0, end: times.length };
}

describe('axes', () => {
  it('gives pressure (~1.2) and temperature (~25) an axis each when neither has a unit', () => {
    expect(assignAxes([auto('', 1.18, 1.25), auto('', 24.2, 25.9)])).toEqual(['left', 'right']);
  });

  it('keeps series of similar ranges on one axis', () => {
    expect(assignAxes([auto('', 20, 30), auto('', 22, 35), auto('', 18, 24)])).toEqual(['left', 'left', 'left']);
    // A steady line beside a varying one of the same size.
    expect(assignAxes([auto('', 19.9, 20.1), auto('', 20, 30)])).toEqual(['left', 'left']);
  });

  it('puts series of one unit on one axis whatever their ranges, and a second unit on the other side', () => {
    expect(assignAxes([auto('°C', 20, 21), auto('°C', 300, 900), auto('bar', 1.1, 1.3)])).toEqual(['left', 'left', 'right']);
    expect(assignAxes([auto('dBm', -75, -60), auto('°C', 20, 30), auto('dBm', -90, -80)])).toEqual(['left', 'right', 'left']);
  });

  it('sends a third unit to the side it squashes least', () => {
    expect(assignAxes([auto('°C', 20, 30), auto('bar', 1, 1.5), auto('%', 0.2, 0.9)])).toEqual(['left', 'right', 'right']);
    expect(assignAxes([auto('°C', 20, 30), auto('bar', 1, 1.5), auto('hPa', 15, 35)])).toEqual(['left', 'right', 'left']);
  });

  it('lets the operator’s choice win, and decides the others around it', () => {
    expect(assignAxes([auto('', 1.2, 1.3), { ...auto('', 24, 26), choice: 'left' }])).toEqual(['right', 'left']);
    expect(assignAxes([{ ...auto('bar', 1.2, 1.3), choice: 'left' }, { ...auto('°C', 24, 26), choice: 'left' }])).toEqual(['left', 'left']);
    expect(assignAxes([{ ...auto('bar', 1.2, 1.3), choice: 'right' }, auto('bar', 1, 2)])).toEqual(['right', 'right']);
  });

  it('puts a door (0/1) apart from a temperature, and a line without data where it does no harm', () => {
    expect(assignAxes([auto('', 20, 30), auto('', 0, 1)])).toEqual(['left', 'right']);
    expect(assignAxes([auto('', 20, 30), { unit: '', ...NO_RANGE }, auto('', 0, 0)])).toEqual(['left', 'left', 'left']);
  });
});

describe('steps', () => {
  it('draws booleans as steps, other series as lines, unless the operator chose', () => {
    expect(drawsSteps(spec('door', { extractor: { kind: 'boolean' } }))).toBe(true);
    expect(drawsSteps(spec('temp'))).toBe(false);
    expect(drawsSteps(spec('mode', { draw: 'step' }))).toBe(true);
    expect(drawsSteps(spec('door', { extractor: { kind: 'boolean' }, draw: 'line' }))).toBe(false);
  });

  it('reads whole numbers that come back to a value left as states, and not counters, measurements or too many values', () => {
    const at = (values: number[]) => points(values.map((_, i) => i * 1000), values);
    expect(looksLikeStates(at([0, 0, 2, 2, 1, 2, 0]))).toBe(true);
    expect(looksLikeStates(at([1, 2, 3, 4, 5]))).toBe(false);
    expect(looksLikeStates(at([3, 3, 3]))).toBe(false);
    expect(looksLikeStates(at([0, 1, 0.5, 1, 0]))).toBe(false);
    expect(looksLikeStates(at([0, 1, 2, 3, 4, 5, 6, 7, 8, 0]))).toBe(false);
    expect(looksLikeStates(at([0, 1, 2, 3, 4, 5, 6, 7, 0]))).toBe(true);
  });

  it('draws an enumeration as steps unless the operator chose a line', () => {
    const c = chart('1m', [spec('mode'), spec('temp'), spec('mode2', { draw: 'line' })]);
    baseLine(c, 0).setView(view('mode', [50_000, 55_000, 60_000, 65_000], [0, 2, 1, 2]));
    baseLine(c, 1).setView(view('temp', [50_000, 55_000, 60_000], [20.5, 21, 20.5]));
    baseLine(c, 2).setView(view('mode2', [50_000, 55_000, 60_000, 65_000], [0, 2, 1, 2]));
    expect(chartData(c, 100_000).lines.map((d) => d.step)).toEqual([true, false, false]);
  });

  it('holds a live step line’s last state up to now, and never a zoomed one', () => {
    const now = 100_000;
    const c = chart('1m', [spec('door', { extractor: { kind: 'boolean' } }), spec('temp')]);
    baseLine(c, 0).setView(view('door', [50_000, 60_000], [0, 1]));
    baseLine(c, 1).setView(view('temp', [50_000, 70_000], [20, 21]));
    const data = chartData(c, now);
    expect(data.lines.map((d) => d.step)).toEqual([true, false]);
    expect(data.points).toBe(3);
    // The door opened at 60 s and is still open now; the temperature is not extended.
    expect(data.rows.at(-1)).toEqual({ t: now, v0: 1 });
    c.range = { from: 40_000, to: 80_000 };
    const zoomed = chartData(c, now);
    expect(zoomed.rows.map((r) => r.t)).toEqual([50_000, 60_000, 70_000]);
    expect(zoomed).toMatchObject({ from: 40_000, to: 80_000, zoomed: true });
  });

  it('gives a chart of two units two axes, named by their units', () => {
    const c = chart('1m', [spec('p', { unit: 'bar' }), spec('t')], 800, { unit: '°C' });
    baseLine(c, 0).setView(view('p', [90_000], [1.2]));
    baseLine(c, 1).setView(view('t', [90_000], [25]));
    const data = chartData(c, 100_000);
    expect(data.lines.map((d) => [d.unit, d.side])).toEqual([
      ['bar', 'left'],
      ['°C', 'right'],
    ]);
    expect(data.axes).toEqual({ left: 'bar', right: '°C' });
  });
});

describe('the value of each series at the hovered time', () => {
  const p = points([10, 20, 30, 40], [1, 2, 3, 4]);

  it('finds the nearest sample, the earlier on a tie, at either end too', () => {
    expect(nearestIndex(p, 24)).toBe(1);
    expect(nearestIndex(p, 26)).toBe(2);
    expect(nearestIndex(p, 25)).toBe(1);
    expect(nearestIndex(p, -100)).toBe(0);
    expect(nearestIndex(p, 1e9)).toBe(3);
    expect(nearestIndex(points([], []), 5)).toBe(-1);
  });

  it('finds the sample in force for steps: the last one at or before the time', () => {
    expect(heldIndex(p, 29.9)).toBe(1);
    expect(heldIndex(p, 30)).toBe(2);
    expect(heldIndex(p, 5)).toBe(-1);
    expect(pointAt(p, 39, true)).toEqual({ t: 30, v: 3 });
    expect(pointAt(p, 39, false)).toEqual({ t: 40, v: 4 });
    expect(pointAt(p, 5, true)).toBeNull();
  });

  it('looks only at the live part of a line', () => {
    const part = { times: [1, 2, 3, 4, 5], values: [10, 20, 30, 40, 50], start: 2, end: 4 };
    expect(pointAt(part, 1, false)).toEqual({ t: 3, v: 30 });
    expect(pointAt(part, 9, false)).toEqual({ t: 4, v: 40 });
    expect(pointAt(part, 2.5, true)).toBeNull();
  });
});

describe('the time under the pointer, drags and the wheel', () => {
  const area = plotArea(856, false);
  const from = 1_000_000;
  const to = from + 60_000;

  it('maps pixels of the plot area to times and back, the right axis taking its room', () => {
    expect(area).toEqual({ left: Y_AXIS_WIDTH, width: 856 - Y_AXIS_WIDTH - 24 });
    expect(plotArea(856, true).width).toBe(856 - 2 * Y_AXIS_WIDTH);
    expect(timeAt(area.left, area, from, to)).toBe(from);
    expect(timeAt(area.left + area.width, area, from, to)).toBe(to);
    expect(timeAt(xAt(from + 12_345, area, from, to), area, from, to)).toBeCloseTo(from + 12_345, 6);
    // Outside the plot area: its edges.
    expect(timeAt(0, area, from, to)).toBe(from);
  });

  it('turns a drag into a range either way round, a click into nothing, and never below the shortest span', () => {
    const x = (t: number) => xAt(t, area, from, to);
    const start = (t: number) => ({ x: x(t), t });
    expect(dragRange(start(from + 30_000), x(from + 10_000), area, from, to)).toEqual({ from: expect.closeTo(from + 10_000, 3), to: expect.closeTo(from + 30_000, 3) });
    expect(dragRange({ x: 100, t: from }, 102, area, from, to)).toBeNull();
    const narrow = dragRange({ x: 100, t: from + 10 }, 105, area, from, from + 1000);
    expect((narrow?.to ?? 0) - (narrow?.from ?? 0)).toBe(MIN_SPAN_MS);
  });

  it('keeps the time where a drag began, though a live chart slid on under it', () => {
    const begun = { x: xAt(from + 20_000, area, from, to), t: from + 20_000 };
    // Five seconds later the window has moved: the end is read on the new one, the start stays.
    const range = dragRange(begun, xAt(from + 45_000, area, from + 5000, to + 5000), area, from + 5000, to + 5000);
    expect(range).toEqual({ from: from + 20_000, to: expect.closeTo(from + 45_000, 3) });
  });

  it('zooms in and out around the pointer, never past now nor below the shortest span', () => {
    const now = to;
    const pointer = from + 15_000;
    const zin = wheelRange(from, to, pointer, -100, now + 100_000);
    expect(zin.to - zin.from).toBeCloseTo(48_000, 6);
    // The time under the pointer stays under it.
    expect((pointer - zin.from) / (zin.to - zin.from)).toBeCloseTo(0.25, 9);
    const zout = wheelRange(from, to, to - 1000, 300, now);
    expect(zout.to).toBe(now);
    expect(zout.to - zout.from).toBeCloseTo(60_000 / 0.8 ** 3, 3);
    const tiny = wheelRange(from, from + 1200, from + 600, -1000, now);
    expect(tiny.to - tiny.from).toBe(MIN_SPAN_MS);
  });
});

describe('a stat panel’s figures', () => {
  const now = 1_000_000;
  const input = { points: points([900_000, 950_000, 990_000], [30, 10, 20]), count: 3, sum: 60, latest: null, offline: null };

  it('gives the last value and its time, min, max and mean over the range, and a live source', () => {
    const s = lineStats(input, now - 300_000, now, now, 60);
    expect(s).toEqual({ last: { t: 990_000, v: 20 }, min: 10, max: 30, mean: 20, source: { state: 'live', lastAt: 990_000 } });
  });

  it('keeps the last value of a source silent for longer than the range, and says it is offline', () => {
    const s = lineStats({ ...input, points: points([], []), count: 0, sum: 0, latest: { t: now - 600_000, v: 7 } }, now - 300_000, now, now, 60);
    expect(s).toMatchObject({ last: { t: now - 600_000, v: 7 }, min: null, max: null, mean: null, source: { state: 'silent', forMs: 600_000 } });
    expect(lineStats({ ...input, points: points([], []), count: 0, latest: null }, 0, now, now, 60).source).toEqual({ state: 'silent', forMs: Infinity });
  });

  it('is offline at once when the source said so, until a newer sample', () => {
    const offline = { since: 995_000, reason: 'node died (Sparkplug DEATH)' };
    expect(lineStats({ ...input, offline }, 0, now, now, 60).source).toEqual({ state: 'offline', forMs: 5000, reason: offline.reason });
    expect(lineStats({ ...input, offline: { ...offline, since: 980_000 } }, 0, now, now, 60).source.state).toBe('live');
  });

  it('colours a value by the highest threshold it reaches', () => {
    const options = { base: 'green' as const, thresholds: [{ value: 40, color: 'red' as const }, { value: 30, color: 'amber' as const }] };
    expect([10, 30, 39.9, 40, 1e6].map((v) => thresholdColor(v, options))).toEqual(['green', 'amber', 'amber', 'red', 'red']);
    expect(thresholdColor(5, { base: 'blue', thresholds: [] })).toBe('blue');
  });

  it('scales the gauge to the operator’s bounds, else to the values and thresholds, and cuts it into coloured bands', () => {
    const thresholds = [{ value: 30, color: 'amber' as const }, { value: 40, color: 'red' as const }];
    const own = gaugeScale({ thresholds, gaugeMin: 0, gaugeMax: 50 }, 10, 20);
    expect(own).toEqual({ min: 0, max: 50 });
    expect(gaugeBands(own, { thresholds, base: 'green' })).toEqual([
      { from: 0, to: 0.6, color: 'green' },
      { from: 0.6, to: 0.8, color: 'amber' },
      { from: 0.8, to: 1, color: 'red' },
    ]);
    expect(gaugeScale({ thresholds }, 10, 20)).toEqual({ min: 10, max: 40 });
    expect([gaugeFraction(25, own), gaugeFraction(-5, own), gaugeFraction(99, own)]).toEqual([0.5, 0, 1]);
    // A flat value with nothing else: a scale around it, never an empty one.
    const flat = gaugeScale({ thresholds: [] }, 20, 20);
    expect(flat.max).toBeGreaterThan(flat.min);
    expect(gaugeFraction(20, flat)).toBeCloseTo(0.5, 9);
    expect(gaugeScale({ thresholds: [] }, null, null)).toEqual({ min: 0, max: 1 });
  });

  it('counts the range’s samples from the view and those appended, and knows the newest sample', () => {
    const l = new SeriesLine('k', '');
    l.setView(view('k', [1000, 2000], [4, 6], { samples: 10, sum: 50, latest: { t: 2000, v: 6 } }));
    const update: SeriesUpdate = { key: 'k', times: [3000, 4000], values: [10, 20], gap: false, errors: 0, lastError: null, evicted: 0, offline: null };
    l.apply(update);
    expect([l.count, l.sum, l.latest]).toEqual([12, 80, { t: 4000, v: 20 }]);
    l.apply({ ...update, times: [], values: [], offline: { since: 5000, reason: 'last will' } });
    expect(l.offline).toEqual({ since: 5000, reason: 'last will' });
    // A view without a sum (an older core): the mean is unknown, not wrong.
    l.setView(view('k', [1000], [4]));
    expect([l.count, l.sum]).toEqual([1, null]);
  });
});

describe('the chart as CSV', () => {
  const saved = process.env.TZ;
  afterEach(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });

  it('writes local time with the offset in force at that moment', () => {
    process.env.TZ = 'Europe/Berlin';
    expect(localIsoTime(Date.UTC(2026, 11, 3, 13, 5, 0, 123))).toBe('2026-12-03T14:05:00.123+01:00');
    expect(localIsoTime(Date.UTC(2026, 6, 3, 13, 5, 0, 4))).toBe('2026-07-03T15:05:00.004+02:00');
    process.env.TZ = 'America/St_Johns';
    expect(localIsoTime(Date.UTC(2026, 0, 1, 2, 0, 0))).toBe('2025-12-31T22:30:00.000-03:30');
    process.env.TZ = 'UTC';
    expect(localIsoTime(0)).toBe('1970-01-01T00:00:00.000+00:00');
  });

  it('has a row per moment, a column per series, empty cells where a series has no sample, and guarded headers', () => {
    process.env.TZ = 'UTC';
    const text = chartCsv([
      { header: 'a/pressure (bar)', times: [1000, 2000, 2000], values: [1.2, 1.3, 1.4] },
      { header: '=cmd|"x", y', times: [2000, 3000], values: [25, -0.5] },
    ]);
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(parseCsv(text.slice(1))).toEqual([
      ['time', 'a/pressure (bar)', `'=cmd|"x", y`],
      ['1970-01-01T00:00:01.000+00:00', '1.2', ''],
      ['1970-01-01T00:00:02.000+00:00', '1.3', '25'],
      ['1970-01-01T00:00:02.000+00:00', '1.4', ''],
      ['1970-01-01T00:00:03.000+00:00', '', '-0.5'],
    ]);
  });

  it('reads every series of a chart from the core over its range and parses back to the samples', async () => {
    process.env.TZ = 'Asia/Kolkata';
    let now = 1_700_000_000_000;
    const telemetry = new Telemetry({ now: () => now });
    try {
      const a = spec('a');
      const b = { ...spec('b'), connectionId: 'c2' };
      telemetry.setCharted([a, b]);
      for (let i = 0; i < 50; i++) {
        now += 100;
        telemetry.ingest('c1', 'a', Buffer.from(String(i)), 0, false);
        if (i % 2) telemetry.ingest('c2', 'b', Buffer.from(String(-i)), 0, false);
      }
      const views = new ChartViews(telemetry, null);
      const client = createMemoryClient({ 'telemetry.view': (request) => views.view(request) });
      const result = await readChartCsv(
        client,
        [
          { key: seriesKey(a), label: 'a', unit: 'bar' },
          { key: seriesKey(b), label: 'b on c2', unit: '' },
        ],
        now - 10_000,
        now,
      );
      if (!result.ok) throw new Error(result.error.message);
      expect(result.value).toMatchObject({ samples: 75, written: 75 });
      const [header, ...rows] = parseCsv(result.value.text.slice(1));
      expect(header).toEqual(['time', 'a (bar)', 'b on c2']);
      expect(rows).toHaveLength(50);
      expect(rows.every((r) => r[0]?.endsWith('+05:30'))).toBe(true);
      expect(rows.map((r) => Date.parse(r[0] as string))).toEqual(Array.from({ length: 50 }, (_, i) => 1_700_000_000_000 + 100 * (i + 1)));
      expect(rows.map((r) => r[1])).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
      expect(rows.map((r) => r[2])).toEqual(Array.from({ length: 50 }, (_, i) => (i % 2 ? String(-i) : '')));
    } finally {
      telemetry.dispose();
    }
  });
});

describe('a chart zoomed to a range', () => {
  beforeEach(() => {
    vi.stubGlobal('requestAnimationFrame', () => 0);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('reads its lines for the range at its width, leaves live samples aside, and reads the window again back at live', async () => {
    const client = createMemoryClient({
      'telemetry.watch': () => null,
      'telemetry.view': ({ key, range }) => view(key, range ? [range.from + 10, range.to - 10] : [1000, 1001], [1, 2]),
    });
    const charts = new ChartRegistry(client);
    const c = chart('5m', [spec('a')], 640);
    charts.mount(c);
    await client.settled();
    const key = seriesKey(spec('a'));
    const line = baseLine(c, 0);
    charts.zoom(c, { from: 5000, to: 9000 });
    await client.settled();
    expect(client.requests('telemetry.view').at(-1)).toEqual({ key, range: { from: 5000, to: 9000 }, width: 640 });
    expect(line.times).toEqual([5010, 8990]);
    const live: SeriesUpdate = { key, times: [Date.now()], values: [42], gap: false, errors: 0, lastError: null, evicted: 0 };
    charts.applyBatch([live]);
    expect(line.times).toEqual([5010, 8990]);
    expect(chartData(c).from).toBe(5000);

    charts.zoom(c, null);
    await client.settled();
    expect(client.requests('telemetry.view').at(-1)).toEqual({ key, window: '5m', width: 640 });
    expect(c.range).toBeNull();
    charts.applyBatch([live]);
    expect(line.times.at(-1)).toBe(live.times[0]);
    // Choosing a window while zoomed goes back to live too.
    charts.zoom(c, { from: 5000, to: 9000 });
    charts.update(c, { id: 'chart-1', title: '', unit: '', window: '1h', series: [spec('a')] });
    expect(c.range).toBeNull();
    charts.unmount(c);
  });
});
