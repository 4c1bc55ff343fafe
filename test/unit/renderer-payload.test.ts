/**
 * Payloads as the operator reads them (renderer/src/topics/payload.ts and
 * json-lines.ts): text, pretty JSON with a chartable path on every number,
 * hex for binary; what can be charted; and nothing malformed ever throws.
 * Where the renderer offers to chart something, main's extractor
 * (electron/core/telemetry/extract.ts) must be able to read it.
 */
import { describe, expect, it } from 'vitest';
import { compileExtractor, PayloadView } from '../../electron/core/telemetry/extract';
import { previewOf } from '../../electron/core/telemetry/topics';
import { printableText, withoutLastCharacter } from '../../shared/printable';
import { PREVIEW_CHARS } from '../../shared/telemetry';
import { jsonLines, type JsonLine } from '../../renderer/src/topics/json-lines';
import { base64ToBytes, fromBase64, fromPreview, HEX_LIMIT, hexDump, parseJsonDocument, scalarKind } from '../../renderer/src/topics/payload';
import { seededRandom } from '../support/random';

const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64');

const random = seededRandom;

describe('text or binary', () => {
  it('shows printable UTF-8 as text, tabs and line breaks included', () => {
    for (const text of ['21.5', 'Grüße aus Köln 🌡️', 'a\tb\r\nc\n', '{"temp": 21.5}', '']) {
      expect(fromBase64(b64(text)).text).toBe(text);
    }
  });

  it('treats bytes that are not UTF-8, or control characters, as binary', () => {
    for (const bytes of [[0xff, 0xfe, 0x00], [0xc3], [0x80], [0x00], [0x41, 0x07, 0x42], [0x1b, 0x5b, 0x33, 0x31, 0x6d], [0x7f]]) {
      const content = fromBase64(b64(new Uint8Array(bytes)));
      expect(content.text).toBeNull();
      expect([...content.bytes()]).toEqual(bytes);
    }
  });

  it('decodes base64 to the exact bytes', () => {
    const bytes = new Uint8Array(256).map((_, i) => i);
    expect(base64ToBytes(b64(bytes))).toEqual(bytes);
    expect(printableText(new Uint8Array())).toBe('');
  });

  it('reads a text preview as text and its bytes as UTF-8', () => {
    const content = fromPreview({ encoding: 'text', data: 'é€', truncated: false });
    expect(content.text).toBe('é€');
    expect([...content.bytes()]).toEqual([0xc3, 0xa9, 0xe2, 0x82, 0xac]);
    expect(content.bytes()).toBe(content.bytes()); // encoded once, when the hex view asks
  });

  it('reads a binary preview as bytes only', () => {
    const content = fromPreview({ encoding: 'base64', data: b64(new Uint8Array([0, 1, 2, 255])), truncated: false });
    expect(content.text).toBeNull();
    expect([...content.bytes()]).toEqual([0, 1, 2, 255]);
  });

  it('calls a payload text exactly when main’s preview does, a character cut at the preview’s end included', () => {
    const rnd = random(11);
    const samples: Uint8Array[] = [Buffer.from('\uFFFD is a character'), Buffer.from('é'.repeat(1000))];
    for (let i = 0; i < 300; i++) {
      // Mostly ASCII with some multi-byte characters and the odd control or stray byte.
      const text = Array.from({ length: Math.floor(rnd() * 700) }, () => (rnd() < 0.9 ? 'aé€😀'[Math.floor(rnd() * 4)] : String.fromCharCode(Math.floor(rnd() * 32)))).join('');
      const bytes = Buffer.from(text);
      if (rnd() < 0.2 && bytes.length) bytes[Math.floor(rnd() * bytes.length)] = 0xff;
      samples.push(bytes);
    }
    for (const bytes of samples) {
      const preview = previewOf(Buffer.from(bytes));
      const head = bytes.subarray(0, 1024);
      expect(preview.encoding === 'text').toBe(fromBase64(b64(head), head.length === bytes.length).text !== null);
    }
  });

  it('decides as a strict UTF-8 decoder would, cut characters, byte-order marks and real U+FFFD included', () => {
    const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    // eslint-disable-next-line no-control-regex
    const control = /[\u0000-\u0008\u000E-\u001F\u007F]/;
    const reference = (bytes: Uint8Array): string | null => {
      try {
        const text = strict.decode(bytes);
        return control.test(text) ? null : text;
      } catch {
        return null;
      }
    };
    const rnd = random(3);
    const pieces = ['a', 'é', '€', '😀', '\uFFFD', '\uFEFF', '\n', '\u0007'];
    for (let i = 0; i < 500; i++) {
      const text = Array.from({ length: Math.floor(rnd() * 40) }, () => pieces[Math.floor(rnd() * pieces.length)]).join('');
      const bytes = new Uint8Array(Buffer.from(text));
      if (rnd() < 0.2 && bytes.length) bytes[Math.floor(rnd() * bytes.length)] = Math.floor(rnd() * 256);
      const cutAt = Math.floor(rnd() * (bytes.length + 1));
      const head = bytes.subarray(0, cutAt);
      expect(printableText(bytes)).toBe(reference(bytes));
      // Cut: the whole head when it decodes, else the head without its last character.
      const cut = reference(head) ?? (control.test(new TextDecoder().decode(head)) ? null : reference(withoutLastCharacter(head)));
      expect(printableText(head, true)).toBe(cut);
    }
  });

  it('reads every preview main sends, cut to PREVIEW_CHARS as in a batch', () => {
    const rnd = random(42);
    for (let i = 0; i < 200; i++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(rnd() * 3000) }, () => Math.floor(rnd() * 256)));
      let preview = previewOf(bytes);
      if (preview.data.length > PREVIEW_CHARS) preview = { ...preview, data: preview.data.slice(0, PREVIEW_CHARS), truncated: true };
      expect(() => fromPreview(preview).bytes()).not.toThrow();
    }
  });

  it('never throws on random bytes, whatever view is asked for', () => {
    const rnd = random(7);
    for (let i = 0; i < 300; i++) {
      const bytes = new Uint8Array(Math.floor(rnd() * 200)).map(() => Math.floor(rnd() * 256));
      const content = fromBase64(b64(bytes));
      expect(() => {
        parseJsonDocument(content.text);
        scalarKind(content.text);
        hexDump(content.bytes());
      }).not.toThrow();
    }
  });
});

describe('hex view', () => {
  it('shows offset, sixteen bytes in two groups of eight, and the printable characters', () => {
    const bytes = new TextEncoder().encode('Hello, MQTT!\x00\x01\x7f\xff');
    expect(hexDump(bytes)).toBe('00000000  48 65 6c 6c 6f 2c 20 4d  51 54 54 21 00 01 7f c3  |Hello, MQTT!....|\n00000010  bf                                                |.|');
  });

  it('lines up the character column of a short last line', () => {
    const lines = hexDump(new Uint8Array(20).fill(0x41)).split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]?.indexOf('|')).toBe(lines[0]?.indexOf('|'));
    expect(lines[1]).toMatch(/^00000010 {2}41 41 41 41 {2}\s+\|AAAA\|$/);
  });

  it('shows nothing for an empty payload', () => {
    expect(hexDump(new Uint8Array())).toBe('');
  });

  it('stops at the limit and says how many bytes are not shown', () => {
    const dump = hexDump(new Uint8Array(100), 32).split('\n');
    expect(dump).toHaveLength(3);
    expect(dump[2]).toBe('… 68 more bytes not shown');
    const big = hexDump(new Uint8Array(HEX_LIMIT + 5)).split('\n');
    expect(big).toHaveLength(HEX_LIMIT / 16 + 1);
    expect(big.at(-1)).toBe('… 5 more bytes not shown');
  });
});

describe('JSON or not', () => {
  it('parses objects and arrays, with surrounding whitespace', () => {
    expect(parseJsonDocument(' {"temp": 21.5, "ok": true}\n')).toEqual({ ok: true, value: { temp: 21.5, ok: true } });
    expect(parseJsonDocument('[1, 2]')).toEqual({ ok: true, value: [1, 2] });
  });

  it('leaves plain values to the scalar charting, and binary payloads alone', () => {
    for (const text of ['21.5', '"on"', 'true', 'null', '']) expect(parseJsonDocument(text)).toEqual({ ok: false });
    expect(parseJsonDocument(null)).toEqual({ ok: false });
  });

  it('does not throw on malformed or truncated JSON', () => {
    for (const text of ['{', '{"a": 1,', '[1, 2', '{"a": undefined}', "{'a': 1}", '{"temp": 21.5} trailing', '[' + '['.repeat(10_000)]) {
      expect(parseJsonDocument(text)).toEqual({ ok: false });
    }
  });
});

describe('what a plain payload charts as', () => {
  it.each(['21.5', ' -3 ', '1e3', '0', '"21.5"', '0x1F', '  42\n'])('charts %j as a number', (text) => {
    expect(scalarKind(text)).toBe('number');
  });

  it.each(['true', 'FALSE', 'On', 'off', 'yes', 'no', 'open', 'Closed', '"on"'])('charts %j as a boolean', (text) => {
    expect(scalarKind(text)).toBe('boolean');
  });

  it.each(['', '   ', 'abc', 'NaN', 'Infinity', '21.5 °C', '""', 'truth', '{"a":1}'])('does not chart %j', (text) => {
    expect(scalarKind(text)).toBeNull();
  });

  it('does not chart a binary payload', () => {
    expect(scalarKind(null)).toBeNull();
  });

  it('offers only what main can then chart', () => {
    const payloads = ['21.5', ' -3 ', '1e3', '0', '"21.5"', '0x1F', '" 7 "', 'true', 'FALSE', 'On', 'closed', '"on"', '"Open"', ' yes\n'];
    for (const text of payloads) {
      const kind = scalarKind(text);
      expect(kind, text).not.toBeNull();
      const extracted = compileExtractor({ kind: kind ?? 'number' }).extract(new PayloadView(Buffer.from(text)));
      expect(extracted.ok, `${text} as ${kind}`).toBe(true);
    }
  });

  // Once a bug, kept as a regression test: scalarKind strips the quotes of a JSON string but does not trim again,
  // so a string of spaces becomes Number('  ') === 0, "a number". The topics
  // view offers "Chart value", and main's number extractor rejects every
  // sample ('"  " is not a number').
  it('does not offer to chart a quoted string of spaces', () => {
    expect(scalarKind('"  "')).toBeNull();
  });
});

describe('pretty JSON lines', () => {
  const text = (lines: JsonLine[]) => lines.map((l) => `${'  '.repeat(l.depth)}${l.key ?? ''}${l.text}${l.comma ? ',' : ''}`).join('\n');

  it('prints the document as JSON.stringify would indent it', () => {
    const doc = { temp: 21.5, ok: true, name: 'oven "1"', none: null, empty: {}, list: [], sensors: [{ value: 1 }, { value: -2.5e-3 }] };
    const lines = jsonLines(doc);
    if (!lines) throw new Error('no lines');
    expect(text(lines)).toBe(JSON.stringify(doc, null, 2));
  });

  it('marks each number and boolean with the path that charts it', () => {
    const lines = jsonLines({ temp: 21.5, net: { rssi: -70, up: true }, sensors: [{ value: 1 }], label: 'x', gone: null }) ?? [];
    const paths = lines.filter((l) => l.path !== null).map((l) => [l.path, l.kind]);
    expect(paths).toEqual([
      ['temp', 'number'],
      ['net.rssi', 'number'],
      ['net.up', 'boolean'],
      ['sensors[0].value', 'number'],
    ]);
    expect(lines.find((l) => l.key === '"label": ')?.kind).toBe('string');
    expect(lines.find((l) => l.key === '"gone": ')?.kind).toBe('null');
  });

  it('charts the elements of a top-level array, but not a bare value', () => {
    expect((jsonLines([3, 4]) ?? []).map((l) => l.path)).toEqual([null, '[0]', '[1]', null]);
    expect(jsonLines(21.5)).toEqual([{ depth: 0, key: null, text: '21.5', kind: 'number', path: null, comma: false }]);
  });

  it('gives no path to a key main’s path syntax cannot name, nor to anything under it', () => {
    const lines = jsonLines({ 'a]b': 1, [`it's "x"`]: { deep: 2 }, ok: 3 }) ?? [];
    expect(lines.filter((l) => l.kind === 'number').map((l) => l.path)).toEqual([null, null, 'ok']);
  });

  it('gives up on documents too deep or too long to read', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = [deep];
    expect(jsonLines(deep)).toBeNull();
    expect(jsonLines(Array.from({ length: 5000 }, (_, i) => i))).toBeNull();
    expect(jsonLines(Array.from({ length: 100 }, (_, i) => i))).toHaveLength(102);
  });

  it('every path it offers reads back, through main’s extractor, the value shown', () => {
    const doc = {
      temp: 21.5,
      _private: 1,
      camelCase$: 2,
      $meta: { v: 3 },
      'odd key': 4,
      'dotted.key': 5,
      'quote"key': 6,
      "apos'key": 7,
      '': 8,
      '0': 9,
      '*': 10,
      température: 11,
      ' padded ': 12,
      '[x': 13,
      flags: { on: true, off: false },
      sensors: [{ value: 14 }, [15, { 'deep key': 16 }]],
    };
    const payload = new PayloadView(Buffer.from(JSON.stringify(doc)));
    const leaves = (jsonLines(doc) ?? []).filter((l) => l.path !== null);
    expect(leaves).toHaveLength(19);
    for (const leaf of leaves) {
      const expected = leaf.kind === 'boolean' ? Number(leaf.text === 'true') : Number(leaf.text);
      for (const scan of [true, false]) {
        const extracted = compileExtractor({ kind: 'json', path: leaf.path ?? '' }, { scan }).extract(payload);
        expect(extracted, `${leaf.path} (scan ${scan})`).toEqual({ ok: true, values: [{ key: '', value: expected }] });
      }
    }
  });
});
