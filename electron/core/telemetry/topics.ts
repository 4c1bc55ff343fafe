/**
 * The topic tree of one connection: per topic the message count, a rate, the
 * last payload (kept whole up to a limit, previewed on demand), the retained
 * flag, QoS and time; per subtree the totals, summed when asked. Recording a
 * message is one map lookup and a few field writes: no string splitting after
 * a topic's first message, no walk up the tree.
 */
import type { Qos } from '../../../shared/mqtt';
import { printableText } from '../../../shared/printable';
import { PREVIEW_CHARS, type PayloadPreview, type TopicUpdate } from '../../../shared/telemetry';
import type { ChartedExtractor } from './service';

/** A rate is re-measured when it is read at least this long after the previous measurement. */
const RATE_WINDOW_MS = 1000;
export const PREVIEW_BYTES = 1024;
/** The last payload of a topic is kept whole up to this size; beyond it only its preview and size are kept. */
export const MAX_KEPT_PAYLOAD = 1024 * 1024;

export class TopicNode {
  readonly children = new Map<string, TopicNode>();
  stats: TopicStats | null = null;
  constructor(
    readonly name: string,
    readonly parent: TopicNode | null,
  ) {}

  /** Messages on this topic and every topic below it, and how many of those topics have had a message. */
  totals(): { messages: number; topics: number } {
    let messages = this.stats?.count ?? 0;
    let topics = this.stats ? 1 : 0;
    for (const child of this.children.values()) {
      const t = child.totals();
      messages += t.messages;
      topics += t.topics;
    }
    return { messages, topics };
  }
}

export class TopicStats {
  /** The chart series reading this topic: unknown (undefined) until its first message after a dashboard change. */
  readers: ChartedExtractor[] | null | undefined = undefined;
  /** One bit per window feed: set while this topic waits in that feed's next batch. */
  dirtyBits = 0;
  count = 0;
  updatedAt = 0;
  private rateMark = { at: 0, count: 0 };
  private lastRate = 0;
  /** Whether `payload` is our own copy or still a view into the parser's socket read. */
  owned = true;
  /**
   * Whether the broker holds a retained message for this topic, as far as we saw: set by a
   * message delivered with the retain flag, cleared by an empty payload (how retained messages
   * are deleted). Live updates arrive without the flag even on retained topics, so it is sticky.
   */
  retained = false;
  qos: Qos = 0;
  size = 0;
  /** The last payload, or its first bytes when it was larger than MAX_KEPT_PAYLOAD. */
  payload: Buffer = Buffer.alloc(0);
  constructor(readonly topic: string) {}

  /** The hot path: no copy and no arithmetic beyond counting; `TopicStore.adopt` copies later. */
  record(payload: Buffer, qos: Qos, retained: boolean, now: number): void {
    if (this.count === 0) this.rateMark = { at: now, count: 0 };
    this.count++;
    this.updatedAt = now;
    this.qos = qos;
    if (payload.length === 0) this.retained = false;
    else if (retained) this.retained = true;
    this.size = payload.length;
    this.payload = payload.length > MAX_KEPT_PAYLOAD ? payload.subarray(0, PREVIEW_BYTES) : payload;
    this.owned = false;
  }

  /** The parser's payload is a view into a whole socket read; keeping it would keep that read alive. */
  adopt(): void {
    if (this.owned) return;
    this.payload = Buffer.from(this.payload);
    this.owned = true;
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

  /** What a window gets: the preview cut to PREVIEW_CHARS (the whole payload is one request away). */
  update(now: number): TopicUpdate {
    let preview = this.preview();
    if (preview.data.length > PREVIEW_CHARS) preview = { ...preview, data: preview.data.slice(0, PREVIEW_CHARS), truncated: true };
    return { topic: this.topic, count: this.count, rate: Math.round(this.rate(now) * 100) / 100, retained: this.retained, qos: this.qos, size: this.size, updatedAt: this.updatedAt, preview };
  }
}

/** Text when the bytes are printable UTF-8 (shared/printable.ts), base64 otherwise; at most PREVIEW_BYTES of the payload. */
export function previewOf(payload: Buffer, size = payload.length): PayloadPreview {
  const head = payload.subarray(0, PREVIEW_BYTES);
  const truncated = size > head.length;
  const text = printableText(head, truncated);
  return text === null ? { encoding: 'base64', data: head.toString('base64'), truncated } : { encoding: 'text', data: text, truncated };
}

export class TopicStore {
  readonly root = new TopicNode('', null);
  private readonly byTopic = new Map<string, TopicNode>();
  /** Messages recorded since start (the root's total, kept as a counter for cheap reading). */
  messages = 0;
  /** Topics whose last payload is still a parser view. */
  private unowned: TopicStats[] = [];

  get size(): number {
    return this.byTopic.size;
  }

  record(topic: string, payload: Buffer, qos: Qos, retained: boolean, now: number): TopicStats {
    const node = this.byTopic.get(topic) ?? this.insert(topic);
    let stats = node.stats;
    if (!stats) stats = node.stats = new TopicStats(topic);
    if (stats.owned) this.unowned.push(stats);
    stats.record(payload, qos, retained, now);
    this.messages++;
    return stats;
  }

  private insert(topic: string): TopicNode {
    let node = this.root;
    for (const level of topic.split('/')) {
      let child = node.children.get(level);
      if (!child) {
        child = new TopicNode(level, node);
        node.children.set(level, child);
      }
      node = child;
    }
    this.byTopic.set(topic, node);
    return node;
  }

  /** Copies the payloads still pointing into socket reads; called every batch interval. */
  adopt(): void {
    for (const stats of this.unowned) stats.adopt();
    this.unowned = [];
  }

  get(topic: string): TopicStats | null {
    return this.byTopic.get(topic)?.stats ?? null;
  }

  all(): TopicStats[] {
    const out: TopicStats[] = [];
    for (const node of this.byTopic.values()) if (node.stats) out.push(node.stats);
    return out;
  }

  /** The node of a topic prefix (`plant/line1`), or null. `''` is the root. */
  node(prefix: string): TopicNode | null {
    if (prefix === '') return this.root;
    let node: TopicNode | undefined = this.root;
    for (const level of prefix.split('/')) {
      node = node.children.get(level);
      if (!node) return null;
    }
    return node;
  }

  /** Topics with a retained message at or below `prefix` (a topic or a subtree). */
  retainedUnder(prefix: string): string[] {
    const start = this.node(prefix);
    if (!start) return [];
    const out: string[] = [];
    const visit = (n: TopicNode) => {
      if (n.stats?.retained && n.stats.size > 0) out.push(n.stats.topic);
      for (const c of n.children.values()) visit(c);
    };
    visit(start);
    return out;
  }

  clear(): void {
    this.root.children.clear();
    this.byTopic.clear();
    this.messages = 0;
  }
}
