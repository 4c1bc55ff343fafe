/**
 * The message history an operator reads per topic and per connection: the
 * last N messages of each topic, however chatty the others; a byte cap per
 * connection and the budget's share that drop the oldest first and say how
 * many; memory counted in the budget the samples share; the message list's
 * bounds; and a newly charted series starting from the kept messages
 * (decoded first when a decoder rule reads its topic).
 */
import { Encoder as CborEncoder } from 'cbor-x';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { seriesKey, type SeriesSpec } from '../../shared/telemetry';
import { LOG_CHUNK_BYTES, LOG_SLOTS, MAX_KEPT_PAYLOAD, MessageLog, PREVIEW_BYTES, type MessageMemory } from '../../electron/core/telemetry/messages';
import { MAX_LISTED_MESSAGES } from '../../electron/core/telemetry/listing';
import { MESSAGE_SHARE, SamplePool } from '../../electron/core/telemetry/samples';
import { BATCH_INTERVAL_MS, Telemetry } from '../../electron/core/telemetry/service';
import { TopicStats } from '../../electron/core/telemetry/topics';
import { ackingFeed } from '../support/window-feed';

const MB = 1024 * 1024;

/** Memory counted here, as the budget would. */
function counter(limit = Number.POSITIVE_INFINITY): MessageMemory & { bytes: number } {
  const memory = {
    bytes: 0,
    messageRoom: (bytes: number) => memory.bytes + bytes <= limit,
    messageBytesChanged: (bytes: number) => void (memory.bytes += bytes),
  };
  return memory;
}

function texts(log: MessageLog, topic: TopicStats): string[] {
  return log.messagesOf(topic).map((m) => m.payload.toString());
}

describe('the last N messages of each topic', () => {
  it('keeps each topic its own last N, in order, however chatty the other topics are', () => {
    const log = new MessageLog({ perTopic: 5, maxBytes: 64 * MB }, counter());
    const quiet = new TopicStats('quiet');
    const chatty = new TopicStats('chatty');
    for (let i = 0; i < 3; i++) log.append(quiet, i, Buffer.from(`q${i}`), 1, i === 0);
    for (let i = 0; i < 50_000; i++) log.append(chatty, 100 + i, Buffer.from(`c${i}`), 0, false);
    expect(texts(log, quiet)).toEqual(['q0', 'q1', 'q2']);
    expect(texts(log, chatty)).toEqual(['c49995', 'c49996', 'c49997', 'c49998', 'c49999']);
    const [first] = log.messagesOf(quiet);
    expect(first).toMatchObject({ topic: 'quiet', time: 0, qos: 1, retain: true, size: 2 });
    expect(log.live).toBe(8);
    expect(log.evicted).toBe(0);
    // Dead messages are recycled: the log holds about twice what is live, not 50,000 messages.
    expect(log.bytes).toBeLessThan(6 * (LOG_CHUNK_BYTES + LOG_SLOTS * 48));
  });

  it('finds a kept message by its seq, and not one that left its topic’s last N', () => {
    const log = new MessageLog({ perTopic: 2, maxBytes: 64 * MB }, counter());
    const topic = new TopicStats('t');
    for (let i = 0; i < 3; i++) log.append(topic, i, Buffer.from(`m${i}`), 0, false);
    const [older, newer] = log.messagesOf(topic);
    expect(log.message(topic, newer?.seq ?? -1)?.payload.toString()).toBe('m2');
    expect(log.message(topic, (older?.seq ?? 0) - 1)).toBeNull();
    expect(log.message(new TopicStats('other'), newer?.seq ?? -1)).toBeNull();
  });

  it('keeps a large payload’s first bytes and its full size', () => {
    const log = new MessageLog({ perTopic: 3, maxBytes: 64 * MB }, counter());
    const topic = new TopicStats('big');
    log.append(topic, 1, Buffer.alloc(MAX_KEPT_PAYLOAD + 1, 0x61), 0, false);
    log.append(topic, 2, Buffer.alloc(MAX_KEPT_PAYLOAD, 0x62), 0, false);
    const [cut, whole] = log.messagesOf(topic);
    expect([cut?.size, cut?.payload.length]).toEqual([MAX_KEPT_PAYLOAD + 1, PREVIEW_BYTES]);
    expect([whole?.size, whole?.payload.length]).toEqual([MAX_KEPT_PAYLOAD, MAX_KEPT_PAYLOAD]);
  });

  it('keeps every byte of payloads of every size, in the history and as the topic’s last payload', () => {
    const log = new MessageLog({ perTopic: 64, maxBytes: 64 * MB }, counter());
    const topic = new TopicStats('sizes');
    // Views into one larger buffer, as the MQTT parser hands them over, of sizes on both sides of any copy strategy.
    const sizes = [0, 1, 2, 9, 10, 11, 16, 34, 63, 64, 65, 1000, PREVIEW_BYTES + 1];
    const arena = Buffer.from(Array.from({ length: 4 * PREVIEW_BYTES }, (_, i) => (i * 7 + 3) & 0xff));
    const sent = sizes.map((size, i) => arena.subarray(i * 13, i * 13 + size));
    for (const [i, payload] of sent.entries()) {
      topic.record(payload, 0, false, i, log.append(topic, i, payload, 0, false));
      expect(Buffer.compare(topic.payload, payload), `last payload of ${payload.length} bytes`).toBe(0);
    }
    expect(log.messagesOf(topic).map((m) => m.payload.toString('hex'))).toEqual(sent.map((p) => p.toString('hex')));
  });

  it('takes a smaller N at once, keeping the newest', () => {
    const log = new MessageLog({ perTopic: 10, maxBytes: 64 * MB }, counter());
    const topic = new TopicStats('t');
    for (let i = 0; i < 10; i++) log.append(topic, i, Buffer.from(`m${i}`), 0, false);
    log.configure({ perTopic: 3, maxBytes: 64 * MB });
    log.append(topic, 10, Buffer.from('m10'), 0, false);
    expect(texts(log, topic)).toEqual(['m8', 'm9', 'm10']);
    expect(log.live).toBe(3);
  });

  it('keeps nothing with N = 0 and gives its memory back', () => {
    const memory = counter();
    const log = new MessageLog({ perTopic: 4, maxBytes: 64 * MB }, memory);
    const topic = new TopicStats('t');
    log.append(topic, 1, Buffer.from('x'), 0, false);
    expect(memory.bytes).toBeGreaterThan(0);
    log.configure({ perTopic: 0, maxBytes: 64 * MB });
    log.append(topic, 2, Buffer.from('y'), 0, false);
    expect(log.messagesOf(topic)).toEqual([]);
    expect(memory.bytes).toBe(0);
  });
});

describe('bytes held', () => {
  it('never passes the connection’s cap: the oldest messages go first and are counted', () => {
    const cap = 2 * MB;
    const memory = counter();
    const log = new MessageLog({ perTopic: 1000, maxBytes: cap }, memory);
    const topics = Array.from({ length: 100 }, (_, i) => new TopicStats(`dev/${i}`));
    const payload = Buffer.alloc(1000, 0x7a);
    for (let i = 0; i < 20_000; i++) {
      log.append(topics[i % 100] as TopicStats, i, payload, 0, false);
      expect(log.bytes).toBeLessThanOrEqual(cap);
    }
    expect(memory.bytes).toBe(log.bytes);
    expect(log.evicted).toBeGreaterThan(0);
    expect(log.live + log.evicted).toBe(20_000);
    // Oldest first: every topic lost its oldest messages and kept its newest.
    const kept = log.messagesOf(topics[7] as TopicStats).map((m) => m.time);
    expect(kept.at(-1)).toBe(19_907);
    expect(kept[0]).toBeGreaterThan(7);
    expect(kept).toEqual([...kept].sort((a, b) => a - b));
  });

  it('keeps every topic’s last payload, read where the history keeps it, also once the history lets it go', () => {
    for (const cap of [64 * MB, LOG_CHUNK_BYTES + 64 * 1024]) {
      const log = new MessageLog({ perTopic: 3, maxBytes: cap }, counter());
      const quiet = new TopicStats('quiet');
      const chatty = new TopicStats('chatty');
      const send = (topic: TopicStats, text: string, time: number) => {
        const payload = Buffer.from(text);
        topic.record(payload, 0, false, time, log.append(topic, time, payload, 0, false));
      };
      send(quiet, 'quiet and retained', 0);
      // Far more than a chunk of one chatty topic: its old messages are dead space, recycled (the quiet
      // topic's message moves forward) or, under the small cap, dropped with the quiet topic's message.
      for (let i = 1; i <= 8 * LOG_SLOTS; i++) send(chatty, `chatty ${i} ${'x'.repeat(i % 90)}`, i);
      expect(quiet.payload.toString(), `cap ${cap}`).toBe('quiet and retained');
      expect(log.messagesOf(quiet).length, `cap ${cap}`).toBe(cap === 64 * MB ? 1 : 0);
      const last = `chatty ${8 * LOG_SLOTS} ${'x'.repeat((8 * LOG_SLOTS) % 90)}`;
      expect(chatty.payload.toString()).toBe(last);
      // No history at all any more: the topics keep their last payloads themselves.
      log.configure({ perTopic: 0, maxBytes: cap });
      expect([quiet.payload.toString(), chatty.payload.toString()]).toEqual(['quiet and retained', last]);
      send(chatty, 'kept by the topic', 9 * LOG_SLOTS);
      expect(chatty.payload.toString()).toBe('kept by the topic');
    }
  });

  it('stays within the budget’s share for messages, taking no more when it is reached', () => {
    const memory = counter(1 * MB);
    const log = new MessageLog({ perTopic: 1000, maxBytes: 64 * MB }, memory);
    // Three topics whose last 1000 messages would take 1.5 MB.
    const topics = [new TopicStats('a'), new TopicStats('b'), new TopicStats('c')];
    for (let i = 0; i < 20_000; i++) {
      log.append(topics[i % 3] as TopicStats, i, Buffer.alloc(500), 0, false);
      expect(memory.bytes).toBeLessThanOrEqual(1 * MB);
    }
    expect(log.messagesOf(topics[2] as TopicStats).at(-1)?.time).toBe(19_997);
    expect(log.evicted).toBeGreaterThan(0);
  });

  it('shrinks at once to a lower cap', () => {
    const memory = counter();
    const log = new MessageLog({ perTopic: 1000, maxBytes: 8 * MB }, memory);
    const topic = new TopicStats('t');
    for (let i = 0; i < 8_000; i++) log.append(topic, i, Buffer.alloc(800), 0, false);
    expect(log.bytes).toBeGreaterThan(2 * MB);
    log.configure({ perTopic: 1000, maxBytes: 1 * MB });
    expect(log.bytes).toBeLessThanOrEqual(1 * MB);
    expect(memory.bytes).toBe(log.bytes);
    expect(log.messagesOf(topic).at(-1)?.time).toBe(7_999);
  });
});

describe('the memory budget', () => {
  it('counts kept messages with the samples, gives the history at most half, and evicts samples for it', () => {
    const budget = 8 * MB;
    const telemetry = new Telemetry({ budgetBytes: budget, now: () => 1000 });
    try {
      telemetry.configureHistory([{ id: 'c1', messageHistory: { perTopic: 1000, maxMB: 4096 } }]);
      const spec: SeriesSpec = { connectionId: 'c1', topic: 'v', extractor: { kind: 'number' }, label: '' };
      telemetry.setCharted([spec]);
      for (let i = 0; i < 300_000; i++) telemetry.ingest('c1', 'v', Buffer.from(String(i)), 0, false);
      const full = telemetry.budget();
      expect(full.usedBytes).toBeLessThanOrEqual(budget);
      expect(full.messageBytes ?? 0).toBeGreaterThan(0);
      expect(full.messageBytes ?? Infinity).toBeLessThanOrEqual(budget * MESSAGE_SHARE);
      expect(full.samples).toBeGreaterThan(0);
      // Many topics with large payloads push the history to its share; samples then go, oldest first.
      for (let i = 0; i < 4000; i++) telemetry.ingest('c1', `big/${i % 400}`, Buffer.alloc(4000), 0, false);
      const after = telemetry.budget();
      expect(after.usedBytes).toBeLessThanOrEqual(budget);
      expect(after.messageBytes ?? Infinity).toBeLessThanOrEqual(budget * MESSAGE_SHARE);
      expect(after.evictedSamples).toBeGreaterThan(full.evictedSamples);
      expect(after.evictedMessages).toBeGreaterThan(0);
      // A smaller budget applies to both at once.
      telemetry.setBudget(2 * MB);
      const small = telemetry.budget();
      expect(small.usedBytes).toBeLessThanOrEqual(2 * MB);
      expect(small.messageBytes ?? Infinity).toBeLessThanOrEqual(1 * MB);
    } finally {
      telemetry.dispose();
    }
  });

  it('gives a removed connection’s memory back', () => {
    const pool = new SamplePool(64 * MB);
    const telemetry = new Telemetry({ budgetBytes: 64 * MB });
    try {
      telemetry.ingest('c1', 'a', Buffer.from('1'), 0, false);
      expect(telemetry.budget().messageBytes).toBeGreaterThan(0);
      telemetry.removeConnection('c1');
      expect(telemetry.budget().messageBytes).toBe(0);
      expect(pool.stats().messageBytes).toBe(0);
    } finally {
      telemetry.dispose();
    }
  });
});

describe('a window’s message list', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function listing(list: Parameters<ReturnType<Telemetry['openFeed']>['listMessages']>[0]) {
    const telemetry = new Telemetry({ now: () => Date.now() });
    const { feed, batches } = ackingFeed(telemetry);
    feed.listMessages(list);
    return { telemetry, batches, feed };
  }

  it('starts with the newest kept messages, then sends what is new, newest first, never more than its bound', () => {
    const { telemetry, batches, feed } = listing({ connectionId: 'c1', topicFilter: null, text: null });
    telemetry.ingest('c1', 'a', Buffer.from('first'), 0, false);
    vi.advanceTimersByTime(BATCH_INTERVAL_MS);
    expect(batches.at(-1)?.messages).toMatchObject({ connectionId: 'c1', unlisted: 0, messages: [{ topic: 'a', preview: { data: 'first' } }] });
    for (let i = 0; i < 1000; i++) telemetry.ingest('c1', `t/${i % 10}`, Buffer.from(`m${i}`), 0, false);
    vi.advanceTimersByTime(BATCH_INTERVAL_MS);
    const update = batches.at(-1)?.messages;
    expect(update?.messages).toHaveLength(MAX_LISTED_MESSAGES);
    expect(update?.messages[0]?.preview.data).toBe('m999');
    expect(update?.unlisted).toBe(1000 - MAX_LISTED_MESSAGES);
    feed.listMessages(null);
    telemetry.ingest('c1', 'a', Buffer.from('after'), 0, false);
    vi.advanceTimersByTime(BATCH_INTERVAL_MS);
    expect(batches.at(-1)?.messages).toBeUndefined();
    feed.close();
    telemetry.dispose();
  });

  it('narrows by topic filter and by text in any case, counting what it did not look at', () => {
    const { telemetry, batches, feed } = listing({ connectionId: 'c1', topicFilter: 'plant/+/alarm', text: 'HIGH' });
    vi.advanceTimersByTime(BATCH_INTERVAL_MS);
    telemetry.ingest('c1', 'plant/l1/alarm', Buffer.from('{"level":"high"}'), 1, false);
    telemetry.ingest('c1', 'plant/l1/alarm', Buffer.from('{"level":"low"}'), 1, false);
    telemetry.ingest('c1', 'plant/l1/temp', Buffer.from('high'), 0, false);
    telemetry.ingest('c1', 'other/high', Buffer.from('x'), 0, false);
    vi.advanceTimersByTime(BATCH_INTERVAL_MS);
    const update = batches.at(-1)?.messages;
    expect(update?.messages.map((m) => [m.topic, m.preview.data])).toEqual([['plant/l1/alarm', '{"level":"high"}']]);
    expect(update?.unlisted).toBe(0);
    feed.close();
    telemetry.dispose();
  });
});

describe('a newly charted series', () => {
  it('starts from the values of the messages kept for its topic', () => {
    const telemetry = new Telemetry();
    try {
      for (let i = 1; i <= 5; i++) telemetry.ingest('c1', 'dev/1', Buffer.from(JSON.stringify({ temp: 20 + i })), 0, false);
      telemetry.ingest('c1', 'dev/1', Buffer.from('not json'), 0, false);
      const spec: SeriesSpec = { connectionId: 'c1', topic: 'dev/1', extractor: { kind: 'json', path: 'temp' }, label: '' };
      telemetry.setCharted([spec]);
      const values = () => telemetry.csv(seriesKey(spec)).trim().split('\n').slice(1).map((line) => Number(line.split(',')[1]));
      expect(values()).toEqual([21, 22, 23, 24, 25]);
      expect(telemetry.view(seriesKey(spec), 'all', 100).errors).toBe(0);
      telemetry.ingest('c1', 'dev/1', Buffer.from('{"temp":30}'), 0, false);
      expect(values()).toEqual([21, 22, 23, 24, 25, 30]);
      // Charting it again later does not seed it twice.
      telemetry.setCharted([spec]);
      expect(telemetry.view(seriesKey(spec), 'all', 100).samples).toBe(6);
    } finally {
      telemetry.dispose();
    }
  });

  it('tells a window watching it to read it again when older samples arrive later (from the recorded history)', () => {
    vi.useFakeTimers();
    const telemetry = new Telemetry({ now: () => Date.now() });
    try {
      const spec: SeriesSpec = { connectionId: 'c1', topic: 'dev/1', extractor: { kind: 'number' }, label: '' };
      telemetry.setCharted([spec]);
      const { feed, batches } = ackingFeed(telemetry);
      feed.watch([seriesKey(spec)]);
      telemetry.ingest('c1', 'dev/1', Buffer.from('5'), 0, false);
      vi.advanceTimersByTime(BATCH_INTERVAL_MS);
      expect(batches.at(-1)?.series[0]).toMatchObject({ values: [5], gap: false });
      telemetry.getSeries(seriesKey(spec))?.prepend([1, 2], [3, 4]);
      vi.advanceTimersByTime(BATCH_INTERVAL_MS);
      expect(batches.at(-1)?.series[0]).toMatchObject({ values: [], gap: true });
      expect(telemetry.csv(seriesKey(spec)).trim().split('\n').slice(1).map((l) => Number(l.split(',')[1]))).toEqual([3, 4, 5]);
      feed.close();
    } finally {
      telemetry.dispose();
      vi.useRealTimers();
    }
  });

  it('starts from the decoded values of the kept messages when a decoder rule reads its topic, counting no failure twice', () => {
    const telemetry = new Telemetry();
    try {
      telemetry.setDecoders('c1', { rules: [{ filter: 'cbor/#', decoder: 'cbor', message: '' }], protos: [] });
      for (let i = 1; i <= 3; i++) telemetry.ingest('c1', 'cbor/1', Buffer.from(new CborEncoder().encode({ temp: 20 + i })), 0, false);
      telemetry.ingest('c1', 'cbor/1', Buffer.from([0xff, 0xff]), 0, false);
      // Its preview decodes the last (bad) payload once: one failure, counted once.
      expect(telemetry.store('c1').get('cbor/1')?.update(Date.now()).decoded).toMatchObject({ decoder: 'cbor', failures: 1 });
      const spec: SeriesSpec = { connectionId: 'c1', topic: 'cbor/1', extractor: { kind: 'json', path: 'temp' }, label: '' };
      telemetry.setCharted([spec]);
      const values = () => telemetry.csv(seriesKey(spec)).trim().split('\n').slice(1).map((line) => Number(line.split(',')[1]));
      expect(values()).toEqual([21, 22, 23]);
      expect(telemetry.store('c1').get('cbor/1')?.update(Date.now()).decoded).toMatchObject({ failures: 1 });
      telemetry.ingest('c1', 'cbor/1', Buffer.from(new CborEncoder().encode({ temp: 30 })), 0, false);
      expect(values()).toEqual([21, 22, 23, 30]);
    } finally {
      telemetry.dispose();
    }
  });

  it('seeds each element of a wildcard path', () => {
    const telemetry = new Telemetry();
    try {
      telemetry.ingest('c1', 'dev/1', Buffer.from('{"s":[1,2]}'), 0, false);
      telemetry.ingest('c1', 'dev/1', Buffer.from('{"s":[3,4]}'), 0, false);
      const spec: SeriesSpec = { connectionId: 'c1', topic: 'dev/1', extractor: { kind: 'json', path: 's[*]' }, label: '' };
      telemetry.setCharted([spec]);
      expect(telemetry.csv(`${seriesKey(spec)}|[1]`)).toMatch(/,2\n.*,4\n$/);
    } finally {
      telemetry.dispose();
    }
  });
});
