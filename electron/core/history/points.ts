/**
 * Points in time order (reduced points from the database, or from memory) as
 * a source for the one min/max reduction (`downsample`), which reads any
 * source that can walk its samples over a time span.
 */
export class PointList {
  readonly times: number[] = [];
  readonly values: number[] = [];

  push(t: number, v: number): void {
    this.times.push(t);
    this.values.push(v);
  }

  append(times: ArrayLike<number>, values: ArrayLike<number>): void {
    for (let i = 0; i < times.length; i++) this.push(times[i] as number, values[i] as number);
  }

  forEach(from: number, to: number, fn: (t: number, v: number) => void): void {
    for (let i = 0; i < this.times.length; i++) {
      const t = this.times[i] as number;
      if (t >= from && t <= to) fn(t, this.values[i] as number);
    }
  }
}
