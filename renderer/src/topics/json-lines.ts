/**
 * A parsed JSON document as the lines of its pretty-printed form, each
 * numeric or boolean leaf carrying the JSON path that charts it (`temp`,
 * `sensors[0].value`, `["odd key"]`), in the syntax main's extractor reads.
 */
export type JsonToken = 'number' | 'boolean' | 'string' | 'null' | 'open' | 'close';

export interface JsonLine {
  depth: number;
  /** `"key": ` before the value, as text. */
  key: string | null;
  text: string;
  kind: JsonToken;
  /** The path of a chartable leaf. */
  path: string | null;
  comma: boolean;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** A path segment for an object key, or null when main's path syntax cannot name it. */
function keySegment(key: string, first: boolean): string | null {
  // A leading `$` would read as the root of the path.
  if (IDENTIFIER.test(key) && !key.startsWith('$')) return first ? key : `.${key}`;
  if (key.includes(']')) return null;
  if (!key.includes('"')) return `["${key}"]`;
  if (!key.includes("'")) return `['${key}']`;
  return null;
}

/** The lines, or null when the document is deeper or longer than a reader can use. */
export function jsonLines(value: unknown, maxLines = 4000, maxDepth = 64): JsonLine[] | null {
  const lines: JsonLine[] = [];
  let tooBig = false;
  const visit = (v: unknown, depth: number, key: string | null, path: string | null, comma: boolean): void => {
    if (tooBig) return;
    if (lines.length >= maxLines || depth > maxDepth) {
      tooBig = true;
      return;
    }
    const keyText = key === null ? null : `${JSON.stringify(key)}: `;
    if (v === null || typeof v !== 'object') {
      const kind: JsonToken = v === null ? 'null' : typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : 'string';
      const chartable = (kind === 'number' || kind === 'boolean') && path !== null && path !== '';
      lines.push({ depth, key: keyText, text: JSON.stringify(v) ?? 'null', kind, path: chartable ? path : null, comma });
      return;
    }
    const isArray = Array.isArray(v);
    const entries: Array<[string, unknown]> = isArray ? (v as unknown[]).map((x, i) => [String(i), x]) : Object.entries(v as Record<string, unknown>);
    const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0) {
      lines.push({ depth, key: keyText, text: `${open}${close}`, kind: 'open', path: null, comma });
      return;
    }
    lines.push({ depth, key: keyText, text: open, kind: 'open', path: null, comma: false });
    entries.forEach(([k, x], i) => {
      let childPath: string | null = null;
      if (path !== null) {
        const segment = isArray ? `[${k}]` : keySegment(k, path === '');
        childPath = segment === null ? null : path + segment;
      }
      visit(x, depth + 1, isArray ? null : k, childPath, i < entries.length - 1);
    });
    lines.push({ depth, key: null, text: close, kind: 'close', path: null, comma });
  };
  visit(value, 0, null, '', false);
  return tooBig ? null : lines;
}
