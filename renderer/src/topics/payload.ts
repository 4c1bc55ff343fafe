/**
 * Payload bytes as the operator reads them: from a preview or a full payload
 * (base64), as text when it is printable UTF-8, as a hex dump otherwise or on
 * request, and whether it is a plain number or boolean that can be charted.
 * Everything here returns strings for React to render as text.
 */
import { printableText } from '../../../shared/printable';
import type { DecodedPayload } from '../../../shared/decoders';
import type { PayloadPreview } from '../../../shared/telemetry';

export interface PayloadContent {
  /** The payload as text, or null when it is binary. */
  text: string | null;
  /** The bytes, computed only when asked for (hex view). */
  bytes(): Uint8Array;
}

export function base64ToBytes(base64: string): Uint8Array {
  const raw = atob(base64);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

export function fromPreview(preview: PayloadPreview): PayloadContent {
  if (preview.encoding === 'text') {
    const text = preview.data;
    let bytes: Uint8Array | null = null;
    return { text, bytes: () => (bytes ??= new TextEncoder().encode(text)) };
  }
  const bytes = base64ToBytes(preview.data);
  return { text: null, bytes: () => bytes };
}

export function fromBase64(base64: string, complete = true): PayloadContent {
  const bytes = base64ToBytes(base64);
  // A payload cut by main (`complete: false`) may end inside a character: that partial character is not binary.
  return { text: printableText(bytes, !complete), bytes: () => bytes };
}

/**
 * A kept message as read back (`topics.message`). A binary payload a decoder
 * rule read (Sparkplug B, Protobuf, CBOR, MessagePack) reads as its decoded
 * JSON, indented, so it shows and compares as a document; its bytes stay the
 * raw payload. Text payloads stay their text.
 */
export function fromKeptMessage(message: { base64: string; complete: boolean; decoded?: DecodedPayload }): PayloadContent {
  const raw = fromBase64(message.base64, message.complete);
  const json = message.decoded?.json;
  if (raw.text !== null || json === null || json === undefined || message.decoded?.truncated) return raw;
  const parsed = parseDecoded(json, false);
  return { text: parsed.ok ? JSON.stringify(parsed.value, null, 2) : json, bytes: raw.bytes };
}

/** Bytes shown in the hex view at most; the rest is summarised. */
export const HEX_LIMIT = 64 * 1024;

export function hexDump(bytes: Uint8Array, limit = HEX_LIMIT): string {
  const n = Math.min(bytes.length, limit);
  const lines: string[] = [];
  for (let offset = 0; offset < n; offset += 16) {
    let hex = '';
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      const b = offset + i < n ? (bytes[offset + i] as number) : null;
      hex += b === null ? '   ' : `${b.toString(16).padStart(2, '0')} `;
      if (i === 7) hex += ' ';
      if (b !== null) ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex} |${ascii}|`);
  }
  if (bytes.length > n) lines.push(`… ${bytes.length - n} more bytes not shown`);
  return lines.join('\n');
}

export type Parsed = { ok: true; value: unknown } | { ok: false };

/** The payload as JSON, when it is an object or an array. */
export function parseJsonDocument(text: string | null): Parsed {
  if (text === null) return { ok: false };
  const t = text.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(t) };
  } catch {
    return { ok: false };
  }
}

const TRUE = new Set(['true', 'on', 'yes', 'open']);
const FALSE = new Set(['false', 'off', 'no', 'closed']);

/** How a plain payload charts: as a number, as a boolean (0/1), or not at all. */
export function scalarKind(text: string | null): 'number' | 'boolean' | null {
  if (text === null) return null;
  const t = text.trim().replace(/^"(.*)"$/, '$1').trim();
  if (t === '') return null;
  if (Number.isFinite(Number(t))) return 'number';
  return TRUE.has(t.toLowerCase()) || FALSE.has(t.toLowerCase()) ? 'boolean' : null;
}

/** A decoder's output (JSON text from main, possibly cut): the value, or not ok when it is cut or absent. */
export function parseDecoded(json: string | null | undefined, truncated: boolean): Parsed {
  if (json === null || json === undefined || truncated) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(json) };
  } catch {
    return { ok: false };
  }
}
