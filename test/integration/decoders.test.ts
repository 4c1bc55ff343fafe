/**
 * Decoders against a real mosquitto over TLS, through the whole backend: a
 * Sparkplug B edge node (its payloads encoded with protobufjs from the
 * specification's own shape) publishes its births and then DATA by alias
 * only; the dashboard names the metrics, charts one by name, and when the
 * node's link dies the broker publishes its NDEATH (the node's MQTT will) and
 * the node and device show offline. The rebirth request reaches the node
 * through the broker and it answers with new births. A Protobuf rule with
 * the operator's .proto decodes and charts a nested field; payloads that do
 * not decode are counted with the reason; a .proto that does not compile is
 * refused at save, naming the line.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Decoders } from '../../shared/decoders';
import type { Profile } from '../../shared/profiles';
import type { SparkplugTree } from '../../shared/sparkplug';
import { seriesKey, type ChartViewData, type SeriesSpec, type TopicUpdate } from '../../shared/telemetry';
import { acmeTelemetry, ACME_PROTO as ACME } from '../fixtures/acme-proto';
import { decodeFixture, EdgeNodeFixture } from '../fixtures/sparkplug';
import { call, createTestBackend, waitForSession, type TestBackend } from '../support/backend';
import { until } from '../support/until';
import { useTlsBroker } from '../support/tls-broker';

const { pki, url } = useTlsBroker();
let t: TestBackend;
let profile: Profile;

const decoders: Decoders = {
  rules: [
    { filter: 'spBv1.0/#', decoder: 'sparkplug', message: '' },
    { filter: 'factory/+/telemetry', decoder: 'protobuf', message: 'acme.Telemetry' },
  ],
  protos: [{ name: 'acme.proto', text: ACME }],
};
const node = new EdgeNodeFixture('Plant1', 'Edge1', 'Press7', ['Temperature', 'Pressure', 'Speed'], 3);
const temperature = (): SeriesSpec => ({ connectionId: profile.id, topic: node.topic('DDATA', true), extractor: { kind: 'json', path: 'metrics["Temperature"]' }, label: '' });
const nestedTemp = (): SeriesSpec => ({ connectionId: profile.id, topic: 'factory/line1/telemetry', extractor: { kind: 'json', path: 'reading.temp' }, label: '' });

/** The edge node's MQTT client: its will is its NDEATH, as the specification has it. */
async function connectEdgeNode(): Promise<MqttClient> {
  const death = node.ndeath();
  return mqtt.connectAsync(url(), { ca: pki().rootOnly.pem, reconnectPeriod: 0, clientId: 'edge1', will: { topic: death.topic, payload: death.payload, qos: 1, retain: false } });
}

async function topic(name: string): Promise<TopicUpdate> {
  return until(async () => (await call<TopicUpdate[]>(t, 'topics.snapshot', { connectionId: profile.id })).find((u) => u.topic === name), `an update of ${name}`);
}

beforeAll(async () => {
  t = await createTestBackend();
  profile = await call<Profile>(t, 'profiles.save', {
    settings: { name: 'fleet', url: url(), tls: { trust: 'custom', ca: [pki().rootOnly.pem] }, subscriptions: [{ filter: 'spBv1.0/#', qos: 1 }, { filter: 'factory/#', qos: 1 }], decoders },
  });
  await call(t, 'dashboard.save', { profileId: profile.id, dashboard: { charts: [{ id: 'c1', title: 'Fleet', unit: '', window: '5m', series: [temperature(), nestedTemp()] }] } });
  await call(t, 'sessions.connect', { id: profile.id });
  await waitForSession(t.backend, profile.id, (v) => v.state === 'connected');
});

afterAll(async () => {
  await t?.cleanup();
});

describe('Sparkplug B through a real broker', () => {
  let edge: MqttClient;

  it('names metrics from the births, reads DATA by alias, and charts a metric by name', async () => {
    edge = await connectEdgeNode();
    for (const m of [node.nbirth(), node.dbirth([20, 1.5, 100])]) await edge.publishAsync(m.topic, m.payload, { qos: 1 });
    for (let i = 0; i < 10; i++) {
      const m = node.ddata([21 + i, 1.5, 100 + i]);
      await edge.publishAsync(m.topic, m.payload, { qos: 1 });
    }
    const view = await until(async () => {
      const v = await call<ChartViewData>(t, 'telemetry.view', { key: seriesKey(temperature()), window: '5m', width: 500 });
      return v.samples === 10 ? v : undefined;
    }, 'ten Temperature samples');
    expect(view).toMatchObject({ errors: 0, lastError: null });
    expect(view.values.at(-1)).toBe(30);

    const update = await topic(node.topic('DDATA', true));
    expect(update.offline).toBe(false);
    expect(update.decoded).toMatchObject({ decoder: 'sparkplug', failures: 0, sparkplug: { kind: 'DDATA', group: 'Plant1', edge: 'Edge1', device: 'Press7', born: true, seqGaps: 0, unresolved: 0 } });
    expect(JSON.parse(update.decoded?.json ?? 'null')).toMatchObject({ seq: 11, metrics: { Temperature: 30, Pressure: 1.5, Speed: 109 } });

    const tree = await call<SparkplugTree>(t, 'sparkplug.tree', { connectionId: profile.id });
    expect(tree.nodes).toHaveLength(1);
    expect(tree.nodes[0]).toMatchObject({ group: 'Plant1', edge: 'Edge1', born: true, offline: false, bdSeq: 3, lastSeq: 11 });
    expect(tree.nodes[0]?.devices[0]?.metrics.find((m) => m.name === 'Temperature')).toMatchObject({ alias: 1, type: 'Double', value: 30 });
  });

  it('sends the rebirth request through the broker to the edge node, which answers with its births', async () => {
    const commands: Buffer[] = [];
    await edge.subscribeAsync(node.topic('NCMD'), { qos: 1 });
    edge.on('message', (topicName, payload) => {
      if (topicName !== node.topic('NCMD')) return;
      commands.push(payload);
      // What a node does on Node Control/Rebirth: publish its births again.
      for (const m of [node.nbirth(), node.dbirth([40, 2, 200])]) void edge.publishAsync(m.topic, m.payload, { qos: 1 });
    });
    const sent = await call<{ topic: string }>(t, 'sparkplug.rebirth', { connectionId: profile.id, group: 'Plant1', edge: 'Edge1' });
    expect(sent.topic).toBe('spBv1.0/Plant1/NCMD/Edge1');
    await until(async () => (commands.length > 0 ? true : undefined), 'the NCMD at the edge node');
    expect(decodeFixture(commands[0] as Buffer).metrics).toEqual([expect.objectContaining({ name: 'Node Control/Rebirth', datatype: 11, boolean_value: true })]);
    const tree = await until(async () => {
      const current = await call<SparkplugTree>(t, 'sparkplug.tree', { connectionId: profile.id });
      return current.nodes[0]?.births === 2 ? current : undefined;
    }, 'the second NBIRTH');
    expect(tree.nodes[0]?.devices[0]?.metrics.find((m) => m.name === 'Temperature')?.value).toBe(40);
  });

  it('marks the node and its devices offline when the broker publishes its NDEATH (the edge node’s will)', async () => {
    // The link dies without a DISCONNECT: mosquitto publishes the will.
    edge.stream.destroy();
    const update = await until(async () => {
      const current = (await call<TopicUpdate[]>(t, 'topics.snapshot', { connectionId: profile.id })).find((u) => u.topic === node.topic('DDATA', true));
      return current?.offline ? current : undefined;
    }, 'the device offline');
    expect(update.offline).toBe(true);
    const tree = await call<SparkplugTree>(t, 'sparkplug.tree', { connectionId: profile.id });
    expect(tree.nodes[0]).toMatchObject({ offline: true, staleDeaths: 0, devices: [{ device: 'Press7', offline: true }] });
    expect((await topic(node.topic('NDEATH'))).decoded?.sparkplug?.kind).toBe('NDEATH');
  });

  it('refuses the rebirth request while the connection is down, queueing nothing', async () => {
    await call(t, 'sessions.disconnect', { id: profile.id });
    const result = await t.backend.dispatch('sparkplug.rebirth', { connectionId: profile.id, group: 'Plant1', edge: 'Edge1' });
    expect(result).toMatchObject({ ok: false, error: { code: 'not_connected' } });
    await call(t, 'sessions.connect', { id: profile.id });
    await waitForSession(t.backend, profile.id, (v) => v.state === 'connected');
  });
});

describe('Protobuf with the operator’s .proto through a real broker', () => {
  const Telemetry = acmeTelemetry();

  it('decodes messages readably and charts a nested field; counts payloads that are not the message, with the reason', async () => {
    const device = await mqtt.connectAsync(url(), { ca: pki().rootOnly.pem, reconnectPeriod: 0 });
    try {
      for (const temp of [18.5, 19, 0]) {
        await device.publishAsync('factory/line1/telemetry', Buffer.from(Telemetry.encode(Telemetry.fromObject({ device: 'press', at: { seconds: 1_700_000_000 }, reading: { temp, status: temp > 18.7 ? 1 : 0 } })).finish()), { qos: 1 });
      }
      await device.publishAsync('factory/line2/telemetry', Buffer.from([0x1a, 0x09, 0x09, 1, 2]), { qos: 1 });
    } finally {
      await device.endAsync();
    }
    const view = await until(async () => {
      const v = await call<ChartViewData>(t, 'telemetry.view', { key: seriesKey(nestedTemp()), window: '5m', width: 500 });
      return v.samples === 3 ? v : undefined;
    }, 'three nested samples');
    expect(view).toMatchObject({ errors: 0, lastError: null });
    const samples: number[] = [];
    t.backend.telemetry.getSeries(seriesKey(nestedTemp()))?.forEach(-Infinity, Infinity, (_time, value) => samples.push(value));
    // proto3 sends no zero: the absent field still charts as 0.
    expect(samples).toEqual([18.5, 19, 0]);
    const whole = await call<{ decoded?: { json: string | null } }>(t, 'topics.payload', { connectionId: profile.id, topic: 'factory/line1/telemetry' });
    expect(JSON.parse(whole.decoded?.json ?? 'null')).toEqual({ device: 'press', at: '2023-11-14T22:13:20.000Z', reading: { temp: 0, status: 'OK' } });
    const bad = await topic('factory/line2/telemetry');
    expect(bad.decoded).toMatchObject({ decoder: 'protobuf', json: null, failures: 1, lastFailure: expect.stringMatching(/^Not Protobuf: it is not a acme\.Telemetry message: /) });
  });

  it('refuses at save a .proto that does not compile, naming the file and line, and keeps what was saved', async () => {
    const broken = { ...decoders, protos: [{ name: 'acme.proto', text: 'syntax = "proto3";\npackage acme;\nmessage Telemetry {\n  string device = 1\n}\n' }] };
    const result = await t.backend.dispatch('profiles.save', { id: profile.id, settings: { ...profile, decoders: broken } });
    expect(result).toMatchObject({ ok: false, error: { code: 'proto_invalid', message: "acme.proto, line 5: illegal token '}', ';' expected.", field: ['settings', 'decoders', 'protos', 0, 'text'] } });
    expect(t.backend.profiles.get(profile.id).decoders).toEqual(decoders);
    const inspected = await t.backend.dispatch('decoders.inspectProto', { file: decoders.protos[0] });
    expect(inspected).toEqual({ ok: true, value: { name: 'acme.proto', messages: ['acme.Reading', 'acme.Telemetry'] } });
  });
});
