/**
 * The window's message list of one connection (MQTTX-like: all topics, newest
 * first, narrowed by topic filter and text, paused on request). Main sends the
 * new messages in the telemetry batches (`telemetry.messages`), at most a
 * hundred per batch; here the last LIST_CAPACITY are kept, so memory stays
 * bounded however long the list is open. Paused, main stops sending and the
 * list stands still; resumed, it goes on from the newest kept messages.
 */
import type { ApiClient } from '../../../shared/client';
import { topicFilterValid } from '../../../shared/mqtt';
import type { KeptMessage, MessageListRequest, MessageListUpdate } from '../../../shared/telemetry';
import { FrameSignal } from '../app/frame-signal';

/** Messages the list holds at most; older ones leave it. */
export const LIST_CAPACITY = 2000;

export interface ListFilter {
  topicFilter: string;
  text: string;
}

/** Why a typed filter cannot be used, or null. */
export function filterProblem(filter: ListFilter): string | null {
  const topic = filter.topicFilter.trim();
  if (topic && !topicFilterValid(topic)) return `“${topic}” is not a topic filter: + stands for one whole level, # only at the end.`;
  return null;
}

export function listRequest(connectionId: string, filter: ListFilter): MessageListRequest {
  const topic = filter.topicFilter.trim();
  const text = filter.text.trim().slice(0, 256);
  return { connectionId, topicFilter: topic || null, text: text || null };
}

export class MessageList {
  readonly signal = new FrameSignal();
  /** Newest first. */
  messages: KeptMessage[] = [];
  /** Messages that arrived while listing and are not in the list (too many at once), since it was opened. */
  unlisted = 0;
  paused = false;
  private request: MessageListRequest | null = null;

  constructor(private readonly client: ApiClient) {}

  get connectionId(): string | null {
    return this.request?.connectionId ?? null;
  }

  /** Lists a connection's messages narrowed by `filter`, from its newest kept ones. */
  open(connectionId: string, filter: ListFilter): Promise<unknown> {
    this.request = listRequest(connectionId, filter);
    this.messages = [];
    this.unlisted = 0;
    this.paused = false;
    this.signal.bump();
    return this.client.invoke('telemetry.messages', { list: this.request });
  }

  close(): Promise<unknown> {
    this.request = null;
    return this.client.invoke('telemetry.messages', { list: null });
  }

  setPaused(paused: boolean): Promise<unknown> {
    if (paused === this.paused || !this.request) return Promise.resolve();
    this.paused = paused;
    this.signal.bump();
    return this.client.invoke('telemetry.messages', { list: paused ? null : this.request });
  }

  /** One batch's part: newer messages go on top, ones already shown (after a resume) are skipped. */
  apply(update: MessageListUpdate): void {
    if (this.paused || update.connectionId !== this.request?.connectionId) return;
    const newest = this.messages[0]?.seq ?? -1;
    const fresh = update.messages.filter((m) => m.seq > newest);
    if (fresh.length === 0 && update.unlisted === 0) return;
    this.messages = fresh.length >= LIST_CAPACITY ? fresh.slice(0, LIST_CAPACITY) : [...fresh, ...this.messages.slice(0, LIST_CAPACITY - fresh.length)];
    this.unlisted += update.unlisted;
    this.signal.bump();
  }

  /** After the transport reconnected: main has no list for this window any more. */
  reopen(): void {
    if (this.request && !this.paused) void this.client.invoke('telemetry.messages', { list: this.request });
  }
}
