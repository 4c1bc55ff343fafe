/**
 * The points one chart draws for one series key: a downsampled view read from
 * main, then the samples of each batch appended, the ones older than the
 * chart's window dropped. Samples that arrive while the view is being read
 * are held and only those newer than the view are kept, so nothing is drawn
 * twice. Also what main says about the series: errors, the last error,
 * samples the memory budget evicted, and whether its source said it is
 * offline; and for stat panels the count and sum of the samples since the
 * view's start and the newest sample known.
 */
import type { ReportedOffline } from '../../../shared/staleness';
import type { ChartViewData, SeriesUpdate } from '../../../shared/telemetry';
import { minMaxPerColumn } from '../../../shared/min-max';

/** Samples held while a view is read; beyond this the line is simply read again. */
const MAX_PENDING = 20_000;

export class SeriesLine {
  times: number[] = [];
  values: number[] = [];
  /** Index of the first live point; points before it were dropped and are compacted away in bulk. */
  head = 0;
  errors = 0;
  lastError: string | null = null;
  evicted = 0;
  /** Samples main counted in the view last read (not the points drawn). */
  samples = 0;
  /** Samples since the view's start (the view's, then those appended) and their sum (null: unknown); samples that slid out of the window stay counted until the next read. */
  count = 0;
  sum: number | null = null;
  /** The newest sample known, even one older than the window. */
  latest: { t: number; v: number } | null = null;
  offline: ReportedOffline | null = null;
  /** Why the view could not be read, if it could not. */
  loadError: string | null = null;
  /** Ready once a view was read; until then appended samples are held. */
  ready = false;
  loading = false;
  /** Another read is due as soon as the one in flight returns. */
  again = false;
  lastLoadAt = 0;
  private pendingTimes: number[] = [];
  private pendingValues: number[] = [];
  private overflowed = false;

  constructor(
    readonly key: string,
    /** The element suffix of a wildcard path (`[2]`), or '' for the series itself. */
    readonly element: string,
  ) {}

  get size(): number {
    return this.times.length - this.head;
  }

  get lastTime(): number | null {
    return this.size > 0 ? (this.times[this.times.length - 1] as number) : null;
  }

  get lastValue(): number | null {
    return this.size > 0 ? (this.values[this.values.length - 1] as number) : null;
  }

  /** Takes a freshly read view, plus the held samples that are newer than it. */
  setView(view: ChartViewData): void {
    const times = view.times.slice();
    const values = view.values.slice();
    const pt = this.pendingTimes;
    const pv = this.pendingValues;
    let count = view.samples;
    let sum = view.sum ?? null;
    let latest = view.latest ?? null;
    for (let i = 0; i < pt.length; i++) {
      if ((pt[i] as number) > view.to) {
        times.push(pt[i] as number);
        values.push(pv[i] as number);
        count++;
        if (sum !== null) sum += pv[i] as number;
      }
    }
    const n = times.length;
    if (n > 0 && (!latest || (times[n - 1] as number) > latest.t)) latest = { t: times[n - 1] as number, v: values[n - 1] as number };
    if (this.latest && (!latest || this.latest.t > latest.t)) latest = this.latest;
    this.count = count;
    this.sum = sum;
    this.latest = latest;
    this.offline = view.offline ?? null;
    this.times = times;
    this.values = values;
    this.head = 0;
    this.pendingTimes = [];
    this.pendingValues = [];
    this.overflowed = false;
    this.errors = Math.max(this.errors, view.errors);
    this.lastError = view.lastError ?? this.lastError;
    this.evicted = Math.max(this.evicted, view.evicted);
    this.samples = view.samples;
    this.loadError = null;
    this.ready = true;
  }

  /** A read failed: keep the points there were, add what was held, and say why. */
  failLoad(reason: string): void {
    for (let i = 0; i < this.pendingTimes.length; i++) {
      this.times.push(this.pendingTimes[i] as number);
      this.values.push(this.pendingValues[i] as number);
    }
    this.pendingTimes = [];
    this.pendingValues = [];
    this.overflowed = false;
    this.loadError = reason;
    this.sum = null;
    this.ready = true;
  }

  /** Starts a read: from now on appended samples are held until `setView`. */
  beginLoad(): void {
    this.loading = true;
    this.ready = false;
    this.pendingTimes = [];
    this.pendingValues = [];
    this.overflowed = false;
  }

  /** The new samples and counters of one batch; returns true when samples were skipped and the line must be read again. */
  apply(update: SeriesUpdate): boolean {
    this.errors = update.errors;
    this.lastError = update.lastError;
    this.evicted = update.evicted;
    this.offline = update.offline ?? null;
    const n = update.times.length;
    if (n > 0) this.latest = { t: update.times[n - 1] as number, v: update.values[n - 1] as number };
    if (!this.ready) {
      // A read is due or in flight; it covers everything up to its own time.
      if (this.overflowed) return false;
      if (this.pendingTimes.length + n > MAX_PENDING) {
        this.overflowed = true;
        this.pendingTimes = [];
        this.pendingValues = [];
        this.again = true;
        return false;
      }
      for (let i = 0; i < n; i++) {
        this.pendingTimes.push(update.times[i] as number);
        this.pendingValues.push(update.values[i] as number);
      }
      if (update.gap) this.again = true;
      return false;
    }
    let sum = this.sum;
    for (let i = 0; i < n; i++) {
      this.times.push(update.times[i] as number);
      this.values.push(update.values[i] as number);
      if (sum !== null) sum += update.values[i] as number;
    }
    this.sum = sum;
    this.count += n;
    return update.gap;
  }

  /**
   * Thins the points to min and max per pixel column over [from, to], as a view
   * read from main would be: what a line does when samples arrive faster than
   * it may read its view again.
   */
  thin(from: number, to: number, width: number): void {
    const thinned = minMaxPerColumn({ times: this.times, values: this.values, start: this.head, end: this.times.length }, from, to, width);
    this.times = thinned.times;
    this.values = thinned.values;
    this.head = 0;
  }

  /** Drops points older than `cutoff`. */
  trim(cutoff: number): void {
    const times = this.times;
    let head = this.head;
    while (head < times.length && (times[head] as number) < cutoff) head++;
    this.head = head;
    if (head > 1024 && head * 2 > times.length) {
      this.times = times.slice(head);
      this.values = this.values.slice(head);
      this.head = 0;
    }
  }
}
