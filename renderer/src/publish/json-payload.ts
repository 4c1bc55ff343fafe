/**
 * JSON in the Publish tab: when a payload is meant as JSON (the MQTT 5 content
 * type says so, or the text starts like a JSON object or array), whether it
 * parses, where it breaks (line and column), and the payload pretty-printed.
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

export function checkJson(text: string): JsonCheck {
  try {
    return { ok: true, formatted: JSON.stringify(JSON.parse(text), null, 2) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // V8 says "… in JSON at position 12" (and newer versions add the line and column themselves).
    const at = /at position (\d+)/.exec(message);
    const where = at && !/\(line \d+/.test(message) ? ` (${place(text, Number(at[1]))})` : '';
    return { ok: false, reason: `${message}${where}` };
  }
}
