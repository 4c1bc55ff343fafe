/**
 * The charts on screen and their data, outside React. A chart mounts in the
 * window's registry (one per window, made at startup by app/compose.ts) with
 * its spec and its pixel width; the registry tells main which series are on
 * screen (`telemetry.watch`), reads each line's downsampled view
 * (`telemetry.view`), appends the samples of every batch, drops what left the
 * window, and reads a line again when main reports a gap, when the window or
 * the width changed, or when appended samples reach four points per pixel.
 * A chart zoomed to an absolute range stops following live data: its lines
 * are read for that range at its width and left alone until it goes back to
 * live. Stat panels are read again every few seconds, so their mean covers
 * the window as it slides. Each chart bumps its own frame signal; React draws
 * it at most once a frame.
 */
import type { ApiClient } from '../../../shared/client';
import type { TimeRange } from '../../../shared/history';
import { seriesKey, WINDOW_MS, type ChartSpec, type ChartWindow, type SeriesSpec, type SeriesUpdate } from '../../../shared/telemetry';
import { FrameSignal } from '../app/frame-signal';
import { SeriesLine } from './series-line';

/** Appended points allowed per pixel before the line is read again (main's views hold two). */
const MAX_POINTS_PER_PIXEL = 4;
/** Past this, while a read is not yet allowed, the line is thinned in place so memory stays bounded. */
const HARD_POINTS_PER_PIXEL = 8;
/** Reads caused only by growth are spaced at least this far apart per line. */
const GROWTH_RELOAD_MS = 1000;
/** Windowed charts slide (and drop old points) at least this often without new samples. */
const SLIDE_MS = 1000;
/** A resize is followed by new reads once the size has settled this long. */
const RESIZE_SETTLE_MS = 200;
/** A stat panel's lines are read again this often (their mean and extremes then cover exactly the window). */
const STAT_REFRESH_MS = 5000;

export interface SeriesGroup {
  spec: SeriesSpec;
  baseKey: string;
  /** The series itself and, for a wildcard path, one line per element seen, by key. */
  lines: Map<string, SeriesLine>;
}

export class LiveChart {
  /** Paced: charts take turns to redraw, one per frame at most. */
  readonly signal = new FrameSignal(true);
  window: ChartWindow;
  /** The chart's unit: that of its series that name none. */
  unit: string;
  kind: 'line' | 'stat';
  /** Zoomed to this absolute range (not following live data), or null: live. */
  range: TimeRange | null = null;
  width = 0;
  /** Frozen by the operator: the data keeps flowing underneath, the drawing does not change. */
  paused = false;
  groups: SeriesGroup[] = [];

  constructor(
    readonly id: string,
    spec: ChartSpec,
  ) {
    this.window = spec.window;
    this.unit = spec.unit;
    this.kind = spec.kind ?? 'line';
    this.setSeries(spec.series);
  }

  /** Replaces the series, keeping the lines (and their points) of series that stay. */
  setSeries(series: SeriesSpec[]): void {
    const old = new Map(this.groups.map((g) => [g.baseKey, g]));
    this.groups = series.map((spec) => {
      const baseKey = seriesKey(spec);
      const kept = old.get(baseKey);
      if (kept) return { ...kept, spec };
      return { spec, baseKey, lines: new Map([[baseKey, new SeriesLine(baseKey, '')]]) };
    });
  }

  *allLines(): Generator<SeriesLine> {
    for (const group of this.groups) yield* group.lines.values();
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    this.signal.bump();
  }
}

type Route = { chart: LiveChart; line: SeriesLine };

export class ChartRegistry {
  private readonly mounted = new Set<LiveChart>();
  /** Where each batch key goes: every (chart, line) showing it. */
  private routes = new Map<string, Route[]>();
  /** Keys seen in batches that no chart shows (stale watch): not looked up again until the charts change. */
  private strays = new Set<string>();
  private lastWatched: string | null = null;
  /** Base keys told to main last time. */
  private lastKeys: string[] = [];
  private watchTimer: ReturnType<typeof setTimeout> | null = null;
  private slideTimer: ReturnType<typeof setInterval> | null = null;
  private readonly resizeTimers = new WeakMap<LiveChart, ReturnType<typeof setTimeout>>();

  constructor(private readonly client: ApiClient) {}

  private reindex(): void {
    const next = new Map<string, Route[]>();
    for (const chart of this.mounted) {
      for (const line of chart.allLines()) {
        let list = next.get(line.key);
        if (!list) next.set(line.key, (list = []));
        list.push({ chart, line });
      }
    }
    this.routes = next;
    this.strays = new Set();
  }

  /** Tells main the base keys on screen (when they changed), then reads the lines that need it. */
  private scheduleWatch(): void {
    if (this.watchTimer) return;
    this.watchTimer = setTimeout(() => {
      this.watchTimer = null;
      void this.syncWatch();
    }, 0);
  }

  private async syncWatch(force = false): Promise<void> {
    const keys = [...new Set([...this.mounted].flatMap((c) => c.groups.map((g) => g.baseKey)))].sort();
    const signature = JSON.stringify(keys);
    if (force || signature !== this.lastWatched) {
      this.lastWatched = signature;
      const before = new Set<string>(this.lastKeys);
      this.lastKeys = keys;
      await this.client.invoke('telemetry.watch', { keys: keys.slice(0, 512) });
      // Series watched before keep their place in main; new ones count from the call, so read those (all after a reconnect).
      for (const chart of this.mounted) {
        for (const group of chart.groups) {
          const fresh = force || !before.has(group.baseKey);
          for (const line of group.lines.values()) if (fresh || !line.ready) this.load(chart, line);
        }
      }
      return;
    }
    for (const chart of this.mounted) for (const line of chart.allLines()) if (!line.ready && !line.loading) this.load(chart, line);
  }

  /** Reads a line's view for its chart's window and width; a read in flight is followed by another. */
  private load(chart: LiveChart, line: SeriesLine): void {
    if (chart.width <= 0) return;
    if (line.loading) {
      line.again = true;
      return;
    }
    line.beginLoad();
    const window = chart.window;
    const range = chart.range;
    const width = Math.max(1, Math.min(8000, Math.round(chart.width)));
    void this.client.invoke('telemetry.view', range ? { key: line.key, range, width } : { key: line.key, window, width }).then((result) => {
      const first = !line.ready;
      line.loading = false;
      line.lastLoadAt = performance.now();
      if (!this.mounted.has(chart)) return;
      const stale = chart.window !== window || chart.range !== range || Math.round(chart.width) !== width;
      if (result.ok && !stale) line.setView(result.value);
      else if (!result.ok) line.failLoad(`The chart data could not be read: ${result.error.message}`);
      if (line.again || stale) {
        line.again = false;
        this.load(chart, line);
      }
      trimChart(chart);
      // A line's first data is drawn at once, not after the chart's turn in the pacing comes round.
      chart.signal.bump(first && line.ready && line.size > 0);
    });
  }

  /** A line grew past its point allowance: read it again, at most once a second. */
  private loadForGrowth(chart: LiveChart, line: SeriesLine): void {
    if (line.loading) return;
    const wait = line.lastLoadAt + GROWTH_RELOAD_MS - performance.now();
    if (wait <= 0) this.load(chart, line);
  }

  /** A key main sends that no line has yet: a new element of a wildcard path. */
  private discover(key: string): Route[] | undefined {
    if (this.strays.has(key)) return undefined;
    const found: Route[] = [];
    for (const chart of this.mounted) {
      for (const group of chart.groups) {
        if (!key.startsWith(`${group.baseKey}|`)) continue;
        const line = new SeriesLine(key, key.slice(group.baseKey.length + 1));
        group.lines.set(key, line);
        found.push({ chart, line });
        this.load(chart, line);
      }
    }
    if (found.length === 0) {
      this.strays.add(key);
      return undefined;
    }
    this.routes.set(key, found);
    return found;
  }

  /** The hot path: one call per batch. Appends, trims and marks charts; reads happen asynchronously. */
  applyBatch(updates: readonly SeriesUpdate[]): void {
    if (this.mounted.size === 0 || updates.length === 0) return;
    const touched = new Set<LiveChart>();
    for (const update of updates) {
      const targets = this.routes.get(update.key) ?? this.discover(update.key);
      if (!targets) continue;
      for (const { chart, line } of targets) {
        // A zoomed chart shows its range as read; live samples wait for its return to live.
        if (chart.range) continue;
        if (line.apply(update)) this.load(chart, line);
        touched.add(chart);
      }
    }
    for (const chart of touched) {
      trimChart(chart);
      const limit = Math.max(64, chart.width * MAX_POINTS_PER_PIXEL);
      for (const line of chart.allLines()) {
        if (!line.ready || line.size <= limit) continue;
        this.loadForGrowth(chart, line);
        if (line.size > chart.width * HARD_POINTS_PER_PIXEL && line.ready) {
          const span = WINDOW_MS[chart.window];
          const to = line.lastTime ?? Date.now();
          line.thin(span === null ? (line.times[line.head] as number) : to - span, to, chart.width);
        }
      }
      chart.signal.bump();
    }
  }

  private readonly slide = (): void => {
    const now = performance.now();
    for (const chart of this.mounted) {
      if (chart.range) continue;
      if (chart.kind === 'stat') {
        for (const line of chart.allLines()) if (line.ready && now - line.lastLoadAt >= STAT_REFRESH_MS) this.load(chart, line);
        // Ages ("12 s ago") and silence move on with no new sample.
        chart.signal.bump();
      }
      if (WINDOW_MS[chart.window] === null) continue;
      trimChart(chart);
      chart.signal.bump();
    }
  };

  /** Zooms the chart to `range` (it stops following live data), or back to live with null; its lines are read again. */
  zoom(chart: LiveChart, range: TimeRange | null): void {
    if (range === chart.range || (range && chart.range && range.from === chart.range.from && range.to === chart.range.to)) return;
    chart.range = range;
    chart.paused = false;
    if (this.mounted.has(chart)) for (const line of chart.allLines()) this.load(chart, line);
    chart.signal.bump();
  }

  /** Elements of wildcard paths other charts already found: a chart mounted later shows them too. */
  private adoptKnownElements(chart: LiveChart): void {
    for (const group of chart.groups) {
      for (const key of this.routes.keys()) {
        if (key.startsWith(`${group.baseKey}|`) && !group.lines.has(key)) group.lines.set(key, new SeriesLine(key, key.slice(group.baseKey.length + 1)));
      }
    }
  }

  mount(chart: LiveChart): void {
    this.adoptKnownElements(chart);
    this.mounted.add(chart);
    this.reindex();
    this.scheduleWatch();
    this.slideTimer ??= setInterval(this.slide, SLIDE_MS);
  }

  unmount(chart: LiveChart): void {
    this.mounted.delete(chart);
    this.reindex();
    this.scheduleWatch();
    if (this.mounted.size === 0 && this.slideTimer) {
      clearInterval(this.slideTimer);
      this.slideTimer = null;
    }
  }

  /** The saved spec changed: new series, new window. */
  update(chart: LiveChart, spec: ChartSpec): void {
    const keysBefore = [...chart.allLines()].map((l) => l.key).join('\n');
    chart.setSeries(spec.series);
    const windowChanged = chart.window !== spec.window;
    chart.window = spec.window;
    chart.unit = spec.unit;
    chart.kind = spec.kind ?? 'line';
    // Choosing a live window ends a zoom.
    if (windowChanged) chart.range = null;
    if (!this.mounted.has(chart)) return;
    this.adoptKnownElements(chart);
    if ([...chart.allLines()].map((l) => l.key).join('\n') !== keysBefore) {
      this.reindex();
      this.scheduleWatch();
    }
    if (windowChanged) for (const line of chart.allLines()) this.load(chart, line);
    chart.signal.bump();
  }

  /** The chart's plot area was resized: it draws at the new width at once, and reads views for it once the size settles. */
  resize(chart: LiveChart, width: number): void {
    const w = Math.round(width);
    if (w <= 0 || w === Math.round(chart.width)) return;
    const first = chart.width <= 0;
    chart.width = w;
    if (!this.mounted.has(chart)) return;
    chart.signal.bump();
    if (first) return this.scheduleWatch();
    clearTimeout(this.resizeTimers.get(chart));
    this.resizeTimers.set(
      chart,
      setTimeout(() => {
        if (this.mounted.has(chart)) for (const line of chart.allLines()) this.load(chart, line);
      }, RESIZE_SETTLE_MS),
    );
  }

  /** After the transport reconnected: the window has a new feed that watches nothing yet. */
  rewatch(): void {
    void this.syncWatch(true);
  }
}

function trimChart(chart: LiveChart): void {
  const span = WINDOW_MS[chart.window];
  if (span === null || chart.range) return;
  const cutoff = Date.now() - span;
  for (const line of chart.allLines()) line.trim(cutoff);
}
