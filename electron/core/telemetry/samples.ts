/**
 * Chart samples in typed arrays under one global memory budget, which the
 * message history (messages.ts) shares: it may take up to half of it, the
 * samples the rest. Every series
 * is a ring of chunks drawn from a shared pool; a series' chunks grow from 256
 * to 4096 samples, so ten thousand quiet series do not each hold a large empty
 * chunk. When the pool is full, the chunk holding the oldest samples of the
 * whole store is recycled, so the oldest samples go first, whichever series
 * they belong to. Evictions are counted so the UI can say so. No allocation
 * per sample.
 */
import { MinMaxColumns } from '../../../shared/min-max';
import type { MessageMemory } from './messages';
import type { ReportedOffline } from '../../../shared/staleness';

/**
 * The largest chunk: 4096 × (8 B time + 8 B value) = 64 KiB. Values are kept
 * as doubles: a float32 would turn 185.8 into 185.8000030517578 in every CSV.
 */
export const CHUNK_SAMPLES = 4096;
/** A series' first chunk; each next one is twice as large, up to CHUNK_SAMPLES. */
export const FIRST_CHUNK_SAMPLES = 256;
export const BYTES_PER_SAMPLE = 16;
const EMPTY = new Float64Array(0);

/**
 * Times and values interleaved (`t0, v0, t1, v1, …`) in one array: appending a
 * sample touches one cache line, not two, which matters when a thousand
 * series take turns between socket reads.
 */
class Chunk {
  readonly data: Float64Array;
  /** Samples held; for the chunk a series is writing into, kept by the series (`Series.pos`) and synced here when asked. */
  length = 0;
  owner: Series | null = null;
  constructor(readonly capacity: number) {
    this.data = new Float64Array(capacity * 2);
  }
  get bytes(): number {
    return this.capacity * BYTES_PER_SAMPLE;
  }
}

export interface PoolStats {
  budgetBytes: number;
  /** Sample chunks in use and the message history together. */
  usedBytes: number;
  samples: number;
  series: number;
  /** Samples dropped because the budget was reached, since start. */
  evictedSamples: number;
  messageBytes: number;
}

/** The message history's share of the budget, at most. */
export const MESSAGE_SHARE = 0.5;

export class SamplePool implements MessageMemory {
  private budget: number;
  /** Bytes of every chunk this pool holds (in use or free). */
  private allocatedBytes = 0;
  /** Bytes the message history holds: the samples get what it leaves. */
  private messageBytes = 0;
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
   * half-filled newest chunks alone must not eat the budget (at most a quarter of the samples' part).
   */
  chunkCapacityLimit(): number {
    const fair = (this.budget - this.messageBytes) / (4 * BYTES_PER_SAMPLE * Math.max(1, this.series.size));
    let capacity = FIRST_CHUNK_SAMPLES;
    while (capacity * 2 <= Math.min(CHUNK_SAMPLES, fair)) capacity *= 2;
    return capacity;
  }

  /** Changing the budget takes effect at once: a smaller one evicts the oldest samples now (the history shrinks itself, see Telemetry.setBudget). */
  setBudget(bytes: number): void {
    this.budget = Math.max(2 * CHUNK_SAMPLES * BYTES_PER_SAMPLE, bytes);
    for (const list of this.free.values()) for (const chunk of list.splice(0)) this.allocatedBytes -= chunk.bytes;
    this.fitSamples();
  }

  /** The bytes the message history may hold in all. */
  get messageLimit(): number {
    return this.budget * MESSAGE_SHARE;
  }

  messageRoom(bytes: number): boolean {
    return this.messageBytes + bytes <= this.messageLimit;
  }

  messageBytesChanged(bytes: number): void {
    this.messageBytes += bytes;
    if (bytes > 0) this.fitSamples();
  }

  /** Evicts the oldest samples until samples and messages together fit the budget. */
  private fitSamples(): void {
    if (this.allocatedBytes + this.messageBytes <= this.budget) return;
    for (const list of this.free.values()) for (const chunk of list.splice(0)) this.allocatedBytes -= chunk.bytes;
    while (this.allocatedBytes + this.messageBytes > this.budget && this.liveChunks() > 0) this.drop(this.evictOldest());
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
      if (this.allocatedBytes + this.messageBytes + capacity * BYTES_PER_SAMPLE <= this.budget || this.liveChunks() === 0) {
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

  /**
   * A chunk only if the budget has room for it without evicting anything,
   * placed first in the eviction order: it holds older samples than any
   * (a series seeded from what was kept before it was charted).
   */
  takeFree(owner: Series, capacity: number): Chunk | null {
    let chunk = this.free.get(capacity)?.pop();
    if (!chunk) {
      if (this.allocatedBytes + this.messageBytes + capacity * BYTES_PER_SAMPLE > this.budget) return null;
      chunk = new Chunk(capacity);
      this.allocatedBytes += chunk.bytes;
    }
    chunk.length = 0;
    chunk.owner = owner;
    this.inUse.splice(this.inUseHead, 0, chunk);
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
    owner.dropFirst(chunk); // settles the chunk's length first when the series was writing into it
    this.evictedSamples += chunk.length;
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
    return { budgetBytes: this.budget, usedBytes: usedBytes + this.messageBytes, samples, series: this.series.size, evictedSamples: this.evictedSamples, messageBytes: this.messageBytes };
  }
}

export class Series {
  private chunks: Chunk[] = [];
  /**
   * The chunk being written and where: the hot path touches this object and
   * one line of `buf`, nothing else. `tailChunk.length` is synced from `pos`
   * only when someone else looks (`settle`).
   */
  private tailChunk: Chunk | null = null;
  private buf: Float64Array = EMPTY;
  private pos = 0;
  private end = 0;
  /** Capacity of the next chunk: doubles per chunk up to CHUNK_SAMPLES. */
  private nextCapacity = FIRST_CHUNK_SAMPLES;
  /** Samples ever appended: a cursor for "what is new since". */
  appended = 0;
  /** Bumped when samples were put before the newest ones (seeding): readers of this series read it again. */
  revision = 0;
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

  /** Writes the tail chunk's length back to it, so whole-chunk readers see every sample. */
  private settle(): void {
    if (this.tailChunk) this.tailChunk.length = this.pos >> 1;
  }

  get count(): number {
    this.settle();
    let n = 0;
    for (const c of this.chunks) n += c.length;
    return n;
  }

  isActive(chunk: Chunk): boolean {
    return this.tailChunk === chunk;
  }

  /** The pool takes `chunk` (the oldest of the store) away. */
  dropFirst(chunk: Chunk): void {
    this.settle();
    if (this.chunks[0] === chunk) this.chunks.shift();
    else this.chunks = this.chunks.filter((c) => c !== chunk);
    if (this.tailChunk === chunk) this.detachTail();
    this.evicted += chunk.length;
  }

  private detachTail(): void {
    this.tailChunk = null;
    this.buf = EMPTY;
    this.pos = this.end = 0;
  }

  /** The hot path: two stores and two counters, unless the chunk is full. */
  append(time: number, value: number): void {
    const p = this.pos;
    if (p === this.end) return this.appendInNewChunk(time, value);
    const b = this.buf;
    b[p] = time;
    b[p + 1] = value;
    this.pos = p + 2;
    this.appended++;
    // A read rather than a store per sample: the mark is almost always clear.
    if (this.offline !== null) this.offline = null;
  }

  /** The newest sample, or null when empty. */
  latest(): { t: number; v: number } | null {
    this.settle();
    const b = this.chunks.findLast((c) => c.length > 0);
    if (!b) return null;
    const i = (b.length - 1) * 2;
    return { t: b.data[i] as number, v: b.data[i + 1] as number };
  }

  private appendInNewChunk(time: number, value: number): void {
    this.settle();
    if (this.count + 1 > this.maxSamples && this.chunks.length > 1) {
      const oldest = this.chunks.shift() as Chunk;
      this.evicted += oldest.length;
      this.pool.release([oldest]);
    }
    const capacity = Math.min(this.nextCapacity, this.pool.chunkCapacityLimit());
    const chunk = this.pool.take(this, capacity);
    this.nextCapacity = Math.min(CHUNK_SAMPLES, capacity * 2);
    this.chunks.push(chunk);
    this.tailChunk = chunk;
    this.buf = chunk.data;
    this.pos = 0;
    this.end = capacity * 2;
    this.append(time, value);
  }

  /**
   * Puts older samples (times in order, none after the first sample held)
   * before the ones held: a newly charted series starts from what was kept
   * for its topic. Only memory the budget has free is used; what does not fit
   * is left out, oldest first. Returns how many samples were put in.
   */
  prepend(times: ArrayLike<number>, values: ArrayLike<number>): number {
    this.settle();
    let end = times.length;
    const first = this.span()?.first;
    if (first !== undefined) while (end > 0 && (times[end - 1] as number) > first) end--;
    let put = 0;
    const front: Chunk[] = [];
    while (end > 0) {
      const capacity = Math.min(CHUNK_SAMPLES, this.pool.chunkCapacityLimit());
      const chunk = this.pool.takeFree(this, capacity);
      if (!chunk) break;
      const start = Math.max(0, end - capacity);
      for (let i = start, k = 0; i < end; i++, k += 2) {
        chunk.data[k] = times[i] as number;
        chunk.data[k + 1] = values[i] as number;
      }
      chunk.length = end - start;
      put += end - start;
      front.unshift(chunk);
      end = start;
    }
    if (put === 0) return 0;
    this.chunks = [...front, ...this.chunks];
    if (!this.tailChunk) {
      // Nothing was held: the newest prepended chunk is where appending goes on.
      const last = front[front.length - 1] as Chunk;
      this.tailChunk = last;
      this.buf = last.data;
      this.pos = last.length * 2;
      this.end = last.capacity * 2;
    }
    this.appended += put;
    this.revision++;
    return put;
  }

  /** Oldest and newest sample times, or null when empty. */
  span(): { first: number; last: number } | null {
    this.settle();
    const a = this.chunks.find((c) => c.length > 0);
    const b = this.chunks.findLast((c) => c.length > 0);
    if (!a || !b) return null;
    return { first: a.data[0] as number, last: b.data[(b.length - 1) * 2] as number };
  }

  /** Calls `fn` for every sample with from ≤ time ≤ to, in order. */
  forEach(from: number, to: number, fn: (time: number, value: number) => void): void {
    this.settle();
    for (const chunk of this.chunks) {
      const n = chunk.length;
      const d = chunk.data;
      if (n === 0 || (d[(n - 1) * 2] as number) < from) continue;
      if ((d[0] as number) > to) break;
      for (let i = lowerBound(d, n, from) * 2, e = n * 2; i < e; i += 2) {
        const t = d[i] as number;
        if (t > to) return;
        fn(t, d[i + 1] as number);
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
        times[k] = chunk.data[i * 2] as number;
        values[k] = chunk.data[i * 2 + 1] as number;
      }
    }
    return { times, values };
  }

  dispose(): void {
    this.pool.release(this.chunks);
    this.chunks = [];
    this.detachTail();
    this.pool.series.delete(this);
  }
}

/** The first of `n` interleaved samples whose time is ≥ `value`. */
function lowerBound(data: Float64Array, n: number, value: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((data[mid * 2] as number) < value) lo = mid + 1;
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
