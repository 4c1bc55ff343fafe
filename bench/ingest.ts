/**
 * Ingest rates: the whole core (session, topic store, extraction into ring
 * buffers, batching to a window that serialises and acknowledges every batch)
 * against a bare mqtt.js client that only counts, on the same stream.
 */
import mqtt from 'mqtt';
import type { Decoders } from '../shared/decoders';
import { createProfile, ProfileSettingsSchema, type Profile } from '../shared/profiles';
import { seriesKey, type SeriesSpec } from '../shared/telemetry';
import type { Recorder } from '../electron/core/history/recorder';
import { SessionManager } from '../electron/core/sessions/manager';
import { Telemetry } from '../electron/core/telemetry/service';
import { createSystemTrust } from '../electron/core/tls/system-roots';

export interface Target {
  url: string;
  ca: string;
  /** Subscription filter that matches the stream. */
  filter: string;
}

export interface Rate {
  messages: number;
  seconds: number;
  perSecond: number;
}

/** Resolves when `count` messages have arrived (or the time limit passed), with the rate between the first and the last. */
function meter(count: number, limitMs: number) {
  let seen = 0;
  let first = 0;
  let last = 0;
  let resolve: (r: Rate) => void = () => undefined;
  const done = new Promise<Rate>((r) => (resolve = r));
  const finish = () => {
    clearTimeout(timer);
    const seconds = Math.max(1e-6, (last - first) / 1000);
    resolve({ messages: seen, seconds, perSecond: seen > 1 ? (seen - 1) / seconds : 0 });
  };
  const timer = setTimeout(finish, limitMs);
  return {
    done,
    tick() {
      const now = performance.now();
      if (seen === 0) first = now;
      last = now;
      if (++seen === count) finish();
    },
  };
}

export async function bareClient(target: Target, count: number, limitMs: number, onReady?: () => void): Promise<Rate> {
  const m = meter(count, limitMs);
  const client = mqtt.connect(target.url, { ca: target.ca, reconnectPeriod: 0, clientId: `bench-bare-${process.pid}-${Date.now()}` });
  client.on('message', () => m.tick());
  client.on('error', (e) => console.error('bare client:', e.message));
  await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  await client.subscribeAsync(target.filter, { qos: 0 });
  onReady?.();
  const rate = await m.done;
  await client.endAsync(true);
  return rate;
}

export interface Recording {
  /** The history recorder, started once before the rounds as the app starts it at launch (its writer thread then lives as long as the app). */
  recorder: Recorder;
}

/** What the core charts (and how it decodes) on the stream; by default the `temp` field of every JSON topic. */
export interface Workload {
  specs(connectionId: string): SeriesSpec[];
  decoders?: Decoders;
}

export interface CoreRate extends Rate {
  batches: number;
  samples: number;
  /** With recording: what the recorder dropped, and how long its worker took to write the rest after the last message. */
  recorded?: { droppedSamples: number; droppedMessages: number; catchUpMs: number };
}

/**
 * The whole core on the stream; with `recording`, the history recorder takes
 * every message raw (filter `#`) and every charted sample, as the app does.
 */
export async function wholeCore(target: Target, count: number, limitMs: number, topics: number, onReady?: () => void, recording?: Recording, workload?: Workload): Promise<CoreRate> {
  const m = meter(count, limitMs);
  const id = 'bench';
  const recorder = recording?.recorder ?? null;
  recorder?.configure([{ id, recording: { messageFilters: ['#'], maxPayloadBytes: 65536, retentionDays: 30, retentionMB: 1024 * 1024 } } as Profile]);
  if (recorder) await recorder.settle();
  const droppedBefore = recorder ? { ...recorder.dropped } : null;
  const telemetry = new Telemetry({ budgetBytes: 256 * 1024 * 1024, recorder: recorder ?? undefined });
  const specs: SeriesSpec[] = workload?.specs(id) ?? Array.from({ length: topics }, (_, i) => ({ connectionId: id, topic: `fleet/dev${i}/telemetry`, extractor: { kind: 'json', path: 'temp' }, label: '' }));
  if (workload?.decoders) telemetry.setDecoders(id, workload.decoders);
  telemetry.setCharted(specs);
  // A window watching eight charts, its batches serialised as a transport would, acknowledged at once.
  let batches = 0;
  const feed = telemetry.openFeed((batch) => {
    batches++;
    JSON.stringify(batch);
    feed.ack(batch.seq);
  });
  feed.watch(specs.slice(0, 8).map(seriesKey));
  let connected: () => void = () => undefined;
  const ready = new Promise<void>((r) => (connected = r));
  const manager = new SessionManager({
    secrets: async () => ({}),
    systemTrust: createSystemTrust(),
    onChange: (view) => {
      if (view.state === 'connected') connected();
    },
    onMessage: (sessionId, topic, payload, qos, retain) => {
      telemetry.ingest(sessionId, topic, payload, qos, retain);
      m.tick();
    },
  });
  const settings = ProfileSettingsSchema.parse({ name: 'bench', url: target.url, tls: { trust: 'custom', ca: [target.ca] }, subscriptions: [{ filter: target.filter, qos: 0 }], clientId: `bench-core-${process.pid}-${Date.now()}` });
  const profile: Profile = createProfile(settings, id);
  manager.connect(profile);
  await ready;
  onReady?.();
  const rate = await m.done;
  const samples = telemetry.budget().samples;
  let recorded: CoreRate['recorded'];
  if (recorder) {
    const ended = performance.now();
    await recorder.settle();
    recorded = { droppedSamples: recorder.dropped.samples - (droppedBefore?.samples ?? 0), droppedMessages: recorder.dropped.messages - (droppedBefore?.messages ?? 0), catchUpMs: performance.now() - ended };
  }
  telemetry.dispose();
  await manager.dispose();
  return { ...rate, batches, samples, recorded };
}
