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
import { compileExtractor, PayloadView, type Extractor } from './extract';
import { downsample, SamplePool, Series } from './samples';
import { TopicStore } from './topics';

export const BATCH_INTERVAL_MS = 50;
/** A batch not acknowledged within this time is considered lost; the next one carries everything since. */
export const ACK_TIMEOUT_MS = 2000;
/** Topic updates per batch; the rest stay pending for the next one. */
export const MAX_TOPIC_UPDATES = 2000;
/** New samples per series per batch before the batch says "gap" and the window re-reads the view. */
export const MAX_SERIES_POINTS = 2000;
const BATCH_PREVIEW_CHARS = 200;
export const DEFAULT_BUDGET_BYTES = 256 * 1024 * 1024;

export interface Message {
  topic: string;
  payload: Buffer;
  qos: Qos;
  retain: boolean;
}

interface ChartedExtractor {
  extractor: Extractor;
  key: string;
  /** The series without a sub-key; it also carries the extraction errors. */
  base: Series;
  /** Concrete elements of a wildcard path, by sub-key. */
  elements: Map<string, Series>;
}

export class Telemetry {
  readonly pool: SamplePool;
  private readonly stores = new Map<string, TopicStore>();
  /** connection → topic → the extractors reading it. */
  private charted = new Map<string, Map<string, ChartedExtractor[]>>();
  private readonly series = new Map<string, Series>();
  private readonly feeds = new Set<Feed>();
  readonly now: () => number;

  constructor(options: { budgetBytes?: number; now?: () => number } = {}) {
    this.pool = new SamplePool(options.budgetBytes ?? DEFAULT_BUDGET_BYTES);
    this.now = options.now ?? Date.now;
  }

  store(connectionId: string): TopicStore {
    let store = this.stores.get(connectionId);
    if (!store) this.stores.set(connectionId, (store = new TopicStore()));
    return store;
  }

  /** The hot path: one call per MQTT message. */
  ingest(connectionId: string, message: Message): void {
    const now = this.now();
    this.store(connectionId).record(message.topic, message.payload, message.qos, message.retain, now);
    for (const feed of this.feeds) feed.touch(connectionId, message.topic);
    const readers = this.charted.get(connectionId)?.get(message.topic);
    if (!readers) return;
    const view = new PayloadView(message.payload);
    for (const reader of readers) {
      const result = reader.extractor.extract(view);
      if (!result.ok) {
        reader.base.errors++;
        reader.base.lastError = result.reason;
        continue;
      }
      for (const { key, value } of result.values) {
        if (key === '') {
          reader.base.append(now, value);
          continue;
        }
        let element = reader.elements.get(key);
        if (!element) {
          element = new Series(this.pool);
          reader.elements.set(key, element);
          this.series.set(`${reader.key}|${key}`, element);
        }
        element.append(now, value);
      }
    }
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
      for (const [k, s] of this.series) if (k.startsWith(`${key}|`)) elements.set(k.slice(key.length + 1), s);
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
      list.push({ extractor, key, base, elements });
    }
    for (const [k, s] of this.series) {
      const root = [...keep].find((key) => k === key || k.startsWith(`${key}|`));
      if (!root) {
        s.dispose();
        this.series.delete(k);
      }
    }
    this.charted = next;
  }

  removeConnection(connectionId: string): void {
    this.stores.delete(connectionId);
    for (const feed of this.feeds) feed.forget(connectionId);
  }

  /** Series keys present for a base key: itself and the elements of a wildcard path. */
  keysOf(baseKey: string): string[] {
    return [...this.series.keys()].filter((k) => k === baseKey || k.startsWith(`${baseKey}|`));
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
    return { key, ...view, from, to, errors: series?.errors ?? 0, lastError: series?.lastError ?? null, evicted: series?.evicted ?? 0 };
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
    const feed = new Feed(this, send, () => this.feeds.delete(feed));
    this.feeds.add(feed);
    return feed;
  }
}

/** One window's view of the telemetry: what changed since its last batch, and when it may get the next. */
export class Feed {
  private seq = 0;
  private inFlight: { seq: number; at: number } | null = null;
  private dirty = new Map<string, Set<string>>();
  private cleared = new Set<string>();
  /** Per watched series: samples appended and errors counted when it was last sent. */
  private watched = new Map<string, { appended: number; errors: number }>();
  private readonly timer: NodeJS.Timeout;
  /** Batches sent, for tests and the benchmark. */
  sent = 0;

  constructor(
    private readonly telemetry: Telemetry,
    private readonly send: (batch: TelemetryBatch) => void,
    private readonly onClose: () => void,
  ) {
    this.timer = setInterval(() => this.flush(), BATCH_INTERVAL_MS);
    this.timer.unref?.();
  }

  touch(connectionId: string, topic: string): void {
    let set = this.dirty.get(connectionId);
    if (!set) this.dirty.set(connectionId, (set = new Set()));
    set.add(topic);
  }

  forget(connectionId: string): void {
    this.dirty.delete(connectionId);
    this.cleared.add(connectionId);
  }

  /** The series this window shows; it has just read their views, so new samples count from now. */
  watch(keys: string[]): void {
    const next = new Map<string, { appended: number; errors: number }>();
    for (const key of keys) {
      for (const k of this.telemetry.keysOf(key)) {
        const s = this.telemetry.getSeries(k);
        next.set(k, { appended: s?.appended ?? 0, errors: s?.errors ?? 0 });
      }
      if (!next.has(key)) next.set(key, { appended: 0, errors: 0 });
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
    for (const [connectionId, set] of this.dirty) {
      if (budget <= 0) break;
      const store = this.telemetry.store(connectionId);
      const updates: TopicUpdate[] = [];
      for (const topic of set) {
        if (budget-- <= 0) break;
        set.delete(topic);
        const stats = store.get(topic);
        if (!stats) continue;
        const update = stats.update(now);
        if (update.preview.data.length > BATCH_PREVIEW_CHARS) update.preview = { ...update.preview, data: update.preview.data.slice(0, BATCH_PREVIEW_CHARS), truncated: true };
        updates.push(update);
      }
      if (set.size === 0) this.dirty.delete(connectionId);
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
    this.onClose();
  }
}
