/**
 * A window's message list of one connection: what its next batch carries,
 * read from the connection's message history (messages.ts), newest first,
 * narrowed by a topic filter and a text (any case, in the topic or the
 * payload). Bounded per batch in messages listed, messages examined and
 * payload bytes searched, so a list open on a connection taking in tens of
 * thousands of messages a second costs a few milliseconds per batch; what
 * arrived beyond that is counted, not listed.
 */
import { topicMatchesFilter } from '../../../shared/mqtt';
import type { MessageListRequest, MessageListUpdate } from '../../../shared/telemetry';
import { listed, type HistoryTopic, type MessageLog } from './messages';

/** Messages one batch lists at most. */
export const MAX_LISTED_MESSAGES = 100;
/** Messages one batch examines at most for a narrowed list... */
const MAX_EXAMINED = 20_000;
/** ...and payload bytes it searches for the text. */
const MAX_SEARCHED_BYTES = 4 * 1024 * 1024;

const encoder = new TextEncoder();

/** ASCII letters folded to lower case into `scratch` (other bytes as they are); returns the folded view. */
function fold(bytes: Uint8Array, scratch: Buffer): Buffer {
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] as number;
    scratch[i] = b >= 0x41 && b <= 0x5a ? b + 0x20 : b;
  }
  return scratch.subarray(0, n);
}

export class MessageListing {
  private readonly text: Buffer | null;
  private readonly topicMatches = new Map<HistoryTopic, boolean>();
  private scratch = Buffer.alloc(4096);
  /** The first seq the next batch looks at, and the history's count of messages taken in when the last batch was made. */
  private from = 0;
  private appended = 0;
  /** The first batch shows the newest kept messages, without counting older ones as unlisted. */
  private initial = true;

  constructor(readonly request: MessageListRequest) {
    this.text = request.text === null ? null : Buffer.from(encoder.encode(request.text.toLowerCase()));
  }

  hasNews(log: MessageLog | null): boolean {
    return this.initial || (log !== null && log.appended !== this.appended);
  }

  private matchesTopic(owner: HistoryTopic): boolean {
    const filter = this.request.topicFilter;
    if (filter === null) return true;
    let match = this.topicMatches.get(owner);
    if (match === undefined) this.topicMatches.set(owner, (match = topicMatchesFilter(filter, owner.topic)));
    return match;
  }

  private contains(bytes: Uint8Array): boolean {
    const text = this.text as Buffer;
    if (bytes.length < text.length) return false;
    if (this.scratch.length < bytes.length) this.scratch = Buffer.alloc(Math.max(bytes.length, this.scratch.length * 2));
    return fold(bytes, this.scratch).indexOf(text) >= 0;
  }

  /** The messages for the next batch, and how many new ones it leaves out. */
  next(log: MessageLog | null): MessageListUpdate {
    const update: MessageListUpdate = { connectionId: this.request.connectionId, messages: [], unlisted: 0 };
    if (!log) {
      this.initial = false;
      return update;
    }
    const fresh = this.initial ? 0 : log.appended - this.appended;
    let examined = 0;
    let passed = 0;
    let searched = 0;
    const encodedTopics = new Map<HistoryTopic, Uint8Array>();
    log.newestSince(this.from, (message, owner) => {
      if (++examined > MAX_EXAMINED) return false;
      if (!this.matchesTopic(owner)) {
        passed++;
        return true;
      }
      if (this.text) {
        let topic = encodedTopics.get(owner);
        if (!topic) encodedTopics.set(owner, (topic = encoder.encode(owner.topic)));
        searched += message.payload.length;
        if (!this.contains(topic) && !this.contains(message.payload)) {
          passed++;
          return searched < MAX_SEARCHED_BYTES;
        }
      }
      update.messages.push(listed(message));
      return update.messages.length < MAX_LISTED_MESSAGES && searched < MAX_SEARCHED_BYTES;
    });
    update.unlisted = Math.max(0, fresh - update.messages.length - passed);
    this.from = log.nextSeq;
    this.appended = log.appended;
    this.initial = false;
    return update;
  }
}
