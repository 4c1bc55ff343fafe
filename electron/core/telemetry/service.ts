/**
 * Live telemetry: every message updates its connection's topic store; messages
 * on charted topics are read by their series' extractors into the sample store
 * under the global budget. Windows get it through feeds: each feed coalesces
 * what changed and pushes one batch at a time, at most every 50 ms, and not
 * before the window acknowledged the previous one, so a slow window gets merged
 * deltas instead of a growing queue.
 */
import type { Qos } from '../../../shared/mqtt';
import { seriesKey, WINDOW_MS, type BudgetStats, type ChartViewData, type ChartWindow, type SeriesSpec, type SeriesUpdate, type TelemetryBatch, type TopicUpdate } from '../../../shared/telemetry';
import { compileExtractor, PayloadView, type Emit, type Extractor } from './extract';
import { downsample, SamplePool, Series } from './samples';
import { AppFailure } from '../../../shared/result';
import { TopicStore, type TopicStats } from './topics';

export const BATCH_INTERVAL_MS = 50;
/** A batch not acknowledged within this time is considered lost; the next one carries everything since. */
export const ACK_TIMEOUT_MS = 2000;
/** Topic updates per batch; the rest stay pending for the next one. */
export const MAX_TOPIC_UPDATES = 2000;
/** New samples per series per batch before the batch says "gap" and the window re-reads the view. */
export const MAX_SERIES_POINTS = 2000;
export const DEFAULT_BUDGET_BYTES = 256 * 1024 * 1024;

export interface ChartedExtractor {
  extractor: Extractor;
  key: string;
  /** The series without a sub-key; it also carries the extraction errors. */
  base: Series;
  /** Concrete elements of a wildcard path, by sub-key. */
  elements: Map<string, Series>;
  /** Appends one extracted value at the current message's time (made once, not per message). */
  emit: Emit;
}

export class Telemetry {
  readonly pool: SamplePool;
  private readonly stores = new Map<string, TopicStore>();
  /** connection → topic → the extractors reading it. */
  private charted = new Map<string, Map<string, ChartedExtractor[]>>();
  private readonly series = new Map<string, Series>();
  /** Element series of wildcard paths → the key of the series they belong to. */
  private readonly baseOf = new Map<string, string>();
  /** An array rather than a Set: iterated once per message. */
  private feeds: Feed[] = [];
  /** Time of the message being ingested, read by the extractors' emit functions. */
  private clock = 0;
  /** One view, reset per message: the hot path allocates nothing for it. */
  private readonly payloadView = new PayloadView();
  private readonly adopter: NodeJS.Timeout;
  readonly now: () => number;

  constructor(options: { budgetBytes?: number; now?: () => number } = {}) {
    this.pool = new SamplePool(options.budgetBytes ?? DEFAULT_BUDGET_BYTES);
    this.now = options.now ?? Date.now;
    // Payloads are kept as parser views for at most one interval, then copied (see TopicStats.adopt).
    this.adopter = setInterval(() => {
      for (const store of this.stores.values()) store.adopt();
    }, BATCH_INTERVAL_MS);
    this.adopter.unref?.();
  }

  dispose(): void {
    clearInterval(this.adopter);
    for (const feed of [...this.feeds]) feed.close();
  }

  /** The store of the connection whose messages came last: messages arrive in runs per connection. */
  private last: { id: string; store: TopicStore } | null = null;

  store(connectionId: string): TopicStore {
    if (this.last?.id === connectionId) return this.last.store;
    let store = this.stores.get(connectionId);
    if (!store) this.stores.set(connectionId, (store = new TopicStore()));
    this.last = { id: connectionId, store };
    return store;
  }

  /** The hot path: one call per MQTT message. */
  ingest(connectionId: string, topic: string, payload: Buffer, qos: Qos, retain: boolean): void {
    const now = this.now();
    this.clock = now;
    const stats = this.store(connectionId).record(topic, payload, qos, retain, now);
    const feeds = this.feeds;
    for (let i = 0; i < feeds.length; i++) (feeds[i] as Feed).touch(connectionId, stats);
    // Which series read this topic is looked up once per topic, not per message.
    let readers = stats.readers;
    if (readers === undefined) readers = stats.readers = this.charted.get(connectionId)?.get(topic) ?? null;
    if (readers === null) return;
    const view = this.payloadView;
    view.reset(payload);
    for (let i = 0; i < readers.length; i++) {
      const reader = readers[i] as ChartedExtractor;
      const reason = reader.extractor.each(view, reader.emit);
      if (reason !== null) {
        reader.base.errors++;
        reader.base.lastError = reason;
      }
    }
  }

  private emitter(key: string, base: Series, elements: Map<string, Series>): Emit {
    return (sub, value) => {
      if (sub === '') return base.append(this.clock, value);
      let element = elements.get(sub);
      if (!element) {
        element = new Series(this.pool);
        elements.set(sub, element);
        this.series.set(`${key}|${sub}`, element);
        this.baseOf.set(`${key}|${sub}`, key);
      }
      element.append(this.clock, value);
    };
  }

  /** The charted series are those of every saved dashboard; samples of removed series are freed. */
  setCharted(specs: SeriesSpec[]): void {
    const next = new Map<string, Map<string, ChartedExtractor[]>>();
    const keep = new Set<string>();
    for (const spec of specs) {
      const key = seriesKey(spec);
      if (keep.has(key)) continue;
      keep.add(key);
      let base = this.series.get(key);
      if (!base) this.series.set(key, (base = new Series(this.pool)));
      const elements = new Map<string, Series>();
      for (const [k, base] of this.baseOf) if (base === key) elements.set(k.slice(key.length + 1), this.series.get(k) as Series);
      const byTopic = next.get(spec.connectionId) ?? new Map<string, ChartedExtractor[]>();
      next.set(spec.connectionId, byTopic);
      const list = byTopic.get(spec.topic) ?? [];
      byTopic.set(spec.topic, list);
      let extractor: Extractor;
      try {
        extractor = compileExtractor(spec.extractor);
      } catch (error) {
        base.lastError = (error as Error).message;
        continue;
      }
      list.push({ extractor, key, base, elements, emit: this.emitter(key, base, elements) });
    }
    for (const [k, s] of this.series) {
      if (!keep.has(this.baseOf.get(k) ?? k)) {
        s.dispose();
        this.series.delete(k);
        this.baseOf.delete(k);
      }
    }
    this.charted = next;
    for (const store of this.stores.values()) for (const stats of store.all()) stats.readers = undefined;
  }

  removeConnection(connectionId: string): void {
    this.stores.delete(connectionId);
    if (this.last?.id === connectionId) this.last = null;
    for (const feed of this.feeds) feed.forget(connectionId);
  }

  /** Series keys present for a base key: itself and the elements of a wildcard path. */
  keysOf(baseKey: string): string[] {
    const keys = this.series.has(baseKey) ? [baseKey] : [];
    for (const [k, base] of this.baseOf) if (base === baseKey) keys.push(k);
    return keys;
  }

  getSeries(key: string): Series | null {
    return this.series.get(key) ?? null;
  }

  view(key: string, window: ChartWindow, width: number): ChartViewData {
    const series = this.series.get(key);
    const now = this.now();
    const span = WINDOW_MS[window];
    const extent = series?.span();
    const to = span === null && extent ? extent.last : now;
    const from = span === null ? (extent?.first ?? now) : now - span;
    const view = series ? downsample(series, from, to, width) : { times: [], values: [], samples: 0 };
    const elements = this.keysOf(key).filter((k) => k !== key);
    return { key, elements, ...view, from, to, errors: series?.errors ?? 0, lastError: series?.lastError ?? null, evicted: series?.evicted ?? 0 };
  }

  csv(key: string): string {
    const series = this.series.get(key);
    const lines = ['time,value'];
    series?.forEach(-Infinity, Infinity, (t, v) => lines.push(`${new Date(t).toISOString()},${v}`));
    return lines.join('\n') + '\n';
  }

  budget(): BudgetStats {
    return this.pool.stats();
  }

  openFeed(send: (batch: TelemetryBatch) => void): Feed {
    const used = this.feeds.reduce((bits, f) => bits | f.bit, 0);
    let bit = 1;
    while (bit & used && bit < 2 ** 30) bit <<= 1;
    if (bit & used) throw new AppFailure('too_many_windows', 'Too many windows are showing live data.', 'Close some windows or browser tabs of the dashboard.');
    const feed = new Feed(this, bit, send, () => {
      this.feeds = this.feeds.filter((f) => f !== feed);
    });
    this.feeds = [...this.feeds, feed];
    return feed;
  }
}

/** One window's view of the telemetry: what changed since its last batch, and when it may get the next. */
export class Feed {
  private seq = 0;
  private inFlight: { seq: number; at: number } | null = null;
  /** Topics changed since the last batch, per connection; each also carries this feed's bit. */
  private dirty = new Map<string, TopicStats[]>();
  private cleared = new Set<string>();
  /** Per watched series: samples appended and errors counted when it was last sent. */
  private watched = new Map<string, { appended: number; errors: number }>();
  private readonly timer: NodeJS.Timeout;
  /** Batches sent, for tests and the benchmark. */
  sent = 0;

  constructor(
    private readonly telemetry: Telemetry,
    /** This feed's bit in TopicStats.dirtyBits: marking a topic dirty is a bit test, not a set lookup. */
    readonly bit: number,
    private readonly send: (batch: TelemetryBatch) => void,
    private readonly onClose: () => void,
  ) {
    this.timer = setInterval(() => this.flush(), BATCH_INTERVAL_MS);
    this.timer.unref?.();
  }

  /** Connections whose topic updates this window wants; null: all of them. */
  private connections: Set<string> | null = null;

  /** Per message: usually one bit test, as the topic is already waiting in the next batch. */
  touch(connectionId: string, stats: TopicStats): void {
    if (stats.dirtyBits & this.bit) return;
    if (this.connections !== null && !this.connections.has(connectionId)) return;
    stats.dirtyBits |= this.bit;
    const list = this.dirty.get(connectionId);
    if (list) list.push(stats);
    else this.dirty.set(connectionId, [stats]);
  }

  private drop(connectionId: string): void {
    for (const stats of this.dirty.get(connectionId) ?? []) stats.dirtyBits &= ~this.bit;
    this.dirty.delete(connectionId);
  }

  forget(connectionId: string): void {
    this.drop(connectionId);
    this.cleared.add(connectionId);
  }

  showTopicsOf(connectionIds: string[] | null): void {
    this.connections = connectionIds === null ? null : new Set(connectionIds);
    if (this.connections) for (const id of [...this.dirty.keys()]) if (!this.connections.has(id)) this.drop(id);
  }

  /**
   * The series this window shows. Series it already watched keep their place (nothing between
   * batches is lost); new ones count from now, as the window reads their views first.
   */
  watch(keys: string[]): void {
    const next = new Map<string, { appended: number; errors: number }>();
    for (const key of keys) {
      for (const k of this.telemetry.keysOf(key)) {
        const s = this.telemetry.getSeries(k);
        next.set(k, this.watched.get(k) ?? { appended: s?.appended ?? 0, errors: s?.errors ?? 0 });
      }
      if (!next.has(key)) next.set(key, this.watched.get(key) ?? { appended: 0, errors: 0 });
    }
    this.watched = next;
  }

  ack(seq: number): void {
    if (this.inFlight && seq >= this.inFlight.seq) this.inFlight = null;
  }

  private hasWork(): boolean {
    if (this.dirty.size || this.cleared.size) return true;
    for (const [key, cursor] of this.watched) {
      const s = this.telemetry.getSeries(key);
      if (s && (s.appended !== cursor.appended || s.errors !== cursor.errors)) return true;
    }
    return false;
  }

  /** Sends what changed, unless the window has not taken the previous batch yet. */
  flush(): void {
    const now = this.telemetry.now();
    if (this.inFlight && now - this.inFlight.at < ACK_TIMEOUT_MS) return;
    if (!this.hasWork()) return;
    const topics: TelemetryBatch['topics'] = [];
    let budget = MAX_TOPIC_UPDATES;
    for (const connectionId of this.cleared) topics.push({ connectionId, updates: [], cleared: true });
    this.cleared.clear();
    for (const [connectionId, list] of this.dirty) {
      if (budget <= 0) break;
      const take = list.splice(0, budget);
      budget -= take.length;
      const updates: TopicUpdate[] = take.map((stats) => {
        stats.dirtyBits &= ~this.bit;
        return stats.update(now);
      });
      if (list.length === 0) this.dirty.delete(connectionId);
      topics.push({ connectionId, updates, cleared: false });
    }
    // Keys of wildcard elements that appeared since the window chose its series.
    for (const key of [...this.watched.keys()]) for (const k of this.telemetry.keysOf(key)) if (!this.watched.has(k)) this.watched.set(k, { appended: 0, errors: 0 });
    const series: SeriesUpdate[] = [];
    for (const [key, cursor] of this.watched) {
      const s = this.telemetry.getSeries(key);
      if (!s || (s.appended === cursor.appended && s.errors === cursor.errors)) continue;
      const fresh = s.appended - cursor.appended;
      const tail = s.tail(Math.min(fresh, MAX_SERIES_POINTS));
      this.watched.set(key, { appended: s.appended, errors: s.errors });
      series.push({ key, times: Array.from(tail.times), values: Array.from(tail.values), gap: fresh > MAX_SERIES_POINTS, errors: s.errors, lastError: s.lastError, evicted: s.evicted });
    }
    this.seq++;
    this.inFlight = { seq: this.seq, at: now };
    this.sent++;
    this.send({ seq: this.seq, topics, series, budget: this.telemetry.budget() });
  }

  close(): void {
    clearInterval(this.timer);
    for (const id of [...this.dirty.keys()]) this.drop(id);
    this.onClose();
  }
}
