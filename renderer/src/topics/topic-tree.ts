/**
 * The topic tree of one connection as the window knows it, its view of the
 * shared topic trie (shared/topic-tree.ts): each topic's last update, and per
 * node the subtree totals (messages, rate, retained topics, topics). Plain
 * mutable objects, updated in place by the telemetry feed: an update costs
 * O(depth), never a walk of the tree. The visible rows (expansion and filter
 * applied) are recomputed only when the shape, the expansion or the filter
 * changed, not when counts move.
 */
import type { TopicUpdate } from '../../../shared/telemetry';
import { TopicTrie, type TrieNode } from '../../../shared/topic-tree';
import { FrameSignal } from '../app/frame-signal';

/** Rates decay as main's do (about five seconds), so a quiet topic drops to zero without new updates. */
const RATE_TAU_MS = 5000;
/** A topic's reported rate is trusted this long before the window starts decaying it. */
const DECAY_AFTER_MS = 1500;
/** Nodes shallower than this start expanded. */
const DEFAULT_EXPANDED_DEPTH = 2;

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
let nextNodeId = 1;

/** The window's view of a node of the shared topic trie: the topic's last update and its subtree's totals. */
export class TopicNode implements TrieNode<TopicNode> {
  readonly id = nextNodeId++;
  readonly children = new Map<string, TopicNode>();
  /** Children in display order; null when a child was added since. */
  sorted: TopicNode[] | null = null;
  /** The last update of the topic named exactly by this node, if one arrived. */
  topic: TopicUpdate | null = null;
  /** This topic's own rate now (decayed when no update came), and what main last reported. */
  ownRate = 0;
  reportedRate = 0;
  reportedAt = 0;
  /** When (window time, ms) a message last arrived at or below this node: its row flashes (highlight.ts). */
  changedAt = 0;
  /** Subtree totals, this node included. */
  messages = 0;
  rate = 0;
  retained = 0;
  topics = 0;
  private lowerPath: string | null = null;

  constructor(
    readonly name: string,
    /** The topic prefix this node stands for (`plant/line1`). */
    readonly path: string,
    readonly depth: number,
    readonly parent: TopicNode | null,
  ) {}

  /** The path in lower case, for the filter; made when first asked, as a deep topic has many long prefixes. */
  get lower(): string {
    return (this.lowerPath ??= this.path.toLowerCase());
  }

  get hasChildren(): boolean {
    return this.children.size > 0;
  }

  childrenInOrder(): TopicNode[] {
    this.sorted ??= [...this.children.values()].sort((a, b) => collator.compare(a.name, b.name));
    return this.sorted;
  }
}

/** Which nodes are open: a default by depth, the operator's toggles on top; separate while a filter is typed. */
export class Expansion {
  private readonly toggled = new Set<string>();
  private readonly collapsedWhileFiltering = new Set<string>();
  private filter = '';
  version = 0;

  setFilter(filter: string): void {
    if (filter === this.filter) return;
    this.filter = filter;
    this.collapsedWhileFiltering.clear();
    this.version++;
  }

  isExpanded(node: TopicNode): boolean {
    if (this.filter) return !this.collapsedWhileFiltering.has(node.path);
    return (node.depth < DEFAULT_EXPANDED_DEPTH) !== this.toggled.has(node.path);
  }

  set(node: TopicNode, expanded: boolean): void {
    if (this.isExpanded(node) === expanded) return;
    if (this.filter) {
      if (expanded) this.collapsedWhileFiltering.delete(node.path);
      else this.collapsedWhileFiltering.add(node.path);
    } else if (this.toggled.has(node.path)) this.toggled.delete(node.path);
    else this.toggled.add(node.path);
    this.version++;
  }
}

export class TopicTree {
  private readonly trie = new TopicTrie<TopicNode>(new TopicNode('', '', -1, null), (parent, level, path, depth) => {
    parent.sorted = null;
    this.shape++;
    return new TopicNode(level, path, depth, parent);
  });
  readonly signal = new FrameSignal();
  readonly expansion = new Expansion();
  /** Nodes whose rate is above zero: the only ones the decay sweep looks at. */
  private readonly moving = new Set<TopicNode>();
  /** Bumped whenever nodes are added or removed. */
  private shape = 0;
  private rowsCache: { shape: number; expansion: number; filter: string; rows: TopicNode[]; matched: TopicNode[] } | null = null;

  get root(): TopicNode {
    return this.trie.root;
  }

  get topicCount(): number {
    return this.trie.size;
  }

  /** Applies updates that replace each topic's previous values; returns whether anything changed. */
  apply(updates: readonly TopicUpdate[], now: number): boolean {
    let changed = false;
    for (const update of updates) {
      const node = this.trie.add(update.topic);
      const old = node.topic;
      // A snapshot read before a batch was applied is older than it: counts only grow.
      if (old && update.count < old.count) continue;
      const dMessages = update.count - (old?.count ?? 0);
      const dRetained = (update.retained ? 1 : 0) - (old?.retained ? 1 : 0);
      const dTopics = old ? 0 : 1;
      const dRate = update.rate - node.ownRate;
      node.topic = update;
      node.ownRate = update.rate;
      node.reportedRate = update.rate;
      node.reportedAt = now;
      if (update.rate > 0) this.moving.add(node);
      else this.moving.delete(node);
      for (let n: TopicNode | null = node; n; n = n.parent) {
        n.messages += dMessages;
        n.rate += dRate;
        n.retained += dRetained;
        n.topics += dTopics;
        if (dMessages > 0) n.changedAt = now;
      }
      changed = true;
    }
    return changed;
  }

  /** Lets the rates of topics that went quiet decay; returns whether any rate changed. */
  decay(now: number): boolean {
    let changed = false;
    for (const node of this.moving) {
      const age = now - node.reportedAt;
      if (age < DECAY_AFTER_MS) continue;
      let rate = node.reportedRate * Math.exp(-age / RATE_TAU_MS);
      if (rate < 0.01) {
        rate = 0;
        this.moving.delete(node);
      }
      const d = rate - node.ownRate;
      node.ownRate = rate;
      for (let n: TopicNode | null = node; n; n = n.parent) n.rate += d;
      changed = true;
    }
    return changed;
  }

  clear(): void {
    this.trie.clear();
    this.root.sorted = null;
    this.root.messages = this.root.rate = this.root.retained = this.root.topics = 0;
    this.moving.clear();
    this.shape++;
  }

  /** The node of a topic prefix, or null. */
  node(path: string): TopicNode | null {
    return this.trie.find(path);
  }

  /**
   * The rows to show, in order: the expanded tree, or with a filter every topic
   * containing it (case-insensitive, anywhere in the name) with its ancestors.
   */
  rows(filter: string): TopicNode[] {
    const f = filter.trim().toLowerCase();
    this.expansion.setFilter(f);
    const cache = this.rowsCache;
    if (cache && cache.shape === this.shape && cache.expansion === this.expansion.version && cache.filter === f) return cache.rows;
    let keep: Set<TopicNode> | null = null;
    const matched: TopicNode[] = [];
    if (f) {
      keep = new Set();
      for (const node of this.trie.topics()) {
        if (!node.lower.includes(f)) continue;
        matched.push(node);
        for (let n: TopicNode | null = node; n && n !== this.root && !keep.has(n); n = n.parent) keep.add(n);
      }
    }
    const rows: TopicNode[] = [];
    // Iterative: a hostile topic can be thousands of levels deep.
    const stack: TopicNode[] = [...this.root.childrenInOrder()].reverse();
    while (stack.length) {
      const node = stack.pop() as TopicNode;
      if (keep && !keep.has(node)) continue;
      rows.push(node);
      if (node.hasChildren && this.expansion.isExpanded(node)) {
        const children = node.childrenInOrder();
        for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as TopicNode);
      }
    }
    this.rowsCache = { shape: this.shape, expansion: this.expansion.version, filter: f, rows, matched };
    return rows;
  }

  /**
   * What the tree's summary line counts: every topic and message, or with a
   * filter only the topics whose name contains it and their messages.
   */
  summary(filter: string): { topics: number; messages: number; filtered: boolean } {
    if (!filter.trim()) return { topics: this.topicCount, messages: this.root.messages, filtered: false };
    this.rows(filter);
    const matched = this.rowsCache?.matched ?? [];
    let messages = 0;
    for (const node of matched) messages += node.topic?.count ?? 0;
    return { topics: matched.length, messages, filtered: true };
  }
}
