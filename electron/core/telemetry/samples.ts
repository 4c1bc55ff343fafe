/**
 * Chart samples in typed arrays under one global memory budget. Every series
 * is a ring of fixed-size chunks drawn from a shared pool; when the pool is
 * full, the chunk holding the oldest samples of the whole store is recycled,
 * so the oldest samples go first, whichever series they belong to. Evictions
 * are counted so the UI can say so. No allocation per sample.
 */

/** Samples per chunk: 4096 × (8 B time + 4 B value) = 48 KiB. */
export const CHUNK_SAMPLES = 4096;
export const BYTES_PER_SAMPLE = 12;
const CHUNK_BYTES = CHUNK_SAMPLES * BYTES_PER_SAMPLE;

class Chunk {
  readonly times = new Float64Array(CHUNK_SAMPLES);
  readonly values = new Float32Array(CHUNK_SAMPLES);
  length = 0;
  owner: Series | null = null;
}

export interface PoolStats {
  budgetBytes: number;
  usedBytes: number;
  samples: number;
  series: number;
  /** Samples dropped because the budget was reached, since start. */
  evictedSamples: number;
}

export class SamplePool {
  private budgetChunks: number;
  /** Chunks in use, oldest first: the eviction order. */
  private readonly inUse: Chunk[] = [];
  private inUseHead = 0;
  private readonly free: Chunk[] = [];
  private allocated = 0;
  evictedSamples = 0;
  readonly series = new Set<Series>();

  constructor(budgetBytes: number) {
    this.budgetChunks = Math.max(2, Math.floor(budgetBytes / CHUNK_BYTES));
  }

  get budgetBytes(): number {
    return this.budgetChunks * CHUNK_BYTES;
  }

  /** Changing the budget takes effect at once: a smaller one evicts the oldest chunks now. */
  setBudget(bytes: number): void {
    this.budgetChunks = Math.max(2, Math.floor(bytes / CHUNK_BYTES));
    while (this.liveChunks() > this.budgetChunks) this.evictOldest();
    // Let the garbage collector have what a smaller budget no longer needs.
    const excess = this.allocated - this.budgetChunks;
    if (excess > 0) {
      const dropped = this.free.splice(0, excess).length;
      this.allocated -= dropped;
    }
  }

  private liveChunks(): number {
    return this.inUse.length - this.inUseHead;
  }

  /** A chunk for `owner`: a free one, a new one within budget, or the oldest one recycled. */
  take(owner: Series): Chunk {
    let chunk = this.free.pop();
    if (!chunk && this.allocated < this.budgetChunks) {
      chunk = new Chunk();
      this.allocated++;
    }
    if (!chunk) chunk = this.evictOldest();
    chunk.length = 0;
    chunk.owner = owner;
    this.inUse.push(chunk);
    this.compact();
    return chunk;
  }

  /** Detaches the oldest chunk from its series and returns it, counting its samples as evicted. */
  private evictOldest(): Chunk {
    // Prefer a chunk no series is writing into; only when every live chunk is active take the oldest anyway.
    let fallback: Chunk | null = null;
    for (let scanned = this.liveChunks(); scanned > 0; scanned--) {
      const chunk = this.inUse[this.inUseHead++] as Chunk;
      const owner = chunk.owner;
      if (!owner) continue; // released already
      if (owner.isActive(chunk)) {
        fallback ??= chunk;
        this.inUse.push(chunk);
        continue;
      }
      return this.detach(chunk, owner);
    }
    if (!fallback?.owner) throw new Error('sample pool has no chunk to evict');
    const index = this.inUse.indexOf(fallback, this.inUseHead);
    this.inUse.splice(index, 1);
    return this.detach(fallback, fallback.owner);
  }

  private detach(chunk: Chunk, owner: Series): Chunk {
    this.evictedSamples += chunk.length;
    owner.dropFirst(chunk);
    chunk.owner = null;
    return chunk;
  }

  /** A series was deleted: its chunks go back to the free list. */
  release(chunks: Chunk[]): void {
    for (const chunk of chunks) {
      chunk.owner = null;
      chunk.length = 0;
      this.free.push(chunk);
    }
    // Released chunks stay in `inUse` until reached; drop them now to keep it short.
    this.compact(true);
  }

  private compact(force = false): void {
    if (!force && this.inUseHead < 1024) return;
    const live = this.inUse.slice(this.inUseHead).filter((c) => c.owner !== null);
    this.inUse.length = 0;
    this.inUse.push(...live);
    this.inUseHead = 0;
  }

  stats(): PoolStats {
    let samples = 0;
    for (const s of this.series) samples += s.count;
    return { budgetBytes: this.budgetBytes, usedBytes: this.liveChunks() * CHUNK_BYTES, samples, series: this.series.size, evictedSamples: this.evictedSamples };
  }
}

export class Series {
  private chunks: Chunk[] = [];
  /** Samples ever appended: a cursor for "what is new since". */
  appended = 0;
  /** Samples of this series evicted by the budget. */
  evicted = 0;
  /** Payloads that yielded no value, and why the last one did not. */
  errors = 0;
  lastError: string | null = null;

  constructor(
    private readonly pool: SamplePool,
    readonly maxSamples = Number.POSITIVE_INFINITY,
  ) {
    pool.series.add(this);
  }

  get count(): number {
    let n = 0;
    for (const c of this.chunks) n += c.length;
    return n;
  }

  isActive(chunk: Chunk): boolean {
    return this.chunks[this.chunks.length - 1] === chunk;
  }

  dropFirst(chunk: Chunk): void {
    if (this.chunks[0] === chunk) this.chunks.shift();
    else this.chunks = this.chunks.filter((c) => c !== chunk);
    this.evicted += chunk.length;
  }

  append(time: number, value: number): void {
    let last = this.chunks[this.chunks.length - 1];
    if (!last || last.length === CHUNK_SAMPLES) {
      if (this.count + 1 > this.maxSamples && this.chunks.length > 1) {
        const oldest = this.chunks.shift() as Chunk;
        this.evicted += oldest.length;
        this.pool.release([oldest]);
      }
      last = this.pool.take(this);
      this.chunks.push(last);
    }
    last.times[last.length] = time;
    last.values[last.length] = value;
    last.length++;
    this.appended++;
  }

  /** Oldest and newest sample times, or null when empty. */
  span(): { first: number; last: number } | null {
    const a = this.chunks[0];
    const b = this.chunks[this.chunks.length - 1];
    if (!a || !b || b.length === 0) return null;
    return { first: a.times[0] as number, last: b.times[b.length - 1] as number };
  }

  /** Calls `fn` for every sample with from ≤ time ≤ to, in order. */
  forEach(from: number, to: number, fn: (time: number, value: number) => void): void {
    for (const chunk of this.chunks) {
      const n = chunk.length;
      if (n === 0 || (chunk.times[n - 1] as number) < from) continue;
      if ((chunk.times[0] as number) > to) break;
      let i = lowerBound(chunk.times, n, from);
      for (; i < n; i++) {
        const t = chunk.times[i] as number;
        if (t > to) return;
        fn(t, chunk.values[i] as number);
      }
    }
  }

  /** The last `n` samples appended (at most what is still stored), oldest first. */
  tail(n: number): { times: Float64Array; values: Float64Array } {
    const take = Math.min(n, this.count);
    const times = new Float64Array(take);
    const values = new Float64Array(take);
    let k = take;
    for (let c = this.chunks.length - 1; c >= 0 && k > 0; c--) {
      const chunk = this.chunks[c] as Chunk;
      for (let i = chunk.length - 1; i >= 0 && k > 0; i--) {
        k--;
        times[k] = chunk.times[i] as number;
        values[k] = chunk.values[i] as number;
      }
    }
    return { times, values };
  }

  dispose(): void {
    this.pool.release(this.chunks);
    this.chunks = [];
    this.pool.series.delete(this);
  }
}

function lowerBound(times: Float64Array, n: number, value: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface ChartView {
  /** Point times (ms) and values, at most two per pixel column, in time order. */
  times: number[];
  values: number[];
  /** Samples the view covers. */
  samples: number;
}

/**
 * Min/max per pixel column over [from, to]: each column keeps its lowest and
 * highest sample in time order, so spikes and dips survive at any zoom.
 */
export function downsample(series: Series, from: number, to: number, width: number): ChartView {
  const columns = Math.max(1, Math.floor(width));
  const span = Math.max(1e-9, to - from);
  const minT = new Float64Array(columns).fill(NaN);
  const minV = new Float64Array(columns);
  const maxT = new Float64Array(columns);
  const maxV = new Float64Array(columns);
  let samples = 0;
  series.forEach(from, to, (t, v) => {
    samples++;
    let c = Math.floor(((t - from) / span) * columns);
    if (c >= columns) c = columns - 1;
    if (Number.isNaN(minT[c] as number)) {
      minT[c] = t;
      minV[c] = v;
      maxT[c] = t;
      maxV[c] = v;
      return;
    }
    if (v < (minV[c] as number)) {
      minV[c] = v;
      minT[c] = t;
    }
    if (v > (maxV[c] as number)) {
      maxV[c] = v;
      maxT[c] = t;
    }
  });
  const times: number[] = [];
  const values: number[] = [];
  for (let c = 0; c < columns; c++) {
    const tMin = minT[c] as number;
    if (Number.isNaN(tMin)) continue;
    const tMax = maxT[c] as number;
    if (tMin === tMax) {
      times.push(tMin);
      values.push(minV[c] as number);
    } else if (tMin < tMax) {
      times.push(tMin, tMax);
      values.push(minV[c] as number, maxV[c] as number);
    } else {
      times.push(tMax, tMin);
      values.push(maxV[c] as number, minV[c] as number);
    }
  }
  return { times, values, samples };
}
