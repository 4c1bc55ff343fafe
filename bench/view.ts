/**
 * Time to compute one chart view of a million stored samples at 1,000 pixels.
 */
import { downsample, SamplePool, Series } from '../electron/core/telemetry/samples';

export function viewOfMillion(): { medianMs: number; points: number } {
  const series = new Series(new SamplePool(64 * 1024 * 1024));
  const start = Date.now();
  for (let i = 0; i < 1_000_000; i++) series.append(start + i, 20 + Math.sin(i / 500) * 5 + ((i * 7919) % 13) / 10);
  const times: number[] = [];
  let points = 0;
  for (let run = 0; run < 25; run++) {
    const t0 = performance.now();
    const view = downsample(series, start, start + 999_999, 1000);
    times.push(performance.now() - t0);
    points = view.times.length;
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)] ?? 0, points };
}
