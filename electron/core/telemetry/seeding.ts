/**
 * Values for a newly charted series from messages that arrived before it was
 * charted: the ones kept in memory for its topic (messages.ts), read here on
 * the spot (at most N per topic), and the raw messages recorded for it, read
 * by the history worker in steps (history/seed.ts). Both go through the
 * collector below, so a payload yields the same samples either way as it
 * does live. Kept messages of a topic a decoder rule matches are decoded
 * first; its recorded raw messages are not read (the worker has no decoders).
 */
import { compileExtractor, PayloadView, type ExtractorSpec, type Extractor } from './extract';

/** Samples a series is seeded with from the recorded history, at most. */
export const SEED_MAX_SAMPLES = 50_000;

/** What the history worker is asked for: values of one topic's recorded messages before `before`. */
export interface SeedQuery {
  /** The series' key: a series that has recorded samples of its own is not seeded (views read those). */
  key: string;
  connectionId: string;
  topic: string;
  extractor: ExtractorSpec;
  before: number;
  maxSamples: number;
}

/** Samples oldest first; `sub[i]` indexes `subs` ('' is the series itself, others elements of a wildcard path). */
export interface SeedSamples {
  subs: string[];
  sub: Uint32Array;
  times: Float64Array;
  values: Float64Array;
}

export const NO_SEED: SeedSamples = { subs: [], sub: new Uint32Array(0), times: new Float64Array(0), values: new Float64Array(0) };

/** Collects the values of messages given in any order; `finish` sorts them by time and keeps the newest `max`. */
export class SeedCollector {
  private readonly extractor: Extractor;
  private readonly view = new PayloadView();
  private readonly subIndex = new Map<string, number>();
  private readonly times: number[] = [];
  private readonly values: number[] = [];
  private readonly subs: number[] = [];
  private time = 0;
  private readonly emit = (sub: string, value: number) => {
    let index = this.subIndex.get(sub);
    if (index === undefined) this.subIndex.set(sub, (index = this.subIndex.size));
    this.times.push(this.time);
    this.values.push(value);
    this.subs.push(index);
  };

  constructor(spec: ExtractorSpec | Extractor) {
    this.extractor = 'each' in spec ? spec : compileExtractor(spec);
  }

  get count(): number {
    return this.times.length;
  }

  /** A payload that yields no value adds nothing: seeding is what could be read, not a count of errors. */
  add(time: number, payload: Buffer): void {
    this.time = time;
    this.view.reset(payload);
    this.extractor.each(this.view, this.emit);
  }

  /** A payload its topic's decoder rule decoded to `value`: read by the same paths (extract.ts). */
  addDecoded(time: number, payload: Buffer, value: unknown): void {
    this.time = time;
    this.view.resetDecoded(payload, value);
    this.extractor.each(this.view, this.emit);
  }

  finish(max = Number.POSITIVE_INFINITY): SeedSamples {
    const order = this.times.map((_, i) => i).sort((a, b) => (this.times[a] as number) - (this.times[b] as number) || a - b);
    const keep = order.slice(Math.max(0, order.length - max));
    return {
      subs: [...this.subIndex.keys()],
      sub: Uint32Array.from(keep, (i) => this.subs[i] as number),
      times: Float64Array.from(keep, (i) => this.times[i] as number),
      values: Float64Array.from(keep, (i) => this.values[i] as number),
    };
  }
}

/** The samples of one sub-key ('' for the series itself), oldest first. */
export function samplesOf(seed: SeedSamples, sub: string): { times: Float64Array; values: Float64Array } {
  const index = seed.subs.indexOf(sub);
  const picked: number[] = [];
  for (let i = 0; i < seed.times.length; i++) if (seed.sub[i] === index) picked.push(i);
  return { times: Float64Array.from(picked, (i) => seed.times[i] as number), values: Float64Array.from(picked, (i) => seed.values[i] as number) };
}
