/**
 * Bounded, seeded fuzzing of the decoded-value path: valid payloads of every
 * decoder (Sparkplug B births and data, a Protobuf message with nesting, maps
 * and a recursive field, CBOR, MessagePack, JSON) mutated at run time, plus
 * random bytes. A decoder may refuse a payload only with DecodeError: never a
 * RangeError, TypeError or a stack overflow escaping it. What it returns must
 * be a plain value the rest of the path takes (JSON text, extraction by
 * path), and the telemetry service must take every case without throwing.
 * A failing case prints its seed and index, so it reproduces.
 */
import { encode as msgpackEncode } from '@msgpack/msgpack';
import { Encoder as CborEncoder } from 'cbor-x';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../electron/core/decoders/decode-error';
import type { PayloadDecoder } from '../../electron/core/decoders/decoder';
import { jsonText } from '../../electron/core/decoders/json-text';
import type { Plain } from '../../electron/core/decoders/plain-value';
import { compileRules } from '../../electron/core/decoders/rules';
import { compileProtos } from '../../electron/core/decoders/protobuf/schema';
import { SparkplugState } from '../../electron/core/decoders/sparkplug/state';
import { compileExtractor, PayloadView } from '../../electron/core/telemetry/extract';
import { Telemetry } from '../../electron/core/telemetry/service';
import type { Decoders } from '../../shared/decoders';
import { DT, EdgeNodeFixture, encodePayload } from '../fixtures/sparkplug';
import { seededRandom } from '../support/random';

const CASES = 1500;
const TIME_LIMIT_MS = 8000;

const PROTO = `syntax = "proto3";
package fuzz;
import "google/protobuf/timestamp.proto";
message Node {
  string name = 1;
  repeated Node children = 2;
  map<string, int64> counts = 3;
  google.protobuf.Timestamp at = 4;
  enum Kind { A = 0; B = 1; }
  Kind kind = 5;
  oneof v { double d = 6; bytes b = 7; }
  map<uint64, string> labels = 8;
}`;

const decoders: Decoders = {
  rules: [
    { filter: 'spBv1.0/#', decoder: 'sparkplug', message: '' },
    { filter: 'pb/#', decoder: 'protobuf', message: 'fuzz.Node' },
    { filter: 'cbor/#', decoder: 'cbor', message: '' },
    { filter: 'mp/#', decoder: 'msgpack', message: '' },
    { filter: 'json/#', decoder: 'json', message: '' },
    { filter: 'text/#', decoder: 'text', message: '' },
  ],
  protos: [{ name: 'fuzz.proto', text: PROTO }],
};

function seeds(): Array<{ topic: string; payload: Buffer }> {
  const node = new EdgeNodeFixture('G', 'E', 'D', ['a', 'b', 'c']);
  const Node = compileProtos(decoders.protos).root.lookupType('fuzz.Node');
  const tree = { name: 'root', children: [{ name: 'x', children: [{ name: 'y', d: 1.5 }] }], counts: { a: '12345678901234' }, at: { seconds: 1, nanos: 2 }, kind: 1, labels: { '18446744073709551615': 'max' }, b: Buffer.from([1, 2]) };
  const doc = { a: [1, 2, { b: 'c', d: [true, null, 1e300] }], e: { f: -1 } };
  const cbor = new CborEncoder({ useRecords: false, mapsAsObjects: false });
  return [
    node.nbirth(),
    node.dbirth([1, 2, 3]),
    node.ddata([4, 5, 6]),
    node.ndeath(),
    { topic: 'spBv1.0/G/DDATA/E/D', payload: encodePayload([{ name: 't', datatype: DT.Template, template_value: { template_ref: 'T', metrics: [{ name: 'm', datatype: DT.DataSet, dataset_value: { columns: ['a'], types: [DT.Int32], rows: [{ elements: [{ int_value: 1 }] }] } }] } }, { name: 'arr', datatype: DT.Int32Array, bytes_value: Buffer.alloc(8, 1) }], { seq: 3 }) },
    { topic: 'spBv1.0/STATE/host', payload: Buffer.from('{"online":true,"timestamp":1}') },
    { topic: 'pb/1', payload: Buffer.from(Node.encode(Node.fromObject(tree)).finish()) },
    { topic: 'cbor/1', payload: cbor.encode(new Map<unknown, unknown>([['a', doc.a], [1, new Date(0)], ['x', Buffer.alloc(3)], ['big', 2n ** 70n]])) },
    { topic: 'mp/1', payload: Buffer.from(msgpackEncode(doc)) },
    { topic: 'json/1', payload: Buffer.from(JSON.stringify(doc)) },
    { topic: 'text/1', payload: Buffer.from('héllo wörld') },
  ];
}

function mutate(input: Buffer, random: () => number): Buffer {
  const bytes = Buffer.from(input);
  const at = () => Math.floor(random() * Math.max(1, bytes.length));
  switch (Math.floor(random() * 7)) {
    case 0: // flip some bytes
      for (let i = 0, n = 1 + Math.floor(random() * 4); i < n && bytes.length; i++) bytes[at()] = Math.floor(random() * 256);
      return bytes;
    case 1: // cut
      return bytes.subarray(0, at());
    case 2: // insert random bytes
    {
      const i = at();
      return Buffer.concat([bytes.subarray(0, i), Buffer.from(Array.from({ length: 1 + Math.floor(random() * 8) }, () => Math.floor(random() * 256))), bytes.subarray(i)]);
    }
    case 3: // repeat a slice (nesting, duplicated fields)
    {
      const i = at();
      const j = Math.min(bytes.length, i + 1 + Math.floor(random() * 16));
      return Buffer.concat([bytes.subarray(0, j), ...Array.from({ length: 1 + Math.floor(random() * 50) }, () => bytes.subarray(i, j)), bytes.subarray(j)]);
    }
    case 4: // large lengths and varints
      for (let i = 0; i < 3 && bytes.length; i++) bytes[at()] = 0xff;
      return bytes;
    case 5: // random bytes
      return Buffer.from(Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256)));
    default: // deep nesting of one byte
      return Buffer.concat([Buffer.alloc(1 + Math.floor(random() * 20_000), bytes[0] ?? 0x81), bytes]);
  }
}

const PATHS = ['metrics.a', 'metrics["t"].metrics.m.rows[0][0]', 'children[0].children[0].d', 'a[2].d[2]', 'e.f', 'counts.a', '*', 'a[*]'].map((path) => compileExtractor({ kind: 'json', path }));

describe('the decoded-value path under fuzzing', () => {
  it('refuses only with DecodeError, returns plain values the rest of the path takes, and never throws from ingest', () => {
    const seed = Number(process.env.FUZZ_SEED ?? 0x5eed_d3c0);
    const random = seededRandom(seed);
    const rules = compileRules(decoders, new SparkplugState());
    const bySeed = seeds().map((s) => ({ ...s, decoder: rules.match(s.topic) as PayloadDecoder }));
    const telemetry = new Telemetry();
    telemetry.setDecoders('c', decoders);
    telemetry.setCharted(bySeed.map((s) => ({ connectionId: 'c', topic: s.topic, extractor: { kind: 'json', path: 'metrics.a' }, label: '' })));
    const started = Date.now();
    let decoded = 0;
    let refused = 0;
    try {
      for (let i = 0; i < CASES && Date.now() - started < TIME_LIMIT_MS; i++) {
        const source = bySeed[i % bySeed.length] as (typeof bySeed)[number];
        const payload = i < bySeed.length ? source.payload : mutate(source.payload, random);
        let value: Plain;
        try {
          value = source.decoder.forTopic(source.topic).decode(payload, true);
          decoded++;
        } catch (error) {
          if (!(error instanceof DecodeError)) throw new Error(`case ${i} (seed ${seed}, ${source.topic}, ${payload.toString('hex').slice(0, 80)}): ${String(error)}`, { cause: error });
          refused++;
          continue;
        }
        expect(jsonText(value, 1_000_000).text.length).toBeGreaterThan(0);
        const view = new PayloadView();
        view.resetDecoded(payload, value);
        for (const path of PATHS) path.extract(view);
        telemetry.ingest('c', source.topic, payload, 0, false);
        telemetry.store('c').get(source.topic)?.update(Date.now());
      }
    } finally {
      telemetry.dispose();
    }
    // Both outcomes were exercised: the fuzzing reached past the first bytes.
    expect(decoded).toBeGreaterThan(bySeed.length);
    expect(refused).toBeGreaterThan(50);
  }, 30_000);
});
