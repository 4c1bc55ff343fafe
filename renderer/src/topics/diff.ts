/**
 * What changed between two payloads of a topic, as the operator compares two
 * kept messages: for two JSON documents, the keys and elements added, removed
 * or changed with their values, by path (`sensors[2].value`, the syntax a
 * chart's field uses); otherwise the lines added and removed (Myers' diff),
 * with unchanged runs folded; for binary payloads, where they first differ.
 * Pure and bounded: at most MAX_JSON_NODES visited, MAX_CHANGES reported,
 * MAX_EDITS line edits searched; past a bound the result says it is cut.
 */

export const MAX_JSON_NODES = 50_000;
export const MAX_CHANGES = 500;
export const MAX_LINES = 20_000;
export const MAX_EDITS = 1_000;
/** Unchanged lines shown around each change; longer unchanged runs are folded. */
export const CONTEXT_LINES = 2;
/** Values are shown up to this many characters. */
export const VALUE_CHARS = 120;

export interface JsonChange {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  /** The value before / after, as JSON text cut to VALUE_CHARS. */
  before?: string;
  after?: string;
}

export type DiffLine = { kind: 'same' | 'added' | 'removed'; text: string } | { kind: 'folded'; count: number };

export type PayloadDiff =
  | { kind: 'json'; changes: JsonChange[]; truncated: boolean }
  | { kind: 'text'; lines: DiffLine[]; added: number; removed: number; truncated: boolean }
  | { kind: 'binary'; sizes: [number, number]; firstDifference: number | null };

/** A payload as the diff reads it: its text (null when binary) and its bytes. */
export interface DiffInput {
  text: string | null;
  bytes(): Uint8Array;
}

function parseDocument(text: string | null): { ok: true; value: unknown } | { ok: false } {
  if (text === null) return { ok: false };
  const t = text.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(t) };
  } catch {
    return { ok: false };
  }
}

export function diffPayloads(a: DiffInput, b: DiffInput): PayloadDiff {
  if (a.text === null || b.text === null) return diffBytes(a.bytes(), b.bytes());
  const x = parseDocument(a.text);
  const y = parseDocument(b.text);
  if (x.ok && y.ok) return diffJson(x.value, y.value);
  return diffText(a.text, b.text);
}

export function diffBytes(a: Uint8Array, b: Uint8Array): PayloadDiff {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return { kind: 'binary', sizes: [a.length, b.length], firstDifference: i === n && a.length === b.length ? null : i };
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function child(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (IDENTIFIER.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > VALUE_CHARS ? `${text.slice(0, VALUE_CHARS - 1)}…` : text;
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === 'object' && value !== null;
}

type Step = { compare: true; path: string; a: unknown; b: unknown } | { compare: false; change: JsonChange };

/** Keys and elements added, removed or changed from `a` to `b`, in document order; walked without recursion (documents can be deep). */
export function diffJson(a: unknown, b: unknown): PayloadDiff {
  const changes: JsonChange[] = [];
  let truncated = false;
  let visited = 0;
  const stack: Step[] = [{ compare: true, path: '', a, b }];
  while (stack.length > 0) {
    if (++visited > MAX_JSON_NODES || changes.length >= MAX_CHANGES) {
      truncated = true;
      break;
    }
    const step = stack.pop() as Step;
    if (!step.compare) {
      changes.push(step.change);
      continue;
    }
    const { path, a: x, b: y } = step;
    const steps: Step[] = [];
    if (Array.isArray(x) && Array.isArray(y)) {
      for (let i = 0; i < Math.max(x.length, y.length); i++) {
        if (i >= y.length) steps.push({ compare: false, change: { path: child(path, i), kind: 'removed', before: shown(x[i]) } });
        else if (i >= x.length) steps.push({ compare: false, change: { path: child(path, i), kind: 'added', after: shown(y[i]) } });
        else steps.push({ compare: true, path: child(path, i), a: x[i], b: y[i] });
      }
    } else if (isContainer(x) && isContainer(y) && !Array.isArray(x) && !Array.isArray(y)) {
      const xo = x as Record<string, unknown>;
      const yo = y as Record<string, unknown>;
      for (const key of Object.keys(xo)) {
        if (Object.prototype.hasOwnProperty.call(yo, key)) steps.push({ compare: true, path: child(path, key), a: xo[key], b: yo[key] });
        else steps.push({ compare: false, change: { path: child(path, key), kind: 'removed', before: shown(xo[key]) } });
      }
      for (const key of Object.keys(yo)) if (!Object.prototype.hasOwnProperty.call(xo, key)) steps.push({ compare: false, change: { path: child(path, key), kind: 'added', after: shown(yo[key]) } });
    } else if (isContainer(x) || isContainer(y) || x !== y) {
      // An object against an array or a scalar, or two different scalars.
      changes.push({ path: path || '(the whole document)', kind: 'changed', before: shown(x), after: shown(y) });
    }
    // Reversed onto the stack, so they come off in document order.
    for (let i = steps.length - 1; i >= 0; i--) stack.push(steps[i] as Step);
  }
  return { kind: 'json', changes, truncated };
}

function splitLines(text: string): { lines: string[]; cut: boolean } {
  const lines = text.split(/\r?\n/);
  return lines.length > MAX_LINES ? { lines: lines.slice(0, MAX_LINES), cut: true } : { lines, cut: false };
}

type Edit = { kind: 'same' | 'added' | 'removed'; text: string };

/**
 * The shortest edit script between two line lists (Myers, O((N+M)·D) time,
 * O(D²) memory for the trace), or null when it needs more than `maxEdits` edits.
 */
function myers(a: string[], b: string[], maxEdits: number): Edit[] | null {
  const n = a.length;
  const m = b.length;
  const offset = maxEdits + 1;
  const v = new Int32Array(2 * offset + 1);
  /** V as it was before each step d (the furthest x on each diagonal k). */
  const trace: Int32Array[] = [];
  for (let d = 0; d <= maxEdits; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number)) ? (v[offset + k + 1] as number) : (v[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, a, b);
    }
  }
  return null;
}

/** Walks the trace back from the end: diagonals are unchanged lines, the step off each is an edit. */
function backtrack(trace: Int32Array[], a: string[], b: string[]): Edit[] {
  const out: Edit[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    // trace[d] holds diagonals -d-1 … d+1, so diagonal k sits at k + d + 1.
    const v = trace[d] as Int32Array;
    const at = (k: number) => v[k + d + 1] as number;
    const k = x - y;
    const prevK = d === 0 ? 0 : k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      out.push({ kind: 'same', text: a[x] as string });
    }
    if (d === 0) break;
    if (x === prevX) out.push({ kind: 'added', text: b[--y] as string });
    else out.push({ kind: 'removed', text: a[--x] as string });
  }
  return out.reverse();
}

/** Folds unchanged runs longer than twice the context into a count. */
function fold(script: Edit[]): DiffLine[] {
  const out: DiffLine[] = [];
  let i = 0;
  while (i < script.length) {
    if ((script[i] as { kind: string }).kind !== 'same') {
      out.push(script[i] as DiffLine);
      i++;
      continue;
    }
    let j = i;
    while (j < script.length && (script[j] as { kind: string }).kind === 'same') j++;
    const run = j - i;
    const head = i === 0 ? 0 : CONTEXT_LINES;
    const tail = j === script.length ? 0 : CONTEXT_LINES;
    if (run > head + tail + 1) {
      for (let k = i; k < i + head; k++) out.push(script[k] as DiffLine);
      out.push({ kind: 'folded', count: run - head - tail });
      for (let k = j - tail; k < j; k++) out.push(script[k] as DiffLine);
    } else for (let k = i; k < j; k++) out.push(script[k] as DiffLine);
    i = j;
  }
  return out;
}

/** Lines added and removed from `a` to `b`; past MAX_EDITS the differing middle is shown as removed then added. */
export function diffText(a: string, b: string): PayloadDiff {
  const x = splitLines(a);
  const y = splitLines(b);
  // Common head and tail first: two payloads of one topic usually differ in a few lines.
  let start = 0;
  while (start < x.lines.length && start < y.lines.length && x.lines[start] === y.lines[start]) start++;
  let endX = x.lines.length;
  let endY = y.lines.length;
  while (endX > start && endY > start && x.lines[endX - 1] === y.lines[endY - 1]) {
    endX--;
    endY--;
  }
  const middleA = x.lines.slice(start, endX);
  const middleB = y.lines.slice(start, endY);
  let middle = myers(middleA, middleB, Math.min(MAX_EDITS, middleA.length + middleB.length));
  let truncated = x.cut || y.cut;
  if (!middle) {
    truncated = true;
    middle = [...middleA.map((text) => ({ kind: 'removed' as const, text })), ...middleB.map((text) => ({ kind: 'added' as const, text }))];
  }
  const script = [...x.lines.slice(0, start).map((text) => ({ kind: 'same' as const, text })), ...middle, ...x.lines.slice(endX).map((text) => ({ kind: 'same' as const, text }))];
  const added = middle.filter((l) => l.kind === 'added').length;
  const removed = middle.filter((l) => l.kind === 'removed').length;
  return { kind: 'text', lines: fold(script), added, removed, truncated };
}
