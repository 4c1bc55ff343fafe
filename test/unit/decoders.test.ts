/**
 * Payload decoders as an operator meets them, through the telemetry service:
 * Sparkplug B births that name aliases, DATA read through them, DATA before
 * any birth shown as such, deaths that mark nodes and devices offline (and
 * push that to windows), sequence gaps, host STATE; Protobuf from an imported
 * .proto with errors naming the line; CBOR, MessagePack, JSON, text and hex.
 * Decoded values chart with JSON's paths, and every payload that does not
 * decode is counted per topic with the decoder's reason. Payloads are encoded
 * here with the libraries themselves (protobufjs from the specification's
 * own shape of the Sparkplug payload, cbor-x, @msgpack/msgpack).
 */
import { encode as msgpackEncode } from '@msgpack/msgpack';
import { Encoder as CborEncoder, Tag } from 'cbor-x';
import { describe, expect, it } from 'vitest';
import { checkDecoders } from '../../electron/core/decoders/rules';
import { compileProtos, ProtoError } from '../../electron/core/decoders/protobuf/schema';
import { rebirthCommand } from '../../electron/core/decoders/sparkplug/commands';
import { Telemetry } from '../../electron/core/telemetry/service';
import { DEFAULT_DECODERS, DecodersSchema, type Decoders, type DecodedPreview } from '../../shared/decoders';
import { AppFailure } from '../../shared/result';
import { metricPath, parseSparkplugTopic } from '../../shared/sparkplug';
import { sourceState } from '../../shared/staleness';
import { seriesKey, type SeriesSpec, type TelemetryBatch } from '../../shared/telemetry';
import { decodeFixture, DT, EdgeNodeFixture, encodePayload } from '../fixtures/sparkplug';
import { ackingFeed } from '../support/window-feed';

const C = 'c1';

function harness(decoders: Decoders, charted: Array<{ topic: string; path: string }> = []) {
  const telemetry = new Telemetry({ now: () => 1_700_000_000_000 });
  telemetry.setDecoders(C, decoders);
  const specs: SeriesSpec[] = charted.map(({ topic, path }) => ({ connectionId: C, topic, extractor: { kind: 'json', path }, label: '' }));
  telemetry.setCharted(specs);
  return {
    telemetry,
    send: (topic: string, payload: Buffer | string) => telemetry.ingest(C, topic, typeof payload === 'string' ? Buffer.from(payload) : payload, 0, false),
    update: (topic: string) => {
      const stats = telemetry.store(C).get(topic);
      if (!stats) throw new Error(`no message on ${topic}`);
      return stats.update(1_700_000_000_000);
    },
    /** The samples and errors of the i-th charted series. */
    series: (i: number) => {
      const s = telemetry.getSeries(seriesKey(specs[i] as SeriesSpec));
      const values: number[] = [];
      s?.forEach(-Infinity, Infinity, (_t, v) => values.push(v));
      return { values, errors: s?.errors ?? 0, lastError: s?.lastError ?? null };
    },
  };
}

const decodedJson = (preview: DecodedPreview | undefined): unknown => JSON.parse(preview?.json ?? 'null');
const rules = (...list: Array<[string, Decoders['rules'][number]['decoder'], string?]>): Decoders => ({ rules: list.map(([filter, decoder, message = '']) => ({ filter, decoder, message })), protos: [] });

describe('Sparkplug B', () => {
  const names = ['Temperature', 'Pressure', 'Speed'];

  it('reads DATA that carries only aliases through the last birth, and charts a metric by name', () => {
    const node = new EdgeNodeFixture('Plant1', 'Edge1', 'Press7', names);
    const ddata = node.topic('DDATA', true);
    const h = harness(DEFAULT_DECODERS, [{ topic: ddata, path: metricPath('Temperature') as string }, { topic: ddata, path: 'metrics.Speed' }]);
    for (const m of [node.nbirth(), node.dbirth([20, 1.5, 100]), node.ddata([21, 1.6, 101]), node.ddata([22, 1.7, 102])]) h.send(m.topic, m.payload);

    const update = h.update(ddata);
    expect(decodedJson(update.decoded)).toMatchObject({ seq: 3, metrics: { Temperature: 22, Pressure: 1.7, Speed: 102 }, timestamp: expect.any(Number) });
    expect(update.decoded?.sparkplug).toEqual({ kind: 'DDATA', group: 'Plant1', edge: 'Edge1', device: 'Press7', born: true, seqGaps: 0, unresolved: 0 });
    expect(update.offline).toBe(false);
    expect(h.series(0)).toEqual({ values: [21, 22], errors: 0, lastError: null });
    expect(h.series(1).values).toEqual([101, 102]);

    const tree = h.telemetry.sparkplugTree(C);
    expect(tree.nodes).toHaveLength(1);
    const n = tree.nodes[0];
    expect(n).toMatchObject({ group: 'Plant1', edge: 'Edge1', born: true, offline: false, births: 1, seqGaps: 0, lastSeq: 3, bdSeq: 0 });
    expect(n?.metrics.map((m) => m.name)).toEqual(['bdSeq', 'Node Control/Rebirth', 'Uptime']);
    expect(n?.devices[0]?.metrics).toEqual([
      { name: 'Pressure', alias: 2, type: 'Double', value: 1.7, timestamp: expect.any(Number) },
      { name: 'Speed', alias: 3, type: 'Double', value: 102, timestamp: expect.any(Number) },
      { name: 'Temperature', alias: 1, type: 'Double', value: 22, timestamp: expect.any(Number) },
    ]);
  });

  it('shows DATA that arrived before any birth as such: aliases unresolved, the path charts nothing and says why', () => {
    const node = new EdgeNodeFixture('Plant1', 'Edge2', 'Pump', names);
    const ddata = node.topic('DDATA', true);
    const h = harness(DEFAULT_DECODERS, [{ topic: ddata, path: 'metrics["Temperature"]' }]);
    const m = node.ddata([5, 6, 7]);
    h.send(m.topic, m.payload);
    const update = h.update(ddata);
    expect(decodedJson(update.decoded)).toMatchObject({ metrics: {}, unresolved: { '1': 5, '2': 6, '3': 7 } });
    expect(update.decoded?.sparkplug).toMatchObject({ born: false, unresolved: 3 });
    expect(update.decoded?.failures).toBe(0);
    expect(h.series(0)).toMatchObject({ values: [], errors: 1, lastError: 'the path does not exist in this payload' });
    // After the births (a rebirth answered), the same DATA resolves.
    for (const next of [node.nbirth(), node.dbirth([0, 0, 0]), node.ddata([8, 9, 10])]) h.send(next.topic, next.payload);
    expect(h.update(ddata).decoded?.sparkplug).toMatchObject({ born: true, unresolved: 0 });
    expect(h.series(0).values).toEqual([8]);
  });

  it('sends a window the payload (preview and decoded form) of the topic it focuses only; the others carry their facts, decoder and failures, and focusing one sends it at once', () => {
    const a = new EdgeNodeFixture('G', 'E', 'A', names);
    const b = new EdgeNodeFixture('G', 'E', 'B', names);
    const h = harness(DEFAULT_DECODERS);
    const { feed, batches } = ackingFeed(h.telemetry);
    const updateOf = (topic: string) => batches.at(-1)?.topics.flatMap((t) => t.updates).find((u) => u.topic === topic);
    try {
      for (const m of [a.nbirth(), a.dbirth([1, 2, 3]), b.dbirth([1, 2, 3]), a.ddata([4, 5, 6]), b.ddata([7, 8, 9])]) h.send(m.topic, m.payload);
      feed.flush();
      const topicA = a.topic('DDATA', true);
      const topicB = b.topic('DDATA', true);
      expect(updateOf(topicA)?.decoded).toEqual({ decoder: 'sparkplug', truncated: false, failures: 0, lastFailure: null });
      expect(updateOf(topicB)?.decoded?.json).toBeUndefined();
      expect(updateOf(topicB)).toMatchObject({ count: 1 });
      expect(updateOf(topicB)?.preview).toBeUndefined();

      feed.focus({ connectionId: C, topic: topicB }, h.telemetry.topic(C, topicB));
      feed.flush();
      // Nothing new arrived, yet the focused topic came again, decoded.
      expect(batches.at(-1)?.topics.flatMap((t) => t.updates).map((u) => u.topic)).toEqual([topicB]);
      expect(decodedJson(updateOf(topicB)?.decoded)).toMatchObject({ metrics: { Temperature: 7, Pressure: 8, Speed: 9 } });
      expect(updateOf(topicB)?.decoded?.sparkplug).toMatchObject({ kind: 'DDATA', device: 'B', born: true });
      expect(updateOf(topicB)?.preview).toMatchObject({ encoding: 'base64' });

      for (const m of [a.ddata([10, 11, 12]), b.ddata([13, 14, 15])]) h.send(m.topic, m.payload);
      feed.flush();
      expect(decodedJson(updateOf(topicB)?.decoded)).toMatchObject({ metrics: { Temperature: 13 } });
      expect(updateOf(topicA)?.decoded?.json).toBeUndefined();

      feed.focus(null, null);
      const later = b.ddata([16, 17, 18]);
      h.send(later.topic, later.payload);
      feed.flush();
      expect(updateOf(topicB)?.decoded?.json).toBeUndefined();
    } finally {
      feed.close();
    }
  });

  it('marks a node and its devices offline on NDEATH and pushes that to windows; a stale NDEATH is ignored; births bring them back', () => {
    const node = new EdgeNodeFixture('G', 'E', 'D', names, 7);
    const h = harness(DEFAULT_DECODERS);
    const { feed, batches } = ackingFeed(h.telemetry);
    try {
      for (const m of [node.nbirth(), node.dbirth([1, 2, 3]), node.ddata([1, 2, 3])]) h.send(m.topic, m.payload);
      feed.flush();
      const offlineOf = (batch: TelemetryBatch | undefined, topic: string) => batch?.topics.flatMap((t) => t.updates).find((u) => u.topic === topic)?.offline;
      expect(offlineOf(batches.at(-1), node.topic('DDATA', true))).toBe(false);

      const stale = node.ndeath(6);
      h.send(stale.topic, stale.payload);
      expect(h.update(node.topic('DDATA', true)).offline).toBe(false);
      expect(h.telemetry.sparkplugTree(C).nodes[0]?.staleDeaths).toBe(1);

      const death = node.ndeath();
      h.send(death.topic, death.payload);
      feed.flush();
      // The DATA topic had no new message, yet its update came again, now offline.
      expect(offlineOf(batches.at(-1), node.topic('DDATA', true))).toBe(true);
      expect(offlineOf(batches.at(-1), node.topic('NBIRTH'))).toBe(true);
      expect(h.telemetry.sparkplugTree(C).nodes[0]).toMatchObject({ offline: true, devices: [{ device: 'D', offline: true }] });

      const nbirth = node.nbirth();
      h.send(nbirth.topic, nbirth.payload);
      expect(h.update(node.topic('NBIRTH')).offline).toBe(false);
      expect(h.update(node.topic('DDATA', true)).offline).toBe(true);
      const dbirth = node.dbirth([4, 5, 6]);
      h.send(dbirth.topic, dbirth.payload);
      expect(h.update(node.topic('DDATA', true)).offline).toBe(false);

      const ddeath = node.ddeath();
      h.send(ddeath.topic, ddeath.payload);
      expect(h.update(node.topic('DDATA', true)).offline).toBe(true);
      expect(h.update(node.topic('NBIRTH')).offline).toBe(false);
    } finally {
      feed.close();
    }
  });

  it('says on the stat panels of a dead node’s or device’s metrics why they are offline, until a sample comes again', () => {
    const node = new EdgeNodeFixture('G', 'E', 'D', names, 7);
    const ddata = node.topic('DDATA', true);
    const h = harness(DEFAULT_DECODERS, [{ topic: ddata, path: metricPath('Temperature') as string }]);
    const key = seriesKey({ connectionId: C, topic: ddata, extractor: { kind: 'json', path: metricPath('Temperature') as string } });
    // What the stat panel reads (renderer/src/charts/stats.ts): the series' reported offline against its last sample.
    const state = () => {
      const view = h.telemetry.view(key, 'all', 10);
      return sourceState(view.latest?.t ?? null, view.offline, 1_700_000_000_000, 3600);
    };
    for (const m of [node.nbirth(), node.dbirth([1, 2, 3]), node.ddata([1, 2, 3])]) h.send(m.topic, m.payload);
    expect(state()).toMatchObject({ state: 'live' });

    const death = node.ndeath();
    h.send(death.topic, death.payload);
    expect(state()).toEqual({ state: 'offline', forMs: 0, reason: 'edge node death (NDEATH)' });

    for (const m of [node.nbirth(), node.dbirth([4, 5, 6])]) h.send(m.topic, m.payload);
    expect(state()).toMatchObject({ state: 'live' });

    const ddeath = node.ddeath();
    h.send(ddeath.topic, ddeath.payload);
    expect(state()).toEqual({ state: 'offline', forMs: 0, reason: 'device death (DDEATH)' });
    const dbirth = node.dbirth([7, 8, 9]);
    h.send(dbirth.topic, dbirth.payload);
    const back = node.ddata([7, 8, 9]);
    h.send(back.topic, back.payload);
    expect(state()).toMatchObject({ state: 'live' });
    expect(h.series(0).values).toEqual([1, 7]);
  });

  it('counts sequence numbers that do not follow, across the wrap from 255 to 0', () => {
    const node = new EdgeNodeFixture('G', 'Seq', 'D', names);
    const h = harness(DEFAULT_DECODERS);
    for (const m of [node.nbirth(), node.dbirth([0, 0, 0])]) h.send(m.topic, m.payload);
    for (let i = 0; i < 300; i++) {
      const m = node.ddata([i, i, i]);
      h.send(m.topic, m.payload);
    }
    expect(h.update(node.topic('DDATA', true)).decoded?.sparkplug?.seqGaps).toBe(0);
    node.seq = (node.seq + 3) % 256; // three messages lost
    const late = node.ddata([1, 1, 1]);
    h.send(late.topic, late.payload);
    expect(h.update(node.topic('DDATA', true)).decoded?.sparkplug?.seqGaps).toBe(1);
    expect(h.telemetry.sparkplugTree(C).nodes[0]?.seqGaps).toBe(1);
  });

  it('shows STATE messages of host applications, online or not', () => {
    const h = harness(DEFAULT_DECODERS);
    h.send('spBv1.0/STATE/scada1', JSON.stringify({ online: true, timestamp: 1_700_000_000_000 }));
    expect(decodedJson(h.update('spBv1.0/STATE/scada1').decoded)).toEqual({ online: true, timestamp: 1_700_000_000_000 });
    expect(h.update('spBv1.0/STATE/scada1').offline).toBe(false);
    h.send('spBv1.0/STATE/scada1', 'OFFLINE');
    expect(h.update('spBv1.0/STATE/scada1').offline).toBe(true);
    expect(h.telemetry.sparkplugTree(C).hosts).toEqual([{ host: 'scada1', online: false, timestamp: null }]);
    h.send('spBv1.0/STATE/scada1', '{"online":"yes"}');
    expect(h.update('spBv1.0/STATE/scada1').decoded).toMatchObject({ failures: 1, lastFailure: expect.stringContaining('a STATE message is {"online": true or false') });
  });

  it('reads each data type as the specification packs it, and refuses a value that does not match its type', () => {
    const h = harness(DEFAULT_DECODERS);
    const topic = 'spBv1.0/G/NBIRTH/Types';
    const doubles = Buffer.alloc(16);
    doubles.writeDoubleLE(1.5, 0);
    doubles.writeDoubleLE(-2, 8);
    const metrics = [
      { name: 'i8', datatype: DT.Int8, int_value: 0xff },
      { name: 'i16', datatype: DT.Int16, int_value: 0xfffe },
      { name: 'i32', datatype: DT.Int32, int_value: 0xfffffffd },
      { name: 'i64', datatype: DT.Int64, long_value: '-4' },
      { name: 'big', datatype: DT.UInt64, long_value: '18446744073709551615' },
      { name: 'u32', datatype: DT.UInt32, int_value: 4000000000 },
      { name: 'f', datatype: DT.Float, float_value: 0.5 },
      { name: 'b', datatype: DT.Boolean, boolean_value: true },
      { name: 's', datatype: DT.String, string_value: 'running' },
      { name: 'when', datatype: DT.DateTime, long_value: 0 },
      { name: 'nothing', datatype: DT.Double, is_null: true },
      { name: 'arr', datatype: DT.DoubleArray, bytes_value: doubles },
      { name: 'flags', datatype: DT.BooleanArray, bytes_value: Buffer.from([3, 0, 0, 0, 0b10100000]) },
      { name: 'words', datatype: DT.StringArray, bytes_value: Buffer.from('ab\u0000c\u0000') },
      { name: 'table', datatype: DT.DataSet, dataset_value: { num_of_columns: 2, columns: ['t', 'ok'], types: [DT.Int32, DT.Boolean], rows: [{ elements: [{ int_value: 5 }, { boolean_value: true }] }] } },
      { name: 'motor', datatype: DT.Template, template_value: { template_ref: 'Motor', metrics: [{ name: 'rpm', datatype: DT.Double, double_value: 1500 }] } },
    ];
    h.send(topic, encodePayload(metrics, { seq: 0 }));
    const stats = h.telemetry.store(C).get(topic);
    const whole = stats && stats.decoding?.whole(stats);
    expect(JSON.parse(whole?.json ?? 'null').metrics).toEqual({
      i8: -1,
      i16: -2,
      i32: -3,
      i64: -4,
      big: '18446744073709551615',
      u32: 4000000000,
      f: 0.5,
      b: true,
      s: 'running',
      when: '1970-01-01T00:00:00.000Z',
      nothing: null,
      arr: [1.5, -2],
      flags: [true, false, true],
      words: ['ab', 'c'],
      table: { columns: ['t', 'ok'], types: ['Int32', 'Boolean'], rows: [[5, true]] },
      motor: { template: 'Motor', metrics: { rpm: 1500 } },
    });
    h.send(topic, encodePayload([{ name: 'wrong', datatype: DT.Float, string_value: 'x' }], { seq: 0 }));
    expect(h.update(topic).decoded).toMatchObject({ json: null, failures: 1, lastFailure: 'Not Sparkplug B: metric wrong is a Float but carries no float_value.' });
  });

  it('counts a payload that is not Sparkplug B, or a topic outside the namespace, with the reason', () => {
    const h = harness(DEFAULT_DECODERS);
    h.send('spBv1.0/G/DDATA/E/D', Buffer.from([0x12, 0x05, 0x0a]));
    h.send('spBv1.0/G/DDATA/E/D', Buffer.from('{"temp": 1}'));
    expect(h.update('spBv1.0/G/DDATA/E/D').decoded).toMatchObject({ failures: 2, lastFailure: expect.stringMatching(/^Not Sparkplug B: it is not a Sparkplug B payload: .+\.$/) });
    h.send('spBv1.0/G/WHAT/E', encodePayload([]));
    expect(h.update('spBv1.0/G/WHAT/E').decoded?.lastFailure).toContain('the topic is not a Sparkplug B topic');
    expect(parseSparkplugTopic('spBv1.0/G/DDATA/E')).toBeNull();
    expect(parseSparkplugTopic('spBv1.0/G/NDATA/E')).toEqual({ kind: 'NDATA', group: 'G', edge: 'E', device: '' });
  });

  it('encodes the rebirth request as an NCMD with Node Control/Rebirth = true', () => {
    const { topic, payload } = rebirthCommand('Plant1', 'Edge1', 1234);
    expect(topic).toBe('spBv1.0/Plant1/NCMD/Edge1');
    expect(decodeFixture(payload)).toMatchObject({ timestamp: 1234, metrics: [{ name: 'Node Control/Rebirth', datatype: DT.Boolean, boolean_value: true }] });
  });
});

const ACME = `syntax = "proto3";
package acme;
import "google/protobuf/timestamp.proto";

message Telemetry {
  string device = 1;
  google.protobuf.Timestamp at = 2;
  Reading reading = 3;
  enum Mode { IDLE = 0; RUN = 1; }
  Mode mode = 4;
  map<string, double> extra = 5;
  int64 counter = 6;
  repeated Reading history = 7;
  oneof source { string gateway = 8; uint32 port = 9; }
  bytes raw = 10;
}

message Reading {
  double temp = 1;
  bool ok = 2;
}
`;

describe('Protobuf with the operator’s schema', () => {
  const decoders: Decoders = { rules: [{ filter: 'factory/+/telemetry', decoder: 'protobuf', message: 'acme.Telemetry' }], protos: [{ name: 'acme.proto', text: ACME }] };
  const Telemetry_ = compileProtos(decoders.protos).root.lookupType('acme.Telemetry');
  const encode = (value: object) => Buffer.from(Telemetry_.encode(Telemetry_.fromObject(value)).finish());

  it('lists the messages of an imported file, well-known imports resolved', () => {
    expect(compileProtos(decoders.protos).messages).toEqual(['acme.Reading', 'acme.Telemetry']);
  });

  it('decodes to readable values (Timestamp as time, enums by name, 64-bit exact, zeros present) and charts a nested field by path', () => {
    const topic = 'factory/line1/telemetry';
    const h = harness(decoders, [{ topic, path: 'reading.temp' }, { topic, path: 'extra.humidity' }]);
    h.send(topic, encode({ device: 'd1', at: { seconds: 1_700_000_000, nanos: 250_000_000 }, reading: { temp: 21.5, ok: true }, mode: 1, extra: { humidity: 40 }, counter: '9007199254740993', history: [{ temp: 1 }], port: 8883, raw: Buffer.from('hi') }));
    h.send(topic, encode({ device: 'd1', reading: { temp: 0 }, extra: { humidity: 41 } }));
    expect(h.series(0)).toEqual({ values: [21.5, 0], errors: 0, lastError: null });
    expect(h.series(1).values).toEqual([40, 41]);
    const stats = h.telemetry.store(C).get(topic);
    h.send(topic, encode({ device: 'd1', at: { seconds: 1_700_000_000, nanos: 250_000_000 }, reading: { temp: 21.5, ok: true }, mode: 1, counter: '9007199254740993', port: 8883, raw: Buffer.from('hi') }));
    const whole = stats?.decoding?.whole(stats);
    expect(JSON.parse(whole?.json ?? 'null')).toEqual({
      device: 'd1',
      at: '2023-11-14T22:13:20.250Z',
      reading: { temp: 21.5, ok: true },
      mode: 'RUN',
      extra: {},
      counter: '9007199254740993',
      history: [],
      port: 8883,
      raw: 'aGk=',
    });
    expect(h.update(topic).decoded).toMatchObject({ decoder: 'protobuf', failures: 0, lastFailure: null });
  });

  it('counts a payload that is not the message, with the reason', () => {
    const topic = 'factory/line2/telemetry';
    const h = harness(decoders);
    h.send(topic, Buffer.from([0x0a, 0xff]));
    expect(h.update(topic).decoded).toMatchObject({ json: null, failures: 1, lastFailure: expect.stringMatching(/^Not Protobuf: it is not a acme\.Telemetry message: .*index out of range/) });
  });

  it('refuses a file that does not compile, naming the file and line', () => {
    const fault = (text: string, others: Array<{ name: string; text: string }> = []) => {
      try {
        compileProtos([...others, { name: 'bad.proto', text }]);
      } catch (error) {
        if (error instanceof ProtoError) return error.message;
        throw error;
      }
      return 'compiled';
    };
    expect(fault('syntax = "proto3";\nmessage A {\n  string x = 1\n}\n')).toBe("bad.proto, line 4: illegal token '}', ';' expected");
    expect(fault('syntax = "proto3";\npackage p;\nmessage A {\n  Missing m = 1;\n}\n')).toBe("bad.proto, line 4: no message or enum named 'Missing'");
    expect(fault('syntax = "proto3";\nmessage A {\n  int32 a = 1;\n  int32 b = 1;\n}\n')).toBe('bad.proto, line 4: duplicate id 1');
    expect(fault('syntax = "proto3";\nimport "common.proto";\nmessage A {\n  common.Unit u = 1;\n}\n')).toBe(
      `bad.proto, line 4: no message or enum named 'common.Unit' (bad.proto imports "common.proto", which was not imported with it: import that file too)`,
    );
    expect(fault('syntax = "proto3";\nimport "common.proto";\nmessage A {\n  common.Unit u = 1;\n}\n', [{ name: 'common.proto', text: 'syntax = "proto3";\npackage common;\nmessage Unit { string name = 1; }' }])).toBe('compiled');
  });

  it('refuses to save a rule naming a message no file defines, or files that do not compile', () => {
    const fail = (d: Decoders) => {
      try {
        checkDecoders(d);
      } catch (error) {
        return (error as AppFailure).error;
      }
      return null;
    };
    expect(fail(decoders)).toBeNull();
    expect(fail({ ...decoders, rules: [{ filter: '#', decoder: 'protobuf', message: 'Telemetry' }] })).toMatchObject({ code: 'decoder_invalid', message: 'The rule for #: no imported .proto file defines the message Telemetry (did you mean acme.Telemetry?).', field: ['settings', 'decoders', 'rules', 0, 'message'] });
    expect(fail({ ...decoders, protos: [{ name: 'acme.proto', text: 'message {' }] })).toMatchObject({ code: 'proto_invalid', field: ['settings', 'decoders', 'protos', 0, 'text'] });
    expect(DecodersSchema.safeParse({ rules: [{ filter: '#', decoder: 'protobuf' }], protos: [] }).success).toBe(false);
  });
});

describe('CBOR, MessagePack, JSON, text and hex', () => {
  const cbor = new CborEncoder({ useRecords: false, mapsAsObjects: false });

  it('decodes each format to plain values that chart by JSON path', () => {
    const h = harness(rules(['cbor/#', 'cbor'], ['mp/#', 'msgpack'], ['js/#', 'json'], ['txt/#', 'text'], ['hex/#', 'hex']), [
      { topic: 'cbor/1', path: 'sensors[1].v' },
      { topic: 'mp/1', path: 'sensors[1].v' },
      { topic: 'js/1', path: 'sensors[1].v' },
    ]);
    const doc = { sensors: [{ v: 1 }, { v: 2.5 }], name: 'x' };
    h.send('cbor/1', cbor.encode(new Map<unknown, unknown>([['sensors', doc.sensors], ['at', new Date(0)], ['raw', Buffer.from('hi')], ['big', 2n ** 64n], [7, 'seven'], ['tagged', new Tag(99, 200)]])));
    h.send('mp/1', Buffer.from(msgpackEncode({ ...doc, big: 2n ** 63n }, { useBigInt64: true })));
    h.send('js/1', JSON.stringify(doc));
    h.send('txt/1', 'héllo');
    h.send('hex/1', Buffer.from([0xde, 0xad, 0xbe, 0xef]));
    for (const i of [0, 1, 2]) expect(h.series(i).values).toEqual([2.5]);
    expect(decodedJson(h.update('cbor/1').decoded)).toEqual({ sensors: [{ v: 1 }, { v: 2.5 }], at: '1970-01-01T00:00:00.000Z', raw: 'aGk=', big: '18446744073709551616', '7': 'seven', tagged: { tag: 200, value: 99 } });
    expect(decodedJson(h.update('mp/1').decoded)).toEqual({ ...doc, big: '9223372036854775808' });
    expect(decodedJson(h.update('txt/1').decoded)).toBe('héllo');
    expect(decodedJson(h.update('hex/1').decoded)).toBe('de ad be ef');
  });

  it('counts payloads of each kind that do not decode, per topic, with the decoder’s reason', () => {
    const h = harness(rules(['cbor/#', 'cbor'], ['mp/#', 'msgpack'], ['js/#', 'json'], ['txt/#', 'text']));
    h.send('cbor/1', Buffer.from([0x82, 0x01]));
    h.send('cbor/1', Buffer.concat([cbor.encode(1), Buffer.from([0xff])]));
    h.send('mp/1', Buffer.from([0x01, 0x02]));
    h.send('js/1', '{"temp": ');
    h.send('txt/1', Buffer.from([0xc3, 0x28]));
    // Lazily decoded topics count one failure per message whatever the number of previews made.
    for (let i = 0; i < 3; i++) for (const t of ['cbor/1', 'mp/1', 'js/1', 'txt/1']) h.update(t);
    expect(h.update('cbor/1').decoded).toMatchObject({ json: null, failures: 1, lastFailure: 'Not CBOR: it is not valid CBOR: Data read, but end of buffer not reached.' });
    expect(h.update('mp/1').decoded).toMatchObject({ failures: 1, lastFailure: expect.stringMatching(/^Not MessagePack: it is not valid MessagePack: Extra 1 of 2 byte/) });
    expect(h.update('js/1').decoded).toMatchObject({ failures: 1, lastFailure: expect.stringMatching(/^Not JSON: it is not valid JSON: /) });
    expect(h.update('txt/1').decoded).toMatchObject({ failures: 1, lastFailure: 'Not Text: it is not text: it is not valid UTF-8.' });
  });

  it('keeps a key such as __proto__ a plain key', () => {
    const h = harness(rules(['#', 'cbor']));
    h.send('a', cbor.encode(new Map([['__proto__', { polluted: 1 }]])));
    expect(h.update('a').decoded?.json).toBe('{"__proto__":{"polluted":1}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('decodes nothing on topics no rule matches: their updates and charts are what they always were', () => {
    const h = harness(DEFAULT_DECODERS, [{ topic: 'plant/t', path: 'temp' }]);
    h.send('plant/t', '{"temp": 20.5}');
    expect(h.update('plant/t').decoded).toBeUndefined();
    expect(h.update('plant/t').offline).toBeUndefined();
    expect(h.telemetry.store(C).get('plant/t')?.decoding).toBeNull();
    expect(h.series(0).values).toEqual([20.5]);
  });

  it('picks the first matching rule, and re-decodes a topic at once when the rules change', () => {
    const h = harness(rules(['a/#', 'text'], ['a/b', 'hex']));
    h.send('a/b', 'AB');
    expect(h.update('a/b').decoded).toMatchObject({ decoder: 'text', json: '"AB"' });
    h.telemetry.setDecoders(C, rules(['a/b', 'hex'], ['a/#', 'text']));
    expect(h.update('a/b').decoded).toMatchObject({ decoder: 'hex', json: '"41 42"' });
    h.telemetry.setDecoders(C, rules());
    expect(h.update('a/b').decoded).toBeUndefined();
  });
});
