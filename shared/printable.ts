/**
 * When payload bytes count as text: valid UTF-8 without control characters
 * (tab, line breaks, vertical tab and form feed allowed). One rule for main's
 * previews and the window's text/hex choice, so a payload main previews as
 * text is never shown as binary, nor the other way round.
 */

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000E-\u001F\u007F]/;
const decoder = new TextDecoder('utf-8', { fatal: true });

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

function decode(bytes: Uint8Array): string | null {
  try {
    return decoder.decode(bytes);
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
  const text = decode(bytes) ?? (cut ? decode(withoutLastCharacter(bytes)) : null);
  return text !== null && isPrintable(text) ? text : null;
}
