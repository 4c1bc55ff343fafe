/**
 * The fast path of value extraction: reads one value at a plain JSON path
 * (`temp`, `a.b`, `sensors[2].value`) straight from the payload bytes, without
 * decoding the payload to a string or building its objects, while checking
 * that the whole payload is valid JSON. It only answers what it is sure of;
 * anything else (strings, nulls, objects at the path, missing keys, invalid
 * JSON, numbers too large to be finite such as 1e999, nesting deeper than
 * MAX_NESTING) returns FALLBACK and the full parser decides, so both paths
 * always agree. Its own signals never escape, and nothing else is thrown: a
 * payload is attacker-controlled. At tens of thousands of messages a second
 * this is most of the cost.
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

class Fail extends Error {}
const FAIL = new Fail();

/** Deeper documents go to the full parser (iterative in V8) rather than down this recursion. */
export const MAX_NESTING = 128;

/** Exact powers of ten: an integer below 2^53 divided by one of them is correctly rounded. */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

class Scanner {
  pos = 0;
  /** Whether the last string skipped held an escape sequence. */
  escaped = false;
  /** Set when the target value was read. */
  value: number | typeof FALLBACK = FALLBACK;
  /** Objects and arrays open around pos. */
  private nesting = 0;
  private b: Buffer = Buffer.alloc(0);
  private path: readonly PlainSegment[] = [];
  private keys: readonly Buffer[] = [];

  /** One scanner serves every message (the scan is synchronous): nothing is allocated per message. */
  reset(b: Buffer, path: readonly PlainSegment[], keys: readonly Buffer[]): this {
    this.b = b;
    this.path = path;
    this.keys = keys;
    this.pos = 0;
    this.escaped = false;
    this.value = FALLBACK;
    this.nesting = 0;
    return this;
  }

  ws(): void {
    const b = this.b;
    let p = this.pos;
    for (;;) {
      const c = b[p];
      if (c !== SPACE && c !== LF && c !== CR && c !== TAB) break;
      p++;
    }
    this.pos = p;
  }

  /** Skips a string, returning [start, end) of its raw content (escapes still escaped). */
  string(): number {
    const b = this.b;
    let p = this.pos + 1;
    const start = p;
    this.escaped = false;
    for (;;) {
      const c = b[p];
      if (c === undefined || c < 0x20) throw FAIL;
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        this.escaped = true;
        const e = b[p + 1];
        if (e === 0x75) {
          for (let k = 2; k < 6; k++) {
            const h = b[p + k];
            if (h === undefined || !((h >= ZERO && h <= NINE) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66))) throw FAIL;
          }
          p += 6;
          continue;
        }
        if (e !== QUOTE && e !== BACKSLASH && e !== 0x2f && e !== 0x62 && e !== 0x66 && e !== 0x6e && e !== 0x72 && e !== 0x74) throw FAIL;
        p += 2;
        continue;
      }
      p++;
    }
    this.pos = p + 1;
    return start;
  }

  /**
   * Parses a JSON number at pos; returns its value, or 0 when `skip` (a number
   * off the path is only checked, not computed). Each byte is loaded once:
   * at thousands of messages a second, most of a payload is numbers.
   */
  number(skip: boolean): number {
    const b = this.b;
    const start = this.pos;
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
    } else throw FAIL;
    let scale = 0;
    if (c === DOT) {
      const fracStart = ++p;
      c = b[p];
      while (c !== undefined && c >= ZERO && c <= NINE) {
        int = int * 10 + (c - ZERO);
        digits++;
        c = b[++p];
      }
      if (p === fracStart) throw FAIL;
      scale = p - fracStart;
    }
    let exponent = false;
    if (c === 0x65 || c === 0x45) {
      exponent = true;
      c = b[++p];
      if (c === PLUS || c === MINUS) c = b[++p];
      const expStart = p;
      while (c !== undefined && c >= ZERO && c <= NINE) c = b[++p];
      if (p === expStart) throw FAIL;
    }
    this.pos = p;
    if (skip) return 0;
    // Exact fast path; anything longer or with an exponent goes through Number().
    if (!exponent && digits <= 15 && scale < POW10.length) {
      const v = int / (POW10[scale] as number);
      return negative ? -v : v;
    }
    return Number(b.toString('latin1', start, p));
  }

  /** Byte comparison in JS: keys are short, and Buffer.compare's native call costs more than the loop. */
  equals(key: Buffer, start: number): boolean {
    const b = this.b;
    for (let i = 0; i < key.length; i++) if (b[start + i] !== key[i]) return false;
    return true;
  }

  literal(word: string): void {
    for (let i = 0; i < word.length; i++) if (this.b[this.pos + i] !== word.charCodeAt(i)) throw FAIL;
    this.pos += word.length;
  }

  /** Skips any value; `depth` is the path position this value sits at (-1: off the path). */
  value_(depth: number): void {
    this.ws();
    const c = this.b[this.pos];
    const atTarget = depth === this.path.length;
    if (c === LBRACE) {
      if (atTarget) throw new FallbackSignal(); // an object at the path: the full parser explains
      return this.object(depth);
    }
    if (c === LBRACKET) {
      if (atTarget) throw new FallbackSignal();
      return this.array(depth);
    }
    if (c === QUOTE) {
      if (atTarget) throw new FallbackSignal(); // numeric strings, "on"/"off": the full parser decides
      this.string();
      return;
    }
    if (c === 0x74) {
      this.literal('true');
      if (atTarget) this.value = 1;
      return;
    }
    if (c === 0x66) {
      this.literal('false');
      if (atTarget) this.value = 0;
      return;
    }
    if (c === 0x6e) {
      this.literal('null');
      if (atTarget) throw new FallbackSignal();
      return;
    }
    const n = this.number(!atTarget);
    if (atTarget) {
      // 1e999 is valid JSON but no sample: the full parser reports it as a bad value.
      if (!Number.isFinite(n)) throw new FallbackSignal();
      this.value = n;
    }
  }

  object(depth: number): void {
    const seg = depth >= 0 && depth < this.path.length ? this.path[depth] : undefined;
    const key = seg && 'key' in seg ? this.keys[depth] : undefined;
    if (++this.nesting > MAX_NESTING) throw new FallbackSignal();
    this.pos++;
    this.ws();
    if (this.b[this.pos] === RBRACE) {
      this.pos++;
      this.nesting--;
      return;
    }
    for (;;) {
      this.ws();
      if (this.b[this.pos] !== QUOTE) throw FAIL;
      const start = this.string();
      const end = this.pos - 1;
      // An escaped key on the path could equal ours once unescaped: only the full parser can tell.
      if (this.escaped && key !== undefined) throw new FallbackSignal();
      const matches = key !== undefined && end - start === key.length && this.equals(key, start);
      this.ws();
      if (this.b[this.pos] !== COLON) throw FAIL;
      this.pos++;
      // A duplicate key: JSON.parse keeps the last; so does this (a later match overwrites).
      this.value_(matches ? depth + 1 : -1);
      this.ws();
      const c = this.b[this.pos];
      this.pos++;
      if (c === COMMA) continue;
      if (c === RBRACE) {
        this.nesting--;
        return;
      }
      throw FAIL;
    }
  }

  array(depth: number): void {
    const seg = depth >= 0 && depth < this.path.length ? this.path[depth] : undefined;
    const wanted = seg && 'index' in seg ? seg.index : -1;
    if (++this.nesting > MAX_NESTING) throw new FallbackSignal();
    this.pos++;
    this.ws();
    if (this.b[this.pos] === RBRACKET) {
      this.pos++;
      this.nesting--;
      return;
    }
    for (let i = 0; ; i++) {
      this.value_(i === wanted ? depth + 1 : -1);
      this.ws();
      const c = this.b[this.pos];
      this.pos++;
      if (c === COMMA) continue;
      if (c === RBRACKET) {
        this.nesting--;
        return;
      }
      throw FAIL;
    }
  }
}

class FallbackSignal {}
const scanner = new Scanner();

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
 * full parser must decide (invalid JSON, missing key, a non-number at the path).
 */
export function scanNumber(payload: Buffer, path: readonly PlainSegment[], keys: readonly Buffer[]): number | typeof FALLBACK {
  const s = scanner.reset(payload, path, keys);
  try {
    s.value_(0);
    s.ws();
    if (s.pos !== payload.length) return FALLBACK;
    return s.value;
  } catch (signal) {
    if (signal === FAIL || signal instanceof FallbackSignal) return FALLBACK;
    throw signal; // a bug in this scanner: the fuzz test must see it, not have it silently hidden
  }
}
