/**
 * One topic's decoding: its decoder (bound to the topic), how many of its
 * payloads did not decode and why the last did not, and the last decoded
 * value. Topics read by a chart, and every topic of a stateful decoder
 * (Sparkplug), are decoded as each message arrives (`arrived`); the others
 * only when a window's batch or a request needs their last payload
 * (`latest`), once per message whatever the number of windows. Failures are
 * counted per payload decoded, never per request.
 *
 * A value decoded on arrival is not kept: the charts read it at once, and
 * the window's preview (once per batch) or the payload panel (one topic at a
 * time) decode the last payload again when they ask. Kept, each topic's last
 * value lived just long enough to survive a young-generation collection and
 * be promoted: about a third of the core's time per Sparkplug message went
 * to the collector that way (bench/decode-core.ts).
 */
import { DECODER_LABELS, MAX_DECODED_JSON_CHARS, type DecodedPayload, type DecodedPreview, type DecoderKind } from '../../../shared/decoders';
import { PREVIEW_CHARS } from '../../../shared/telemetry';
import { DecodeError } from './decode-error';
import type { TopicDecoder } from './decoder';
import { jsonText } from './json-text';
import type { Plain } from './plain-value';
import type { Watcher } from './sparkplug/state';

/** Payloads larger than this are not decoded (MAX_KEPT_PAYLOAD in telemetry/topics.ts keeps no more of them either). */
export const MAX_DECODE_BYTES = 1024 * 1024;
/** Decoded previews in batches are a little longer than raw ones: decoded JSON spells out names. */
export const DECODED_PREVIEW_CHARS = PREVIEW_CHARS * 3;

/** The decode of one message did not succeed; its reason is the topic's `lastFailure`. */
export const FAILED = Symbol('failed');

/** What the topic is in its store: its count and last payload (telemetry/topics.ts TopicStats). */
export interface DecodedTopic {
  readonly count: number;
  readonly payload: Buffer;
  readonly size: number;
}

export class TopicDecoding {
  failures = 0;
  lastFailure: string | null = null;
  /** The count of the last message decoded, -1 for none; whether it decoded; its value while kept. */
  private at = -1;
  private ok = false;
  private value: Plain | undefined = undefined;
  private previewAt = -1;
  private previewJson: { text: string; truncated: boolean } | null = null;
  /** The previewed value when it has something `facts` counts (Sparkplug metrics no birth named); else undefined. */
  private previewFacts: Plain | undefined = undefined;

  constructor(
    readonly kind: DecoderKind,
    readonly decoder: TopicDecoder,
    /** Every message is decoded as it arrives (stateful decoders). */
    readonly eager: boolean,
    private readonly watcher: Watcher | null,
  ) {
    if (watcher) decoder.watch?.(watcher);
  }

  /** The topic no longer uses this decoding (its connection's rules changed or it was removed). */
  dispose(): void {
    if (this.watcher) this.decoder.unwatch?.(this.watcher);
  }

  /** Decodes one payload; a failure is counted when `count` says this is the first decode of that message. */
  private run(payload: Buffer, size: number, observe: boolean, count: boolean, wanted = true): Plain | typeof FAILED {
    try {
      return this.decode(payload, size, observe, wanted);
    } catch (error) {
      if (!count) return FAILED;
      this.failures++;
      this.lastFailure = this.failureOf(error);
      return FAILED;
    }
  }

  /** The decoder's reading of a payload (throws why it did not decode). */
  private decode(payload: Buffer, size: number, observe: boolean, wanted: boolean): Plain {
    if (size > MAX_DECODE_BYTES) throw new DecodeError(`it is larger than the ${MAX_DECODE_BYTES / 1024 / 1024} MB a decoder reads (${size} bytes)`);
    return this.decoder.decode(payload, observe, wanted);
  }

  /** Why a payload did not decode, in the operator's words. */
  private failureOf(error: unknown): string {
    // Only DecodeError is expected here; anything else is a decoder bug, still never the operator's crash.
    const reason = error instanceof DecodeError ? error.message : `the decoder failed: ${error instanceof Error ? error.message : String(error)}`;
    return `Not ${DECODER_LABELS[this.kind]}: ${reason}.`;
  }

  /**
   * An earlier payload of the topic (a kept message the operator opens or
   * compares), decoded whole: nothing is learned by the decoder and no failure
   * is counted, as the message was counted when it arrived.
   */
  earlier(payload: Buffer, size: number): DecodedPayload {
    if (payload.length < size) return this.failedWhole(`Only the first ${payload.length} of its ${size} bytes were kept, and a payload cut short does not decode.`);
    try {
      return this.wholeOf(this.decode(payload, size, false, true), size);
    } catch (error) {
      return this.failedWhole(this.failureOf(error));
    }
  }

  /** A decoded value as `topics.payload` and `topics.message` answer it. */
  private wholeOf(value: Plain, size: number): DecodedPayload {
    const json = jsonText(value, MAX_DECODED_JSON_CHARS, size);
    return { decoder: this.kind, json: json.text, truncated: json.truncated, error: null };
  }

  private failedWhole(error: string | null): DecodedPayload {
    return { decoder: this.kind, json: null, truncated: false, error };
  }

  private keep(count: number, value: Plain | typeof FAILED): Plain | typeof FAILED {
    this.at = count;
    this.ok = value !== FAILED;
    this.value = value === FAILED ? undefined : value;
    return value;
  }

  /**
   * The message that just arrived, decoded now (the hot path of eager and
   * charted topics); its value is the caller's, not kept. `wanted` false: no
   * chart reads it (an eager topic), so no value need be built.
   */
  arrived(payload: Buffer, count: number, wanted = true): Plain | typeof FAILED {
    const value = this.run(payload, payload.length, true, true, wanted);
    this.keep(count, value);
    this.value = undefined;
    return value;
  }

  /** An earlier payload of the topic (a kept message seeding a chart) decoded without teaching the decoder or counting a failure. */
  peek(payload: Buffer): Plain | typeof FAILED {
    return this.run(payload, payload.length, false, false);
  }

  /** The topic's last payload decoded: kept from its arrival or an earlier request, or decoded now (once per message). */
  latest(topic: DecodedTopic): Plain | typeof FAILED {
    if (this.at === topic.count) {
      if (!this.ok) return FAILED;
      if (this.value !== undefined) return this.value;
      // Decoded before and let go (a lazy topic's preview was made): a re-read, not a new failure.
      return this.run(topic.payload, topic.size, false, false);
    }
    return this.keep(topic.count, this.run(topic.payload, topic.size, false, true));
  }

  /**
   * What a window's topic update carries: with `withPayload`, the decoded JSON
   * (written at most once per message) and the Sparkplug facts, for the topic
   * a window focuses; without, only the decoder and its failures, which cost
   * no decoding (the window shows the decoded form of one topic at a time).
   */
  preview(topic: DecodedTopic, withPayload = true): DecodedPreview {
    if (!withPayload) return { decoder: this.kind, truncated: false, failures: this.failures, lastFailure: this.lastFailure };
    let value: Plain | typeof FAILED | undefined;
    if (this.previewAt !== topic.count) {
      value = this.latest(topic);
      this.previewJson = value === FAILED ? null : jsonText(value, DECODED_PREVIEW_CHARS, topic.size);
      this.previewFacts = value !== FAILED && value !== null && typeof value === 'object' && !Array.isArray(value) && value.unresolved !== undefined ? value : undefined;
      this.previewAt = topic.count;
      // A topic decoded only for its previews does not hold on to its decoded value.
      if (!this.eager) this.value = undefined;
    }
    const json = this.previewJson;
    const preview: DecodedPreview = { decoder: this.kind, json: json?.text ?? null, truncated: json?.truncated ?? false, failures: this.failures, lastFailure: this.lastFailure };
    if (this.decoder.facts) preview.sparkplug = this.decoder.facts(this.previewFacts);
    return preview;
  }

  offline(): boolean | undefined {
    return this.decoder.offline?.();
  }

  offlineReason(): string | null {
    return this.decoder.offlineReason?.() ?? null;
  }

  /** The whole last payload decoded, for `topics.payload`. */
  whole(topic: DecodedTopic): DecodedPayload {
    const value = this.latest(topic);
    return value === FAILED ? this.failedWhole(this.lastFailure) : this.wholeOf(value, topic.size);
  }
}
