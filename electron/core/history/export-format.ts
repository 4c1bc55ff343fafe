/**
 * How exported rows are written, one rule each: CSV by RFC 4180 (fields with a
 * comma, quote or line break quoted, quotes doubled, CRLF line ends) in UTF-8
 * with a byte-order mark so spreadsheets read the encoding right; times in
 * ISO 8601 UTC; a payload as text when it is printable UTF-8 and base64
 * otherwise (shared/printable.ts, the rule previews use); JSON Lines with one
 * message per line.
 */
import { printableText } from '../../../shared/printable';

export const CSV_BOM = '\uFEFF';
export const SAMPLE_CSV_HEADER = ['connection', 'topic', 'field', 'time', 'value'] as const;
export const MESSAGE_CSV_HEADER = ['connection', 'topic', 'time', 'qos', 'retain', 'size', 'encoding', 'payload'] as const;

/**
 * A text cell. Topic names and payloads come from devices: a cell a
 * spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a
 * leading apostrophe, as OWASP advises against CSV injection. Numbers are
 * written by `csvNumber` and never guarded.
 */
export function csvText(value: string): string {
  const guarded = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

export function csvNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

export function csvLine(cells: readonly string[]): string {
  return cells.join(',') + '\r\n';
}

export function isoTime(t: number): string {
  return new Date(t).toISOString();
}

export interface PayloadCell {
  encoding: 'text' | 'base64';
  data: string;
}

/** `cut`: the bytes are the head of a longer payload (a broken last character is no sign of binary). */
export function payloadCell(bytes: Uint8Array, cut: boolean): PayloadCell {
  const text = printableText(bytes, cut);
  return text === null ? { encoding: 'base64', data: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') } : { encoding: 'text', data: text };
}

/** A series key's extractor part as a column (`temp`, `number`, `boolean`, `[2].temp`). */
export function fieldOf(extractor: string, element: string): string {
  const base = extractor.startsWith('json:') ? extractor.slice(5).replace(/^\$\.?/, '') || '$' : extractor;
  return element ? `${base} ${element}` : base;
}

export interface ExportedMessage {
  connection: string;
  topic: string;
  t: number;
  qos: number;
  retain: boolean;
  size: number;
  payload: Uint8Array;
}

export function messageCsvLine(m: ExportedMessage): string {
  const cell = payloadCell(m.payload, m.payload.length < m.size);
  return csvLine([csvText(m.connection), csvText(m.topic), isoTime(m.t), String(m.qos), m.retain ? 'true' : 'false', String(m.size), cell.encoding, csvText(cell.data)]);
}

export function messageJsonLine(m: ExportedMessage): string {
  const cell = payloadCell(m.payload, m.payload.length < m.size);
  return (
    JSON.stringify({
      connection: m.connection,
      topic: m.topic,
      time: isoTime(m.t),
      qos: m.qos,
      retain: m.retain,
      size: m.size,
      truncated: m.payload.length < m.size,
      encoding: cell.encoding,
      payload: cell.data,
    }) + '\n'
  );
}
