/**
 * Live telemetry: every message updates its connection's topic store; messages
 * on charted topics are read by their series' extractors into the sample store
 * under the global budget. Windows get it through feeds (`feed.ts`), one per
 * window, told of every message here.
 */
import type { Qos } from '../../../shared/mqtt';
import { DEFAULT_MESSAGE_HISTORY, seriesKey, WINDOW_MS, type BudgetStats, type ChartViewData, type ChartWindow, type MessageHistorySettings, type SeriesSpec, type TelemetryBatch } from '../../../shared/telemetry';
import { compileExtractor, PayloadView, type Emit, type Extractor } from './extract';
import { downsample, SamplePool, Series } from './samples';
import { AppFailure } from '../../../shared/result';
import type { HistoryLimits, MessageLog } from './messages';
import type { ReportedOffline } from '../../../shared/staleness';
import { TopicStore } from './topics';
import { samplesOf, SeedCollector, SEED_MAX_SAMPLES, type SeedQuery, type SeedSamples } from './seeding';
import { Feed } from './feed';
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
  /** Where the base series' samples are recorded (null: not recorded); the hot path of single extractors calls it directly. */
  record: ((time: number, value: number) => void) | null;
  /** What else watches the base series' samples (an alert rule; null: nothing), called beside `record`. */
  watch: ((time: number, value: number) => void) | null;
}

/**
 * Messages taken in within one turn of the event loop (one socket read and
 * what it carried) share a time read once, refreshed at least every this many
 * messages: reading the clock per message cost more than a tenth of ingest,
 * and the messages of one read arrived together anyway. A clock the caller
 * gives (`now`: tests, the alert engine's clock moved by hand) is read for
 * every message, since it may move between messages of one turn.
 */
const CLOCK_REUSE = 256;

/** Where charted samples and raw messages are recorded (the history recorder), told of each one. */
/** Where a topic keeps the recorder's index for it between messages (its statistics in the topic store). */
export interface RecordingSlot {
  /** The recorder's topic map the index came from: when a connection's filters change it is replaced, and the index is looked up again. */
  recordTopics: ReadonlyMap<string, number> | null;
  recordIndex: number;
}

export interface TelemetryRecorder {
  /** The sink of one series' samples, asked once per series (not per sample). */
  sink(key: string): (time: number, value: number) => void;
  message(connectionId: string, topic: string, slot: RecordingSlot, payload: Buffer, qos: Qos, retain: boolean, time: number): void;
  /** Values of the raw messages recorded for a newly charted series' topic (read off the message loop), or null. */
  seed?(query: SeedQuery): Promise<SeedSamples | null>;
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
  /** Messages that may still use `clock` before it is read again (0: read it for the next one). */
  private clockUses = 0;
  private clockExpiry: NodeJS.Immediate | null = null;
  /** Messages one read of the clock serves (see CLOCK_REUSE). */
  private readonly clockReuse: number;
  private readonly expireClock = () => {
    this.clockUses = 0;
    this.clockExpiry = null;
  };
  /** One view, reset per message: the hot path allocates nothing for it. */
  private readonly payloadView = new PayloadView();
  readonly now: () => number;
  private readonly recorder: TelemetryRecorder | null;
  /** Decoder rules per connection; a topic no rule matches skips it after its first message. */
  private readonly decoding = new Decoding((connectionId, topic) => this.sourceChanged(connectionId, topic as TopicStats));
  private readonly watcher: TelemetryWatcher | null;

  constructor(options: { budgetBytes?: number; now?: () => number; recorder?: TelemetryRecorder; watcher?: TelemetryWatcher } = {}) {
    this.pool = new SamplePool(options.budgetBytes ?? DEFAULT_BUDGET_BYTES);
    this.now = options.now ?? Date.now;
    this.clockReuse = options.now ? 1 : CLOCK_REUSE;
    this.recorder = options.recorder ?? null;
    this.watcher = options.watcher ?? null;
  }

  dispose(): void {
    if (this.clockExpiry) clearImmediate(this.clockExpiry);
    for (const feed of [...this.feeds]) feed.close();
  }

  /** The store of the connection whose messages came last: messages arrive in runs per connection. */
  private last: { id: string; store: TopicStore } | null = null;

  store(connectionId: string): TopicStore {
    if (this.last?.id === connectionId) return this.last.store;
    let store = this.stores.get(connectionId);
    if (!store) this.stores.set(connectionId, (store = new TopicStore(this.limitsOf(connectionId), this.pool)));
    this.last = { id: connectionId, store };
    return store;
  }

  /** A topic's statistics, if anything arrived on it (no store is made for an unknown connection). */
  topic(connectionId: string, topic: string): TopicStats | null {
    return this.stores.get(connectionId)?.get(topic) ?? null;
  }

  /** Each connection's message history settings (saved with its profile); connections without one keep the defaults. */
  private readonly historySettings = new Map<string, MessageHistorySettings>();
  /** Messages dropped by the histories of connections removed since. */
  private evictedBefore = 0;

  private limitsOf(connectionId: string): HistoryLimits {
    const settings = this.historySettings.get(connectionId) ?? DEFAULT_MESSAGE_HISTORY;
    return { perTopic: settings.perTopic, maxBytes: settings.maxMB * 1024 * 1024 };
  }

  /** Applies the connections' message history settings; a smaller one takes effect at once. */
  configureHistory(connections: ReadonlyArray<{ id: string; messageHistory: MessageHistorySettings }>): void {
    this.historySettings.clear();
    for (const c of connections) this.historySettings.set(c.id, c.messageHistory);
    for (const [id, store] of this.stores) store.history.configure(this.limitsOf(id));
  }

  /** The history of a connection, if anything arrived on it. */
  historyOf(connectionId: string): MessageLog | null {
    return this.stores.get(connectionId)?.history ?? null;
  }

  /** Changes the global memory budget: samples beyond it go at once, and so do messages beyond their share. */
  setBudget(bytes: number): void {
    this.pool.setBudget(bytes);
    const logs = [...this.stores.values()].map((s) => s.history);
    const total = logs.reduce((sum, log) => sum + log.bytes, 0);
    const limit = this.pool.messageLimit;
    // Each connection gives back in proportion to what it holds.
    if (total > limit) for (const log of logs) log.shrinkTo(Math.floor((log.bytes * limit) / total));
  }

  /** The time of the message being taken in: read once per turn of the event loop (see CLOCK_REUSE). */
  private stamp(): number {
    if (this.clockUses-- > 0) return this.clock;
    this.clockUses = this.clockReuse - 1;
    if (this.clockUses > 0) this.clockExpiry ??= setImmediate(this.expireClock);
    return (this.clock = this.now());
  }

  /** The hot path: one call per MQTT message. */
  ingest(connectionId: string, topic: string, payload: Buffer, qos: Qos, retain: boolean): void {
    const now = this.stamp();
    const stats = this.store(connectionId).record(topic, payload, qos, retain, now);
    this.recorder?.message(connectionId, topic, stats, payload, qos, retain, now);
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
      if (reader.extractor.single) {
        const value = reader.extractor.value(view);
        if (value === value) {
          const now = this.clock;
          reader.base.append(now, value);
          if (reader.record !== null) reader.record(now, value);
          if (reader.watch !== null) reader.watch(now, value);
          continue;
        }
      }
      const reason = reader.extractor.each(view, reader.emit);
      if (reason !== null) {
        reader.base.errors++;
        reader.base.lastError = reason;
      }
    }
  }

  /** The series of one element (`[2]`) of a wildcard path, made on first sight. */
  private element(key: string, sub: string, elements: Map<string, Series>): Series {
    let element = elements.get(sub);
    if (!element) {
      element = new Series(this.pool);
      elements.set(sub, element);
      this.series.set(`${key}|${sub}`, element);
      this.baseOf.set(`${key}|${sub}`, key);
    }
    return element;
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

  private emitter(key: string, base: Series, elements: Map<string, Series>, record: ((time: number, value: number) => void) | null, watch: ((time: number, value: number) => void) | null): Emit {
    const recorder = this.recorder;
    const recordElements = new Map<string, (time: number, value: number) => void>();
    return (sub, value) => {
      if (sub === '') {
        base.append(this.clock, value);
        if (record) record(this.clock, value);
        if (watch !== null) watch(this.clock, value);
        return;
      }
      this.element(key, sub, elements).append(this.clock, value);
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
    // Series reading the same field share one compiled extractor: one copy of its code and path in the cache.
    const compiled = new Map<string, Extractor>();
    for (const spec of specs) {
      const key = seriesKey(spec);
      if (keep.has(key)) continue;
      keep.add(key);
      let base = this.series.get(key);
      const fresh = !base;
      if (!base) this.series.set(key, (base = new Series(this.pool)));
      const elements = new Map<string, Series>();
      for (const [k, base] of this.baseOf) if (base === key) elements.set(k.slice(key.length + 1), this.series.get(k) as Series);
      const byTopic = next.get(spec.connectionId) ?? new Map<string, ChartedExtractor[]>();
      next.set(spec.connectionId, byTopic);
      const list = byTopic.get(spec.topic) ?? [];
      byTopic.set(spec.topic, list);
      const specText = JSON.stringify(spec.extractor);
      let extractor = compiled.get(specText);
      if (!extractor) {
        try {
          extractor = compileExtractor(spec.extractor);
        } catch (error) {
          base.lastError = (error as Error).message;
          continue;
        }
        compiled.set(specText, extractor);
      }
      const record = this.recorder?.sink(key) ?? null;
      const watch = this.watcher?.sampleSink(key) ?? null;
      const reader: ChartedExtractor = { extractor, key, base, elements, emit: this.emitter(key, base, elements, record, watch), record, watch };
      list.push(reader);
      if (fresh) this.seed(reader, spec);
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

  /**
   * A newly charted series starts from what was kept before: the values of
   * its topic's kept messages now, then those of its recorded raw messages
   * older than these, when the history worker has read them. Neither is
   * recorded again as samples, nor seen by the alert rules.
   */
  private seed(reader: ChartedExtractor, spec: SeriesSpec): void {
    const store = this.stores.get(spec.connectionId);
    const stats = store?.get(spec.topic);
    let before = this.now();
    if (store && stats) {
      const kept = store.history.messagesOf(stats);
      if (kept.length > 0) {
        let decoding = stats.decoding;
        if (decoding === undefined) decoding = stats.decoding = this.decoding.resolve(spec.connectionId, stats);
        const collector = new SeedCollector(reader.extractor);
        for (const m of kept) {
          if (decoding === null) collector.add(m.time, m.payload);
          else {
            // Only what decodes seeds the chart (a message kept cut short does not); nothing is counted as a failure again.
            const value = decoding.peek(m.payload);
            if (value !== FAILED) collector.addDecoded(m.time, m.payload, value);
          }
          before = Math.min(before, m.time);
        }
        this.plant(reader, collector.finish());
      }
    }
    const recorder = this.recorder;
    // Recorded raw messages are read in the history worker, which has no decoders: a decoded topic starts from its kept messages only.
    if (!recorder?.seed || this.decoding.matches(spec.connectionId, spec.topic)) return;
    const base = reader.base;
    recorder
      .seed({ key: reader.key, connectionId: spec.connectionId, topic: spec.topic, extractor: spec.extractor, before, maxSamples: SEED_MAX_SAMPLES })
      .then((samples) => {
        // The series may have been removed (or removed and charted anew) meanwhile.
        if (samples && this.series.get(reader.key) === base) this.plant(reader, samples);
      })
      .catch(() => undefined);
  }

  private plant(reader: ChartedExtractor, seed: SeedSamples): void {
    for (const sub of seed.subs) {
      const { times, values } = samplesOf(seed, sub);
      (sub === '' ? reader.base : this.element(reader.key, sub, reader.elements)).prepend(times, values);
    }
  }

  removeConnection(connectionId: string): void {
    const store = this.stores.get(connectionId);
    if (store) {
      this.evictedBefore += store.history.evicted;
      store.history.clear();
    }
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
    let messages = 0;
    let evictedMessages = this.evictedBefore;
    for (const store of this.stores.values()) {
      messages += store.history.live;
      evictedMessages += store.history.evicted;
    }
    return { ...this.pool.stats(), messages, evictedMessages };
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
