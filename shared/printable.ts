/**
 * When payload bytes count as text: valid UTF-8 without control characters
 * (tab, line breaks, vertical tab and form feed allowed). One rule for main's
 * previews and the window's text/hex choice, so a payload main previews as
 * text is never shown as binary, nor the other way round.
 */

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000E-\u001F\u007F]/;
/** How many leading bytes are checked for a control character before decoding. */
const CONTROL_SCAN_BYTES = 32;
// ignoreBOM keeps a leading byte-order mark in the text, as the payload holds it.
const lenient = new TextDecoder('utf-8', { ignoreBOM: true });
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Whether decoded text holds no control character. */
export function isPrintable(text: string): boolean {
  return !CONTROL.test(text);
}

/**
 * Bytes cut at a limit may end inside a character: drops that last character
 * (at most four bytes), complete or not. Only for when decoding the whole failed.
 */
export function withoutLastCharacter(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  // Back over at most three continuation bytes to the lead byte of the last character.
  for (let k = 0; k < 3 && end > 0 && ((bytes[end - 1] as number) & 0xc0) === 0x80; k++) end--;
  if (end > 0 && ((bytes[end - 1] as number) & 0xc0) === 0xc0) end--;
  return bytes.subarray(0, end);
}

function decodeStrictly(bytes: Uint8Array): string | null {
  try {
    return strict.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * The bytes as text when they are printable UTF-8, else null (binary). `cut`:
 * the bytes are the head of a longer payload, so a character broken at the
 * end is not a sign of binary.
 */
export function printableText(bytes: Uint8Array, cut = false): string | null {
  // A control byte below 0x80 is that character in any UTF-8 reading (it is never part of a
  // longer sequence), so finding one settles "binary" before any decoding: most binary formats
  // (protobuf, Sparkplug B) show one in their first bytes. Only a short head is looked at, so
  // text pays a bounded price for it.
  const head = Math.min(bytes.length, CONTROL_SCAN_BYTES);
  for (let i = 0; i < head; i++) {
    const b = bytes[i] as number;
    if (b < 0x20 ? b < 0x09 || b > 0x0d : b === 0x7f) return null;
  }
  // The lenient decoder is many times faster than the strict one, which throws on binary; most
  // payloads are settled by it: a control character means binary, no replacement character means
  // valid UTF-8. Only a replacement character (broken bytes, a cut character, or a real U+FFFD)
  // needs the strict decoder to tell which.
  const text = lenient.decode(bytes);
  if (!isPrintable(text)) return null;
  if (!text.includes('\uFFFD')) return text;
  return decodeStrictly(bytes) ?? (cut ? decodeStrictly(withoutLastCharacter(bytes)) : null);
}
