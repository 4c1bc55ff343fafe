/**
 * Values from payloads: a plain number, a boolean as 0/1, or a JSON path into
 * a JSON payload (`temp`, `sensors[2].value`, `$.a.b`, `readings[*].t` for
 * every element). A payload that yields no number is reported, never thrown.
 * Compiled once per series; a payload is parsed once per message however many
 * series read it. Plain paths are read straight from the bytes (json-scan.ts).
 * Only finite numbers are samples: Infinity (`1e999`), NaN and text are bad values.
 * A payload a decoder rule decoded (Sparkplug B, Protobuf, CBOR…) is read the
 * same way: its decoded value takes the place of the parsed JSON.
 */
import { FALLBACK, scannable, scanNumber, scanPath, type PlainSegment } from './json-scan';

export type ExtractorSpec = { kind: 'number' } | { kind: 'boolean' } | { kind: 'json'; path: string };

type Segment = { key: string } | { index: number } | { wildcard: true };

export interface ExtractedValue {
  /** '' for a plain value; the concrete element (`[3]`) for a wildcard path. */
  key: string;
  value: number;
}

export type Extraction = { ok: true; values: ExtractedValue[] } | { ok: false; reason: string };

export class PathSyntaxError extends Error {}

/** `$.a.b`, `a.b`, `sensors[2].value`, `items[*].v`, `["odd key"]`. */
export function parsePath(path: string): Segment[] {
  const src = path.trim().replace(/^\$\.?/, '');
  const segments: Segment[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new PathSyntaxError(`Invalid JSON path "${path}": ${why}.`);
  };
  while (i < src.length) {
    const ch = src[i];
    if (ch === '.') {
      if (i === 0 || src[i + 1] === undefined || src[i + 1] === '.' || src[i + 1] === '[') fail(`unexpected "." at ${i + 1}`);
      i++;
      continue;
    }
    if (ch === '[') {
      const end = src.indexOf(']', i);
      if (end < 0) fail('missing "]"');
      const inner = src.slice(i + 1, end).trim();
      if (inner === '*') segments.push({ wildcard: true });
      else if (/^\d+$/.test(inner)) segments.push({ index: Number(inner) });
      else if (/^(["']).*\1$/.test(inner)) segments.push({ key: inner.slice(1, -1) });
      else fail(`"[${inner}]" is neither an index, * nor a quoted key`);
      i = end + 1;
      continue;
    }
    let end = i;
    while (end < src.length && src[end] !== '.' && src[end] !== '[') end++;
    const key = src.slice(i, end);
    if (key === '*') segments.push({ wildcard: true });
    else segments.push({ key });
    i = end;
  }
  if (segments.length === 0) fail('it is empty');
  return segments;
}

const EMPTY = Buffer.alloc(0);
const TRUE = new Set(['true', 'on', 'yes', 'open', '1']);
const FALSE = new Set(['false', 'off', 'no', 'closed', '0']);

/** A JSON value as a number: numbers, numeric strings and booleans; anything else is a reason. */
function toNumber(value: unknown): number | string {
  if (typeof value === 'number') return Number.isFinite(value) ? value : 'the value is not finite';
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const n = Number(value.trim());
    if (value.trim() !== '' && Number.isFinite(n)) return n;
    const b = value.trim().toLowerCase();
    if (TRUE.has(b)) return 1;
    if (FALSE.has(b)) return 0;
    return `"${value.slice(0, 40)}" is not a number`;
  }
  if (value === null) return 'the value is null';
  if (value === undefined) return 'the path does not exist in this payload';
  return `the value is ${Array.isArray(value) ? 'an array' : 'an object'}, not a number`;
}

/** The parsed JSON of one message, shared by every series that reads it; reset for the next one. */
export class PayloadView {
  private parsed: unknown;
  private state: 0 | 1 | 2 = 0; // unparsed, parsed, invalid
  private text: string | null = null;
  payload: Buffer;
  /** The value is a decoder's, not the payload's JSON: paths read it, never the bytes. */
  decoded = false;

  constructor(payload: Buffer = EMPTY) {
    this.payload = payload;
  }

  reset(payload: Buffer): void {
    this.payload = payload;
    this.parsed = undefined;
    this.state = 0;
    this.text = null;
    this.decoded = false;
  }

  /** A message its topic's decoder rule decoded to `value` (electron/core/decoders/). */
  resetDecoded(payload: Buffer, value: unknown): void {
    this.payload = payload;
    this.parsed = value;
    this.state = 1;
    this.decoded = true;
    // A decoded scalar is its own text (a plain number chart of a CBOR number); anything else is no number.
    this.text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : Array.isArray(value) ? '[array]' : '{object}';
  }

  /** The decoded value (only meaningful when `decoded`). */
  get decodedValue(): unknown {
    return this.parsed;
  }

  asText(): string {
    this.text ??= this.payload.toString('utf8');
    return this.text;
  }

  json(): { ok: true; value: unknown } | { ok: false } {
    if (this.state === 0) {
      try {
        this.parsed = JSON.parse(this.asText());
        this.state = 1;
      } catch {
        this.state = 2;
      }
    }
    return this.state === 1 ? { ok: true, value: this.parsed } : { ok: false };
  }
}

export type Emit = (key: string, value: number) => void;

export interface Extractor {
  readonly spec: ExtractorSpec;
  /** Whether it yields at most one plain value (key ''): then `value` is the hot path. */
  readonly single: boolean;
  /** For a single extractor: the value, or NaN when the payload has none (`each` then says why). */
  value(view: PayloadView): number;
  /** Calls `emit` per value, returns why there was none (or null). */
  each(view: PayloadView, emit: Emit): string | null;
  /** The same, collected. */
  extract(view: PayloadView): Extraction;
}

function collecting(spec: ExtractorSpec, each: Extractor['each']): Extractor {
  return {
    spec,
    single: false,
    value: () => NaN,
    each,
    extract(view) {
      const values: ExtractedValue[] = [];
      const reason = each(view, (key, value) => values.push({ key, value }));
      return reason === null ? { ok: true, values } : { ok: false, reason };
    },
  };
}

/**
 * An extractor of one plain value: `value` is all the hot path calls; the
 * reason for a payload without one is worked out only for such payloads.
 */
function single(spec: ExtractorSpec, value: (view: PayloadView) => number, reason: (view: PayloadView) => string): Extractor {
  const each: Extractor['each'] = (view, emit) => {
    const v = value(view);
    if (Number.isNaN(v)) return reason(view);
    emit('', v);
    return null;
  };
  return { ...collecting(spec, each), single: true, value };
}

/** The document itself: a payload that is one JSON number. */
const ROOT = scanPath([]);

/** Emits every number the path reaches; returns how many, and the first reason a branch had none. */
function walk(value: unknown, segments: Segment[], at: number, key: string, emit: Emit): { found: number; reason: string | null } {
  if (at === segments.length) {
    const n = toNumber(value);
    if (typeof n === 'number') {
      emit(key, n);
      return { found: 1, reason: null };
    }
    return { found: 0, reason: n };
  }
  const seg = segments[at] as Segment;
  if ('wildcard' in seg) {
    const entries: Array<[string, unknown]> = Array.isArray(value)
      ? value.map((v, i) => [`${key}[${i}]`, v])
      : value && typeof value === 'object'
        ? Object.entries(value).map(([k, v]) => [`${key}.${k}`, v])
        : [];
    if (entries.length === 0) return { found: 0, reason: 'the path expects an array here' };
    let found = 0;
    let reason: string | null = null;
    for (const [k, v] of entries) {
      const r = walk(v, segments, at + 1, k, emit);
      found += r.found;
      reason ??= r.reason;
    }
    return { found, reason };
  }
  if ('index' in seg) {
    if (!Array.isArray(value)) return { found: 0, reason: `the path expects an array at [${seg.index}]` };
    return walk(value[seg.index], segments, at + 1, key, emit);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { found: 0, reason: `the path expects an object at "${seg.key}"` };
  return walk((value as Record<string, unknown>)[seg.key], segments, at + 1, key, emit);
}

/** The finite number or boolean (as 0/1) at a path without wildcards, or null when there is none. */
function follow(value: unknown, segments: readonly PlainSegment[]): number | null {
  let at = value;
  for (let i = 0; i < segments.length; i++) {
    if (at === null || typeof at !== 'object') return null;
    const seg = segments[i] as PlainSegment;
    if ('key' in seg) {
      if (Array.isArray(at) || !Object.prototype.hasOwnProperty.call(at, seg.key)) return null;
      at = (at as Record<string, unknown>)[seg.key];
    } else {
      if (!Array.isArray(at)) return null;
      at = at[seg.index];
    }
  }
  if (typeof at === 'number') return Number.isFinite(at) ? at : null;
  return typeof at === 'boolean' ? (at ? 1 : 0) : null;
}

/** `scan: false` forces the full parser (the fast path's reference in tests). */
export function compileExtractor(spec: ExtractorSpec, options: { scan?: boolean } = {}): Extractor {
  const scan = options.scan !== false;
  switch (spec.kind) {
    case 'number':
      return single(
        spec,
        (view) => {
          // A plain JSON number (or true/false) read from the bytes; anything else (and a decoded value, whose bytes are not JSON) as text below.
          if (scan && !view.decoded) {
            let fast: number | typeof FALLBACK = FALLBACK;
            try {
              fast = scanNumber(view.payload, ROOT);
            } catch {
              // A scanner bug (see above): the text path decides.
            }
            if (fast !== FALLBACK) return fast;
          }
          const text = view.asText().trim();
          const n = Number(text);
          if (text !== '' && Number.isFinite(n)) return n;
          // A JSON scalar such as "21.5" (quoted) is still a plain number to an operator.
          const json = view.json();
          if (json.ok) {
            const m = toNumber(json.value);
            if (typeof m === 'number') return m;
          }
          return NaN;
        },
        (view) => `"${view.asText().trim().slice(0, 40)}" is not a number`,
      );
    case 'boolean': {
      const text = (view: PayloadView) => view.asText().trim().toLowerCase().replace(/^"(.*)"$/, '$1');
      return single(
        spec,
        (view) => {
          const t = text(view);
          return TRUE.has(t) ? 1 : FALSE.has(t) ? 0 : NaN;
        },
        (view) => `"${text(view).slice(0, 40)}" is not a boolean`,
      );
    }
    case 'json': {
      const segments = parsePath(spec.path);
      const wildcard = segments.some((s) => 'wildcard' in s);
      const plain = scan && !wildcard && scannable(segments as PlainSegment[]);
      const compiled = plain ? scanPath(segments as PlainSegment[]) : ROOT;
      const fast = (view: PayloadView): number | typeof FALLBACK => {
        if (view.decoded) {
          // A decoded value is already objects: follow the path straight to a number; anything else, the walk explains.
          return follow(view.decodedValue, segments as PlainSegment[]) ?? FALLBACK;
        }
        if (!plain) return FALLBACK;
        try {
          return scanNumber(view.payload, compiled);
        } catch {
          // Only a bug in the scanner gets here (its fuzz test looks for one); the full parser still decides.
          return FALLBACK;
        }
      };
      const parsed: Extractor['each'] = (view, emit) => {
        const json = view.json();
        if (!json.ok) return 'the payload is not valid JSON';
        const { found, reason } = walk(json.value, segments, 0, '', emit);
        return found > 0 ? null : (reason ?? 'no value at that path');
      };
      if (wildcard) return collecting(spec, parsed);
      let found = NaN;
      const keep: Emit = (_key, value) => (found = value);
      return single(
        spec,
        (view) => {
          const v = fast(view);
          if (v !== FALLBACK) return v;
          found = NaN;
          return parsed(view, keep) === null ? found : NaN;
        },
        (view) => parsed(view, () => undefined) ?? 'no value at that path',
      );
    }
  }
}
