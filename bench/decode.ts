/**
 * The decoding workload of `decode_ratio`: a Sparkplug B stream as edge nodes
 * send it (each node's NBIRTH and its devices' DBIRTHs first, then DDATA of
 * 10 metrics each by alias, with timestamps, round robin over the devices,
 * every node's `seq` counting up), and the core charting 3 of the 10 metrics
 * of every device, with the connection's default decoders (Sparkplug B on
 * `spBv1.0/#`). Encoded with protobufjs from the specification's shape of the
 * payload (test/fixtures/sparkplug.ts).
 */
import { DEFAULT_DECODERS } from '../shared/decoders';
import { metricPath } from '../shared/sparkplug';
import type { SeriesSpec } from '../shared/telemetry';
import { DT, encodePayload } from '../test/fixtures/sparkplug';
import { encodePublish } from './standin';
import type { Workload } from './ingest';

export const METRICS = 10;
export const CHARTED_METRICS = 3;
const DEVICES_PER_NODE = 10;
const names = Array.from({ length: METRICS }, (_, i) => `Metric ${i + 1}`);

function device(i: number): { group: string; node: string; device: string; nodeIndex: number } {
  const nodeIndex = Math.floor(i / DEVICES_PER_NODE);
  return { group: 'Bench', node: `Edge${nodeIndex}`, device: `Device${i % DEVICES_PER_NODE}`, nodeIndex };
}

const ddataTopic = (i: number) => {
  const d = device(i);
  return `spBv1.0/${d.group}/DDATA/${d.node}/${d.device}`;
};

/** The births, then `count` DDATA messages over `devices` devices, as topic and payload. */
export function sparkplugMessages(count: number, devices: number): Array<{ topic: string; payload: Buffer }> {
  const nodes = Math.ceil(devices / DEVICES_PER_NODE);
  const seq = new Array<number>(nodes).fill(0);
  const next = (node: number) => {
    const s = seq[node] as number;
    seq[node] = (s + 1) % 256;
    return s;
  };
  const out: Array<{ topic: string; payload: Buffer }> = [];
  const now = Date.now();
  for (let n = 0; n < nodes; n++) {
    out.push({ topic: `spBv1.0/Bench/NBIRTH/Edge${n}`, payload: encodePayload([{ name: 'bdSeq', datatype: DT.Int64, long_value: 0 }], { seq: next(n), timestamp: now }) });
  }
  for (let i = 0; i < devices; i++) {
    const d = device(i);
    const metrics = names.map((name, m) => ({ name, alias: m + 1, timestamp: now, datatype: DT.Double, double_value: m }));
    out.push({ topic: `spBv1.0/${d.group}/DBIRTH/${d.node}/${d.device}`, payload: encodePayload(metrics, { seq: next(d.nodeIndex), timestamp: now }) });
  }
  for (let k = 0; k < count - nodes - devices; k++) {
    const i = k % devices;
    const t = now + k;
    const metrics = names.map((_, m) => ({ alias: m + 1, timestamp: t, double_value: 20 + ((k + m) % 50) / 10 }));
    out.push({ topic: ddataTopic(i), payload: encodePayload(metrics, { seq: next(device(i).nodeIndex), timestamp: t }) });
  }
  return out;
}

/** The births, then `count` DDATA messages over `devices` devices: the stream the stand-in sends. */
export function encodeSparkplugStream(count: number, devices: number): Buffer {
  return Buffer.concat(sparkplugMessages(count, devices).map((m) => encodePublish(m.topic, m.payload)));
}

/** The core's side: Sparkplug B decoded on `spBv1.0/#`, 3 of each device's 10 metrics charted by name. */
export function sparkplugWorkload(devices: number): Workload {
  return {
    decoders: DEFAULT_DECODERS,
    specs: (connectionId) =>
      Array.from({ length: devices }, (_, i) =>
        names.slice(0, CHARTED_METRICS).map((name): SeriesSpec => ({ connectionId, topic: ddataTopic(i), extractor: { kind: 'json', path: metricPath(name) as string }, label: '' })),
      ).flat(),
  };
}
