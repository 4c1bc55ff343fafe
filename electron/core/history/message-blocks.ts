/**
 * Raw messages are stored in blocks, not one row each: the messages of one
 * connection in one batch (split where a block would span more than a minute)
 * become one row holding their topic ids, times, full sizes, flags and kept
 * payloads as packed arrays (little-endian, as the typed arrays of every
 * platform the app ships on lay them out). Writing a burst of messages then
 * costs one insert per block instead of one per message, which is what lets
 * the writer keep up with the thread that takes in MQTT messages; reads
 * (exports) unpack the blocks of the range one by one. Retention removes
 * whole blocks, so it works to the minute.
 */
import { RETAIN_FLAG, type RecordBatch } from './protocol';

/** A block holds at most this much time, so retention by age is exact to the minute. */
export const BLOCK_SPAN_MS = 60_000;

export interface MessageBlock {
  conn: number;
  tFirst: number;
  tLast: number;
  count: number;
  payloadBytes: number;
  topics: Uint32Array;
  times: Float64Array;
  sizes: Uint32Array;
  /** End offset of each message's payload in `payloads`. */
  ends: Uint32Array;
  flags: Uint8Array;
  payloads: Uint8Array;
}

/** A typed array's bytes as a Buffer, without copying. */
export function bytesOf(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** Splits a batch's messages into blocks by connection and minute, with topic ids from `topicOf` (unknown topics skipped). */
export function packBlocks(m: RecordBatch['messages'], topicOf: (index: number) => { id: number; conn: number } | undefined): MessageBlock[] {
  // Indexes of the messages of each open block, by connection.
  const open = new Map<number, { first: number; members: number[] }>();
  const groups: Array<{ conn: number; members: number[] }> = [];
  for (let i = 0; i < m.count; i++) {
    const topic = topicOf(m.topic[i] as number);
    if (!topic) continue;
    const t = m.times[i] as number;
    let block = open.get(topic.conn);
    if (!block || t - block.first > BLOCK_SPAN_MS || t < block.first) {
      block = { first: t, members: [] };
      open.set(topic.conn, block);
      groups.push({ conn: topic.conn, members: block.members });
    }
    block.members.push(i);
  }
  return groups.map(({ conn, members }) => {
    const n = members.length;
    const topics = new Uint32Array(n);
    const times = new Float64Array(n);
    const sizes = new Uint32Array(n);
    const ends = new Uint32Array(n);
    const flags = new Uint8Array(n);
    let bytes = 0;
    for (const i of members) bytes += (m.ends[i] as number) - (i === 0 ? 0 : (m.ends[i - 1] as number));
    const payloads = new Uint8Array(bytes);
    let at = 0;
    let tFirst = Infinity;
    let tLast = -Infinity;
    members.forEach((i, k) => {
      const start = i === 0 ? 0 : (m.ends[i - 1] as number);
      const end = m.ends[i] as number;
      payloads.set(m.arena.subarray(start, end), at);
      at += end - start;
      ends[k] = at;
      topics[k] = (topicOf(m.topic[i] as number) as { id: number }).id;
      const t = Math.round(m.times[i] as number);
      times[k] = t;
      tFirst = Math.min(tFirst, t);
      tLast = Math.max(tLast, t);
      sizes[k] = m.sizes[i] as number;
      flags[k] = m.flags[i] as number;
    });
    return { conn, tFirst, tLast, count: n, payloadBytes: bytes, topics, times, sizes, ends, flags, payloads };
  });
}

/** An aligned copy of a stored array (SQLite's bytes carry no alignment). */
function aligned<T>(bytes: Buffer, make: (buffer: ArrayBuffer) => T): T {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return make(copy.buffer);
}

export interface StoredBlock {
  id: number;
  topics: Buffer;
  times: Buffer;
  sizes: Buffer;
  ends: Buffer;
  flags: Buffer;
  payloads: Buffer;
}

export interface UnpackedMessage {
  topic: number;
  t: number;
  qos: number;
  retain: boolean;
  size: number;
  payload: Uint8Array;
}

/** A stored block's messages, read one at a time. */
export class BlockReader {
  readonly count: number;
  private readonly topics: Uint32Array;
  private readonly times: Float64Array;
  private readonly sizes: Uint32Array;
  private readonly ends: Uint32Array;

  constructor(private readonly row: StoredBlock) {
    this.topics = aligned(row.topics, (b) => new Uint32Array(b));
    this.times = aligned(row.times, (b) => new Float64Array(b));
    this.sizes = aligned(row.sizes, (b) => new Uint32Array(b));
    this.ends = aligned(row.ends, (b) => new Uint32Array(b));
    this.count = this.times.length;
  }

  time(k: number): number {
    return this.times[k] as number;
  }

  topic(k: number): number {
    return this.topics[k] as number;
  }

  message(k: number): UnpackedMessage {
    const flags = this.row.flags[k] as number;
    const start = k === 0 ? 0 : (this.ends[k - 1] as number);
    return { topic: this.topics[k] as number, t: this.times[k] as number, qos: flags & 3, retain: (flags & RETAIN_FLAG) !== 0, size: this.sizes[k] as number, payload: this.row.payloads.subarray(start, this.ends[k] as number) };
  }
}
