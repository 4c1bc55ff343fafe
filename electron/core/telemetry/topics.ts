/**
 * The topic tree of one connection: per topic the message count, a smoothed
 * rate, the last payload (kept whole up to a limit, previewed on demand), the
 * retained flag, QoS and time; per subtree the totals. Recording a message is
 * O(topic depth) with no string splitting after a topic's first message.
 */
import type { Qos } from '../../../shared/mqtt';
import type { PayloadPreview, TopicUpdate } from '../../../shared/telemetry';

/** Rates are smoothed over about five seconds. */
const RATE_TAU_MS = 5000;
export const PREVIEW_BYTES = 1024;
/** The last payload of a topic is kept whole up to this size; beyond it only its preview and size are kept. */
export const MAX_KEPT_PAYLOAD = 1024 * 1024;

export class TopicNode {
  readonly children = new Map<string, TopicNode>();
  /** Messages on this topic and every topic below it. */
  subtreeMessages = 0;
  /** Topics at or below this node that have received a message. */
  subtreeTopics = 0;
  stats: TopicStats | null = null;
  constructor(
    readonly name: string,
    readonly parent: TopicNode | null,
  ) {}
}

export class TopicStats {
  count = 0;
  private rateAcc = 0;
  updatedAt = 0;
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

  record(payload: Buffer, qos: Qos, retained: boolean, now: number): void {
    if (this.count > 0) this.rateAcc *= Math.exp(-(now - this.updatedAt) / RATE_TAU_MS);
    this.rateAcc += 1;
    this.count++;
    this.updatedAt = now;
    this.qos = qos;
    if (payload.length === 0) this.retained = false;
    else if (retained) this.retained = true;
    this.size = payload.length;
    // Copy: the parser's buffer is a slice of a whole socket read, which must not stay alive with it.
    this.payload = Buffer.from(payload.length > MAX_KEPT_PAYLOAD ? payload.subarray(0, PREVIEW_BYTES) : payload);
  }

  /** Messages per second, decayed to `now`. */
  rate(now: number): number {
    if (this.count === 0) return 0;
    return (this.rateAcc * Math.exp(-(now - this.updatedAt) / RATE_TAU_MS) * 1000) / RATE_TAU_MS;
  }

  get fullPayloadKept(): boolean {
    return this.size <= MAX_KEPT_PAYLOAD;
  }

  preview(): PayloadPreview {
    return previewOf(this.payload, this.size);
  }

  update(now: number): TopicUpdate {
    return { topic: this.topic, count: this.count, rate: Math.round(this.rate(now) * 100) / 100, retained: this.retained, qos: this.qos, size: this.size, updatedAt: this.updatedAt, preview: this.preview() };
  }
}

/** Text when the bytes are printable UTF-8, base64 otherwise; at most PREVIEW_BYTES of the payload. */
export function previewOf(payload: Buffer, size = payload.length): PayloadPreview {
  const head = payload.subarray(0, PREVIEW_BYTES);
  const truncated = size > head.length;
  const text = head.toString('utf8');
  // A cut in the middle of a multi-byte character leaves one replacement character at the very end; that is still text.
  const body = truncated ? text.replace(/\uFFFD$/, '') : text;
  // eslint-disable-next-line no-control-regex
  const binary = body.includes('\uFFFD') || /[\u0000-\u0008\u000E-\u001F\u007F]/.test(body);
  return binary ? { encoding: 'base64', data: head.toString('base64'), truncated } : { encoding: 'text', data: body, truncated };
}

export class TopicStore {
  readonly root = new TopicNode('', null);
  private readonly byTopic = new Map<string, TopicNode>();

  get size(): number {
    return this.byTopic.size;
  }

  record(topic: string, payload: Buffer, qos: Qos, retained: boolean, now: number): TopicStats {
    let node = this.byTopic.get(topic);
    let fresh = false;
    if (!node) {
      node = this.insert(topic);
      fresh = true;
    }
    let stats = node.stats;
    if (!stats) stats = node.stats = new TopicStats(topic);
    stats.record(payload, qos, retained, now);
    for (let n: TopicNode | null = node; n; n = n.parent) {
      n.subtreeMessages++;
      if (fresh) n.subtreeTopics++;
    }
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
    this.root.subtreeMessages = 0;
    this.root.subtreeTopics = 0;
    this.byTopic.clear();
  }
}
