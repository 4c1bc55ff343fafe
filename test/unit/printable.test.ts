/**
 * The text-or-binary rule (shared/printable.ts): the early look for a control
 * byte must decide exactly as decoding the bytes and looking at the text does,
 * whatever the bytes and wherever the control byte sits.
 */
import { describe, expect, it } from 'vitest';
import { isPrintable, printableText, withoutLastCharacter } from '../../shared/printable';

/** The rule spelled out the slow way: strict UTF-8 (or, when cut, strict UTF-8 of the bytes less a broken last character) without control characters. */
function reference(bytes: Uint8Array, cut: boolean): string | null {
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const attempt = (b: Uint8Array) => {
    try {
      return strict.decode(b);
    } catch {
      return null;
    }
  };
  const text = attempt(bytes) ?? (cut ? attempt(withoutLastCharacter(bytes)) : null);
  return text !== null && isPrintable(text) ? text : null;
}

describe('printableText', () => {
  it('shows text with tabs and line breaks as text, and binary (Sparkplug B, a NUL, DEL, ESC) as binary', () => {
    expect(printableText(Buffer.from('{"temp": 21.5}\r\n\tok'))).toBe('{"temp": 21.5}\r\n\tok');
    expect(printableText(Buffer.from([0x08, 0x96, 0xc3, 0xa2, 0x8e, 0xb7, 0x31, 0x12]))).toBeNull();
    expect(printableText(Buffer.from('ab\u0000c'))).toBeNull();
    expect(printableText(Buffer.from('ab\u007fc'))).toBeNull();
    expect(printableText(Buffer.from('\u001b[31mred'))).toBeNull();
    expect(printableText(Buffer.from('x'.repeat(100) + '\u0001'))).toBeNull();
    expect(printableText(Buffer.from('Grüße ✓'))).toBe('Grüße ✓');
  });

  it('decides as the decoded text does for 5,000 random byte strings, control bytes early, late and inside broken characters', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pieces = [[0x00], [0x07], [0x09], [0x0a], [0x0d], [0x0e], [0x1f], [0x7f], [0x41], [0x7b], [0xc3, 0xbc], [0xe2, 0x9c, 0x93], [0xf0, 0x9f, 0x98, 0x80], [0xc3], [0xe2, 0x9c], [0x80], [0xff], [0xef, 0xbb, 0xbf]];
    for (let n = 0; n < 5000; n++) {
      const bytes: number[] = [];
      const length = Math.floor(random() * 60);
      // Mostly printable ASCII, so that a control byte or a broken sequence lands before and after the early look alike.
      while (bytes.length < length) bytes.push(...(random() < 0.85 ? [0x20 + Math.floor(random() * 95)] : (pieces[Math.floor(random() * pieces.length)] as number[])));
      const b = Uint8Array.from(bytes);
      const cut = random() < 0.5;
      expect(printableText(b, cut), `bytes ${Buffer.from(b).toString('hex')}, cut ${cut}`).toBe(reference(b, cut));
    }
  });
});
