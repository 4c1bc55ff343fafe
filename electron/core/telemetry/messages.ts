/**
 * Message history: the last N messages of every topic of one connection, in
 * memory, under the connection's byte cap and the global budget's share for
 * messages (samples.ts), and what is kept of one payload.
 *
 * Messages are written in arrival order into a log of chunks: a chunk holds
 * the facts of up to LOG_SLOTS messages in one Float64Array, their topics in
 * one array and their payloads in one byte array, so taking in a message
 * writes next to where the previous one was written, touches nothing per
 * topic but the topic's own counters, and allocates nothing. Whether a logged
 * message is still among its topic's last N follows from its number and the
 * topic's count; a message that is not stays as dead space until its chunk is
 * recycled. The oldest chunk is recycled when the log holds more than twice
 * what is live (its live messages move forward), or when the log would pass
 * its byte cap or the budget's share (its live messages are dropped, oldest
 * first, and counted). A topic's messages are found by walking the log back
 * (a request, not the message path).
 */
import { printableText } from '../../../shared/printable';
import type { Qos } from '../../../shared/mqtt';
import { PREVIEW_CHARS, type KeptMessage, type PayloadPreview } from '../../../shared/telemetry';

export const PREVIEW_BYTES = 1024;
/** A payload is kept whole up to this size; beyond it only its first PREVIEW_BYTES and its size are kept. */
export const MAX_KEPT_PAYLOAD = 1024 * 1024;

/** Messages per log chunk: seq / LOG_SLOTS names the chunk, seq % LOG_SLOTS the slot. */
export const LOG_SLOTS = 1024;
/** Payload bytes of a chunk; a larger kept payload gets a chunk of its own size. */
export const LOG_CHUNK_BYTES = 64 * 1024;
/** Facts per slot: time, full size, offset of the kept bytes, kept length × FLAG_SPACE + flags, the topic's message number. */
const FIELDS = 5;
const FLAG_SPACE = 16;
const RETAIN = 4;
/** A copy of a live message made when its chunk was recycled: not new, so message lists skip it. */
const MOVED = 8;
/** Memory of a chunk besides its payload bytes: the facts and the owners' references. */
const SLOT_OVERHEAD = FIELDS * 8 + 8;

/** How much of a payload of `size` bytes is kept. */
export function keptLength(size: number): number {
  return size > MAX_KEPT_PAYLOAD ? PREVIEW_BYTES : size;
}

/**
 * Up to this many bytes a loop in JS copies faster than TypedArray set, whose
 * call costs about 13 ns whatever the size (Node 20: 4 bytes 8 against 14 ns,
 * 16 bytes 20 against 14, 34 bytes 43 against 13).
 */
const LOOP_COPY_MAX = 10;

/** Copies the first `length` bytes of `from` to `to` at `at`: the copy every kept payload goes through. */
export function copyBytes(to: Uint8Array, at: number, from: Uint8Array, length: number): void {
  if (length <= LOOP_COPY_MAX) for (let i = 0; i < length; i++) to[at + i] = from[i] as number;
  else to.set(length === from.length ? from : from.subarray(0, length), at);
}

/** Text when the bytes are printable UTF-8 (shared/printable.ts), base64 otherwise; at most PREVIEW_BYTES of the payload. */
export function previewOf(payload: Uint8Array, size = payload.length): PayloadPreview {
  const head = Buffer.from(payload.buffer, payload.byteOffset, Math.min(payload.length, PREVIEW_BYTES));
  const truncated = size > head.length;
  const text = printableText(head, truncated);
  return text === null ? { encoding: 'base64', data: head.toString('base64'), truncated } : { encoding: 'text', data: text, truncated };
}

/** A preview as lists and batches carry it: cut to PREVIEW_CHARS (the whole payload is one request away). */
export function shortPreview(payload: Uint8Array, size: number): PayloadPreview {
  const preview = previewOf(payload, size);
  return preview.data.length > PREVIEW_CHARS ? { ...preview, data: preview.data.slice(0, PREVIEW_CHARS), truncated: true } : preview;
}

/** A topic's share of the history, carried by the topic's own statistics (no object of its own on the hot path). */
export interface HistoryTopic {
  readonly topic: string;
  /** The number its next message gets (messages it put in the history so far). */
  historyNext: number;
  /** About how many of its messages are live (exact but for copies moved out of order, and right again after N more). */
  historyHeld: number;
  /** The log's epoch these counters belong to: a cleared log starts the count again. */
  historyEpoch: number;
  /**
   * Where the log holds the topic's newest message, written by the log only:
   * the topic's last payload is read there (one copy per message, not two).
   * Null when the log does not hold it.
   */
  newestChunk: LogChunk | null;
  newestSlot: number;
  /** The newest message leaves the log while still the topic's last payload: the topic keeps its own copy of these bytes. */
  keepNewest(payload: Uint8Array): void;
}

/** A topic's newest payload where the log holds it (a view, valid until its next message), or null. */
export function newestPayload(owner: HistoryTopic): Buffer | null {
  const c = owner.newestChunk;
  if (c === null) return null;
  const m = owner.newestSlot * FIELDS;
  const start = c.meta[m + 2] as number;
  return c.bytes.subarray(start, start + Math.floor((c.meta[m + 3] as number) / FLAG_SPACE));
}

/** One kept message; `payload` is a view into the log, valid until the next message is taken in. */
export interface LoggedMessage {
  seq: number;
  topic: string;
  time: number;
  size: number;
  qos: Qos;
  retain: boolean;
  payload: Buffer;
}

/** A kept message as a list shows it. */
export function listed(m: LoggedMessage): KeptMessage {
  return { seq: m.seq, topic: m.topic, time: m.time, qos: m.qos, retain: m.retain, size: m.size, preview: shortPreview(m.payload, m.size) };
}

/** Where the history's memory is counted: the budget shared with the samples. */
export interface MessageMemory {
  /** Whether `bytes` more fit in the messages' share of the budget. */
  messageRoom(bytes: number): boolean;
  /** The history took (or, negative, gave back) `bytes`. */
  messageBytesChanged(bytes: number): void;
}

/** A run of the log's slots (internal to the log; topics only hold a reference to where their newest message is). */
export class LogChunk {
  readonly meta = new Float64Array(LOG_SLOTS * FIELDS);
  readonly owners: Array<HistoryTopic | null> = new Array<HistoryTopic | null>(LOG_SLOTS).fill(null);
  /** Seq of slot 0. */
  first = 0;
  count = 0;
  used = 0;
  constructor(readonly bytes: Buffer) {}

  get memory(): number {
    return this.bytes.byteLength + LOG_SLOTS * SLOT_OVERHEAD;
  }

  reset(first: number): void {
    this.first = first;
    this.count = this.used = 0;
    this.owners.fill(null);
  }
}

export interface HistoryLimits {
  perTopic: number;
  maxBytes: number;
}

export class MessageLog {
  /** Oldest first; chunk i holds seqs from (firstChunk + i) × LOG_SLOTS. */
  private chunks: LogChunk[] = [];
  private firstChunk = 0;
  private nextChunk = 0;
  private head: LogChunk | null = null;
  /** A recycled chunk kept for the next one, so a steady log allocates nothing. */
  private spare: LogChunk | null = null;
  private epoch = 1;
  perTopic: number;
  private maxBytes: number;
  /** Memory of every chunk held, the spare included. */
  bytes = 0;
  /** About how many messages are among their topic's last N (see HistoryTopic.historyHeld), and slots written in the chunks held. */
  live = 0;
  private held = 0;
  /** Messages taken in since start (copies made by recycling not counted): the message lists' cursor. */
  appended = 0;
  /** Messages dropped while still among their topic's last N (the cap or the budget was reached). */
  evicted = 0;

  constructor(
    limits: HistoryLimits,
    private readonly memory: MessageMemory,
  ) {
    this.perTopic = limits.perTopic;
    this.maxBytes = limits.maxBytes;
  }

  /**
   * The hot path: writes one message's facts and payload next to the previous
   * one's, and counts it for its topic. False when the log keeps none (N = 0):
   * the topic then keeps its last payload itself.
   */
  append(owner: HistoryTopic, time: number, payload: Uint8Array, qos: Qos, retain: boolean): boolean {
    const n = this.perTopic;
    if (n === 0) return false;
    if (owner.historyEpoch !== this.epoch) {
      owner.historyEpoch = this.epoch;
      owner.historyHeld = 0;
    }
    const size = payload.length;
    const kept = keptLength(size);
    let c = this.head;
    if (c === null || c.count === LOG_SLOTS || c.used + kept > c.bytes.length) c = this.open(kept);
    const slot = c.count++;
    const at = c.used;
    const meta = c.meta;
    const m = slot * FIELDS;
    meta[m] = time;
    meta[m + 1] = size;
    meta[m + 2] = at;
    meta[m + 3] = kept * FLAG_SPACE + qos + (retain ? RETAIN : 0);
    meta[m + 4] = owner.historyNext++;
    copyBytes(c.bytes, at, payload, kept);
    c.used = at + kept;
    c.owners[slot] = owner;
    owner.newestChunk = c;
    owner.newestSlot = slot;
    this.held++;
    this.appended++;
    // One in; when the topic already had N, its oldest left (it was live, or already dropped).
    if (owner.historyHeld < n) {
      owner.historyHeld++;
      this.live++;
    }
    return true;
  }

  private chunkOf(seq: number): LogChunk | undefined {
    const index = Math.floor(seq / LOG_SLOTS) - this.firstChunk;
    return index >= 0 ? this.chunks[index] : undefined;
  }

  /** Whether the message in `slot` of `c` is still among its topic's last N. */
  private isLive(c: LogChunk, slot: number): boolean {
    const owner = c.owners[slot];
    return owner != null && owner.historyEpoch === this.epoch && owner.historyNext - (c.meta[slot * FIELDS + 4] as number) <= this.perTopic;
  }

  /** A new head chunk, recycling the oldest when the log is over what it may hold. */
  private open(kept: number): LogChunk {
    const size = Math.max(LOG_CHUNK_BYTES, kept);
    const growth = this.spare !== null && size === LOG_CHUNK_BYTES ? 0 : size + LOG_SLOTS * SLOT_OVERHEAD;
    const forced = this.chunks.length > 0 && (this.bytes + growth > this.maxBytes || !this.memory.messageRoom(growth));
    const wasteful = this.chunks.length > 0 && this.held > 2 * this.live + LOG_SLOTS;
    // At the cap the oldest messages go (they are the oldest); its chunk becomes the new head.
    if (forced) this.retire(this.takeOldest(), true);
    const old = !forced && wasteful ? this.takeOldest() : null;
    let head: LogChunk;
    if (this.spare !== null && size === LOG_CHUNK_BYTES) {
      head = this.spare;
      this.spare = null;
    } else {
      head = new LogChunk(Buffer.alloc(size));
      this.grew(head.memory);
    }
    head.reset(this.nextChunk++ * LOG_SLOTS);
    this.chunks.push(head);
    this.head = head;
    if (old) {
      // Mostly dead space: what is still live moves forward, the chunk is reused.
      this.carryForward(old, head, kept);
      this.retire(old);
    }
    // A cap smaller than what is held now (one large payload): the oldest chunks go whole, then the spare.
    this.shrinkTo(this.maxBytes);
    return head;
  }

  private takeOldest(): LogChunk {
    const old = this.chunks.shift() as LogChunk;
    this.firstChunk++;
    this.held -= old.count;
    return old;
  }

  /** Copies the live messages of a recycled chunk into the head, as far as they fit beside the message coming in (the rest are dropped and counted). */
  private carryForward(old: LogChunk, head: LogChunk, reserve: number): void {
    for (let slot = 0; slot < old.count; slot++) {
      if (!this.isLive(old, slot)) continue;
      const m = slot * FIELDS;
      const kept = Math.floor((old.meta[m + 3] as number) / FLAG_SPACE);
      const owner = old.owners[slot] as HistoryTopic;
      if (head.count >= LOG_SLOTS - 1 || head.used + kept + reserve > head.bytes.length) {
        this.release(old, slot);
        this.drop(owner);
        continue;
      }
      const to = head.count++;
      if (owner.newestChunk === old && owner.newestSlot === slot) {
        owner.newestChunk = head;
        owner.newestSlot = to;
      }
      const n = to * FIELDS;
      for (let f = 0; f < FIELDS; f++) head.meta[n + f] = old.meta[m + f] as number;
      const start = old.meta[m + 2] as number;
      head.bytes.set(old.bytes.subarray(start, start + kept), head.used);
      head.meta[n + 2] = head.used;
      head.meta[n + 3] = (head.meta[n + 3] as number) | MOVED;
      head.used += kept;
      head.owners[to] = owner;
      this.held++;
    }
  }

  /** A message leaves the log: when it was its topic's newest, the topic keeps a copy (its last payload is still shown). */
  private release(c: LogChunk, slot: number, keep = true): void {
    const owner = c.owners[slot];
    if (owner == null || owner.newestChunk !== c || owner.newestSlot !== slot) return;
    if (keep) owner.keepNewest(newestPayload(owner) as Buffer);
    owner.newestChunk = null;
  }

  /** A live message leaves the log before its time. */
  private drop(owner: HistoryTopic): void {
    this.evicted++;
    if (owner.historyHeld > 0) {
      owner.historyHeld--;
      this.live--;
    }
  }

  /** A chunk left the log (its live messages dropped when `dropLive`): kept as the spare when it is a standard one (and `spare`), else its memory is given back. */
  private retire(old: LogChunk, dropLive = false, spare = true): void {
    for (let slot = 0; slot < old.count; slot++) {
      this.release(old, slot);
      if (dropLive && this.isLive(old, slot)) this.drop(old.owners[slot] as HistoryTopic);
    }
    if (spare && this.spare === null && old.bytes.length === LOG_CHUNK_BYTES) {
      old.reset(0);
      this.spare = old;
    } else this.grew(-old.memory);
  }

  private dropSpare(): void {
    if (!this.spare) return;
    this.grew(-this.spare.memory);
    this.spare = null;
  }

  private grew(bytes: number): void {
    this.bytes += bytes;
    this.memory.messageBytesChanged(bytes);
  }

  /** New limits (the connection's settings changed): a smaller cap, N or none apply at once. */
  configure(limits: HistoryLimits): void {
    const changed = limits.perTopic !== this.perTopic;
    this.perTopic = limits.perTopic;
    this.maxBytes = limits.maxBytes;
    if (limits.perTopic === 0) return this.clear();
    this.shrinkTo(limits.maxBytes);
    if (changed) this.recount();
  }

  /** Counts the live messages of every topic again, exactly (after N changed). */
  private recount(): void {
    this.epoch++;
    this.live = 0;
    for (const c of this.chunks) {
      for (let slot = 0; slot < c.count; slot++) {
        const owner = c.owners[slot];
        if (!owner) continue;
        if (owner.historyEpoch !== this.epoch) {
          owner.historyEpoch = this.epoch;
          owner.historyHeld = 0;
        }
        if (!this.isLive(c, slot)) continue;
        owner.historyHeld++;
        this.live++;
      }
    }
  }

  /** Drops the oldest chunks (and the spare) until the log takes at most `bytes`, or only the head is left. */
  shrinkTo(bytes: number): void {
    if (this.bytes > bytes) this.dropSpare();
    while (this.chunks.length > 1 && this.bytes > bytes) this.retire(this.takeOldest(), true, false);
  }

  /**
   * Forgets everything (the memory goes back to the budget); each topic's count
   * starts again with its next message. The topics keep a copy of their newest
   * payload unless they are being forgotten too (`keepNewest` false).
   */
  clear(keepNewest = true): void {
    for (const c of this.chunks) for (let slot = 0; slot < c.count; slot++) this.release(c, slot, keepNewest);
    let memory = this.spare?.memory ?? 0;
    for (const c of this.chunks) memory += c.memory;
    this.chunks = [];
    this.firstChunk = this.nextChunk;
    this.head = null;
    this.spare = null;
    this.live = this.held = 0;
    this.epoch++;
    this.grew(-memory);
  }

  private read(c: LogChunk, slot: number): LoggedMessage {
    const m = slot * FIELDS;
    const flags = c.meta[m + 3] as number;
    const kept = Math.floor(flags / FLAG_SPACE);
    const start = c.meta[m + 2] as number;
    return {
      seq: c.first + slot,
      topic: (c.owners[slot] as HistoryTopic).topic,
      time: c.meta[m] as number,
      size: c.meta[m + 1] as number,
      qos: (flags & 3) as Qos,
      retain: (flags & RETAIN) !== 0,
      payload: c.bytes.subarray(start, start + kept),
    };
  }

  /** A topic's kept messages, oldest first: a walk back through the log (a request's work, not the message path's). */
  messagesOf(owner: HistoryTopic): LoggedMessage[] {
    const found: Array<{ k: number; message: LoggedMessage }> = [];
    if (owner.historyEpoch !== this.epoch) return [];
    const wanted = Math.min(this.perTopic, owner.historyNext);
    for (let i = this.chunks.length - 1; i >= 0 && found.length < wanted; i--) {
      const c = this.chunks[i] as LogChunk;
      for (let slot = c.count - 1; slot >= 0 && found.length < wanted; slot--) {
        if (c.owners[slot] !== owner || !this.isLive(c, slot)) continue;
        found.push({ k: c.meta[slot * FIELDS + 4] as number, message: this.read(c, slot) });
      }
    }
    // Copies moved forward sit later in the log than newer messages: the topic's own numbers give the order.
    return found.sort((a, b) => a.k - b.k).map((f) => f.message);
  }

  /** One of a topic's kept messages (its last N) by its seq. */
  message(owner: HistoryTopic, seq: number): LoggedMessage | null {
    const c = this.chunkOf(seq);
    if (!c || seq - c.first >= c.count || c.owners[seq - c.first] !== owner || !this.isLive(c, seq - c.first)) return null;
    return this.read(c, seq - c.first);
  }

  /** The seq the next message will have at the earliest: a message list's starting point. */
  get nextSeq(): number {
    return this.head ? this.head.first + this.head.count : this.nextChunk * LOG_SLOTS;
  }

  /**
   * Visits messages taken in at or after seq `from`, newest first (copies made
   * by recycling skipped), until `visit` returns false.
   */
  newestSince(from: number, visit: (message: LoggedMessage, owner: HistoryTopic) => boolean): void {
    for (let i = this.chunks.length - 1; i >= 0; i--) {
      const c = this.chunks[i] as LogChunk;
      for (let slot = c.count - 1; slot >= 0; slot--) {
        if (c.first + slot < from) return;
        const flags = c.meta[slot * FIELDS + 3] as number;
        if (flags & MOVED) continue;
        if (!visit(this.read(c, slot), c.owners[slot] as HistoryTopic)) return;
      }
    }
  }
}
