/**
 * The window's side of message history: the diff of two payloads (JSON-aware,
 * text otherwise, bounded on large ones), the tree's flash when a topic just
 * took a message and its summary under a filter, the message list's bounds,
 * pause and filters, and the one pluralisation helper.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { KeptMessage, MessageListUpdate, TopicUpdate } from '../../shared/telemetry';
import { plural } from '../../renderer/src/app/format';
import { diffJson, diffPayloads, diffText, MAX_CHANGES, MAX_EDITS, type DiffLine, type PayloadDiff } from '../../renderer/src/topics/diff';
import { FLASH_MS, flashOf } from '../../renderer/src/topics/highlight';
import { filterProblem, LIST_CAPACITY, MessageList } from '../../renderer/src/topics/message-list';
import { fromPreview } from '../../renderer/src/topics/payload';
import { TopicTree } from '../../renderer/src/topics/topic-tree';
import { createMemoryClient } from '../support/memory-client';

const text = (t: string) => fromPreview({ encoding: 'text', data: t, truncated: false });

function changesOf(diff: PayloadDiff) {
  if (diff.kind !== 'json') throw new Error(`a ${diff.kind} diff`);
  return diff.changes;
}

function linesOf(diff: PayloadDiff): DiffLine[] {
  if (diff.kind !== 'text') throw new Error(`a ${diff.kind} diff`);
  return diff.lines;
}

describe('diff of two payloads', () => {
  it('names the keys and elements changed, added and removed in JSON, by the path a chart field uses', () => {
    const before = { temp: 21.5, mode: 'auto', sensors: [{ value: 1 }, { value: 2 }], 'odd key': 1, gone: { deep: true } };
    const after = { temp: 22, mode: 'auto', sensors: [{ value: 1 }, { value: 3 }, { value: 4 }], 'odd key': 1, added: null };
    expect(changesOf(diffPayloads(text(JSON.stringify(before)), text(JSON.stringify(after, null, 2))))).toEqual([
      { path: 'temp', kind: 'changed', before: '21.5', after: '22' },
      { path: 'sensors[1].value', kind: 'changed', before: '2', after: '3' },
      { path: 'sensors[2]', kind: 'added', after: '{"value":4}' },
      { path: 'gone', kind: 'removed', before: '{"deep":true}' },
      { path: 'added', kind: 'added', after: 'null' },
    ]);
    expect(changesOf(diffJson({ a: [1, 2] }, { a: [1, 2] }))).toEqual([]);
    expect(changesOf(diffJson({ a: 1 }, { a: '1' }))).toEqual([{ path: 'a', kind: 'changed', before: '1', after: '"1"' }]);
    expect(changesOf(diffJson({ a: { b: 1 } }, { a: [1] }))).toEqual([{ path: 'a', kind: 'changed', before: '{"b":1}', after: '[1]' }]);
    expect(changesOf(diffJson({ 'a.b': 1 }, { 'a.b': 2 }))[0]?.path).toBe('["a.b"]');
  });

  it('compares text line by line, folding what did not change', () => {
    const a = Array.from({ length: 30 }, (_, i) => `line ${i}`);
    const b = [...a];
    b[10] = 'line ten';
    b.splice(20, 1);
    b.push('the end');
    const diff = diffText(a.join('\n'), b.join('\n'));
    expect(diff).toMatchObject({ kind: 'text', added: 2, removed: 2, truncated: false });
    const lines = linesOf(diff);
    expect(lines.filter((l) => l.kind === 'removed')).toEqual([
      { kind: 'removed', text: 'line 10' },
      { kind: 'removed', text: 'line 20' },
    ]);
    expect(lines.filter((l) => l.kind === 'added')).toEqual([
      { kind: 'added', text: 'line ten' },
      { kind: 'added', text: 'the end' },
    ]);
    expect(lines[0]).toEqual({ kind: 'folded', count: 8 });
    expect(lines.filter((l) => l.kind === 'same').length).toBeLessThanOrEqual(10);
    // A payload that is not a JSON document is text, even if one side is.
    expect(diffPayloads(text('{"a":1}'), text('plain')).kind).toBe('text');
    expect(diffPayloads(text('same'), text('same'))).toMatchObject({ kind: 'text', added: 0, removed: 0 });
  });

  it('says where binary payloads first differ', () => {
    const bin = (bytes: number[]) => ({ text: null, bytes: () => Uint8Array.from(bytes) });
    expect(diffPayloads(bin([0, 1, 2]), bin([0, 1, 9, 9]))).toEqual({ kind: 'binary', sizes: [3, 4], firstDifference: 2 });
    expect(diffPayloads(bin([0, 1]), bin([0, 1]))).toEqual({ kind: 'binary', sizes: [2, 2], firstDifference: null });
  });

  it('stays bounded on large payloads, and says when it cut', () => {
    const big = (n: number, offset: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i + offset]));
    const json = diffJson(big(20_000, 0), big(20_000, 1));
    expect(json).toMatchObject({ kind: 'json', truncated: true });
    expect(changesOf(json)).toHaveLength(MAX_CHANGES);
    const lines = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i}`).join('\n');
    const started = performance.now();
    const text = diffText(lines(20_000, 'a'), lines(20_000, 'b'));
    expect(text).toMatchObject({ kind: 'text', truncated: true, added: 20_000, removed: 20_000 });
    expect(MAX_EDITS).toBeLessThan(20_000);
    // Reported, not asserted on a shared machine: the bound is on edits searched, not on time.
    console.log(`diff of two 20,000-line payloads: ${Math.round(performance.now() - started)} ms`);
    const deep = JSON.parse(`${'['.repeat(5000)}1${']'.repeat(5000)}`) as unknown;
    const deep2 = JSON.parse(`${'['.repeat(5000)}2${']'.repeat(5000)}`) as unknown;
    expect(changesOf(diffJson(deep, deep2))).toHaveLength(1);
  });
});

describe('tree rows that just changed', () => {
  const update = (topic: string, count: number): TopicUpdate => ({ topic, count, rate: 0, retained: false, qos: 0, size: 1, updatedAt: 0, preview: { encoding: 'text', data: 'x', truncated: false } });

  it('flash for FLASH_MS after a message, started as far into the flash as the row is late', () => {
    expect(flashOf(1000, 1000)).toEqual({ key: 1000, delayMs: -0 });
    expect(flashOf(1000, 1300)).toEqual({ key: 1000, delayMs: -300 });
    expect(flashOf(1000, 1000 + FLASH_MS)).toBeNull();
    expect(flashOf(0, 10)).toBeNull();
  });

  it('mark the topic and every level above it, and not when a count did not move', () => {
    const tree = new TopicTree();
    tree.apply([update('plant/l1/temp', 1), update('fleet/t1', 1)], 100);
    tree.apply([update('plant/l1/temp', 2)], 500);
    expect(['plant/l1/temp', 'plant/l1', 'plant', 'fleet/t1'].map((p) => tree.node(p)?.changedAt)).toEqual([500, 500, 500, 100]);
    // A snapshot read again (same count) is no new message.
    tree.apply([update('plant/l1/temp', 2)], 900);
    expect(tree.node('plant')?.changedAt).toBe(500);
  });

  it('count what the filter keeps in the summary', () => {
    const tree = new TopicTree();
    tree.apply([update('plant/l1/temp', 3), update('plant/l2/temp', 4), update('fleet/t1', 5)], 0);
    expect(tree.summary('')).toEqual({ topics: 3, messages: 12, filtered: false });
    expect(tree.summary('temp')).toEqual({ topics: 2, messages: 7, filtered: true });
    tree.apply([update('plant/l1/temp', 10)], 1);
    expect(tree.summary(' TEMP ')).toEqual({ topics: 2, messages: 14, filtered: true });
    expect(tree.summary('nothing')).toEqual({ topics: 0, messages: 0, filtered: true });
  });
});

describe('the message list', () => {
  beforeAll(() => {
    // Frames never come in Node: the list's signal is only bumped here.
    vi.stubGlobal('requestAnimationFrame', () => 0);
  });
  const message = (seq: number, topic = 'a'): KeptMessage => ({ seq, topic, time: seq, qos: 0, retain: false, size: 1, preview: { encoding: 'text', data: `m${seq}`, truncated: false } });
  const batch = (seqs: number[], unlisted = 0): MessageListUpdate => ({ connectionId: 'c1', messages: seqs.map((s) => message(s)), unlisted });

  function list() {
    const client = createMemoryClient({ 'telemetry.messages': () => null });
    return { client, list: new MessageList(client) };
  }

  it('keeps the newest first, at most LIST_CAPACITY, and counts what main could not list', async () => {
    const { client, list: l } = list();
    await l.open('c1', { topicFilter: ' plant/# ', text: '' });
    expect(client.requests('telemetry.messages')).toEqual([{ list: { connectionId: 'c1', topicFilter: 'plant/#', text: null } }]);
    l.apply(batch([3, 2, 1]));
    l.apply(batch([5, 4], 10));
    expect(l.messages.map((m) => m.seq)).toEqual([5, 4, 3, 2, 1]);
    expect(l.unlisted).toBe(10);
    for (let i = 0; i < 30; i++) l.apply(batch(Array.from({ length: 100 }, (_, k) => 10_000 + i * 100 + 99 - k)));
    expect(l.messages).toHaveLength(LIST_CAPACITY);
    expect(l.messages[0]?.seq).toBe(12_999);
    l.apply({ ...batch([20_000]), connectionId: 'other' });
    expect(l.messages[0]?.seq).toBe(12_999);
  });

  it('stands still while paused, and goes on without repeating what it shows', async () => {
    const { client, list: l } = list();
    await l.open('c1', { topicFilter: '', text: 'alarm' });
    l.apply(batch([2, 1]));
    await l.setPaused(true);
    l.apply(batch([4, 3]));
    expect(l.messages.map((m) => m.seq)).toEqual([2, 1]);
    await l.setPaused(false);
    // Main starts again from the newest kept messages: those already shown are not repeated.
    l.apply(batch([5, 4, 3, 2, 1]));
    expect(l.messages.map((m) => m.seq)).toEqual([5, 4, 3, 2, 1]);
    expect(client.requests('telemetry.messages').map((r) => r.list)).toEqual([
      { connectionId: 'c1', topicFilter: null, text: 'alarm' },
      null,
      { connectionId: 'c1', topicFilter: null, text: 'alarm' },
    ]);
  });

  it('says why a topic filter cannot be used', () => {
    expect(filterProblem({ topicFilter: 'plant/#/x', text: '' })).toMatch(/not a topic filter/);
    expect(filterProblem({ topicFilter: 'plant/+/temp', text: '' })).toBeNull();
  });
});

describe('plurals', () => {
  it('say one message, two messages, and counts with separators', () => {
    expect(plural(1, 'message')).toBe('1 message');
    expect(plural(2, 'message')).toBe('2 messages');
    expect(plural(0, 'topic')).toBe('0 topics');
    expect(plural(1, 'series', 'series')).toBe('1 series');
    expect(plural(1204, 'topic')).toMatch(/^1.204 topics$/);
  });
});
