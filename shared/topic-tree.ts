/**
 * The topic trie both sides build: one node per topic level (split on `/`,
 * empty levels kept), each topic's node found again by one map lookup, and
 * walks of a subtree. Main hangs its per-topic statistics on the nodes, the
 * window its display totals; each side makes its own nodes through a factory.
 * Topic names are attacker-controlled and a topic can be 65,535 levels deep,
 * so nothing here recurses.
 */

export interface TrieNode<N> {
  readonly children: Map<string, N>;
  readonly parent: N | null;
}

/**
 * Makes the node for `level` under `parent`. `path` is the topic prefix the
 * node stands for (`plant/line1`), `depth` its level counted from 0.
 */
export type NodeFactory<N> = (parent: N, level: string, path: string, depth: number) => N;

export class TopicTrie<N extends TrieNode<N>> {
  /** The nodes of topics added, by topic: the hot path's one lookup. */
  private readonly byTopic = new Map<string, N>();

  constructor(
    readonly root: N,
    private readonly create: NodeFactory<N>,
  ) {}

  /** Topics added (not counting prefixes that are no topic of their own). */
  get size(): number {
    return this.byTopic.size;
  }

  /** The node of a topic added before, or undefined. */
  get(topic: string): N | undefined {
    return this.byTopic.get(topic);
  }

  /** The node of `topic`, created with its missing ancestors on first sight. */
  add(topic: string): N {
    return this.byTopic.get(topic) ?? this.insert(topic);
  }

  private insert(topic: string): N {
    let node = this.root;
    let start = 0;
    for (let depth = 0; ; depth++) {
      const slash = topic.indexOf('/', start);
      const end = slash < 0 ? topic.length : slash;
      const level = topic.slice(start, end);
      let child = node.children.get(level);
      if (!child) {
        child = this.create(node, level, topic.slice(0, end), depth);
        node.children.set(level, child);
      }
      node = child;
      if (slash < 0) break;
      start = slash + 1;
    }
    this.byTopic.set(topic, node);
    return node;
  }

  /** The node of a topic or a prefix of one (`plant/line1`), or null. */
  find(path: string): N | null {
    const exact = this.byTopic.get(path);
    if (exact) return exact;
    let node: N | undefined = this.root;
    let start = 0;
    for (;;) {
      const slash = path.indexOf('/', start);
      node = node.children.get(path.slice(start, slash < 0 ? path.length : slash));
      if (!node) return null;
      if (slash < 0) return node;
      start = slash + 1;
    }
  }

  /** The nodes of every topic added, in the order they were first seen. */
  topics(): IterableIterator<N> {
    return this.byTopic.values();
  }

  clear(): void {
    this.root.children.clear();
    this.byTopic.clear();
  }
}

/** Visits `start` and every node below it, parents before children, children in the order they were added. */
export function forEachBelow<N extends TrieNode<N>>(start: N, visit: (node: N) => void): void {
  visit(start);
  // One iterator per open level instead of a call frame per level.
  const open: Array<Iterator<N>> = [start.children.values()];
  while (open.length > 0) {
    const next = (open[open.length - 1] as Iterator<N>).next();
    if (next.done) {
      open.pop();
      continue;
    }
    visit(next.value);
    if (next.value.children.size > 0) open.push(next.value.children.values());
  }
}
