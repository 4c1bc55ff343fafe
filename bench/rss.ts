/**
 * Resident memory of the sample store at scale, in a process of its own so
 * nothing else is counted: 10,000 charted topics × 10,000 samples each under a
 * 512 MB budget (1.2 GB of samples offered: the budget must evict). Prints one
 * JSON line. Run with --expose-gc.
 */
import { seriesKey, type SeriesSpec } from '../shared/telemetry';
import { Telemetry } from '../electron/core/telemetry/service';

const TOPICS = 10_000;
const SAMPLES = 10_000;
const BUDGET_MB = 512;

const telemetry = new Telemetry({ budgetBytes: BUDGET_MB * 1024 * 1024 });
const specs: SeriesSpec[] = Array.from({ length: TOPICS }, (_, i) => ({ connectionId: 'fleet', topic: `fleet/dev${i}/telemetry`, extractor: { kind: 'json', path: 'temp' }, label: '' }));
telemetry.setCharted(specs);
const started = performance.now();
// Every topic through the real ingest path once (topic tree, extraction, the series' first chunk)…
for (let i = 0; i < TOPICS; i++) telemetry.ingest('fleet', specs[i]?.topic ?? '', Buffer.from(`{"t":${i},"temp":21.37,"hum":40}`), 0, false);
// …then the remaining samples straight into the series, as ingest would append them, in time order across topics.
const series = specs.map((s) => telemetry.getSeries(seriesKey(s)));
let t = Date.now();
for (let round = 1; round < SAMPLES; round++) {
  t += 1;
  for (let i = 0; i < TOPICS; i++) series[i]?.append(t, 20 + (round % 100) / 10);
}
const feedMs = performance.now() - started;
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
gc?.();
const stats = telemetry.budget();
const memory = process.memoryUsage();
console.log(
  JSON.stringify({
    rssMb: Math.round(memory.rss / 1048576),
    heapMb: Math.round(memory.heapUsed / 1048576),
    externalMb: Math.round((memory.external + memory.arrayBuffers) / 1048576),
    budgetMb: BUDGET_MB,
    usedMb: Math.round(stats.usedBytes / 1048576),
    samplesKept: stats.samples,
    samplesOffered: TOPICS * SAMPLES,
    evictedSamples: stats.evictedSamples,
    topics: telemetry.store('fleet').size,
    feedSeconds: Math.round(feedMs / 100) / 10,
  }),
);
telemetry.dispose();
