/**
 * What one connection knows of its Sparkplug B edge nodes: per node and
 * device, the metrics its last birth defined (name, alias, data type, last
 * value), whether it is online, and the node's sequence numbers. Births
 * (NBIRTH, DBIRTH) define metrics and aliases; DATA resolves aliases through
 * the last birth and updates values; DEATH marks a node and its devices, or a
 * device, offline (an NDEATH whose bdSeq is not the current birth's belongs
 * to an earlier session and is ignored); `seq` must count up by one (mod 256)
 * from the NBIRTH through every node message but NDEATH, and every miss is
 * counted. STATE messages say whether a host application is online.
 */
import { MAX_TREE_METRICS, type SparkplugTree } from '../../../../shared/sparkplug';
import type { Plain } from '../plain-value';
import { dataTypeName } from './schema';

/** Metrics one node or device keeps at most, so DATA carrying ever new names cannot grow it forever. */
export const MAX_SOURCE_METRICS = 10_000;

/**
 * A metric as the last birth defined it, with its last value and time. The
 * slot is old (kept for the tree) and written for every DATA message, so its
 * number and time are double fields written in place: a field that may hold
 * anything boxes every number written into a new young object, which the old
 * slot then holds across collections (the collector copies and promotes it).
 */
export class MetricSlot {
  /** The last value when it is not a number (null when it is one). */
  private other: Plain = null;
  private number = NaN;
  private numeric = false;
  /** Milliseconds, NaN for none. */
  private time = NaN;

  constructor(
    readonly name: string,
    readonly alias: number | null,
    readonly type: number,
    value: Plain,
    timestamp: number | null,
  ) {
    this.set(value, timestamp);
  }

  set(value: Plain, timestamp: number | null): void {
    if (typeof value === 'number') {
      this.number = value;
      this.numeric = true;
      this.other = null;
    } else {
      this.other = value;
      this.numeric = false;
    }
    this.time = timestamp ?? NaN;
  }

  get value(): Plain {
    return this.numeric ? this.number : this.other;
  }

  get timestamp(): number | null {
    return Number.isNaN(this.time) ? null : this.time;
  }
}

/** Whatever is told when a node or device goes on- or offline (its topics are pushed again). */
export interface Watcher {
  changed(): void;
}

export class Source {
  born = false;
  offline = false;
  /** Why it is offline, in the operator's words (shown on stat panels); null while online. */
  offlineReason: string | null = null;
  births = 0;
  readonly metrics = new Map<string, MetricSlot>();
  readonly aliases = new Map<number, MetricSlot>();
  /** The topics of this node or device, told when its liveness changes. */
  readonly watchers = new Set<Watcher>();

  /** A birth: the metrics it lists are the whole set from now on. */
  rebirth(slots: MetricSlot[]): void {
    this.born = true;
    this.births++;
    this.metrics.clear();
    this.aliases.clear();
    for (const slot of slots) this.define(slot);
  }

  define(slot: MetricSlot): void {
    if (this.metrics.size >= MAX_SOURCE_METRICS && !this.metrics.has(slot.name)) return;
    this.metrics.set(slot.name, slot);
    if (slot.alias !== null) this.aliases.set(slot.alias, slot);
  }

  setOffline(offline: boolean, reason: string | null = null): void {
    if (this.offline === offline) return;
    this.offline = offline;
    this.offlineReason = offline ? reason : null;
    for (const w of this.watchers) w.changed();
  }
}

export class EdgeNode extends Source {
  seqGaps = 0;
  lastSeq: number | null = null;
  bdSeq: number | null = null;
  staleDeaths = 0;
  readonly devices = new Map<string, Source>();
  constructor(
    readonly group: string,
    readonly edge: string,
  ) {
    super();
  }

  device(name: string): Source {
    let device = this.devices.get(name);
    if (!device) this.devices.set(name, (device = new Source()));
    return device;
  }

  /** A node message's `seq`: one more than the last (mod 256), or a gap. */
  sequence(seq: number | null): void {
    if (seq === null) return;
    if (this.lastSeq !== null && seq !== (this.lastSeq + 1) % 256) this.seqGaps++;
    this.lastSeq = seq;
  }
}

export class SparkplugState {
  readonly nodes = new Map<string, EdgeNode>();
  readonly hosts = new Map<string, { online: boolean; timestamp: number | null; watchers: Set<Watcher> }>();

  node(group: string, edge: string): EdgeNode {
    const key = `${group}\u0000${edge}`;
    let node = this.nodes.get(key);
    if (!node) this.nodes.set(key, (node = new EdgeNode(group, edge)));
    return node;
  }

  host(name: string) {
    let host = this.hosts.get(name);
    if (!host) this.hosts.set(name, (host = { online: true, timestamp: null, watchers: new Set() }));
    return host;
  }

  /** The tree as the window shows it: nodes by group and name, devices and metrics by name, at most MAX_TREE_METRICS metrics. */
  tree(display: (value: Plain) => string | number | boolean | null): SparkplugTree {
    let left = MAX_TREE_METRICS;
    let truncated = false;
    const metrics = (source: Source) => {
      const out = [];
      for (const slot of [...source.metrics.values()].sort((a, b) => a.name.localeCompare(b.name))) {
        if (left <= 0) {
          truncated = true;
          break;
        }
        left--;
        out.push({ name: slot.name, alias: slot.alias, type: dataTypeName(slot.type), value: display(slot.value), timestamp: slot.timestamp });
      }
      return out;
    };
    const nodes = [...this.nodes.values()]
      .sort((a, b) => a.group.localeCompare(b.group) || a.edge.localeCompare(b.edge))
      .map((n) => ({
        group: n.group,
        edge: n.edge,
        born: n.born,
        offline: n.offline,
        births: n.births,
        seqGaps: n.seqGaps,
        lastSeq: n.lastSeq,
        bdSeq: n.bdSeq,
        staleDeaths: n.staleDeaths,
        metrics: metrics(n),
        devices: [...n.devices.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([device, d]) => ({ device, born: d.born, offline: d.offline, births: d.births, metrics: metrics(d) })),
      }));
    const hosts = [...this.hosts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([host, h]) => ({ host, online: h.online, timestamp: h.timestamp }));
    return { nodes, hosts, truncated };
  }
}
