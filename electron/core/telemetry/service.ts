/**
 * Live telemetry: every message updates its connection's topic store; messages
 * on charted topics are read by their series' extractors into the sample store
 * under the global budget. Windows get it through feeds (`feed.ts`), one per
 * window, told of every message here.
 */
import type { Qos } from '../../../shared/mqtt';
import { seriesKey, WINDOW_MS, type BudgetStats, type ChartViewData, type ChartWindow, type SeriesSpec, type TelemetryBatch } from '../../../shared/telemetry';
import { compileExtractor, PayloadView, type Emit, type Extractor } from './extract';
import { downsample, SamplePool, Series } from './samples';
import { AppFailure } from '../../../shared/result';
import type { ReportedOffline } from '../../../shared/staleness';
import { TopicStore } from './topics';
import { BATCH_INTERVAL_MS, Feed } from './feed';
import type { Decoders } from '../../../shared/decoders';
import type { SparkplugTree } from '../../../shared/sparkplug';
import { Decoding } from '../decoders/decoding';
import { FAILED, type TopicDecoding } from '../decoders/topic-decoding';
import type { TopicStats } from './topics';

export { BATCH_INTERVAL_MS } from './feed';
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

/** Where charted samples and raw messages are recorded (the history recorder), told of each one. */
export interface TelemetryRecorder {
  /** The sink of one series' samples, asked once per series (not per sample). */
  sink(key: string): (time: number, value: number) => void;
  message(connectionId: string, topic: string, payload: Buffer, qos: Qos, retain: boolean, time: number): void;
}

/** Told when a message arrives on a watched topic (`retain`: replayed by the broker, not sent now). */
export type TopicWatch = (time: number, retain: boolean) => void;

/**
 * What else watches series and topics (the alert engine): asked once per
 * series and once per topic, again after every change of the charted series;
 * null means nothing watches it, and it then costs nothing per message.
 */
export interface TelemetryWatcher {
  sampleSink(key: string): ((time: number, value: number) => void) | null;
  topicWatch(connectionId: string, topic: string): TopicWatch | null;
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
  private readonly recorder: TelemetryRecorder | null;
  /** Decoder rules per connection; a topic no rule matches skips it after its first message. */
  private readonly decoding = new Decoding((connectionId, topic) => this.sourceChanged(connectionId, topic as TopicStats));
  private readonly watcher: TelemetryWatcher | null;

  constructor(options: { budgetBytes?: number; now?: () => number; recorder?: TelemetryRecorder; watcher?: TelemetryWatcher } = {}) {
    this.pool = new SamplePool(options.budgetBytes ?? DEFAULT_BUDGET_BYTES);
    this.now = options.now ?? Date.now;
    this.recorder = options.recorder ?? null;
    this.watcher = options.watcher ?? null;
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
    this.recorder?.message(connectionId, topic, payload, qos, retain, now);
    const feeds = this.feeds;
    for (let i = 0; i < feeds.length; i++) (feeds[i] as Feed).touch(connectionId, stats);
    let watch = stats.watch;
    if (watch === undefined) watch = stats.watch = this.watcher?.topicWatch(connectionId, topic) ?? null;
    if (watch !== null) watch(now, retain);
    // Which series read this topic is looked up once per topic, not per message.
    let readers = stats.readers;
    if (readers === undefined) readers = stats.readers = this.charted.get(connectionId)?.get(topic) ?? null;
    let decoding = stats.decoding;
    if (decoding === undefined) decoding = stats.decoding = this.decoding.resolve(connectionId, stats);
    if (decoding !== null) return this.decode(decoding, stats, payload, readers);
    if (readers === null) return;
    const view = this.payloadView;
    view.reset(payload);
    this.extract(readers, view);
  }

  private extract(readers: ChartedExtractor[], view: PayloadView): void {
    for (let i = 0; i < readers.length; i++) {
      const reader = readers[i] as ChartedExtractor;
      const reason = reader.extractor.each(view, reader.emit);
      if (reason !== null) {
        reader.base.errors++;
        reader.base.lastError = reason;
      }
    }
  }

  /** A topic with a decoder rule: decoded as it arrives when charted or stateful (Sparkplug), else only for its previews. */
  private decode(decoding: TopicDecoding, stats: TopicStats, payload: Buffer, readers: ChartedExtractor[] | null): void {
    if (readers === null && !decoding.eager) return;
    const value = decoding.arrived(payload, stats.count, readers !== null);
    if (readers === null) return;
    if (value === FAILED) {
      for (const reader of readers) {
        reader.base.errors++;
        reader.base.lastError = decoding.lastFailure;
      }
      return;
    }
    const view = this.payloadView;
    view.resetDecoded(payload, value);
    this.extract(readers, view);
  }

  /** A decoder said the topic's source went on- or offline (a Sparkplug DEATH or birth): its charts say so, its windows hear of it. */
  private sourceChanged(connectionId: string, stats: TopicStats): void {
    const offline = stats.decoding?.offline();
    if (offline !== undefined) this.setOffline(connectionId, stats.topic, offline ? { since: this.now(), reason: stats.decoding?.offlineReason() ?? 'the source said it is offline' } : null);
    this.touch(connectionId, stats);
  }

  private touch(connectionId: string, stats: TopicStats): void {
    for (const feed of this.feeds) feed.touch(connectionId, stats);
  }

  /**
   * A connection's decoder rules (saved with its profile). When they change, its
   * topics pick their decoder again at once and are pushed with their new decoded form.
   */
  setDecoders(connectionId: string, decoders: Decoders): void {
    if (!this.decoding.configure(connectionId, decoders)) return;
    const store = this.stores.get(connectionId);
    if (!store) return;
    for (const stats of store.all()) {
      stats.decoding?.dispose();
      stats.decoding = this.decoding.resolve(connectionId, stats);
      this.touch(connectionId, stats);
    }
  }

  sparkplugTree(connectionId: string): SparkplugTree {
    return this.decoding.sparkplugTree(connectionId);
  }

  private emitter(key: string, base: Series, elements: Map<string, Series>): Emit {
    const recorder = this.recorder;
    const record = recorder?.sink(key);
    const watch = this.watcher?.sampleSink(key) ?? null;
    const recordElements = new Map<string, (time: number, value: number) => void>();
    return (sub, value) => {
      if (sub === '') {
        base.append(this.clock, value);
        record?.(this.clock, value);
        if (watch !== null) watch(this.clock, value);
        return;
      }
      let element = elements.get(sub);
      if (!element) {
        element = new Series(this.pool);
        elements.set(sub, element);
        this.series.set(`${key}|${sub}`, element);
        this.baseOf.set(`${key}|${sub}`, key);
      }
      element.append(this.clock, value);
      if (recorder) {
        let sink = recordElements.get(sub);
        if (!sink) recordElements.set(sub, (sink = recorder.sink(`${key}|${sub}`)));
        sink(this.clock, value);
      }
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
    // Readers and watchers (alert rules, saved with the same profiles) are looked up again on the next message.
    for (const store of this.stores.values()) {
      for (const stats of store.all()) {
        stats.readers = undefined;
        stats.watch = undefined;
      }
    }
  }

  removeConnection(connectionId: string): void {
    this.stores.delete(connectionId);
    this.decoding.forget(connectionId);
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
    return this.viewRange(key, from, to, width);
  }

  /** A series over [from, to] from memory alone, reduced to min/max per pixel column, with the sum of its samples and the newest one kept. */
  viewRange(key: string, from: number, to: number, width: number): ChartViewData {
    const series = this.series.get(key);
    const { sum, ...view } = series ? downsample(series, from, to, width) : { times: [], values: [], samples: 0, sum: 0 };
    const elements = this.keysOf(key).filter((k) => k !== key);
    const health = { errors: series?.errors ?? 0, lastError: series?.lastError ?? null, evicted: series?.evicted ?? 0, offline: series?.offline ?? null };
    return { key, elements, ...view, from, to, ...(Number.isFinite(sum) && { sum }), latest: series?.latest() ?? null, ...health };
  }

  /**
   * A source said it is offline (a decoder reading a Sparkplug DEATH, a last
   * will), or null: back. Marks every series reading `topic` on the connection;
   * the next sample of a series clears its mark. Windows hear of it in their
   * next batch.
   */
  setOffline(connectionId: string, topic: string, offline: ReportedOffline | null): void {
    for (const reader of this.charted.get(connectionId)?.get(topic) ?? []) {
      reader.base.offline = offline;
      for (const element of reader.elements.values()) element.offline = offline;
    }
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
