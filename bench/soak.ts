/**
 * The soak run (`npm run bench -- --soak`, not part of the default run): the
 * live dashboard (whole core, headless host, Chromium with 8 charts open) fed
 * 5,000 messages a second across 1,000 topics through a real mosquitto for 10
 * minutes. Memory is read after a forced GC at the end of the warm-up (start),
 * halfway and at the end; event-loop delay is sampled all along after the
 * warm-up. Runs in its own process with --expose-gc; prints progress on stderr
 * and, last on stdout, one JSON object.
 * argv: minutes
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { benchBroker } from './broker';
import { openLiveDashboard } from './dashboard';

const RATE = 5000;
const TOPICS = 1000;
const CHARTS = 8;
/** The event-loop probe's timer interval; what the histogram holds beyond it is lag. */
const PROBE_MS = 10;

interface Checkpoint {
  at: 'start' | 'middle' | 'end';
  second: number;
  rssMb: number;
  heapMb: number;
  externalMb: number;
  pageHeapMb: number | null;
  messages: number;
}

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const minutes = Number(process.argv[2] ?? '10');
  const total = minutes * 60;
  // A minute to fill the topic tree, the charts' rings and the JIT; less for short trial runs.
  const warmup = Math.min(60, Math.round(total / 10));
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');

  const broker = await benchBroker();
  const dashboard = await openLiveDashboard(broker, CHARTS);
  const { backend, id, browser } = dashboard;
  const publisher = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'publisher.ts'), broker.url, broker.caFile, String(RATE * (total + 10)), String(TOPICS), String(RATE)], { stdio: ['ignore', 'inherit', 'inherit'] });
  const lag = monitorEventLoopDelay({ resolution: PROBE_MS });
  const lagMs = (ns: number) => Math.max(0, Math.round((ns / 1e6 - PROBE_MS) * 100) / 100);
  const checkpoints: Checkpoint[] = [];
  const started = Date.now();
  const messages = () => backend.telemetry.store(id).messages;

  const checkpoint = async (at: Checkpoint['at']) => {
    // The forced collections block the loop on purpose: keep them out of the lag figures.
    if (at !== 'start') lag.disable();
    gc();
    gc();
    const m = process.memoryUsage();
    const page = (await browser.page.evaluate('performance.memory ? performance.memory.usedJSHeapSize : null')) as number | null;
    const point: Checkpoint = { at, second: Math.round((Date.now() - started) / 1000), rssMb: mb(m.rss), heapMb: mb(m.heapUsed), externalMb: mb(m.external + m.arrayBuffers), pageHeapMb: page === null ? null : mb(page), messages: messages() };
    checkpoints.push(point);
    if (at === 'middle') lag.enable();
    process.stderr.write(`soak ${at} at ${point.second} s: rss ${point.rssMb} MB, heap ${point.heapMb} MB, external ${point.externalMb} MB, page heap ${point.pageHeapMb ?? '?'} MB, ${point.messages} messages\n`);
  };

  try {
    /** Waits until `second` of the run, reporting progress every 30 s. */
    const until = async (second: number) => {
      while (Date.now() - started < second * 1000) {
        await sleep(Math.min(30_000, second * 1000 - (Date.now() - started)));
        process.stderr.write(`soak ${Math.round((Date.now() - started) / 1000)} s: ${messages()} messages, rss ${mb(process.memoryUsage().rss)} MB\n`);
      }
    };
    await until(warmup);
    await checkpoint('start');
    lag.enable();
    await until(warmup + (total - warmup) / 2);
    await checkpoint('middle');
    await until(total);
    await checkpoint('end');
    if (browser.errors.length) throw new Error(`the page logged errors: ${browser.errors.slice(0, 3).join('; ')}`);
    const [start, middle, end] = checkpoints as [Checkpoint, Checkpoint, Checkpoint];
    const state = backend.sessions.list().find((v) => v.id === id);
    console.log(
      JSON.stringify({
        soak_minutes: minutes,
        soak_warmup_s: warmup,
        soak_msgs_per_s: Math.round((end.messages - start.messages) / (end.second - start.second)),
        soak_rss_start_mb: start.rssMb,
        soak_rss_mid_mb: middle.rssMb,
        soak_rss_end_mb: end.rssMb,
        soak_rss_growth_mb: Math.round((end.rssMb - start.rssMb) * 10) / 10,
        soak_heap_start_mb: start.heapMb,
        soak_heap_mid_mb: middle.heapMb,
        soak_heap_end_mb: end.heapMb,
        soak_heap_growth_mb: Math.round((end.heapMb - start.heapMb) * 10) / 10,
        soak_page_heap_start_mb: start.pageHeapMb,
        soak_page_heap_end_mb: end.pageHeapMb,
        event_loop_lag_p50_ms: lagMs(lag.percentile(50)),
        event_loop_lag_p99_ms: lagMs(lag.percentile(99)),
        event_loop_lag_max_ms: lagMs(lag.max),
        soak_connection_lost: state?.faults.lost ?? -1,
      }),
    );
  } finally {
    publisher.kill('SIGTERM');
    await dashboard.close();
    await broker.close();
  }
}

void main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
