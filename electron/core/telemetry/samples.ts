/**
 * Chart samples in typed arrays under one global memory budget. Every series
 * is a ring of chunks drawn from a shared pool; a series' chunks grow from 256
 * to 4096 samples, so ten thousand quiet series do not each hold a large empty
 * chunk. When the pool is full, the chunk holding the oldest samples of the
 * whole store is recycled, so the oldest samples go first, whichever series
 * they belong to. Evictions are counted so the UI can say so. No allocation
 * per sample.
 */
import { MinMaxColumns } from '../../../shared/min-max';
import type { ReportedOffline } from '../../../shared/staleness';

/**
 * The largest chunk: 4096 × (8 B time + 8 B value) = 64 KiB. Values are kept
 * as doubles: a float32 would turn 185.8 into 185.8000030517578 in every CSV.
 */
export const CHUNK_SAMPLES = 4096;
/** A series' first chunk; each next one is twice as large, up to CHUNK_SAMPLES. */
export const FIRST_CHUNK_SAMPLES = 256;
export const BYTES_PER_SAMPLE = 16;

class Chunk {
  readonly times: Float64Array;
  readonly values: Float64Array;
  length = 0;
  owner: Series | null = null;
  constructor(readonly capacity: number) {
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }
  get bytes(): number {
    return this.capacity * BYTES_PER_SAMPLE;
  }
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
  private budget: number;
  /** Bytes of every chunk this pool holds (in use or free). */
  private allocatedBytes = 0;
  /** Chunks in use, oldest first: the eviction order. */
  private inUse: Chunk[] = [];
  private inUseHead = 0;
  /** Free chunks by capacity. */
  private readonly free = new Map<number, Chunk[]>();
  evictedSamples = 0;
  readonly series = new Set<Series>();

  constructor(budgetBytes: number) {
    this.budget = Math.max(2 * CHUNK_SAMPLES * BYTES_PER_SAMPLE, budgetBytes);
  }

  get budgetBytes(): number {
    return this.budget;
  }

  /**
   * The largest chunk a series should take now: with many series, their
   * half-filled newest chunks alone must not eat the budget (at most a quarter of it).
   */
  chunkCapacityLimit(): number {
    const fair = this.budget / (4 * BYTES_PER_SAMPLE * Math.max(1, this.series.size));
    let capacity = FIRST_CHUNK_SAMPLES;
    while (capacity * 2 <= Math.min(CHUNK_SAMPLES, fair)) capacity *= 2;
    return capacity;
  }

  /** Changing the budget takes effect at once: a smaller one evicts the oldest samples now. */
  setBudget(bytes: number): void {
    this.budget = Math.max(2 * CHUNK_SAMPLES * BYTES_PER_SAMPLE, bytes);
    for (const list of this.free.values()) for (const chunk of list.splice(0)) this.allocatedBytes -= chunk.bytes;
    while (this.allocatedBytes > this.budget && this.liveChunks() > 0) this.drop(this.evictOldest());
  }

  private liveChunks(): number {
    return this.inUse.length - this.inUseHead;
  }

  /** Forgets a chunk entirely (the garbage collector takes its memory). */
  private drop(chunk: Chunk): void {
    this.allocatedBytes -= chunk.bytes;
  }

  /** A chunk of `capacity` for `owner`: a free one, a new one within budget, or recycled from the oldest samples. */
  take(owner: Series, capacity: number): Chunk {
    let chunk = this.free.get(capacity)?.pop();
    while (!chunk) {
      if (this.allocatedBytes + capacity * BYTES_PER_SAMPLE <= this.budget || this.liveChunks() === 0) {
        chunk = new Chunk(capacity);
        this.allocatedBytes += chunk.bytes;
        break;
      }
      const evicted = this.evictOldest();
      if (evicted.capacity === capacity) chunk = evicted;
      else this.drop(evicted);
    }
    chunk.length = 0;
    chunk.owner = owner;
    this.inUse.push(chunk);
    if (this.inUseHead > 1024) this.compact();
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
    this.inUse.splice(this.inUse.indexOf(fallback, this.inUseHead), 1);
    return this.detach(fallback, fallback.owner);
  }

  private detach(chunk: Chunk, owner: Series): Chunk {
    this.evictedSamples += chunk.length;
    owner.dropFirst(chunk);
    chunk.owner = null;
    return chunk;
  }

  /** Chunks a series gives back (deleted, or over its own cap) become free for others. */
  release(chunks: Chunk[]): void {
    for (const chunk of chunks) {
      chunk.owner = null;
      chunk.length = 0;
      const list = this.free.get(chunk.capacity) ?? [];
      list.push(chunk);
      this.free.set(chunk.capacity, list);
    }
    this.compact();
  }

  private compact(): void {
    this.inUse = this.inUse.slice(this.inUseHead).filter((c) => c.owner !== null);
    this.inUseHead = 0;
  }

  stats(): PoolStats {
    let samples = 0;
    for (const s of this.series) samples += s.count;
    let usedBytes = 0;
    for (let i = this.inUseHead; i < this.inUse.length; i++) if ((this.inUse[i] as Chunk).owner) usedBytes += (this.inUse[i] as Chunk).bytes;
    return { budgetBytes: this.budget, usedBytes, samples, series: this.series.size, evictedSamples: this.evictedSamples };
  }
}

export class Series {
  private chunks: Chunk[] = [];
  /** Capacity of the next chunk: doubles per chunk up to CHUNK_SAMPLES. */
  private nextCapacity = FIRST_CHUNK_SAMPLES;
  /** Samples ever appended: a cursor for "what is new since". */
  appended = 0;
  /** Samples of this series evicted by the budget. */
  evicted = 0;
  /** Payloads that yielded no value, and why the last one did not. */
  errors = 0;
  lastError: string | null = null;
  /** The source said it is offline (shared/staleness.ts); the next sample clears it. */
  offline: ReportedOffline | null = null;

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
    if (!last || last.length === last.capacity) {
      if (this.count + 1 > this.maxSamples && this.chunks.length > 1) {
        const oldest = this.chunks.shift() as Chunk;
        this.evicted += oldest.length;
        this.pool.release([oldest]);
      }
      const capacity = Math.min(this.nextCapacity, this.pool.chunkCapacityLimit());
      last = this.pool.take(this, capacity);
      this.nextCapacity = Math.min(CHUNK_SAMPLES, capacity * 2);
      this.chunks.push(last);
    }
    last.times[last.length] = time;
    last.values[last.length] = value;
    last.length++;
    this.appended++;
    // A read rather than a store per sample: the mark is almost always clear.
    if (this.offline !== null) this.offline = null;
  }

  /** The newest sample, or null when empty. */
  latest(): { t: number; v: number } | null {
    const b = this.chunks[this.chunks.length - 1];
    if (!b || b.length === 0) return null;
    return { t: b.times[b.length - 1] as number, v: b.values[b.length - 1] as number };
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
  /** The sum of their values (for the mean over the range). */
  sum: number;
}

/** Min/max per pixel column over [from, to] (shared/min-max.ts): spikes and dips survive at any zoom. */
export function downsample(series: Pick<Series, 'forEach'>, from: number, to: number, width: number): ChartView {
  const reduce = new MinMaxColumns(from, to, width);
  series.forEach(from, to, (t, v) => reduce.add(t, v));
  const { times, values } = reduce.finish();
  return { times, values, samples: reduce.samples, sum: reduce.sum };
}
