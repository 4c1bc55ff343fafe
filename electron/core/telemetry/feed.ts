/**
 * One window's share of the live telemetry: a feed coalesces what changed and
 * pushes one batch at a time, at most every 50 ms, and not before the window
 * acknowledged the previous one, so a slow window gets merged deltas instead of
 * a growing queue.
 */
import type { BudgetStats, MessageListRequest, SeriesUpdate, TelemetryBatch, TopicUpdate } from '../../../shared/telemetry';
import type { ReportedOffline } from '../../../shared/staleness';
import { MessageListing } from './listing';
import type { MessageLog } from './messages';
import type { Series } from './samples';
import type { TopicStats } from './topics';

export const BATCH_INTERVAL_MS = 50;
/** A batch not acknowledged within this time is considered lost; the next one carries everything since. */
export const ACK_TIMEOUT_MS = 2000;
/** Topic updates per batch; the rest stay pending for the next one. */
export const MAX_TOPIC_UPDATES = 2000;
/** New samples per series per batch before the batch says "gap" and the window re-reads the view. */
export const MAX_SERIES_POINTS = 2000;

/** What a feed reads from the telemetry that owns it (the series and the clock). */
export interface FeedSource {
  now(): number;
  keysOf(baseKey: string): string[];
  getSeries(key: string): Series | null;
  budget(): BudgetStats;
  historyOf(connectionId: string): MessageLog | null;
}

/** What a feed last sent of a watched series: samples appended, errors counted, its offline report, and its revision (seeded from the past since?). */
interface Cursor {
  appended: number;
  errors: number;
  offline: ReportedOffline | null;
  revision: number;
}

function changed(s: Series, cursor: Cursor): boolean {
  return s.appended !== cursor.appended || s.errors !== cursor.errors || s.offline !== cursor.offline || s.revision !== cursor.revision;
}

/** One window's view of the telemetry: what changed since its last batch, and when it may get the next. */
export class Feed {
  private seq = 0;
  private inFlight: { seq: number; at: number } | null = null;
  /** Topics changed since the last batch, per connection; each also carries this feed's bit. */
  private dirty = new Map<string, TopicStats[]>();
  private cleared = new Set<string>();
  /** Per watched series: what it was when last sent. */
  private watched = new Map<string, Cursor>();
  /** The topic whose payload (preview and decoded form) this window's batches carry: its payload panel's, or none. */
  private focused: { connectionId: string; topic: string } | null = null;
  /** The connection whose messages this window lists, if any. */
  private listing: MessageListing | null = null;
  private readonly timer: NodeJS.Timeout;
  /** Batches sent, for tests and the benchmark. */
  sent = 0;

  constructor(
    private readonly telemetry: FeedSource,
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
    const next = new Map<string, Cursor>();
    for (const key of keys) {
      for (const k of this.telemetry.keysOf(key)) {
        const s = this.telemetry.getSeries(k);
        next.set(k, this.watched.get(k) ?? { appended: s?.appended ?? 0, errors: s?.errors ?? 0, offline: s?.offline ?? null, revision: s?.revision ?? 0 });
      }
      if (!next.has(key)) next.set(key, this.watched.get(key) ?? { appended: 0, errors: 0, offline: null, revision: 0 });
    }
    this.watched = next;
  }

  /** Focuses a topic (null: none); the topic is sent again in the next batch with its payload. */
  focus(topic: { connectionId: string; topic: string } | null, stats: TopicStats | null): void {
    this.focused = topic;
    if (topic && stats) this.touch(topic.connectionId, stats);
  }

  /** Lists a connection's messages in the coming batches (the newest kept ones first), or stops. */
  listMessages(request: MessageListRequest | null): void {
    this.listing = request === null ? null : new MessageListing(request);
  }

  ack(seq: number): void {
    if (this.inFlight && seq >= this.inFlight.seq) this.inFlight = null;
  }

  private hasWork(): boolean {
    if (this.dirty.size || this.cleared.size) return true;
    if (this.listing?.hasNews(this.telemetry.historyOf(this.listing.request.connectionId))) return true;
    for (const [key, cursor] of this.watched) {
      const s = this.telemetry.getSeries(key);
      if (s && changed(s, cursor)) return true;
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
      const focus = this.focused?.connectionId === connectionId ? this.focused.topic : null;
      const updates: TopicUpdate[] = take.map((stats) => {
        stats.dirtyBits &= ~this.bit;
        return stats.update(now, stats.topic === focus);
      });
      if (list.length === 0) this.dirty.delete(connectionId);
      topics.push({ connectionId, updates, cleared: false });
    }
    // Keys of wildcard elements that appeared since the window chose its series.
    for (const key of [...this.watched.keys()]) for (const k of this.telemetry.keysOf(key)) if (!this.watched.has(k)) this.watched.set(k, { appended: 0, errors: 0, offline: null, revision: 0 });
    const series: SeriesUpdate[] = [];
    for (const [key, cursor] of this.watched) {
      const s = this.telemetry.getSeries(key);
      if (!s || !changed(s, cursor)) continue;
      const fresh = s.appended - cursor.appended;
      // Samples put before the newest ones (seeding) are not new at the end: the window reads the view again.
      const reread = fresh > MAX_SERIES_POINTS || s.revision !== cursor.revision;
      const tail = reread ? { times: [], values: [] } : s.tail(fresh);
      this.watched.set(key, { appended: s.appended, errors: s.errors, offline: s.offline, revision: s.revision });
      series.push({ key, times: Array.from(tail.times), values: Array.from(tail.values), gap: reread, errors: s.errors, lastError: s.lastError, evicted: s.evicted, offline: s.offline });
    }
    const messages = this.listing?.next(this.telemetry.historyOf(this.listing.request.connectionId));
    this.seq++;
    this.inFlight = { seq: this.seq, at: now };
    this.sent++;
    this.send({ seq: this.seq, topics, series, budget: this.telemetry.budget(), ...(messages && { messages }) });
  }

  close(): void {
    clearInterval(this.timer);
    for (const id of [...this.dirty.keys()]) this.drop(id);
    this.onClose();
  }
}
