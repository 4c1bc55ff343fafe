/**
 * Min/max reduction per pixel column: over a time span cut into columns, each
 * column keeps its lowest and its highest sample, in time order, so spikes and
 * dips survive at any zoom and a view never holds more than two points per
 * pixel. Main reduces its sample store this way for every chart view; the
 * window thins a line with it when samples arrive faster than it may read a
 * new view. Samples are fed in time order, one call each, with no allocation
 * per sample.
 */

export interface ReducedPoints {
  times: number[];
  values: number[];
}

/** Columns of a plot `width` pixels wide: whole pixels, at least one. */
export function columnsFor(width: number): number {
  return Math.max(1, Math.floor(width));
}

export class MinMaxColumns {
  readonly times: number[] = [];
  readonly values: number[] = [];
  /** Samples fed so far, and the sum of their values (a range's mean is sum / samples). */
  samples = 0;
  sum = 0;
  private readonly columns: number;
  private readonly span: number;
  private column = -1;
  // Extremes are told apart by sample index, not time: a burst of messages shares one millisecond.
  private minI = 0;
  private minT = 0;
  private minV = 0;
  private maxI = 0;
  private maxT = 0;
  private maxV = 0;

  constructor(
    private readonly from: number,
    to: number,
    width: number,
  ) {
    this.columns = columnsFor(width);
    this.span = Math.max(1e-9, to - from);
  }

  /** One sample; times at or after the previous one's. */
  add(t: number, v: number): void {
    const i = this.samples++;
    this.sum += v;
    let c = Math.floor(((t - this.from) / this.span) * this.columns);
    if (c >= this.columns) c = this.columns - 1;
    else if (c < 0) c = 0;
    if (c !== this.column) {
      this.emit();
      this.column = c;
      this.minI = this.maxI = i;
      this.minT = this.maxT = t;
      this.minV = this.maxV = v;
      return;
    }
    if (v < this.minV) {
      this.minV = v;
      this.minT = t;
      this.minI = i;
    }
    if (v > this.maxV) {
      this.maxV = v;
      this.maxT = t;
      this.maxI = i;
    }
  }

  /** The reduced points, once every sample was added. */
  finish(): ReducedPoints {
    this.emit();
    this.column = -1;
    return { times: this.times, values: this.values };
  }

  private emit(): void {
    if (this.column < 0) return;
    if (this.minI === this.maxI) {
      this.times.push(this.minT);
      this.values.push(this.minV);
    } else if (this.minI < this.maxI) {
      this.times.push(this.minT, this.maxT);
      this.values.push(this.minV, this.maxV);
    } else {
      this.times.push(this.maxT, this.minT);
      this.values.push(this.maxV, this.minV);
    }
  }
}

/** Points in parallel arrays, in time order; only indexes [start, end) count. */
export interface Points {
  times: readonly number[];
  values: readonly number[];
  start: number;
  end: number;
}

/** Reduces the points over [from, to] to min and max per column of a `width`-pixel plot. */
export function minMaxPerColumn(points: Points, from: number, to: number, width: number): ReducedPoints {
  const reduce = new MinMaxColumns(from, to, width);
  for (let i = points.start; i < points.end; i++) reduce.add(points.times[i] as number, points.values[i] as number);
  return reduce.finish();
}
