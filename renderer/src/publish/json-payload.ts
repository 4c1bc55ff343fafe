/**
 * JSON in the Publish tab: when a payload is meant as JSON (the MQTT 5 content
 * type says so, or the text starts like a JSON object or array), whether it
 * parses, where it breaks (line and column, found by a small linear scanner,
 * since V8's messages do not always say), and the payload pretty-printed.
 */

export function isJsonContentType(contentType: string): boolean {
  return /(^|[/+])json(\s*;|\s*$)/i.test(contentType.trim());
}

export function looksLikeJson(text: string): boolean {
  return /^\s*[[{]/.test(text);
}

export type JsonCheck = { ok: true; formatted: string } | { ok: false; reason: string };

/** Line and column of a character offset, counted from 1. */
function place(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const LITERAL = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

/** The end of the string starting at `at` (after its closing quote), or -(offset + 1) of its first fault. */
function stringEnd(text: string, at: number): number {
  let i = at + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) return -(i + 1);
    if (c === 0x5c) {
      ESCAPE.lastIndex = i;
      if (!ESCAPE.test(text)) return -(i + 1);
      i = ESCAPE.lastIndex;
    } else i++;
  }
  return -(i + 1);
}

/**
 * Where JSON text first goes wrong, in one pass with an explicit stack (no
 * recursion, so deep nesting costs nothing): the offset, or -1 when it is
 * sound. Only for the message: V8 names the fault, but not always its place.
 */
function faultAt(text: string): number {
  const open: string[] = [];
  let want: 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'colon' | 'next' = 'value';
  let i = 0;
  for (;;) {
    while (i < text.length && WHITESPACE.has(text.charAt(i))) i++;
    if (i >= text.length) return want === 'next' && open.length === 0 ? -1 : i;
    const c = text.charAt(i);
    if (want === 'next') {
      const top = open.at(-1);
      if (top && c === ',') want = top === '{' ? 'key' : 'value';
      else if ((top === '{' && c === '}') || (top === '[' && c === ']')) open.pop();
      else return i;
      i++;
      continue;
    }
    if ((want === 'value-or-close' && c === ']') || (want === 'key-or-close' && c === '}')) {
      open.pop();
      want = 'next';
      i++;
      continue;
    }
    if (want === 'colon') {
      if (c !== ':') return i;
      want = 'value';
      i++;
      continue;
    }
    if (want === 'key' || want === 'key-or-close') {
      if (c !== '"') return i;
      const end = stringEnd(text, i);
      if (end < 0) return -end - 1;
      i = end;
      want = 'colon';
      continue;
    }
    if (c === '{' || c === '[') {
      open.push(c);
      want = c === '{' ? 'key-or-close' : 'value-or-close';
      i++;
      continue;
    }
    if (c === '"') {
      const end = stringEnd(text, i);
      if (end < 0) return -end - 1;
      i = end;
    } else {
      LITERAL.lastIndex = i;
      if (!LITERAL.test(text)) return i;
      i = LITERAL.lastIndex;
    }
    want = 'next';
  }
}

export function checkJson(text: string): JsonCheck {
  try {
    return { ok: true, formatted: JSON.stringify(JSON.parse(text), null, 2) };
  } catch (error) {
    const at = faultAt(text);
    // The scanner and the parser agree on what is JSON (tested); should they not, the parser's words stand.
    if (at < 0) return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    const what = at >= text.length ? 'it ends before the JSON is complete' : `unexpected ${JSON.stringify(text.charAt(at))}`;
    return { ok: false, reason: `${what} at ${place(text, at)}` };
  }
}

/** Whether the scanner finds a fault, for the test that holds it to JSON.parse. */
export function scannerAccepts(text: string): boolean {
  return faultAt(text) < 0;
}
