/**
 * The rules of exported files and of which topics a connection records:
 * RFC 4180 quoting with formula cells guarded, ISO times, one text-or-base64
 * rule for payloads, and MQTT topic filter matching as a broker does it.
 */
import { describe, expect, it } from 'vitest';
import { topicMatchesFilter } from '../../shared/mqtt';
import { csvLine, csvNumber, csvText, messageCsvLine, messageJsonLine, payloadCell } from '../../electron/core/history/export-format';
import { parseCsv } from '../support/csv';

describe('CSV cells', () => {
  it('quotes what needs quoting and reads back the same', () => {
    const cells = ['plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\r\nlf', '温度 °C', ''];
    const line = csvLine(cells.map(csvText));
    expect(line.endsWith('\r\n')).toBe(true);
    expect(parseCsv(line)).toEqual([cells]);
  });

  it('guards text a spreadsheet would run as a formula, never numbers', () => {
    expect(['=1+1', '+cmd', '-x', '@sum', '\tx'].map(csvText)).toEqual(["'=1+1", "'+cmd", "'-x", "'@sum", "'\tx"]);
    expect(csvNumber(-12.5)).toBe('-12.5');
    expect([NaN, Infinity, -Infinity].map(csvNumber)).toEqual(['NaN', 'Infinity', '-Infinity']);
  });
});

describe('payloads in exports', () => {
  it('are text when printable UTF-8, base64 otherwise', () => {
    expect(payloadCell(Buffer.from('{"a":1}'), false)).toEqual({ encoding: 'text', data: '{"a":1}' });
    expect(payloadCell(Buffer.from([0, 1, 2, 255]), false)).toEqual({ encoding: 'base64', data: 'AAEC/w==' });
    // Cut inside a character by the size cap: still text.
    expect(payloadCell(Buffer.from('aé').subarray(0, 2), true)).toEqual({ encoding: 'text', data: 'a' });
  });

  it('make one JSON line per message and one CSV row per message', () => {
    const m = { connection: 'c', topic: 't/"x"', t: Date.UTC(2026, 0, 1), qos: 2, retain: true, size: 10, payload: Buffer.from([0x00, 0xff]) };
    expect(JSON.parse(messageJsonLine(m))).toEqual({ connection: 'c', topic: 't/"x"', time: '2026-01-01T00:00:00.000Z', qos: 2, retain: true, size: 10, truncated: true, encoding: 'base64', payload: 'AP8=' });
    expect(parseCsv(messageCsvLine(m))).toEqual([['c', 't/"x"', '2026-01-01T00:00:00.000Z', '2', 'true', '10', 'base64', 'AP8=']]);
  });
});

describe('topic filters', () => {
  it('match as a broker matches them', () => {
    const cases: Array<[string, string, boolean]> = [
      ['#', 'a/b', true],
      ['a/#', 'a', true],
      ['a/#', 'a/b/c', true],
      ['a/+', 'a/b', true],
      ['a/+', 'a/b/c', false],
      ['a/+/c', 'a//c', true],
      ['+/b', 'a/b', true],
      ['a/b', 'a/b/', false],
      ['#', '$SYS/load', false],
      ['+/load', '$SYS/load', false],
      ['$SYS/#', '$SYS/load', true],
    ];
    for (const [filter, topic, expected] of cases) expect([filter, topic, topicMatchesFilter(filter, topic)]).toEqual([filter, topic, expected]);
  });
});
