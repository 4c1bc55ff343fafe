/**
 * What the Publish tab remembers for the session, in memory only: the form of
 * each connection while the operator looks elsewhere, and the payloads last
 * sent to each topic (a few per topic, for a bounded number of topics, the
 * least recently used forgotten first), to send again in two clicks.
 */
import type { PublishForm } from './publish-request';

/** A payload sent to a topic, as it was typed. */
export interface RecentPayload {
  payload: string;
  encoding: PublishForm['encoding'];
  contentType: string;
  /** When it was sent (ms since epoch). */
  at: number;
}

export const RECENT_PER_TOPIC = 10;
export const RECENT_TOPICS = 200;
/** A payload larger than this is sent but not kept: the list is for commands, not files. */
export const RECENT_MAX_CHARS = 16 * 1024;

export const EMPTY_FORM: PublishForm = { topic: '', payload: '', encoding: 'text', qos: 0, retain: false, contentType: '', userProperties: [] };

const topicKey = (connectionId: string, topic: string) => `${connectionId}\u0000${topic}`;

export class PublishMemory {
  private readonly drafts = new Map<string, PublishForm>();
  /** Insertion order is recency: a topic used again moves to the end, the first one goes when full. */
  private readonly recent = new Map<string, RecentPayload[]>();

  draft(connectionId: string): PublishForm {
    return this.drafts.get(connectionId) ?? EMPTY_FORM;
  }

  keepDraft(connectionId: string, form: PublishForm): void {
    this.drafts.set(connectionId, form);
  }

  /** The draft pointed at `topic`, the rest of the form kept: "publish to this topic" from the topic tree. */
  aim(connectionId: string, topic: string): void {
    this.drafts.set(connectionId, { ...this.draft(connectionId), topic });
  }

  remember(connectionId: string, topic: string, sent: RecentPayload): void {
    if (sent.payload.length > RECENT_MAX_CHARS) return;
    const key = topicKey(connectionId, topic);
    const same = (p: RecentPayload) => p.payload === sent.payload && p.encoding === sent.encoding && p.contentType === sent.contentType;
    const list = [sent, ...(this.recent.get(key) ?? []).filter((p) => !same(p))].slice(0, RECENT_PER_TOPIC);
    this.recent.delete(key);
    this.recent.set(key, list);
    while (this.recent.size > RECENT_TOPICS) {
      const oldest = this.recent.keys().next().value;
      if (oldest === undefined) break;
      this.recent.delete(oldest);
    }
  }

  /** Newest first. */
  recentFor(connectionId: string, topic: string): readonly RecentPayload[] {
    return this.recent.get(topicKey(connectionId, topic)) ?? [];
  }
}
