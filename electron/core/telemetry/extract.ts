/**
 * Values from payloads: a plain number, a boolean as 0/1, or a JSON path into
 * a JSON payload (`temp`, `sensors[2].value`, `$.a.b`, `readings[*].t` for
 * every element). A payload that yields no number is reported, never thrown.
 * Compiled once per series; a payload is parsed once per message however many
 * series read it.
 */

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

/** The parsed JSON of one message, shared by every series that reads it. */
export class PayloadView {
  private parsed: unknown;
  private state: 0 | 1 | 2 = 0; // unparsed, parsed, invalid
  private text: string | null = null;
  constructor(readonly payload: Buffer) {}

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

export interface Extractor {
  readonly spec: ExtractorSpec;
  extract(view: PayloadView): Extraction;
}

function walk(value: unknown, segments: Segment[], at: number, key: string, out: ExtractedValue[], reasons: string[]): void {
  if (at === segments.length) {
    const n = toNumber(value);
    if (typeof n === 'number') out.push({ key, value: n });
    else reasons.push(n);
    return;
  }
  const seg = segments[at] as Segment;
  if ('wildcard' in seg) {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, segments, at + 1, `${key}[${i}]`, out, reasons));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, segments, at + 1, `${key}.${k}`, out, reasons);
    else reasons.push('the path expects an array here');
    return;
  }
  if ('index' in seg) {
    if (!Array.isArray(value)) return void reasons.push(`the path expects an array at [${seg.index}]`);
    return walk(value[seg.index], segments, at + 1, key, out, reasons);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return void reasons.push(`the path expects an object at "${seg.key}"`);
  walk((value as Record<string, unknown>)[seg.key], segments, at + 1, key, out, reasons);
}

export function compileExtractor(spec: ExtractorSpec): Extractor {
  switch (spec.kind) {
    case 'number':
      return {
        spec,
        extract(view) {
          const text = view.asText().trim();
          const n = Number(text);
          if (text !== '' && Number.isFinite(n)) return { ok: true, values: [{ key: '', value: n }] };
          // A JSON scalar such as "21.5" (quoted) is still a plain number to an operator.
          const json = view.json();
          if (json.ok) {
            const m = toNumber(json.value);
            if (typeof m === 'number') return { ok: true, values: [{ key: '', value: m }] };
          }
          return { ok: false, reason: `"${text.slice(0, 40)}" is not a number` };
        },
      };
    case 'boolean':
      return {
        spec,
        extract(view) {
          const text = view.asText().trim().toLowerCase().replace(/^"(.*)"$/, '$1');
          if (TRUE.has(text)) return { ok: true, values: [{ key: '', value: 1 }] };
          if (FALSE.has(text)) return { ok: true, values: [{ key: '', value: 0 }] };
          return { ok: false, reason: `"${text.slice(0, 40)}" is not a boolean` };
        },
      };
    case 'json': {
      const segments = parsePath(spec.path);
      return {
        spec,
        extract(view) {
          const json = view.json();
          if (!json.ok) return { ok: false, reason: 'the payload is not valid JSON' };
          const out: ExtractedValue[] = [];
          const reasons: string[] = [];
          walk(json.value, segments, 0, '', out, reasons);
          return out.length ? { ok: true, values: out } : { ok: false, reason: reasons[0] ?? 'no value at that path' };
        },
      };
    }
  }
}
