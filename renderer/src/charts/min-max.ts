/**
 * Min/max thinning, the same reduction main's views use: per column of the
 * time axis keep the lowest and the highest point, in time order, so spikes
 * and dips survive however many points fall into one column.
 */
export interface Points {
  times: readonly number[];
  values: readonly number[];
  /** Indexes [start, end) of `times`/`values`. */
  start: number;
  end: number;
}

export function minMaxPerColumn(p: Points, from: number, to: number, columns: number): { times: number[]; values: number[] } {
  const times: number[] = [];
  const values: number[] = [];
  const span = Math.max(1e-9, to - from);
  let column = -1;
  let minT = 0;
  let minV = 0;
  let maxT = 0;
  let maxV = 0;
  const emit = () => {
    if (column < 0) return;
    if (minT === maxT) {
      times.push(minT);
      values.push(minV);
    } else if (minT < maxT) {
      times.push(minT, maxT);
      values.push(minV, maxV);
    } else {
      times.push(maxT, minT);
      values.push(maxV, minV);
    }
  };
  for (let i = p.start; i < p.end; i++) {
    const t = p.times[i] as number;
    const v = p.values[i] as number;
    const c = Math.min(columns - 1, Math.max(0, Math.floor(((t - from) / span) * columns)));
    if (c !== column) {
      emit();
      column = c;
      minT = maxT = t;
      minV = maxV = v;
      continue;
    }
    if (v < minV) {
      minV = v;
      minT = t;
    }
    if (v > maxV) {
      maxV = v;
      maxT = t;
    }
  }
  emit();
  return { times, values };
}
