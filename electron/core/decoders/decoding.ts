/**
 * Decoding for the telemetry service: each connection's compiled rules and
 * Sparkplug state, and for each topic, on its first message, the decoding it
 * keeps (or null: no rule matches, and the topic costs what it always did).
 * A Sparkplug node or device going on- or offline has its topics pushed to
 * the windows again, so their `offline` flag follows.
 */
import type { Decoders } from '../../../shared/decoders';
import type { SparkplugTree } from '../../../shared/sparkplug';
import { jsonText } from './json-text';
import type { Plain } from './plain-value';
import { compileRules, type CompiledRules } from './rules';
import { SparkplugState } from './sparkplug/state';
import { TopicDecoding } from './topic-decoding';

/** A topic as the decoding sees it (telemetry/topics.ts TopicStats). */
export interface DecodableTopic {
  readonly topic: string;
}

/** Text values in the Sparkplug tree are cut here; the payload panel has them whole. */
const TREE_TEXT_CHARS = 200;

function display(value: Plain): string | number | boolean | null {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
  const text = typeof value === 'string' ? value : jsonText(value, TREE_TEXT_CHARS).text;
  return text.length > TREE_TEXT_CHARS ? `${text.slice(0, TREE_TEXT_CHARS)}…` : text;
}

interface ConnectionDecoding {
  key: string;
  rules: CompiledRules;
  sparkplug: SparkplugState;
}

export class Decoding {
  private readonly connections = new Map<string, ConnectionDecoding>();

  constructor(private readonly touch: (connectionId: string, topic: DecodableTopic) => void) {}

  /** Sets a connection's rules; returns whether they changed (its topics must then pick their decoder again). */
  configure(connectionId: string, decoders: Decoders): boolean {
    const key = JSON.stringify(decoders);
    const current = this.connections.get(connectionId);
    if (current?.key === key) return false;
    // What births taught stays: the same edge nodes are still out there.
    const sparkplug = current?.sparkplug ?? new SparkplugState();
    this.connections.set(connectionId, { key, rules: compileRules(decoders, sparkplug), sparkplug });
    return true;
  }

  forget(connectionId: string): void {
    this.connections.delete(connectionId);
  }

  /** The decoding of a topic, or null when no rule of its connection matches it. */
  resolve(connectionId: string, topic: DecodableTopic): TopicDecoding | null {
    const decoder = this.connections.get(connectionId)?.rules.match(topic.topic);
    if (!decoder) return null;
    const bound = decoder.forTopic(topic.topic);
    const watcher = bound.watch ? { changed: () => this.touch(connectionId, topic) } : null;
    return new TopicDecoding(decoder.kind, bound, decoder.stateful, watcher);
  }

  /** Whether a rule of the connection matches the topic (without binding a decoder to it). */
  matches(connectionId: string, topic: string): boolean {
    return !!this.connections.get(connectionId)?.rules.match(topic);
  }

  sparkplugTree(connectionId: string): SparkplugTree {
    return this.connections.get(connectionId)?.sparkplug.tree(display) ?? { nodes: [], hosts: [], truncated: false };
  }
}
