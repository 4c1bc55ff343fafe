/**
 * The window's topic tree (renderer/src/topics/topic-tree.ts): what the
 * operator sees in the Topics view — levels, subtree counts, rates that fade
 * when a topic goes quiet, and the filter typed above the tree.
 */
import { describe, expect, it } from 'vitest';
import type { TopicUpdate } from '../../shared/telemetry';
import { TopicTree } from '../../renderer/src/topics/topic-tree';

function update(topic: string, count: number, extra: Partial<TopicUpdate> = {}): TopicUpdate {
  return {
    topic,
    count,
    rate: 0,
    retained: false,
    qos: 0,
    size: 4,
    updatedAt: 1_700_000_000_000,
    preview: { encoding: 'text', data: `m${count}`, truncated: false },
    ...extra,
  };
}

function paths(tree: TopicTree, filter = ''): string[] {
  return tree.rows(filter).map((n) => n.path);
}

function totals(tree: TopicTree, path: string): { messages: number; topics: number; retained: number } {
  const node = path === '' ? tree.root : tree.node(path);
  if (!node) throw new Error(`no node ${path}`);
  return { messages: node.messages, topics: node.topics, retained: node.retained };
}

const PLANT = [
  update('plant/line1/oven1/temp', 10, { retained: true }),
  update('plant/line1/oven2/temp', 5),
  update('plant/line2/press/state', 7, { retained: true }),
  update('fleet/tracker1/battery', 3),
];

describe('building the tree from topic updates', () => {
  it('splits topics into levels and knows every prefix', () => {
    const tree = new TopicTree();
    expect(tree.apply(PLANT, 0)).toBe(true);
    expect(tree.topicCount).toBe(4);
    const line1 = tree.node('plant/line1');
    expect(line1?.name).toBe('line1');
    expect(line1?.depth).toBe(1);
    expect(line1?.topic).toBeNull(); // a level, not a topic anyone published to
    expect(line1?.hasChildren).toBe(true);
    expect(tree.node('plant/line1/oven1/temp')?.topic?.preview?.data).toBe('m10');
    expect(tree.node('plant/line3')).toBeNull();
    expect(tree.node('plant/line1/oven1/temp/more')).toBeNull();
  });

  it('sums messages, topics and retained topics for every subtree', () => {
    const tree = new TopicTree();
    tree.apply(PLANT, 0);
    expect(totals(tree, '')).toEqual({ messages: 25, topics: 4, retained: 2 });
    expect(totals(tree, 'plant')).toEqual({ messages: 22, topics: 3, retained: 2 });
    expect(totals(tree, 'plant/line1')).toEqual({ messages: 15, topics: 2, retained: 1 });
    expect(totals(tree, 'plant/line1/oven2/temp')).toEqual({ messages: 5, topics: 1, retained: 0 });
    expect(totals(tree, 'fleet')).toEqual({ messages: 3, topics: 1, retained: 0 });
  });

  it('counts a topic that is also the parent of other topics once, with its children', () => {
    const tree = new TopicTree();
    tree.apply([update('home/door', 2), update('home/door/battery', 4)], 0);
    expect(tree.node('home/door')?.topic?.count).toBe(2);
    expect(totals(tree, 'home/door')).toEqual({ messages: 6, topics: 2, retained: 0 });
    expect(totals(tree, 'home')).toEqual({ messages: 6, topics: 2, retained: 0 });
  });

  it('treats a count as the running total, not as new messages to add', () => {
    const tree = new TopicTree();
    tree.apply([update('a/b', 5)], 0);
    tree.apply([update('a/b', 8)], 100);
    expect(totals(tree, 'a')).toEqual({ messages: 8, topics: 1, retained: 0 });
    expect(tree.node('a/b')?.topic?.preview?.data).toBe('m8');
  });

  it('drops a topic from the retained total when its retained message is cleared', () => {
    const tree = new TopicTree();
    tree.apply([update('a/b', 1, { retained: true }), update('a/c', 1, { retained: true })], 0);
    expect(totals(tree, 'a').retained).toBe(2);
    tree.apply([update('a/b', 2, { retained: false })], 10);
    expect(totals(tree, 'a').retained).toBe(1);
    expect(totals(tree, '').retained).toBe(1);
  });

  it('keeps empty levels (leading, doubled and trailing slashes) as their own nodes', () => {
    const tree = new TopicTree();
    tree.apply([update('/abs', 1), update('a//b', 1), update('a/', 1)], 0);
    expect(tree.node('/abs')?.topic?.topic).toBe('/abs');
    expect(tree.node('a//b')?.topic?.topic).toBe('a//b');
    expect(tree.node('a/')?.topic?.topic).toBe('a/');
    expect(tree.node('a/')?.name).toBe('');
    expect(tree.topicCount).toBe(3);
    expect(totals(tree, '').topics).toBe(3);
  });
});

describe('updates applied out of order', () => {
  it('ignores an update with a lower count than the one shown (an older snapshot)', () => {
    const tree = new TopicTree();
    tree.apply([update('a/b', 10, { retained: true })], 0);
    const changed = tree.apply([update('a/b', 7, { retained: false, rate: 50 })], 10);
    expect(changed).toBe(false);
    const node = tree.node('a/b');
    expect(node?.topic?.count).toBe(10);
    expect(node?.topic?.preview?.data).toBe('m10');
    expect(node?.rate).toBe(0);
    expect(totals(tree, '')).toEqual({ messages: 10, topics: 1, retained: 1 });
  });

  it('still applies the other, newer updates of the same batch', () => {
    const tree = new TopicTree();
    tree.apply([update('a/b', 10), update('a/c', 1)], 0);
    expect(tree.apply([update('a/b', 9), update('a/c', 4)], 10)).toBe(true);
    expect(totals(tree, 'a').messages).toBe(14);
  });

  it('accepts an update with the same count (newer flags for the same message)', () => {
    const tree = new TopicTree();
    tree.apply([update('a/b', 3, { retained: true })], 0);
    expect(tree.apply([update('a/b', 3, { retained: false })], 10)).toBe(true);
    expect(totals(tree, '')).toEqual({ messages: 3, topics: 1, retained: 0 });
  });

  it('reports no change for an empty batch', () => {
    expect(new TopicTree().apply([], 0)).toBe(false);
  });
});

describe('clearing', () => {
  it('forgets every topic and total, and rebuilds from the next updates', () => {
    const tree = new TopicTree();
    tree.apply(PLANT.map((u) => ({ ...u, rate: 2 })), 0);
    expect(paths(tree).length).toBeGreaterThan(0);
    tree.clear();
    expect(tree.topicCount).toBe(0);
    expect(paths(tree)).toEqual([]);
    expect(paths(tree, 'plant')).toEqual([]);
    expect(tree.node('plant')).toBeNull();
    expect(totals(tree, '')).toEqual({ messages: 0, topics: 0, retained: 0 });
    expect(tree.root.rate).toBe(0);
    // Rates of the old topics no longer decay into the fresh tree.
    expect(tree.decay(60_000)).toBe(false);

    // A restarted backend counts from 1 again: that is not an "older" update any more.
    tree.apply([update('plant/line1/oven1/temp', 1)], 100);
    expect(totals(tree, '')).toEqual({ messages: 1, topics: 1, retained: 0 });
    expect(paths(tree)).toEqual(['plant', 'plant/line1', 'plant/line1/oven1']);
  });
});

describe('rates', () => {
  it('sums the rates of a subtree and replaces a topic rate with the newest report', () => {
    const tree = new TopicTree();
    tree.apply([update('s/a', 1, { rate: 4 }), update('s/b', 1, { rate: 6 })], 0);
    expect(tree.node('s')?.rate).toBeCloseTo(10);
    tree.apply([update('s/a', 2, { rate: 1 })], 100);
    expect(tree.node('s')?.rate).toBeCloseTo(7);
    expect(tree.node('s/a')?.ownRate).toBe(1);
  });

  it('trusts a reported rate for a moment, then lets a quiet topic fade to exactly zero', () => {
    const tree = new TopicTree();
    tree.apply([update('s/quiet', 1, { rate: 10 }), update('s/steady', 1, { rate: 0 })], 0);
    expect(tree.decay(1000)).toBe(false);
    expect(tree.node('s/quiet')?.rate).toBe(10);

    expect(tree.decay(5000)).toBe(true);
    const at5s = tree.node('s/quiet')?.rate ?? NaN;
    expect(at5s).toBeGreaterThan(0);
    expect(at5s).toBeLessThan(10);
    expect(at5s).toBeCloseTo(10 * Math.exp(-1), 5); // about five seconds of time constant
    expect(tree.node('s')?.rate).toBeCloseTo(at5s, 9);
    expect(tree.root.rate).toBeCloseTo(at5s, 9);

    tree.decay(10_000);
    expect(tree.node('s/quiet')?.rate ?? NaN).toBeLessThan(at5s);

    expect(tree.decay(60_000)).toBe(true);
    expect(tree.node('s/quiet')?.ownRate).toBe(0);
    expect(Math.abs(tree.node('s')?.rate ?? NaN)).toBeLessThan(1e-9);
    expect(Math.abs(tree.root.rate)).toBeLessThan(1e-9);
    // Nothing left to decay.
    expect(tree.decay(120_000)).toBe(false);
  });

  it('does not decay a topic that keeps reporting', () => {
    const tree = new TopicTree();
    tree.apply([update('s/a', 1, { rate: 5 })], 0);
    for (let t = 1000; t <= 10_000; t += 1000) {
      tree.apply([update('s/a', 1 + t / 1000, { rate: 5 })], t);
      tree.decay(t + 500);
    }
    expect(tree.node('s/a')?.rate).toBe(5);
    expect(tree.root.rate).toBeCloseTo(5, 9);
  });

  it('restarts from the new report when a faded topic speaks again', () => {
    const tree = new TopicTree();
    tree.apply([update('s/a', 1, { rate: 3 })], 0);
    tree.decay(8000);
    tree.apply([update('s/a', 2, { rate: 2 })], 8000);
    expect(tree.node('s/a')?.rate).toBe(2);
    expect(tree.root.rate).toBeCloseTo(2, 9);
  });

  it('stops decaying a topic that main reports at rate 0', () => {
    const tree = new TopicTree();
    tree.apply([update('s/a', 1, { rate: 3 })], 0);
    tree.apply([update('s/a', 2, { rate: 0 })], 100);
    expect(tree.root.rate).toBe(0);
    expect(tree.decay(10_000)).toBe(false);
  });
});

describe('rows shown', () => {
  it('opens the first two levels by default and lists children in natural, case-insensitive order', () => {
    const tree = new TopicTree();
    tree.apply(
      [update('b/sensor10/t', 1), update('b/sensor2/t', 1), update('b/Sensor1/t', 1), update('a/x/y/z', 1), update('C', 1)],
      0,
    );
    expect(paths(tree)).toEqual(['a', 'a/x', 'a/x/y', 'b', 'b/Sensor1', 'b/Sensor1/t', 'b/sensor2', 'b/sensor2/t', 'b/sensor10', 'b/sensor10/t', 'C']);
    expect(tree.node('a/x/y')?.hasChildren).toBe(true); // shown, but closed
  });

  it('expands and collapses a node on request', () => {
    const tree = new TopicTree();
    tree.apply([update('a/b/c/d/e', 1)], 0);
    expect(paths(tree)).toEqual(['a', 'a/b', 'a/b/c']);
    const abc = tree.node('a/b/c');
    if (!abc) throw new Error('missing a/b/c');
    tree.expansion.set(abc, true);
    expect(paths(tree)).toEqual(['a', 'a/b', 'a/b/c', 'a/b/c/d']);
    const a = tree.node('a');
    if (!a) throw new Error('missing a');
    tree.expansion.set(a, false);
    expect(paths(tree)).toEqual(['a']);
    tree.expansion.set(a, true);
    expect(paths(tree)).toEqual(['a', 'a/b', 'a/b/c', 'a/b/c/d']); // the inner toggle is remembered
  });

  it('shows a new topic in the rows, but does not rebuild them when only counts move', () => {
    const tree = new TopicTree();
    tree.apply([update('a/b', 1)], 0);
    const before = tree.rows('');
    tree.apply([update('a/b', 2, { rate: 3 })], 10);
    tree.decay(5000);
    expect(tree.rows('')).toBe(before);
    tree.apply([update('a/c', 1)], 20);
    expect(paths(tree)).toEqual(['a', 'a/b', 'a/c']);
  });

  it('lists a topic thousands of levels deep without overflowing the stack', () => {
    const tree = new TopicTree();
    const deep = Array.from({ length: 5000 }, (_, i) => `l${i}`).join('/');
    tree.apply([update(deep, 1)], 0);
    const rows = tree.rows('l4999');
    expect(rows).toHaveLength(5000);
    expect(rows.at(-1)?.path).toBe(deep);
    expect(totals(tree, 'l0').messages).toBe(1);
  });

  it('takes a topic 65,535 levels deep, the most MQTT allows, and filters down to it', () => {
    const tree = new TopicTree();
    const deepest = `${'/'.repeat(65_534)}x`;
    tree.apply([update(deepest, 3), update('other', 1)], 0);
    expect(tree.node(deepest)?.depth).toBe(65_534);
    expect(tree.root.messages).toBe(4);
    const rows = tree.rows('x');
    expect(rows).toHaveLength(65_535);
    expect(rows.at(-1)?.path).toBe(deepest);
  });
});

describe('filter as you type', () => {
  const FLEET = [
    update('plant/line1/oven1/temperature', 1),
    update('plant/line1/oven2/temperature', 1),
    update('plant/line1/door7/state', 1),
    update('plant/line2/press/Temperature', 1),
    update('fleet/tracker1/battery', 1),
  ];

  it('matches anywhere in a topic, case-insensitively, and keeps the ancestors of each match', () => {
    const tree = new TopicTree();
    tree.apply(FLEET, 0);
    expect(paths(tree, 'PERAT')).toEqual([
      'plant',
      'plant/line1',
      'plant/line1/oven1',
      'plant/line1/oven1/temperature',
      'plant/line1/oven2',
      'plant/line1/oven2/temperature',
      'plant/line2',
      'plant/line2/press',
      'plant/line2/press/Temperature',
    ]);
  });

  it('matches across levels and in the middle of a level, ignoring surrounding spaces', () => {
    const tree = new TopicTree();
    tree.apply(FLEET, 0);
    expect(paths(tree, '  ne1/door ')).toEqual(['plant', 'plant/line1', 'plant/line1/door7', 'plant/line1/door7/state']);
    expect(paths(tree, 'acker')).toEqual(['fleet', 'fleet/tracker1', 'fleet/tracker1/battery']);
  });

  it('shows every topic under a matching level', () => {
    const tree = new TopicTree();
    tree.apply(FLEET, 0);
    expect(paths(tree, 'line1')).toEqual([
      'plant',
      'plant/line1',
      'plant/line1/door7',
      'plant/line1/door7/state',
      'plant/line1/oven1',
      'plant/line1/oven1/temperature',
      'plant/line1/oven2',
      'plant/line1/oven2/temperature',
    ]);
  });

  it('shows nothing when nothing matches, and the whole tree again when the filter is emptied', () => {
    const tree = new TopicTree();
    tree.apply(FLEET, 0);
    const unfiltered = paths(tree);
    expect(paths(tree, 'humidity')).toEqual([]);
    expect(paths(tree, '   ')).toEqual(unfiltered);
    expect(paths(tree, '')).toEqual(unfiltered);
  });

  it('finds topics that arrive while the filter is typed', () => {
    const tree = new TopicTree();
    tree.apply(FLEET, 0);
    expect(paths(tree, 'humidity')).toEqual([]);
    tree.apply([update('plant/line1/room/humidity', 1)], 10);
    expect(paths(tree, 'humidity')).toEqual(['plant', 'plant/line1', 'plant/line1/room', 'plant/line1/room/humidity']);
  });

  it('lets the operator collapse a match while filtering, and restores the normal expansion afterwards', () => {
    const tree = new TopicTree();
    tree.apply(FLEET, 0);
    const normal = paths(tree);
    expect(paths(tree, 'oven')).toHaveLength(6);
    const line1 = tree.node('plant/line1');
    if (!line1) throw new Error('missing plant/line1');
    tree.expansion.set(line1, false);
    expect(paths(tree, 'oven')).toEqual(['plant', 'plant/line1']);
    // Typing on starts from everything open again.
    expect(paths(tree, 'oven1')).toEqual(['plant', 'plant/line1', 'plant/line1/oven1', 'plant/line1/oven1/temperature']);
    expect(paths(tree, '')).toEqual(normal);
  });
});
