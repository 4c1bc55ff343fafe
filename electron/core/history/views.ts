/**
 * Chart views over any range: the recent part from the in-memory ring, the
 * part older than the ring's oldest sample from the recorded history (reduced
 * per pixel column in the worker, in SQL or from the per-minute rollups), and
 * the two reduced once more on the same columns, so a view holds at most two
 * points per pixel whatever its range. Each series key names its connection,
 * so a chart mixing connections gets each series from its own.
 */
import type { TimeRange } from '../../../shared/history';
import { WINDOW_MS, type ChartViewData, type ChartWindow } from '../../../shared/telemetry';
import { downsample } from '../telemetry/samples';
import type { Telemetry } from '../telemetry/service';
import { PointList } from './points';
import type { Recorder } from './recorder';

export interface ViewRequest {
  key: string;
  window?: ChartWindow;
  range?: TimeRange;
  width: number;
}

export class ChartViews {
  constructor(
    private readonly telemetry: Telemetry,
    private readonly recorder: Pick<Recorder, 'view'> | null,
  ) {}

  async view({ key, window, range, width }: ViewRequest): Promise<ChartViewData> {
    // "All kept" is the memory's own extent, as it always was.
    if (!range && (window === undefined || WINDOW_MS[window] === null)) return this.telemetry.view(key, window ?? 'all', width);
    const now = this.telemetry.now();
    const from = range ? range.from : now - (WINDOW_MS[window as ChartWindow] as number);
    const to = range ? range.to : now;
    const memory = this.telemetry.viewRange(key, from, to, width);
    const oldestInMemory = this.telemetry.getSeries(key)?.span()?.first ?? Number.POSITIVE_INFINITY;
    if (!this.recorder || from >= oldestInMemory) return memory;
    const recorded = await this.recorder.view({ key, from, to, width, before: oldestInMemory }).catch(() => null);
    if (!recorded) return memory;
    const points = new PointList();
    points.append(recorded.times, recorded.values);
    points.append(memory.times, memory.values);
    const combined = downsample(points, from, to, width);
    const elements = [...new Set([...memory.elements, ...recorded.elements])].sort();
    const sum = (memory.sum ?? Number.NaN) + recorded.sum;
    return { ...memory, elements, times: combined.times, values: combined.values, samples: memory.samples + recorded.samples, recorded: recorded.samples, ...(Number.isFinite(sum) ? { sum } : { sum: undefined }) };
  }
}
