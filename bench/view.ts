/**
 * Time to compute one chart view of a million stored samples at 1,000 pixels,
 * and, in the same run, one bare pass computing min and max per column over a
 * contiguous Float64Array of the same samples: their ratio is what the view
 * costs beyond the least any reduction must do, whatever the machine's speed.
 */
import { downsample, SamplePool, Series } from '../electron/core/telemetry/samples';

const SAMPLES = 1_000_000;
const WIDTH = 1000;
const RUNS = 25;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** The floor: min and max per column, in one loop over plain arrays, nothing kept but the extremes. */
function barePass(times: Float64Array, values: Float64Array, from: number, to: number, width: number): number {
  const lo = new Float64Array(width).fill(Infinity);
  const hi = new Float64Array(width).fill(-Infinity);
  const scale = width / (to - from);
  for (let i = 0; i < times.length; i++) {
    let c = Math.floor(((times[i] as number) - from) * scale);
    if (c >= width) c = width - 1;
    const v = values[i] as number;
    if (v < (lo[c] as number)) lo[c] = v;
    if (v > (hi[c] as number)) hi[c] = v;
  }
  let points = 0;
  for (let c = 0; c < width; c++) if ((lo[c] as number) <= (hi[c] as number)) points += lo[c] === hi[c] ? 1 : 2;
  return points;
}

export function viewOfMillion(): { medianMs: number; bareMs: number; ratio: number; points: number } {
  const series = new Series(new SamplePool(64 * 1024 * 1024));
  const start = Date.now();
  const times = new Float64Array(SAMPLES);
  const values = new Float64Array(SAMPLES);
  for (let i = 0; i < SAMPLES; i++) {
    times[i] = start + i;
    values[i] = 20 + Math.sin(i / 500) * 5 + ((i * 7919) % 13) / 10;
    series.append(times[i] as number, values[i] as number);
  }
  const view: number[] = [];
  const bare: number[] = [];
  let points = 0;
  // Alternate, so neither side gets a warmer JIT or a quieter moment of the machine.
  for (let run = 0; run < RUNS; run++) {
    let t0 = performance.now();
    points = downsample(series, start, start + SAMPLES - 1, WIDTH).times.length;
    view.push(performance.now() - t0);
    t0 = performance.now();
    barePass(times, values, start, start + SAMPLES - 1, WIDTH);
    bare.push(performance.now() - t0);
  }
  const medianMs = median(view);
  const bareMs = median(bare);
  return { medianMs, bareMs, ratio: medianMs / bareMs, points };
}
