/**
 * The telemetry pieces an operator relies on without seeing them: values read
 * from payloads, samples kept under a memory budget (oldest first), chart views
 * that keep spikes, topic totals, and batches that merge instead of queueing
 * when a window stalls.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { seriesKey, type SeriesSpec, type TelemetryBatch } from '../../shared/telemetry';
import { compileExtractor, parsePath, PathSyntaxError, PayloadView } from '../../electron/core/telemetry/extract';
import { BYTES_PER_SAMPLE, CHUNK_SAMPLES, downsample, SamplePool, Series } from '../../electron/core/telemetry/samples';
import { BATCH_INTERVAL_MS, Telemetry } from '../../electron/core/telemetry/service';
import { MAX_KEPT_PAYLOAD, previewOf, TopicStore } from '../../electron/core/telemetry/topics';
import { ackingFeed } from '../support/window-feed';

const json = (value: unknown) => new PayloadView(Buffer.from(JSON.stringify(value)));
const text = (value: string) => new PayloadView(Buffer.from(value));

describe('values from payloads', () => {
  it('reads plain numbers and booleans as 0/1', () => {
    const number = compileExtractor({ kind: 'number' });
    expect(number.extract(text(' 21.37 '))).toEqual({ ok: true, values: [{ key: '', value: 21.37 }] });
    expect(number.extract(text('"-4e2"'))).toEqual({ ok: true, values: [{ key: '', value: -400 }] });
    expect(number.extract(text('warm'))).toMatchObject({ ok: false, reason: expect.stringContaining('not a number') });
    const bool = compileExtractor({ kind: 'boolean' });
    expect(bool.extract(text('ON'))).toMatchObject({ ok: true, values: [{ value: 1 }] });
    expect(bool.extract(text('closed'))).toMatchObject({ ok: true, values: [{ value: 0 }] });
    expect(bool.extract(text('"false"'))).toMatchObject({ ok: true, values: [{ value: 0 }] });
    expect(bool.extract(text('maybe'))).toMatchObject({ ok: false });
  });

  it('follows JSON paths: keys, indexes, $-rooted, quoted keys, every element', () => {
    const payload = json({ temp: 21.5, a: { b: '7' }, sensors: [{ value: 1 }, { value: 2 }, { value: 3.5 }], 'odd key': true, door: false });
    const read = (path: string) => compileExtractor({ kind: 'json', path }).extract(payload);
    expect(read('temp')).toEqual({ ok: true, values: [{ key: '', value: 21.5 }] });
    expect(read('$.a.b')).toEqual({ ok: true, values: [{ key: '', value: 7 }] });
    expect(read('sensors[2].value')).toEqual({ ok: true, values: [{ key: '', value: 3.5 }] });
    expect(read('["odd key"]')).toEqual({ ok: true, values: [{ key: '', value: 1 }] });
    expect(read('door')).toEqual({ ok: true, values: [{ key: '', value: 0 }] });
    expect(read('sensors[*].value')).toEqual({ ok: true, values: [{ key: '[0]', value: 1 }, { key: '[1]', value: 2 }, { key: '[2]', value: 3.5 }] });
  });

  it('explains payloads that yield no number instead of throwing', () => {
    const read = (path: string, view: PayloadView) => compileExtractor({ kind: 'json', path }).extract(view);
    expect(read('temp', text('{not json'))).toEqual({ ok: false, reason: 'the payload is not valid JSON' });
    expect(read('temp', json({ hum: 3 }))).toMatchObject({ ok: false, reason: expect.stringContaining('does not exist') });
    expect(read('temp', json({ temp: 'n/a' }))).toMatchObject({ ok: false, reason: expect.stringContaining('not a number') });
    expect(read('temp', json({ temp: { c: 1 } }))).toMatchObject({ ok: false, reason: expect.stringContaining('object') });
    expect(read('sensors[0]', json({ sensors: 5 }))).toMatchObject({ ok: false, reason: expect.stringContaining('array') });
    expect(() => parsePath('a..b')).toThrow(PathSyntaxError);
    expect(() => parsePath('a[x]')).toThrow(/neither an index/);
  });

  it('parses a payload at most once however many series read it, and plain paths not at all', () => {
    const spy = vi.spyOn(JSON, 'parse');
    const plain = json({ a: 1, b: 2 });
    compileExtractor({ kind: 'json', path: 'a' }).extract(plain);
    compileExtractor({ kind: 'json', path: 'b' }).extract(plain);
    expect(spy).toHaveBeenCalledTimes(0);
    const view = json({ a: [1, 2], b: '3' });
    compileExtractor({ kind: 'json', path: 'a[*]' }).extract(view);
    compileExtractor({ kind: 'json', path: 'b' }).extract(view);
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });

  it('reads plain paths from the bytes exactly as the full parser would (randomised)', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T,>(list: T[]): T => list[Math.floor(random() * list.length)] as T;
    const keys = ['temp', 'a', 'b', 'sensors', 'x y', 'é', 'value'];
    const leaf = (): unknown =>
      pick([() => random() * 200 - 100, () => Math.floor(random() * 1e6), () => 1e21 * random(), () => -0, () => true, () => false, () => null, () => '21.5', () => 'on', () => 'text', () => Number('12345678901234567')])();
    const value = (depth: number): unknown => {
      if (depth > 3 || random() < 0.4) return leaf();
      if (random() < 0.5) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [pick(keys), value(depth + 1)]));
    };
    const paths = ['temp', 'a.b', 'sensors[0]', 'sensors[2].value', '["x y"]', 'é', 'a[1].temp', '$.value'];
    const spacing = [0, 1, '\t'];
    for (let i = 0; i < 3000; i++) {
      const doc = { temp: value(1), a: value(0), sensors: value(0), value: value(2), 'x y': leaf(), é: leaf() };
      let body = JSON.stringify(doc, null, pick(spacing) as number);
      // Some documents are broken on purpose: both paths must then refuse them alike.
      if (random() < 0.15) body = body.slice(0, Math.floor(random() * body.length));
      if (random() < 0.05) body = body.replace(':', '::');
      for (const path of paths) {
        const fast = compileExtractor({ kind: 'json', path }).extract(new PayloadView(Buffer.from(body)));
        const reference = compileExtractor({ kind: 'json', path }, { scan: false }).extract(new PayloadView(Buffer.from(body)));
        expect({ body, path, result: fast }).toEqual({ body, path, result: reference });
      }
    }
  });
});

describe('samples under a memory budget', () => {
  it('keeps samples in order across chunks', () => {
    const pool = new SamplePool(64 * 1024 * 1024);
    const s = new Series(pool);
    for (let i = 0; i < CHUNK_SAMPLES * 2 + 10; i++) s.append(i, i * 2);
    expect(s.count).toBe(CHUNK_SAMPLES * 2 + 10);
    expect(s.span()).toEqual({ first: 0, last: CHUNK_SAMPLES * 2 + 9 });
    const seen: number[] = [];
    s.forEach(100, 104, (t, v) => seen.push(t, v));
    expect(seen).toEqual([100, 200, 101, 202, 102, 204, 103, 206, 104, 208]);
    const tail = s.tail(3);
    expect(Array.from(tail.times)).toEqual([CHUNK_SAMPLES * 2 + 7, CHUNK_SAMPLES * 2 + 8, CHUNK_SAMPLES * 2 + 9]);
  });

  it('drops the oldest samples of the whole store first when the budget is reached, and counts them', () => {
    const budget = 1024 * 1024;
    const pool = new SamplePool(budget);
    const old = new Series(pool);
    const fresh = new Series(pool);
    const perSeries = Math.floor(budget / BYTES_PER_SAMPLE / 2) - CHUNK_SAMPLES;
    for (let i = 0; i < perSeries; i++) old.append(i, 1);
    for (let i = 0; i < perSeries; i++) fresh.append(1_000_000 + i, 2);
    expect(pool.stats().evictedSamples).toBe(0);
    for (let i = 0; i < CHUNK_SAMPLES * 4; i++) fresh.append(2_000_000 + i, 3);
    const stats = pool.stats();
    expect(stats.evictedSamples).toBeGreaterThan(0);
    expect(stats.usedBytes).toBeLessThanOrEqual(budget);
    // Only `old` paid: its oldest samples went, the newest series kept everything.
    expect(old.evicted).toBe(stats.evictedSamples);
    expect(fresh.evicted).toBe(0);
    expect(fresh.count).toBe(perSeries + CHUNK_SAMPLES * 4);
    expect(old.span()?.first).toBe(old.evicted);
    expect(old.span()?.last).toBe(perSeries - 1);
  });

  it('applies a smaller budget at once, keeping the newest samples', () => {
    const pool = new SamplePool(4 * 1024 * 1024);
    const s = new Series(pool);
    for (let i = 0; i < 200_000; i++) s.append(i, i);
    pool.setBudget(1024 * 1024);
    expect(pool.stats().usedBytes).toBeLessThanOrEqual(1024 * 1024);
    expect(s.span()?.last).toBe(199_999);
    expect(s.span()?.first).toBe(s.evicted);
    expect(s.count).toBeGreaterThan(50_000);
  });

  it('grows chunks per series, so many quiet series share the budget', () => {
    const pool = new SamplePool(64 * 1024 * 1024);
    const quiet = Array.from({ length: 1000 }, () => new Series(pool));
    quiet.forEach((s, i) => s.append(i, i));
    expect(pool.stats().usedBytes).toBe(1000 * 256 * BYTES_PER_SAMPLE);
  });
});

describe('chart views', () => {
  it('returns at most two points per pixel column and keeps the extremes', () => {
    const pool = new SamplePool(256 * 1024 * 1024);
    const s = new Series(pool);
    for (let i = 0; i < 1_000_000; i++) s.append(i, Math.sin(i / 1000));
    s.append(1_000_000, 0);
    // A single-sample spike and dip in the middle of a column must survive.
    const spikeAt = 500_123;
    const dipAt = 700_321;
    const values = new Map([
      [spikeAt, 50],
      [dipAt, -40],
    ]);
    const spiky = new Series(pool);
    s.forEach(0, 1_000_000, (t, v) => spiky.append(t, values.get(t) ?? v));
    const view = downsample(spiky, 0, 1_000_000, 1000);
    expect(view.samples).toBe(1_000_001);
    expect(view.times.length).toBeLessThanOrEqual(2000);
    expect(Math.max(...view.values)).toBe(50);
    expect(Math.min(...view.values)).toBe(-40);
    expect(view.times).toContain(spikeAt);
    expect(view.times).toContain(dipAt);
    expect([...view.times].sort((a, b) => a - b)).toEqual(view.times);
  });

  it('keeps a spike that arrives in the same millisecond as the dip of its column', () => {
    const s = new Series(new SamplePool(16 * 1024 * 1024));
    [20, 0, 95, 20].forEach((v) => s.append(100, v));
    for (let t = 200; t < 2000; t += 100) s.append(t, 20);
    const view = downsample(s, 0, 2000, 2);
    expect(view.values).toContain(95);
    expect(view.values).toContain(0);
  });

  it('covers only the requested window', () => {
    const s = new Series(new SamplePool(16 * 1024 * 1024));
    for (let i = 0; i < 100; i++) s.append(i * 1000, i);
    const view = downsample(s, 90_000, 99_000, 100);
    expect(view.samples).toBe(10);
    expect(view.values[0]).toBe(90);
  });
});

describe('topic store', () => {
  it('counts per topic and per subtree, and marks retained topics', () => {
    const store = new TopicStore();
    store.record('plant/l1/temp', Buffer.from('1'), 0, false, 1000);
    store.record('plant/l1/temp', Buffer.from('2'), 1, false, 2000);
    store.record('plant/l2/temp', Buffer.from('3'), 0, true, 2000);
    expect(store.node('plant')?.totals()).toEqual({ messages: 3, topics: 2 });
    expect(store.node('plant/l1')?.totals()).toEqual({ messages: 2, topics: 1 });
    expect(store.messages).toBe(3);
    expect(store.get('plant/l1/temp')).toMatchObject({ count: 2, qos: 1, retained: false });
    expect(store.retainedUnder('plant')).toEqual(['plant/l2/temp']);
    // An empty retained payload deletes a retained message.
    store.record('plant/l2/temp', Buffer.alloc(0), 0, true, 3000);
    expect(store.retainedUnder('plant')).toEqual([]);
  });

  it('smooths the rate and lets it decay when a topic goes quiet', () => {
    const store = new TopicStore();
    for (let i = 0; i < 200; i++) store.record('a', Buffer.from('x'), 0, false, i * 100);
    const stats = store.get('a');
    expect(stats?.rate(19_900)).toBeGreaterThan(8);
    expect(stats?.rate(19_900)).toBeLessThan(11);
    expect(stats?.rate(60_000)).toBeLessThan(0.01);
  });

  it('never cuts a payload silently: previews say truncated and big payloads keep their size', () => {
    const store = new TopicStore();
    store.record('big', Buffer.alloc(MAX_KEPT_PAYLOAD + 10, 0x61), 0, false, 1);
    const big = store.get('big');
    expect(big?.size).toBe(MAX_KEPT_PAYLOAD + 10);
    expect(big?.fullPayloadKept).toBe(false);
    expect(big?.preview()).toMatchObject({ encoding: 'text', truncated: true });
    expect(previewOf(Buffer.from([0, 1, 2, 255]))).toEqual({ encoding: 'base64', data: 'AAEC/w==', truncated: false });
    expect(previewOf(Buffer.from('héllo'))).toEqual({ encoding: 'text', data: 'héllo', truncated: false });
  });
});

describe('batching to a window', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const spec: SeriesSpec = { connectionId: 'c1', topic: 'dev/1', extractor: { kind: 'json', path: 'temp' }, label: '' };

  /** A telemetry charting `spec`, and a window watching it that acknowledges every batch at once. */
  function watching(): { telemetry: Telemetry; feed: ReturnType<Telemetry['openFeed']>; batches: TelemetryBatch[] } {
    const telemetry = new Telemetry({ now: () => Date.now() });
    telemetry.setCharted([spec]);
    const { feed, batches } = ackingFeed(telemetry);
    feed.watch([seriesKey(spec)]);
    return { telemetry, feed, batches };
  }

  it('never sends one message per MQTT message, and at most one batch per interval', () => {
    const { telemetry, feed, batches } = watching();
    for (let i = 0; i < 1000; i++) telemetry.ingest('c1', `dev/${i % 10}`, Buffer.from(`{"temp":${i}}`), 0, false);
    expect(batches).toHaveLength(0);
    vi.advanceTimersByTime(BATCH_INTERVAL_MS);
    expect(batches).toHaveLength(1);
    expect(batches[0]?.topics[0]?.updates).toHaveLength(10);
    expect(batches[0]?.topics[0]?.updates.find((u) => u.topic === 'dev/1')?.count).toBe(100);
    expect(batches[0]?.series[0]?.values).toHaveLength(100);
    vi.advanceTimersByTime(1000);
    expect(batches).toHaveLength(1); // nothing changed, nothing sent
    feed.close();
  });

  it('merges changes while a window has not acknowledged, instead of queueing batches', () => {
    const telemetry = new Telemetry({ now: () => Date.now() });
    telemetry.setCharted([spec]);
    const batches: TelemetryBatch[] = [];
    const feed = telemetry.openFeed((b) => batches.push(b));
    feed.watch([seriesKey(spec)]);
    const burst = (n: number) => {
      for (let i = 0; i < n; i++) telemetry.ingest('c1', 'dev/1', Buffer.from(`{"temp":${i}}`), 0, false);
    };
    burst(10);
    vi.advanceTimersByTime(BATCH_INTERVAL_MS);
    expect(batches).toHaveLength(1);
    // The window stalls: 1.5 s of traffic, no ack.
    for (let t = 0; t < 30; t++) {
      burst(10);
      vi.advanceTimersByTime(BATCH_INTERVAL_MS);
    }
    expect(batches).toHaveLength(1);
    feed.ack(1);
    vi.advanceTimersByTime(BATCH_INTERVAL_MS);
    expect(batches).toHaveLength(2);
    const merged = batches[1];
    expect(merged?.topics[0]?.updates).toHaveLength(1);
    expect(merged?.topics[0]?.updates[0]?.count).toBe(310);
    expect(merged?.series[0]?.values).toHaveLength(300);
    expect(merged?.series[0]?.gap).toBe(false);
    feed.close();
  });

  it('keeps the place of series already watched when the set changes, so nothing between batches is lost', () => {
    const telemetry = new Telemetry({ now: () => Date.now() });
    const other: SeriesSpec = { ...spec, topic: 'dev/2' };
    telemetry.setCharted([spec, other]);
    const { feed, batches } = ackingFeed(telemetry);
    feed.watch([seriesKey(spec)]);
    telemetry.ingest('c1', 'dev/1', Buffer.from('{"temp":1}'), 0, false);
    feed.watch([seriesKey(spec), seriesKey(other)]);
    telemetry.ingest('c1', 'dev/1', Buffer.from('{"temp":2}'), 0, false);
    vi.advanceTimersByTime(BATCH_INTERVAL_MS);
    expect(batches[0]?.series.find((u) => u.key === seriesKey(spec))?.values).toEqual([1, 2]);
    feed.close();
  });

  it('carries topic updates only of the connections a window shows', () => {
    const telemetry = new Telemetry({ now: () => Date.now() });
    const { feed, batches } = ackingFeed(telemetry);
    feed.showTopicsOf(['c2']);
    telemetry.ingest('c1', 'a', Buffer.from('1'), 0, false);
    telemetry.ingest('c2', 'b', Buffer.from('2'), 0, false);
    vi.advanceTimersByTime(BATCH_INTERVAL_MS);
    expect(batches[0]?.topics.map((t) => t.connectionId)).toEqual(['c2']);
    feed.close();
  });

  it('resends after the acknowledgement timeout, so a lost ack does not stop the feed', () => {
    const telemetry = new Telemetry({ now: () => Date.now() });
    const batches: TelemetryBatch[] = [];
    const feed = telemetry.openFeed((b) => batches.push(b));
    telemetry.ingest('c1', 'x', Buffer.from('1'), 0, false);
    vi.advanceTimersByTime(BATCH_INTERVAL_MS);
    telemetry.ingest('c1', 'x', Buffer.from('2'), 0, false);
    vi.advanceTimersByTime(1000);
    expect(batches).toHaveLength(1);
    vi.advanceTimersByTime(1100);
    expect(batches).toHaveLength(2);
    feed.close();
  });

  it('counts unparseable payloads per series and reports them', () => {
    const telemetry = new Telemetry({ now: () => Date.now() });
    telemetry.setCharted([spec]);
    telemetry.ingest('c1', 'dev/1', Buffer.from('oops'), 0, false);
    telemetry.ingest('c1', 'dev/1', Buffer.from('{"temp":"n/a"}'), 0, false);
    const view = telemetry.view(seriesKey(spec), 'all', 100);
    expect(view.errors).toBe(2);
    expect(view.lastError).toMatch(/not a number/);
  });

  it('gives a view the sum of its samples and the newest sample kept, even one older than the window', () => {
    let now = 1_000_000;
    const telemetry = new Telemetry({ now: () => now });
    const plain: SeriesSpec = { ...spec, extractor: { kind: 'number' } };
    telemetry.setCharted([plain]);
    for (const v of [5, 7, 9]) {
      now += 1000;
      telemetry.ingest('c1', 'dev/1', Buffer.from(String(v)), 0, false);
    }
    expect(telemetry.view(seriesKey(plain), '1m', 100)).toMatchObject({ samples: 3, sum: 21, latest: { t: 1_003_000, v: 9 } });
    now += 3_600_000;
    expect(telemetry.view(seriesKey(plain), '1m', 100)).toMatchObject({ samples: 0, sum: 0, latest: { t: 1_003_000, v: 9 } });
  });

  it('carries a source’s own "offline" to the window, until its next sample', () => {
    const { telemetry, feed, batches } = watching();
    telemetry.ingest('c1', 'dev/1', Buffer.from('{"temp":20}'), 0, false);
    vi.advanceTimersByTime(BATCH_INTERVAL_MS);
    expect(batches.at(-1)?.series[0]).toMatchObject({ values: [20], offline: null });
    const offline = { since: Date.now(), reason: 'node died (Sparkplug DEATH)' };
    telemetry.setOffline('c1', 'dev/1', offline);
    vi.advanceTimersByTime(BATCH_INTERVAL_MS);
    expect(batches.at(-1)?.series[0]).toMatchObject({ values: [], offline });
    expect(telemetry.view(seriesKey(spec), 'all', 10).offline).toEqual(offline);
    telemetry.ingest('c1', 'dev/1', Buffer.from('{"temp":21}'), 0, false);
    vi.advanceTimersByTime(BATCH_INTERVAL_MS);
    expect(batches.at(-1)?.series[0]).toMatchObject({ values: [21], offline: null });
    expect(batches).toHaveLength(3);
    feed.close();
  });

  it('gives each element of a wildcard path its own series', () => {
    const telemetry = new Telemetry({ now: () => Date.now() });
    const wild: SeriesSpec = { ...spec, extractor: { kind: 'json', path: 'sensors[*].value' } };
    telemetry.setCharted([wild]);
    telemetry.ingest('c1', 'dev/1', Buffer.from('{"sensors":[{"value":1},{"value":2}]}'), 0, false);
    expect(telemetry.keysOf(seriesKey(wild)).sort()).toEqual([seriesKey(wild), `${seriesKey(wild)}|[0]`, `${seriesKey(wild)}|[1]`]);
    expect(telemetry.view(`${seriesKey(wild)}|[1]`, 'all', 10).values).toEqual([2]);
  });
});
