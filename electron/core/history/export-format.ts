/**
 * How exported rows are written, one rule each: CSV cells by shared/csv.ts
 * (RFC 4180, UTF-8 with a byte-order mark, formula guard); times in
 * ISO 8601 UTC; a payload as text when it is printable UTF-8 and base64
 * otherwise (shared/printable.ts, the rule previews use); JSON Lines with one
 * message per line.
 */
import { csvLine, csvText } from '../../../shared/csv';
import { printableText } from '../../../shared/printable';

export { CSV_BOM, csvLine, csvNumber, csvText } from '../../../shared/csv';

export const SAMPLE_CSV_HEADER = ['connection', 'topic', 'field', 'time', 'value'] as const;
export const MESSAGE_CSV_HEADER = ['connection', 'topic', 'time', 'qos', 'retain', 'size', 'encoding', 'payload'] as const;

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
