/**
 * The fast JSON path against hostile payloads: a number too large to be
 * finite (`1e999`) is a counted bad value, never a sample, on both paths; and
 * a seeded, bounded fuzz of broken, huge-numbered, deeply nested and random
 * payloads checks that the scanner never throws and agrees with the full parser every time.
 */
import { describe, expect, it } from 'vitest';
import { ChartViewSchema, seriesKey, type SeriesSpec } from '../../shared/telemetry';
import { compileExtractor, parsePath, PayloadView } from '../../electron/core/telemetry/extract';
import { FALLBACK, MAX_NESTING, scanNumber, scanPath, type PlainSegment } from '../../electron/core/telemetry/json-scan';
import { Telemetry } from '../../electron/core/telemetry/service';
import { seededRandom } from '../support/random';

const extract = (path: string, body: string | Buffer, scan = true) =>
  compileExtractor({ kind: 'json', path }, { scan }).extract(new PayloadView(Buffer.isBuffer(body) ? body : Buffer.from(body)));

describe('non-finite numbers', () => {
  it('are bad values on the fast path exactly as on the full one', () => {
    for (const body of ['{"temp":1e999}', '{"temp":-1e999}', '{"temp":1E+400}', `{"temp":1${'0'.repeat(400)}}`]) {
      expect(extract('temp', body), body).toEqual({ ok: false, reason: 'the value is not finite' });
      expect(extract('temp', body, false), body).toEqual({ ok: false, reason: 'the value is not finite' });
    }
    // Elsewhere in the document they change nothing; tiny ones are just zero.
    expect(extract('temp', '{"other":1e999,"temp":21.5}')).toEqual({ ok: true, values: [{ key: '', value: 21.5 }] });
    expect(extract('temp', '{"temp":1e-999}')).toEqual({ ok: true, values: [{ key: '', value: 0 }] });
    expect(compileExtractor({ kind: 'number' }).extract(new PayloadView(Buffer.from('1e999'))).ok).toBe(false);
  });

  it('never reach a chart or a CSV: the series counts them as bad values', () => {
    const spec: SeriesSpec = { connectionId: 'c1', topic: 'dev/1', extractor: { kind: 'json', path: 'temp' }, label: '' };
    const telemetry = new Telemetry({ now: () => 1_700_000_000_000 });
    try {
      telemetry.setCharted([spec]);
      for (const body of ['{"temp":20}', '{"temp":1e999}', '{"temp":-1e999}', '{"temp":21}']) telemetry.ingest('c1', 'dev/1', Buffer.from(body), 0, false);
      const view = telemetry.view(seriesKey(spec), 'all', 100);
      expect(ChartViewSchema.safeParse(view).success).toBe(true);
      expect(view.samples).toBe(2);
      expect(view.errors).toBe(2);
      expect(view.lastError).toBe('the value is not finite');
      expect(telemetry.csv(seriesKey(spec))).not.toMatch(/Infinity|NaN|null/);
    } finally {
      telemetry.dispose();
    }
  });
});

describe('fuzzing the JSON scanner (seeded, bounded)', () => {
  const paths = ['temp', 'a.b', 'sensors[0]', 'sensors[2].value', '["x y"]', 'é', 'a[1].temp', '$.value'];
  const compiled = paths.map((path) => {
    const segments = parsePath(path) as PlainSegment[];
    return { path, scan: scanPath(segments) };
  });

  it('never throws, returns only finite numbers, and agrees with the full parser', () => {
    const random = seededRandom(0x150_5ca9);
    const int = (n: number) => Math.floor(random() * n);
    const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
    const numbers = ['1e999', '-1e999', '1E+400', '1e-999', '-0', '0.0000', '2e308', '1.7976931348623157e308', '123456789012345678901234567890', '0.1', '-12.5e3', '01', '1.', '.5', '+1', '-', '1e', 'NaN', 'Infinity'];
    const keys = ['temp', 'a', 'b', 'sensors', 'value', 'x y', 'é', 'te\\u006dp', 'temp'];
    const scalar = () => pick([() => pick(numbers), () => String(random() * 1000 - 500), () => pick(['true', 'false', 'null', '"21.5"', '"on"', '"\\ud800"', '"\\u00"'])])();
    const value = (depth: number): string => {
      if (depth > 3 || random() < 0.4) return scalar();
      const ws = pick(['', ' ', '\n\t']);
      if (random() < 0.5) return `[${ws}${Array.from({ length: int(4) }, () => value(depth + 1)).join(`,${ws}`)}]`;
      return `{${ws}${Array.from({ length: int(5) }, () => `"${pick(keys)}"${ws}:${ws}${value(depth + 1)}`).join(`,${ws}`)}}`;
    };
    const document = (): Buffer => {
      switch (int(6)) {
        case 0: {
          // Deeper than the scanner recurses, around a path.
          const depth = MAX_NESTING - 2 + int(4000);
          const open = random() < 0.5 ? '['.repeat(depth) : '{"a":'.repeat(depth);
          const close = open.startsWith('[') ? ']'.repeat(depth) : '}'.repeat(depth);
          return Buffer.from(`{"temp":${pick(numbers)},"a":${open}1${close}}`);
        }
        case 1:
          return Buffer.from(Array.from({ length: int(64) }, () => int(256)));
        default: {
          let body = Buffer.from(`{"temp":${value(1)},"a":${value(0)},"sensors":${value(0)},"value":${value(2)},"x y":${scalar()},"é":${scalar()}}`);
          const mutations = random() < 0.4 ? 1 + int(3) : 0;
          for (let m = 0; m < mutations; m++) {
            const at = int(body.length + 1);
            body = pick([
              () => body.subarray(0, at),
              () => Buffer.concat([body.subarray(0, at), Buffer.from([pick([0x00, 0x0a, 0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0xc3, 0xff, 0x80])]), body.subarray(at)]),
              () => Buffer.concat([body.subarray(0, at), body.subarray(at + 1)]),
            ])();
          }
          return body;
        }
      }
    };

    let numbersRead = 0;
    let fallbacks = 0;
    for (let i = 0; i < 2000; i++) {
      const body = document();
      for (const { path, scan } of compiled) {
        let fast: number | typeof FALLBACK = FALLBACK;
        expect(() => (fast = scanNumber(body, scan)), `case ${i} ${path}`).not.toThrow();
        const reference = extract(path, body, false);
        if (fast === FALLBACK) {
          fallbacks++;
        } else {
          numbersRead++;
          expect(Number.isFinite(fast), `case ${i} ${path}`).toBe(true);
          expect(reference, `case ${i} ${path}: ${body.toString('latin1').slice(0, 200)}`).toEqual({ ok: true, values: [{ key: '', value: fast }] });
        }
        expect(extract(path, body), `case ${i} ${path}`).toEqual(reference);
      }
    }
    // Both outcomes are exercised, or this fuzz proves nothing.
    expect(numbersRead).toBeGreaterThan(150);
    expect(fallbacks).toBeGreaterThan(1000);
  });
});
