/**
 * The Sparkplug B decoder of one connection: payloads on `spBv1.0/...` topics
 * decoded with the specification's schema into
 * `{timestamp, seq, metrics: {<name>: value}}` (the message's timestamp in
 * milliseconds, as the specification counts it; aliases resolved through the
 * last birth; metrics whose alias no birth named under `unresolved`, keyed
 * by alias), and, as each message arrives, the connection's SparkplugState
 * updated from it. STATE messages of host applications decode to
 * `{online, timestamp}` (milliseconds, as sent). A metric charts by the path `metrics["<name>"]`
 * (shared/sparkplug.ts `metricPath`) on its DATA topic.
 */
import { parseSparkplugTopic, type SparkplugTopic } from '../../../../shared/sparkplug';
import type { SparkplugFacts } from '../../../../shared/decoders';
import { DecodeError, libraryReason } from '../decode-error';
import type { PayloadDecoder, TopicDecoder } from '../decoder';
import { longNumber, type U64 } from '../long-values';
import { Budget, bytesText, plainObject, setKey, type Plain, type PlainObject } from '../plain-value';
import { metricValue } from './metric-values';
import { decodeSparkplugPayload, type MetricMessage, type PayloadMessage } from './schema';
import { MetricSlot, SparkplugState, type EdgeNode, type Source, type Watcher } from './state';

/** A uint64 field as a number: the reader (schema.ts) gives exact numbers already; a Long only for values past 2^49. */
const num = (v: U64 | undefined) => (typeof v === 'number' ? v : longNumber(v));
/** What a stat panel charting the node's or device's metrics says after a DEATH ("Offline for 5 s: …"). */
export const NODE_DEATH = 'edge node death (NDEATH)';
export const DEVICE_DEATH = 'device death (DDEATH)';
/** Decoding is synchronous: one budget serves every payload in turn. */
const BUDGET = new Budget();

export class SparkplugDecoder implements PayloadDecoder {
  readonly kind = 'sparkplug' as const;
  readonly stateful = true;
  constructor(readonly state: SparkplugState = new SparkplugState()) {}

  forTopic(topic: string): TopicDecoder {
    const parsed = parseSparkplugTopic(topic);
    if (!parsed) return notSparkplug;
    if (parsed.kind === 'STATE') return new HostTopic(this.state, parsed);
    return new NodeTopic(this.state, parsed);
  }
}

const notSparkplug: TopicDecoder = {
  decode() {
    throw new DecodeError('the topic is not a Sparkplug B topic (spBv1.0/<group>/<message type>/<edge node>[/<device>], or spBv1.0/STATE/<host>)');
  },
};

class NodeTopic implements TopicDecoder {
  private readonly node: EdgeNode;
  private readonly device: Source | null;
  private readonly birth: boolean;

  constructor(
    state: SparkplugState,
    private readonly topic: SparkplugTopic,
  ) {
    this.node = state.node(topic.group, topic.edge);
    this.device = topic.device ? this.node.device(topic.device) : null;
    this.birth = topic.kind === 'NBIRTH' || topic.kind === 'DBIRTH';
  }

  private get source(): Source {
    return this.device ?? this.node;
  }

  decode(payload: Buffer, observe: boolean, wanted = true): Plain {
    let message: PayloadMessage;
    try {
      message = decodeSparkplugPayload(payload);
    } catch (error) {
      throw new DecodeError(`it is not a Sparkplug B payload: ${libraryReason(error)}`);
    }
    return this.read(message, observe, wanted);
  }

  /** `wanted`: the value is read by someone (a chart, a preview); otherwise only the state learns from the message, and null is returned. */
  private read(message: PayloadMessage, observe: boolean, wanted: boolean): Plain {
    const budget = BUDGET.reset();
    const time = message.timestamp !== undefined ? num(message.timestamp) : null;
    const seq = message.seq !== undefined ? num(message.seq) : null;
    // Ordinary objects of one shape, built only when the value is read.
    const metrics: PlainObject | null = wanted ? {} : null;
    let unresolved: PlainObject | null = null;
    let bdSeq: Plain | undefined;
    const born: MetricSlot[] | null = this.birth && observe ? [] : null;
    const source = this.source;
    // Names and aliases resolve through the device's birth first, then its node's (aliases are unique per node).
    const node = this.device ? this.node : null;
    const list = message.metrics;
    for (let i = 0; i < list.length; i++) {
      const m = list[i] as MetricMessage;
      const alias = m.alias !== undefined ? num(m.alias) : null;
      let name = m.name !== undefined ? (m.name as string) : null;
      let slot: MetricSlot | undefined;
      if (this.birth) slot = undefined;
      else if (name !== null) slot = source.metrics.get(name) ?? node?.metrics.get(name);
      else if (alias !== null) slot = source.aliases.get(alias) ?? node?.aliases.get(alias);
      name ??= slot?.name ?? null;
      const type = m.datatype !== undefined ? (m.datatype as number) : (slot?.type ?? 0);
      const value = metricValue(m, type, budget, 3);
      if (name === null) {
        if (wanted) (unresolved ??= plainObject())[alias === null ? '(no name, no alias)' : String(alias)] = value;
        continue;
      }
      if (metrics) {
        if (name === '__proto__') setKey(metrics, name, value);
        else metrics[name] = value;
      }
      if (!observe) continue;
      if (name === 'bdSeq') bdSeq = value;
      const timestamp = m.timestamp !== undefined ? num(m.timestamp) : time;
      if (born) born.push(new MetricSlot(name, alias, type, value, timestamp));
      else if (slot) slot.set(value, timestamp);
      else if (this.topic.kind === 'NDATA' || this.topic.kind === 'DDATA') source.define(new MetricSlot(name, alias, type, value, timestamp));
    }
    if (observe) this.observe(seq, born, bdSeq);
    if (!metrics) return null;
    const out: PlainObject = { timestamp: time, seq, metrics };
    if (unresolved) out.unresolved = unresolved;
    if (message.uuid) out.uuid = message.uuid;
    if (message.body?.length) out.body = bytesText(message.body);
    return out;
  }

  /** The message's effect on its node and device; `bdSeq`: the message's metric of that name, if any. */
  private observe(seq: number | null, born: MetricSlot[] | null, bdSeq: Plain | undefined): void {
    const { node, device } = this;
    switch (this.topic.kind) {
      case 'NBIRTH': {
        node.lastSeq = null;
        node.sequence(seq);
        node.bdSeq = typeof bdSeq === 'number' ? bdSeq : null;
        node.rebirth(born ?? []);
        node.setOffline(false);
        return;
      }
      case 'NDEATH': {
        if (node.bdSeq !== null && typeof bdSeq === 'number' && bdSeq !== node.bdSeq) {
          node.staleDeaths++;
          return;
        }
        node.lastSeq = null;
        node.setOffline(true, NODE_DEATH);
        for (const d of node.devices.values()) d.setOffline(true, NODE_DEATH);
        return;
      }
      case 'DBIRTH':
        node.sequence(seq);
        device?.rebirth(born ?? []);
        device?.setOffline(false);
        return;
      case 'DDEATH':
        node.sequence(seq);
        device?.setOffline(true, DEVICE_DEATH);
        return;
      case 'NDATA':
      case 'DDATA':
        node.sequence(seq);
        return;
      default:
        // NCMD and DCMD come from host applications: they carry no node sequence.
        return;
    }
  }

  facts(value: Plain | undefined): SparkplugFacts {
    const unresolved = value && typeof value === 'object' && !Array.isArray(value) ? value.unresolved : undefined;
    return {
      kind: this.topic.kind,
      group: this.topic.group,
      edge: this.topic.edge,
      device: this.topic.device,
      born: this.source.born,
      seqGaps: this.node.seqGaps,
      unresolved: unresolved && typeof unresolved === 'object' ? Object.keys(unresolved).length : 0,
    };
  }

  offline(): boolean {
    return this.source.offline;
  }

  offlineReason(): string | null {
    return this.source.offlineReason;
  }

  watch(watcher: Watcher): void {
    this.source.watchers.add(watcher);
  }

  unwatch(watcher: Watcher): void {
    this.source.watchers.delete(watcher);
  }
}

/** `spBv1.0/STATE/<host>`: `{"online": true|false, "timestamp": …}` (Sparkplug 3.0), or the text ONLINE / OFFLINE (earlier hosts). */
class HostTopic implements TopicDecoder {
  constructor(
    private readonly state: SparkplugState,
    private readonly topic: SparkplugTopic,
  ) {}

  decode(payload: Buffer, observe: boolean): Plain {
    const text = payload.toString('utf8').trim();
    let online: boolean;
    let timestamp: number | null = null;
    if (/^(ONLINE|OFFLINE)$/i.test(text)) online = text.toUpperCase() === 'ONLINE';
    else {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
      const record = json && typeof json === 'object' ? (json as Record<string, unknown>) : null;
      if (!record || typeof record.online !== 'boolean') throw new DecodeError('a STATE message is {"online": true or false, "timestamp": …}, or the text ONLINE or OFFLINE');
      online = record.online;
      if (typeof record.timestamp === 'number' && Number.isFinite(record.timestamp)) timestamp = record.timestamp;
    }
    if (observe) {
      const host = this.state.host(this.topic.edge);
      const changed = host.online !== online;
      host.online = online;
      host.timestamp = timestamp;
      if (changed) for (const w of host.watchers) w.changed();
    }
    const out = plainObject();
    out.online = online;
    out.timestamp = timestamp;
    return out;
  }

  facts(): SparkplugFacts {
    return { kind: 'STATE', group: '', edge: this.topic.edge, device: '', born: this.state.hosts.has(this.topic.edge), seqGaps: 0, unresolved: 0 };
  }

  offline(): boolean | undefined {
    const host = this.state.hosts.get(this.topic.edge);
    return host ? !host.online : undefined;
  }

  offlineReason(): string | null {
    return this.offline() ? 'host application offline (STATE)' : null;
  }

  watch(watcher: Watcher): void {
    this.state.host(this.topic.edge).watchers.add(watcher);
  }

  unwatch(watcher: Watcher): void {
    this.state.hosts.get(this.topic.edge)?.watchers.delete(watcher);
  }
}
