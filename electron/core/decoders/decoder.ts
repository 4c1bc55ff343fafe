/**
 * What every decoder is to the rest of the core: made once per rule, bound
 * once per topic (a topic's context, such as its Sparkplug edge node, is
 * looked up then, not per message), then asked to decode payloads into plain
 * values. `decode` throws DecodeError and nothing else.
 */
import type { DecoderKind, SparkplugFacts } from '../../../shared/decoders';
import type { Plain } from './plain-value';
import type { Watcher } from './sparkplug/state';

export interface TopicDecoder {
  /**
   * One payload as a plain value. `observe`: the message as it arrives (a
   * stateful decoder learns from it), not a re-read of one seen before.
   * `wanted` false: nobody reads the value (a stateful decoder's topic no
   * chart reads): a decoder may then only learn from the message and return null.
   */
  decode(payload: Buffer, observe: boolean, wanted?: boolean): Plain;
  /** Sparkplug: where the topic sits and what its births say. */
  facts?(value: Plain | undefined): SparkplugFacts;
  /** Whether the topic's source is known to be offline; undefined: no such notion. */
  offline?(): boolean | undefined;
  /** Why the source is offline, when it said so (a Sparkplug DEATH). */
  offlineReason?(): string | null;
  /** Told when the source goes on- or offline, so the topic is pushed again; undone by `unwatch`. */
  watch?(watcher: Watcher): void;
  unwatch?(watcher: Watcher): void;
}

export interface PayloadDecoder {
  readonly kind: DecoderKind;
  /** A stateful decoder must see every message as it arrives (Sparkplug: births, deaths, sequence numbers), not only the previews. */
  readonly stateful: boolean;
  forTopic(topic: string): TopicDecoder;
}

/** A decoder without per-topic context: one TopicDecoder serves every topic. */
export function stateless(kind: DecoderKind, decode: (payload: Buffer) => Plain): PayloadDecoder {
  const bound: TopicDecoder = { decode: (payload) => decode(payload) };
  return { kind, stateful: false, forTopic: () => bound };
}
