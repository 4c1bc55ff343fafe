/**
 * Renderer frame times in Chromium while 20,000 messages a second arrive across
 * 1,000 topics with 8 charts live: a real mosquitto over TLS, a separate
 * publisher process, the headless host serving the built renderer, and the
 * page's own requestAnimationFrame intervals measured for a few seconds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { benchBroker } from './broker';
import { openLiveDashboard } from './dashboard';

export interface FrameTimes {
  p50: number;
  p95: number;
  frames: number;
  seconds: number;
  /** Messages per second the core took in while frames were measured. */
  ingestPerSecond: number;
  longTasks: number;
}

const MEASURE = `(async (seconds) => {
  const deltas = [];
  let longTasks = 0;
  const observer = new PerformanceObserver((list) => { longTasks += list.getEntries().length; });
  observer.observe({ type: 'longtask' });
  let last = performance.now();
  const end = last + seconds * 1000;
  await new Promise((resolve) => {
    const loop = (t) => { deltas.push(t - last); last = t; if (t < end) requestAnimationFrame(loop); else resolve(); };
    requestAnimationFrame(loop);
  });
  observer.disconnect();
  return { deltas, longTasks };
})`;

export async function frameTimes(rate: number, topics: number, seconds: number): Promise<FrameTimes> {
  const broker = await benchBroker();
  let publisher: ChildProcess | null = null;
  try {
    const { backend, id, browser, close } = await openLiveDashboard(broker, 8);
    try {
      const page = browser.page;
      publisher = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'publisher.ts'), broker.url, broker.caFile, String(rate * (seconds + 6)), String(topics), String(rate)], { stdio: ['ignore', 'inherit', 'inherit'] });
      // Let the flow settle and the charts fill before measuring.
      await page.waitForTimeout(3000);
      const before = backend.telemetry.store(id).messages;
      const started = performance.now();
      const result = (await page.evaluate(`${MEASURE}(${seconds})`)) as { deltas: number[]; longTasks: number };
      const elapsed = (performance.now() - started) / 1000;
      const ingested = backend.telemetry.store(id).messages - before;
      const deltas = result.deltas.slice(1).sort((a, b) => a - b);
      const q = (p: number) => deltas[Math.min(deltas.length - 1, Math.floor(p * deltas.length))] ?? 0;
      if (browser.errors.length) throw new Error(`the page logged errors: ${browser.errors.slice(0, 3).join('; ')}`);
      return { p50: q(0.5), p95: q(0.95), frames: deltas.length, seconds: elapsed, ingestPerSecond: ingested / elapsed, longTasks: result.longTasks };
    } finally {
      publisher?.kill('SIGTERM');
      await close();
    }
  } finally {
    await broker.close();
  }
}
