/**
 * Finding PEM blocks (RFC 7468) in text that may be hostile, in one pass:
 * every search starts where the previous one stopped, so the work is linear
 * in the text's length whatever it holds (unterminated BEGIN lines, nested or
 * mismatched markers, megabytes of base64 without an END). A lazy regular
 * expression such as /BEGIN (.+)-----[\s\S]*?END \1/ searches to the end of
 * the text from every BEGIN line, which is quadratic. Pure string code, so
 * the core and shared validation can both use it.
 */

export interface PemBlock {
  label: string;
  /** The whole block, BEGIN line to END line, as Node's PEM parsers take it. */
  text: string;
  /** What lies between the BEGIN and END lines: optional RFC 1421 headers, then base64. */
  body: string;
}

export interface PemScan {
  blocks: PemBlock[];
  /** BEGIN lines with no matching END line before the next marker (the file was cut, or edited by hand). */
  unterminated: number;
  /** The label of the first of them. */
  firstUnterminated: string | null;
  /** Scanning stopped at `maxBlocks`; the rest of the text was not looked at. */
  truncated: boolean;
  /** Characters examined, searches included: the measure of work tests bound. */
  steps: number;
}

const BEGIN = '-----BEGIN ';
const END = '-----END ';
const DASHES = '-----';
/** RFC 7468 sets no bound; real labels are under 30 characters. */
const MAX_LABEL = 64;

/** The characters labels use in practice (CERTIFICATE, EC PRIVATE KEY, X509 CRL, OPENSSH PRIVATE KEY). */
function isLabelChar(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x20;
}

export function scanPem(text: string, maxBlocks = Number.POSITIVE_INFINITY): PemScan {
  const scan: PemScan = { blocks: [], unterminated: 0, firstUnterminated: null, truncated: false, steps: 0 };
  const find = (needle: string, from: number): number => {
    const at = text.indexOf(needle, from);
    scan.steps += (at < 0 ? text.length : at + needle.length) - from;
    return at;
  };
  const startsWith = (prefix: string, at: number): boolean => {
    scan.steps += prefix.length;
    return text.startsWith(prefix, at);
  };
  /** The label after a marker prefix ending at `from`, and the end of the marker; null when no label and closing dashes follow. */
  const markerLabel = (from: number): { label: string; end: number } | null => {
    let i = from;
    while (i < text.length && i - from < MAX_LABEL && isLabelChar(text.charCodeAt(i))) i++;
    scan.steps += i - from + 1;
    if (i === from || !startsWith(DASHES, i)) return null;
    return { label: text.slice(from, i), end: i + DASHES.length };
  };
  const unterminated = (label: string): void => {
    scan.unterminated++;
    scan.firstUnterminated ??= label;
  };

  let cursor = 0;
  for (;;) {
    const begin = find(BEGIN, cursor);
    if (begin < 0) break;
    if (scan.blocks.length >= maxBlocks) {
      scan.truncated = true;
      break;
    }
    const head = markerLabel(begin + BEGIN.length);
    if (!head) {
      cursor = begin + BEGIN.length;
      continue;
    }
    // The block runs to the next marker of any kind, which is its END line when the text is sound.
    cursor = text.length;
    let next = find(DASHES, head.end);
    while (next >= 0) {
      if (startsWith(END, next)) {
        const tail = markerLabel(next + END.length);
        if (tail && tail.label === head.label) {
          scan.blocks.push({ label: head.label, text: text.slice(begin, tail.end), body: text.slice(head.end, next) });
          cursor = tail.end;
          break;
        }
        if (tail) {
          // An END line of another label: this block is broken; go on after that line.
          unterminated(head.label);
          cursor = tail.end;
          break;
        }
      } else if (startsWith(BEGIN, next) && markerLabel(next + BEGIN.length)) {
        unterminated(head.label);
        cursor = next;
        break;
      }
      next = find(DASHES, next + 1);
    }
    if (next < 0) unterminated(head.label);
  }
  return scan;
}

/** The base64 of a block, RFC 1421 header lines (`Proc-Type: …`) and line breaks dropped. */
export function pemBase64(block: PemBlock): string {
  return block.body
    .split('\n')
    .filter((line) => !line.includes(':'))
    .join('')
    .replace(/\s+/g, '');
}
