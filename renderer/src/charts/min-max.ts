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
  // Points are told apart by index, not time: a burst shares one millisecond.
  let minI = 0;
  let minV = 0;
  let maxI = 0;
  let maxV = 0;
  const emit = () => {
    if (column < 0) return;
    if (minI === maxI) {
      times.push(p.times[minI] as number);
      values.push(minV);
    } else {
      const [a, b] = minI < maxI ? [minI, maxI] : [maxI, minI];
      times.push(p.times[a] as number, p.times[b] as number);
      values.push(p.values[a] as number, p.values[b] as number);
    }
  };
  for (let i = p.start; i < p.end; i++) {
    const t = p.times[i] as number;
    const v = p.values[i] as number;
    const c = Math.min(columns - 1, Math.max(0, Math.floor(((t - from) / span) * columns)));
    if (c !== column) {
      emit();
      column = c;
      minI = maxI = i;
      minV = maxV = v;
      continue;
    }
    if (v < minV) {
      minV = v;
      minI = i;
    }
    if (v > maxV) {
      maxV = v;
      maxI = i;
    }
  }
  emit();
  return { times, values };
}
