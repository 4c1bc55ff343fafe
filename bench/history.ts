/**
 * A week of one series sampled every second (604,800 rows, written straight
 * into a history database with the recorder's own prepared statements in one
 * transaction, rollups included), then drawn at 1,000 px through the recorder
 * as a chart asks for it: the worker reads the range from the database.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { Recorder } from '../electron/core/history/recorder';
import { HISTORY_FILE } from '../electron/core/history/recorder';
import { openHistoryFile } from '../electron/core/history/schema/open';
import { HistoryStore } from '../electron/core/history/store';
import { tempDir } from '../test/support/backend';

const ROWS = 7 * 86_400;
const KEY = 'bench|number|site/power';

export async function weekFromHistory(runs = 15): Promise<{ medianMs: number; fillMs: number; points: number; samples: number }> {
  const dataDir = tempDir('bench-history');
  try {
    const to = Date.now();
    const from = to - ROWS * 1000;
    const opened = openHistoryFile(path.join(dataDir, HISTORY_FILE));
    if (!opened.ok) throw new Error(opened.problem.detail);
    const store = new HistoryStore(opened.db);
    const times = new Float64Array(ROWS);
    const values = new Float64Array(ROWS);
    for (let i = 0; i < ROWS; i++) {
      times[i] = from + i * 1000;
      values[i] = 230 + Math.sin(i / 3600) * 5 + ((i * 7919) % 17) / 10;
    }
    const t0 = performance.now();
    store.db.transaction(() => {
      store.defineSeries(0, KEY, 'bench');
      store.writeSamples({ count: ROWS, series: new Uint32Array(ROWS), times, values });
    })();
    const fillMs = performance.now() - t0;
    store.db.close();

    const recorder = new Recorder({ dataDir });
    try {
      await recorder.canRead();
      const durations: number[] = [];
      let points = 0;
      let samples = 0;
      for (let run = 0; run < runs; run++) {
        const started = performance.now();
        const view = await recorder.view({ key: KEY, from, to, width: 1000, before: Number.POSITIVE_INFINITY });
        durations.push(performance.now() - started);
        points = view?.times.length ?? 0;
        samples = view?.samples ?? 0;
      }
      durations.sort((a, b) => a - b);
      return { medianMs: durations[Math.floor(durations.length / 2)] ?? 0, fillMs, points, samples };
    } finally {
      await recorder.dispose();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
