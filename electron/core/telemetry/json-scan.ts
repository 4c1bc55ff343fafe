/**
 * The fast path of value extraction: reads one value at a plain JSON path
 * (`temp`, `a.b`, `sensors[2].value`) straight from the payload bytes, without
 * decoding the payload to a string or building its objects, while checking
 * that the whole payload is valid JSON. It only answers what it is sure of;
 * anything else (strings, nulls, objects at the path, missing keys, invalid
 * JSON, numbers too large to be finite such as 1e999, nesting deeper than
 * MAX_NESTING) returns FALLBACK and the full parser decides, so both paths
 * always agree. It throws nothing (a payload is attacker-controlled) and
 * allocates nothing: one loop over the bytes with an explicit stack of the
 * containers open, since at hundreds of thousands of messages a second
 * this is a large part of a message's cost.
 */

export const FALLBACK = Symbol('fallback');

export type PlainSegment = { key: string } | { index: number };

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** Deeper documents go to the full parser (iterative in V8) rather than this scanner's stack. */
export const MAX_NESTING = 128;

/** Exact powers of ten: an integer below 2^53 divided by one of them is correctly rounded. */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** A plain path prepared once for the scanner: per segment its key's bytes (null for an index) and its index (-1 for a key). */
export interface ScanPath {
  readonly length: number;
  readonly keys: readonly (Uint8Array | null)[];
  readonly indices: Int32Array;
}

export function scanPath(segments: readonly PlainSegment[]): ScanPath {
  return {
    length: segments.length,
    keys: segments.map((s) => ('key' in s ? Buffer.from(s.key, 'utf8') : null)),
    indices: Int32Array.from(segments, (s) => ('index' in s ? s.index : -1)),
  };
}

const OBJECT = 1;
const ARRAY = 2;
// The containers open around the scan position: kind, the path depth the container itself sits at (-1: off the
// path) and, for an array, the index of its current element. One set serves every message: the scan is synchronous.
const KIND = new Uint8Array(MAX_NESTING);
const DEPTH = new Int32Array(MAX_NESTING);
const INDEX = new Int32Array(MAX_NESTING);

// What skipString and readNumber leave besides their result (module state: nothing is allocated per message).
let escaped = false;
let numberEnd = -1;

/** The position after the string whose opening quote is at `p`, or -1 when it is not a valid JSON string. */
function skipString(b: Uint8Array, p: number): number {
  escaped = false;
  for (p++; ; ) {
    const c = b[p];
    // Letters above the backslash are most of a key: one compare for them.
    if (c !== undefined && c > BACKSLASH) {
      p++;
      continue;
    }
    if (c === undefined || c < 0x20) return -1;
    if (c === QUOTE) return p + 1;
    if (c !== BACKSLASH) {
      p++;
      continue;
    }
    escaped = true;
    const e = b[p + 1];
    if (e === 0x75) {
      for (let k = 2; k < 6; k++) {
        const h = b[p + k];
        if (h === undefined || !((h >= ZERO && h <= NINE) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66))) return -1;
      }
      p += 6;
    } else if (e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) p += 2;
    else return -1;
  }
}

/**
 * Reads the JSON number at `p`: leaves its end in numberEnd (-1 when it is no
 * valid number) and returns its value, or 0 when `skip` (a number off the
 * path is only checked). Each byte is loaded once: most of a payload is numbers.
 */
function readNumber(b: Uint8Array, start: number, skip: boolean): number {
  let p = start;
  let c = b[p];
  const negative = c === MINUS;
  if (negative) c = b[++p];
  let int = 0;
  let digits = 0;
  if (c === ZERO) {
    c = b[++p];
    digits = 1;
  } else if (c !== undefined && c > ZERO && c <= NINE) {
    do {
      int = int * 10 + (c - ZERO);
      digits++;
      c = b[++p];
    } while (c !== undefined && c >= ZERO && c <= NINE);
  } else {
    numberEnd = -1;
    return 0;
  }
  let scale = 0;
  if (c === DOT) {
    const fracStart = ++p;
    c = b[p];
    while (c !== undefined && c >= ZERO && c <= NINE) {
      int = int * 10 + (c - ZERO);
      digits++;
      c = b[++p];
    }
    scale = p - fracStart;
    if (scale === 0) {
      numberEnd = -1;
      return 0;
    }
  }
  let exponent = false;
  if (c === 0x65 || c === 0x45) {
    exponent = true;
    c = b[++p];
    if (c === PLUS || c === MINUS) c = b[++p];
    const expStart = p;
    while (c !== undefined && c >= ZERO && c <= NINE) c = b[++p];
    if (p === expStart) {
      numberEnd = -1;
      return 0;
    }
  }
  numberEnd = p;
  if (skip) return 0;
  // Exact fast path; anything longer or with an exponent goes through Number().
  if (!exponent && digits <= 15 && scale < POW10.length) {
    const v = int / (POW10[scale] as number);
    return negative ? -v : v;
  }
  return Number(Buffer.from(b.buffer, b.byteOffset + start, p - start).toString('latin1'));
}

/** Whether the raw key at [start, end) is `key`, compared byte for byte (keys are short: a native compare costs more). */
function sameKey(b: Uint8Array, start: number, end: number, key: Uint8Array): boolean {
  if (end - start !== key.length) return false;
  for (let i = 0; i < key.length; i++) if (b[start + i] !== key[i]) return false;
  return true;
}

/** The path depth of element `index` of an array at `depth` (-1: off the path). */
function elementDepth(index: number, depth: number, path: ScanPath): number {
  return depth >= 0 && depth < path.length && path.indices[depth] === index ? depth + 1 : -1;
}

let keyDepth = -1;

/**
 * Reads a member's key and its colon, from `p` (whitespace first), in an object
 * at path depth `parent`: returns the position after the colon, or -1 when the
 * bytes are no key or the full parser must decide, and leaves the depth of the
 * member's value in keyDepth.
 */
function readKey(b: Uint8Array, p: number, parent: number, path: ScanPath): number {
  let c = b[p];
  while (c !== undefined && c <= SPACE && (c === SPACE || c === LF || c === CR || c === TAB)) c = b[++p];
  if (c !== QUOTE) return -1;
  const end = skipString(b, p);
  if (end < 0) return -1;
  const key = parent >= 0 && parent < path.length ? path.keys[parent] : null;
  if (key != null) {
    // An escaped key on the path could equal ours once unescaped: only the full parser can tell.
    if (escaped) return -1;
    keyDepth = sameKey(b, p + 1, end - 1, key) ? parent + 1 : -1;
  } else keyDepth = -1;
  p = end;
  c = b[p];
  while (c !== undefined && c <= SPACE && (c === SPACE || c === LF || c === CR || c === TAB)) c = b[++p];
  return c === COLON ? p + 1 : -1;
}

/** A key that JSON must escape (quote, backslash, control character) cannot be compared byte for byte. */
function plainKey(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 0x20 || c === QUOTE || c === BACKSLASH) return false;
  }
  return true;
}

/** Paths whose keys all compare byte for byte take the fast path; the others always use the full parser. */
export function scannable(path: readonly PlainSegment[]): boolean {
  return path.every((s) => !('key' in s) || plainKey(s.key));
}

/**
 * The number at `path` in the JSON document `payload`, or FALLBACK when the
 * full parser must decide (invalid JSON, missing key, a non-number at the
 * path). One loop with an explicit stack of open containers: no recursion,
 * no exception, no allocation on the way.
 */
export function scanNumber(b: Uint8Array, path: ScanPath): number | typeof FALLBACK {
  const target = path.length;
  let p = 0;
  let top = 0;
  /** The path depth of the value about to be read; -1 off the path. */
  let depth = 0;
  let value: number | typeof FALLBACK = FALLBACK;
  let c: number | undefined;
  values: for (;;) {
    c = b[p];
    while (c !== undefined && c <= SPACE && (c === SPACE || c === LF || c === CR || c === TAB)) c = b[++p];
    if ((c !== undefined && c >= ZERO && c <= NINE) || c === MINUS) {
      const n = readNumber(b, p, depth !== target);
      if (numberEnd < 0) return FALLBACK;
      p = numberEnd;
      if (depth === target) {
        // 1e999 is valid JSON but no sample: the full parser reports it as a bad value.
        if (!Number.isFinite(n)) return FALLBACK;
        // A duplicate key: JSON.parse keeps the last; so does this (a later match overwrites).
        value = n;
      }
    } else if (c === LBRACE || c === LBRACKET) {
      // An object or array at the path: the full parser explains.
      if (depth === target || top === MAX_NESTING) return FALLBACK;
      const open = c;
      c = b[++p];
      while (c !== undefined && c <= SPACE && (c === SPACE || c === LF || c === CR || c === TAB)) c = b[++p];
      if (open === LBRACE) {
        if (c === RBRACE) p++;
        else {
          KIND[top] = OBJECT;
          DEPTH[top] = depth;
          top++;
          p = readKey(b, p, depth, path);
          if (p < 0) return FALLBACK;
          depth = keyDepth;
          continue;
        }
      } else if (c === RBRACKET) p++;
      else {
        KIND[top] = ARRAY;
        DEPTH[top] = depth;
        INDEX[top] = 0;
        top++;
        depth = elementDepth(0, depth, path);
        continue;
      }
    } else if (c === QUOTE) {
      // Numeric strings, "on"/"off": the full parser decides.
      if (depth === target) return FALLBACK;
      p = skipString(b, p);
      if (p < 0) return FALLBACK;
    } else if (c === 0x74) {
      if (b[p + 1] !== 0x72 || b[p + 2] !== 0x75 || b[p + 3] !== 0x65) return FALLBACK;
      p += 4;
      if (depth === target) value = 1;
    } else if (c === 0x66) {
      if (b[p + 1] !== 0x61 || b[p + 2] !== 0x6c || b[p + 3] !== 0x73 || b[p + 4] !== 0x65) return FALLBACK;
      p += 5;
      if (depth === target) value = 0;
    } else if (c === 0x6e) {
      if (depth === target || b[p + 1] !== 0x75 || b[p + 2] !== 0x6c || b[p + 3] !== 0x6c) return FALLBACK;
      p += 4;
    } else return FALLBACK;
    // After a value: close what ends here, then on to the next member or element.
    for (;;) {
      if (top === 0) break values;
      c = b[p];
      while (c !== undefined && c <= SPACE && (c === SPACE || c === LF || c === CR || c === TAB)) c = b[++p];
      p++;
      const kind = KIND[top - 1];
      if (c === COMMA) {
        if (kind === ARRAY) {
          const index = (INDEX[top - 1] = (INDEX[top - 1] as number) + 1);
          depth = elementDepth(index, DEPTH[top - 1] as number, path);
          continue values;
        }
        p = readKey(b, p, DEPTH[top - 1] as number, path);
        if (p < 0) return FALLBACK;
        depth = keyDepth;
        continue values;
      }
      if ((kind === OBJECT && c === RBRACE) || (kind === ARRAY && c === RBRACKET)) {
        top--;
        continue;
      }
      return FALLBACK;
    }
  }
  const n = b.length;
  while (p < n) {
    c = b[p];
    if (c !== SPACE && c !== LF && c !== CR && c !== TAB) return FALLBACK;
    p++;
  }
  return value;
}
