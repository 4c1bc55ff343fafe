/**
 * The topic tree of one connection, main's view of the shared topic trie
 * (shared/topic-tree.ts): per topic the message count, a rate, the
 * last payload (kept whole up to a limit, previewed on demand), the retained
 * flag, QoS and time, and its last N messages (messages.ts); per subtree the
 * totals, summed when asked. Recording a message is one map lookup and a few
 * field writes: no string splitting after a topic's first message, no walk
 * up the tree.
 */
import type { Qos } from '../../../shared/mqtt';
import type { PayloadPreview, TopicUpdate } from '../../../shared/telemetry';
import { forEachBelow, TopicTrie, type TrieNode } from '../../../shared/topic-tree';
import { copyBytes, keptLength, MAX_KEPT_PAYLOAD, MessageLog, newestPayload, previewOf, shortPreview, type HistoryLimits, type HistoryTopic, type LogChunk, type MessageMemory } from './messages';
import type { ChartedExtractor, RecordingSlot, TopicWatch } from './service';
import type { TopicDecoding } from '../decoders/topic-decoding';

export { MAX_KEPT_PAYLOAD, PREVIEW_BYTES, previewOf } from './messages';

/** A rate is re-measured when it is read at least this long after the previous measurement. */
const RATE_WINDOW_MS = 1000;

/** Main's view of a node of the shared topic trie: the statistics of the topic it names, if one arrived. */
export class TopicNode implements TrieNode<TopicNode> {
  readonly children = new Map<string, TopicNode>();
  stats: TopicStats | null = null;
  constructor(
    readonly name: string,
    readonly parent: TopicNode | null,
  ) {}

  /** Messages on this topic and every topic below it, and how many of those topics have had a message. */
  totals(): { messages: number; topics: number } {
    let messages = 0;
    let topics = 0;
    forEachBelow<TopicNode>(this, (node) => {
      if (!node.stats) return;
      messages += node.stats.count;
      topics++;
    });
    return { messages, topics };
  }
}

const EMPTY = Buffer.alloc(0);

/** A topic's buffer for a payload of `kept` bytes: a quarter more, in whole 64-byte lines. */
function keptRoom(kept: number): number {
  return Math.ceil((kept * 1.25) / 64) * 64 || 64;
}

export class TopicStats implements HistoryTopic, RecordingSlot {
  /** This topic's count in the connection's message history (messages.ts). */
  historyNext = 0;
  historyHeld = 0;
  historyEpoch = 0;
  /** The chart series reading this topic: unknown (undefined) until its first message after a dashboard change. */
  readers: ChartedExtractor[] | null | undefined = undefined;
  /** The topic's payload decoder (electron/core/decoders/): unknown (undefined) until its first message after a rules change; null when no rule matches. */
  decoding: TopicDecoding | null | undefined = undefined;
  /** What an alert rule does with a message on this topic: unknown (undefined) until its first message after a change, null for nothing. */
  watch: TopicWatch | null | undefined = undefined;
  /** The history recorder's index for this topic, and the topic map it came from (history/recorder.ts). */
  recordTopics: ReadonlyMap<string, number> | null = null;
  recordIndex = -1;
  /** One bit per window feed: set while this topic waits in that feed's next batch. */
  dirtyBits = 0;
  count = 0;
  updatedAt = 0;
  private rateMark = { at: 0, count: 0 };
  private lastRate = 0;
  /**
   * Whether the broker holds a retained message for this topic, as far as we saw: set by a
   * message delivered with the retain flag, cleared by an empty payload (how retained messages
   * are deleted). Live updates arrive without the flag even on retained topics, so it is sticky.
   */
  retained = false;
  qos: Qos = 0;
  size = 0;
  /** Where the message history holds this topic's newest message (written by the log, messages.ts). */
  newestChunk: LogChunk | null = null;
  newestSlot = 0;
  /**
   * The last payload (or its first PREVIEW_BYTES when it was larger than
   * MAX_KEPT_PAYLOAD) is read where the message history keeps it. Only when the
   * history keeps none (N = 0), or let it go while it is still the last, is it
   * copied into this topic's own buffer, reused while it fits: keeping the
   * parser's view instead would keep its whole socket read alive, and a view or
   * a copy per message is garbage the collector must chase while messages pour in.
   */
  private bytes: Buffer = EMPTY;
  private kept = 0;
  constructor(readonly topic: string) {}

  /** The hot path: counters, and a copy of the payload only when the history (`logged`) did not keep it. */
  record(payload: Buffer, qos: Qos, retained: boolean, now: number, logged: boolean): void {
    if (this.count === 0) this.rateMark = { at: now, count: 0 };
    this.count++;
    this.updatedAt = now;
    this.qos = qos;
    const size = payload.length;
    if (size === 0) this.retained = false;
    else if (retained) this.retained = true;
    this.size = size;
    if (logged) {
      if (this.bytes !== EMPTY) this.bytes = EMPTY;
      return;
    }
    this.keep(payload, keptLength(size));
  }

  keepNewest(payload: Uint8Array): void {
    this.keep(payload, payload.length);
  }

  private keep(payload: Uint8Array, kept: number): void {
    let bytes = this.bytes;
    // Grown when too small, with room for the next few bytes more (a counter or a timestamp one digit longer
    // would otherwise cost a new buffer each time); given back when a large payload was followed by a far smaller one.
    if (kept > bytes.length || (bytes.length > 4096 && kept * 4 < bytes.length)) bytes = this.bytes = Buffer.allocUnsafeSlow(keptRoom(kept));
    copyBytes(bytes, 0, payload, kept);
    this.kept = kept;
  }

  /** The kept bytes of the last payload (a view, valid until the next message on this topic). */
  get payload(): Buffer {
    return newestPayload(this) ?? this.bytes.subarray(0, this.kept);
  }

  /** Messages per second over the time since the previous measurement (at least a second ago). */
  rate(now: number): number {
    const elapsed = now - this.rateMark.at;
    if (elapsed >= RATE_WINDOW_MS) {
      this.lastRate = ((this.count - this.rateMark.count) * 1000) / elapsed;
      this.rateMark = { at: now, count: this.count };
    }
    return this.lastRate;
  }

  get fullPayloadKept(): boolean {
    return this.size <= MAX_KEPT_PAYLOAD;
  }

  preview(): PayloadPreview {
    return previewOf(this.payload, this.size);
  }

  /**
   * What a window gets. With `payload` (the topic a window focuses, or a
   * request): the preview cut to PREVIEW_CHARS (the whole payload is one
   * request away) and the decoded form; without, the facts only (no payload
   * is read or decoded: a window shows the payload of one topic at a time).
   */
  update(now: number, payload = true): TopicUpdate {
    const update: TopicUpdate = { topic: this.topic, count: this.count, rate: Math.round(this.rate(now) * 100) / 100, retained: this.retained, qos: this.qos, size: this.size, updatedAt: this.updatedAt };
    if (payload) update.preview = shortPreview(this.payload, this.size);
    if (this.decoding) {
      update.decoded = this.decoding.preview(this, payload);
      const offline = this.decoding.offline();
      if (offline !== undefined) update.offline = offline;
    }
    return update;
  }
}

/** Memory not counted anywhere: a store made without a budget (tests of the tree alone). */
const UNCOUNTED: MessageMemory = { messageRoom: () => true, messageBytesChanged: () => undefined };

export class TopicStore {
  /** The last N messages of every topic. */
  readonly history: MessageLog;
  private readonly trie = new TopicTrie<TopicNode>(new TopicNode('', null), (parent, level) => new TopicNode(level, parent));
  /** Messages recorded since start (the root's total, kept as a counter for cheap reading). */
  messages = 0;
  /** Topics whose last payload is still a parser view. */
  /** Each topic's statistics by name: the hot path's one lookup (the trie's nodes are one step further). */
  private readonly byTopic = new Map<string, TopicStats>();

  constructor(limits: HistoryLimits = { perTopic: 0, maxBytes: 0 }, memory: MessageMemory = UNCOUNTED) {
    this.history = new MessageLog(limits, memory);
  }

  get root(): TopicNode {
    return this.trie.root;
  }

  get size(): number {
    return this.trie.size;
  }

  record(topic: string, payload: Buffer, qos: Qos, retained: boolean, now: number): TopicStats {
    let stats = this.byTopic.get(topic);
    if (stats === undefined) {
      const node = this.trie.add(topic);
      stats = node.stats = new TopicStats(topic);
      this.byTopic.set(topic, stats);
    }
    stats.record(payload, qos, retained, now, this.history.append(stats, now, payload, qos, retained));
    this.messages++;
    return stats;
  }

  get(topic: string): TopicStats | null {
    return this.byTopic.get(topic) ?? null;
  }

  all(): TopicStats[] {
    const out: TopicStats[] = [];
    for (const node of this.trie.topics()) if (node.stats) out.push(node.stats);
    return out;
  }

  /** The node of a topic prefix (`plant/line1`), or null. `''` is the root. */
  node(prefix: string): TopicNode | null {
    return prefix === '' ? this.root : this.trie.find(prefix);
  }

  /** Topics with a retained message at or below `prefix` (a topic or a subtree). */
  retainedUnder(prefix: string): string[] {
    const start = this.node(prefix);
    if (!start) return [];
    const out: string[] = [];
    forEachBelow(start, (n) => {
      if (n.stats?.retained && n.stats.size > 0) out.push(n.stats.topic);
    });
    return out;
  }

  clear(): void {
    this.trie.clear();
    this.byTopic.clear();
    // The topics go too: none keeps a copy of its newest payload.
    this.history.clear(false);
    this.messages = 0;
  }
}
