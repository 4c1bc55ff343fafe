/**
 * "Export range…" on a chart: the samples of its series as CSV, or the raw
 * messages recorded on its connections as CSV or JSON Lines, over the range
 * the chart shows (its live window, or the range it is zoomed to). On the desktop main asks where to save; in the browser the
 * file arrives as a download. Progress comes as `history.export` events.
 */
import { useEffect, useState } from 'react';
import type { ExportProgress, ExportRequest, TimeRange } from '../../../shared/history';
import { topicFilterValid } from '../../../shared/mqtt';
import { seriesKey, WINDOW_MS, type ChartSpec } from '../../../shared/telemetry';
import { formatCount, plural } from '../app/format';
import { useClient } from '../app/services';
import { downloadExport } from '../client';
import { Problem } from '../feedback/Problem';
import { useAction } from '../feedback/use-action';

type Choice = 'samples-csv' | 'messages-csv' | 'messages-jsonl';
const CHOICES: Array<{ value: Choice; label: string }> = [
  { value: 'samples-csv', label: 'Samples (CSV)' },
  { value: 'messages-csv', label: 'Raw messages (CSV)' },
  { value: 'messages-jsonl', label: 'Raw messages (JSON Lines)' },
];

/** What an export of `spec` over `range` asks for: its series, or the messages of its connections (on its topic, when it has one). */
export function exportRequest(spec: ChartSpec, range: TimeRange, choice: Choice): ExportRequest {
  if (choice === 'samples-csv') return { kind: 'samples', format: 'csv', keys: spec.series.map(seriesKey), range };
  const connectionIds = [...new Set(spec.series.map((s) => s.connectionId))];
  const topics = [...new Set(spec.series.map((s) => s.topic))];
  const topicFilter = topics.length === 1 && topicFilterValid(topics[0] as string) ? topics[0] : undefined;
  return { kind: 'messages', format: choice === 'messages-jsonl' ? 'jsonl' : 'csv', connectionIds, ...(topicFilter && { topicFilter }), range };
}

/** Everything recorded, for a chart showing all it keeps: the longest range an export takes. */
const ALL_MS = 3650 * 86_400_000;

/** The range a chart shows now: its live window up to this moment. */
export function chartRange(spec: ChartSpec, now = Date.now()): TimeRange {
  return { from: now - (WINDOW_MS[spec.window] ?? ALL_MS), to: now };
}

/** `range`: the chart is zoomed to it; otherwise the export covers its live window up to now. */
export function ExportRange({ spec, range }: { spec: ChartSpec; range?: TimeRange | null }) {
  const client = useClient();
  const [open, setOpen] = useState(false);
  const [choice, setChoice] = useState<Choice>('samples-csv');
  const [exportId, setExportId] = useState<string | null>(null);
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  const action = useAction();

  useEffect(() => client.on('history.export', (p) => p.exportId === exportId && setProgress(p)), [client, exportId]);

  async function start() {
    setProgress(null);
    const result = await action.run(() => client.invoke('history.export', exportRequest(spec, range ?? chartRange(spec), choice)));
    if (!result.ok) return;
    setExportId(result.value.exportId);
    if (result.value.delivery === 'download' && result.value.path) await downloadExport(result.value.path, result.value.exportId);
    if (result.value.delivery !== 'cancelled') setOpen(false);
  }

  return (
    <span className="export-range">
      <button type="button" className="small-button" onClick={() => setOpen(!open)} aria-expanded={open} data-testid="chart-export">
        Export range…
      </button>
      {open && (
        <span className="row" data-testid="chart-export-form">
          <select aria-label="Export what" value={choice} onChange={(e) => setChoice(e.target.value as Choice)} data-testid="chart-export-kind">
            {CHOICES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
          <button type="button" className="small-button primary" onClick={() => void start()} disabled={action.busy} data-testid="chart-export-start">
            Export
          </button>
        </span>
      )}
      {progress && (
        <span className="muted small" role="status" data-testid="chart-export-progress" data-state={progress.state}>
          {progress.state === 'running' ? `Exporting… ${formatCount(progress.rows)} of ${plural(progress.total, 'row')}` : progress.state === 'done' ? `Exported ${plural(progress.rows, 'row')}.` : ''}
        </span>
      )}
      {progress?.error && <Problem problem={progress.error} />}
      {action.error && <Problem problem={action.error} />}
    </span>
  );
}
