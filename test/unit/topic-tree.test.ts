/**
 * The topic trie both sides build (shared/topic-tree.ts), and main's and the
 * window's views of it: levels, prefixes, subtree walks, and a hostile topic
 * 65,535 levels deep (the most an MQTT topic can hold) that must not overflow
 * the stack anywhere.
 */
import { describe, expect, it } from 'vitest';
import { forEachBelow, TopicTrie, type TrieNode } from '../../shared/topic-tree';
import { TopicStore } from '../../electron/core/telemetry/topics';

class Node implements TrieNode<Node> {
  readonly children = new Map<string, Node>();
  constructor(
    readonly parent: Node | null,
    readonly path: string,
    readonly depth: number,
  ) {}
}

function trie(): { trie: TopicTrie<Node>; created: string[] } {
  const created: string[] = [];
  const t = new TopicTrie<Node>(new Node(null, '', -1), (parent, _level, path, depth) => {
    created.push(path);
    return new Node(parent, path, depth);
  });
  return { trie: t, created };
}

/** 65,534 slashes: 65,535 empty levels in a topic of the largest length MQTT allows. */
const DEEPEST = '/'.repeat(65_534);

describe('the topic trie', () => {
  it('makes a node per level, once, with its path and depth, empty levels included', () => {
    const { trie: t, created } = trie();
    const a = t.add('plant/line1/temp');
    t.add('plant/line1/temp');
    t.add('plant/line2');
    t.add('/lead//double/');
    expect(created).toEqual(['plant', 'plant/line1', 'plant/line1/temp', 'plant/line2', '', '/lead', '/lead/', '/lead//double', '/lead//double/']);
    expect(a.path).toBe('plant/line1/temp');
    expect(a.depth).toBe(2);
    expect(t.size).toBe(3);
    expect(t.get('plant/line1')).toBeUndefined();
    expect(t.find('plant/line1')?.path).toBe('plant/line1');
    expect(t.find('plant/line3')).toBeNull();
    expect(t.find('plant/line1/temp')).toBe(a);
  });

  it('walks a subtree parents first, children in the order they came', () => {
    const { trie: t } = trie();
    for (const topic of ['a/b/c', 'a/x', 'a/b/d', 'z']) t.add(topic);
    const seen: string[] = [];
    forEachBelow(t.root, (n) => seen.push(n.path));
    expect(seen).toEqual(['', 'a', 'a/b', 'a/b/c', 'a/b/d', 'a/x', 'z']);
    const below: string[] = [];
    forEachBelow(t.find('a/b') as Node, (n) => below.push(n.path));
    expect(below).toEqual(['a/b', 'a/b/c', 'a/b/d']);
  });

  it('adds, finds and walks a topic 65,535 levels deep', () => {
    const { trie: t } = trie();
    const leaf = t.add(DEEPEST);
    expect(leaf.depth).toBe(65_534);
    expect(t.find(DEEPEST)).toBe(leaf);
    expect(t.find('/'.repeat(1000))?.depth).toBe(1000);
    let count = 0;
    forEachBelow(t.root, () => count++);
    expect(count).toBe(65_536);
  });

  it('forgets everything on clear', () => {
    const { trie: t } = trie();
    t.add('a/b');
    t.clear();
    expect(t.size).toBe(0);
    expect(t.find('a')).toBeNull();
    expect(t.root.children.size).toBe(0);
  });
});

describe("main's topic store on a hostile topic", () => {
  it('records, sums and lists retained messages of a topic 65,535 levels deep', () => {
    const store = new TopicStore();
    store.record(DEEPEST, Buffer.from('x'), 1, true, 1);
    store.record('/a', Buffer.from('y'), 0, false, 2);
    expect(store.node('')?.totals()).toEqual({ messages: 2, topics: 2 });
    expect(store.node('/')?.totals()).toEqual({ messages: 1, topics: 1 });
    expect(store.retainedUnder('')).toEqual([DEEPEST]);
    expect(store.retainedUnder('/'.repeat(30_000))).toEqual([DEEPEST]);
    expect(store.all().map((s) => s.topic)).toEqual([DEEPEST, '/a']);
  });
});
