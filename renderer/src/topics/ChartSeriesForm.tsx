/**
 * Charting from the topics view: pick the chart (a new one or one already on
 * this connection's dashboard) and add the selected topic's value, or a JSON
 * field by its path, as a series; the dashboard is saved at once.
 */
import { useState } from 'react';
import type { Profile } from '../../../shared/profiles';
import type { ExtractorSpecInput } from '../../../shared/telemetry';
import { useServices } from '../app/services';
import { addSeries, chartTitle } from '../charts/dashboard-edit';
import { JsonPathField } from '../charts/JsonPathField';
import { Problem } from '../feedback/Problem';
import { useAction } from '../feedback/use-action';

export type ChartKind = 'number' | 'boolean' | 'json';

export function ChartSeriesForm({ profile, topic, kind, path, onPath, onOpenDashboard }: { profile: Profile; topic: string; kind: ChartKind; path: string; onPath: (path: string) => void; onOpenDashboard: () => void }) {
  const { dashboards } = useServices();
  const charts = profile.dashboard.charts;
  const [target, setTarget] = useState<string>('new');
  const { busy, error, run, fail } = useAction();
  const [added, setAdded] = useState<string | null>(null);
  const chosen = target === 'new' || charts.some((c) => c.id === target) ? target : 'new';

  async function add() {
    const extractor: ExtractorSpecInput = kind === 'json' ? { kind: 'json', path: path.trim() } : { kind };
    if (extractor.kind === 'json' && !extractor.path) return fail({ code: 'path_missing', message: 'Type a JSON path, or click a number in the payload.', hint: '' });
    const spec = { connectionId: profile.id, topic, extractor, label: '' };
    setAdded(null);
    let addedTo = '';
    const saved = await run(() =>
      dashboards.save(profile.id, (dashboard) => {
        // A new chart is titled by its series until the operator names it.
        const edit = addSeries(dashboard, chosen, spec, '');
        if (!edit.ok) return { error: edit.reason };
        addedTo = edit.chartTitle;
        return edit.dashboard;
      }),
    );
    if (saved.ok) setAdded(addedTo);
  }

  return (
    <div className="chart-form" aria-busy={busy}>
      <div className="row">
        {kind === 'json' && <JsonPathField value={path} onChange={onPath} testId="chart-path" />}
        <label className="field">
          <span className="field-label">Chart</span>
          <select value={chosen} onChange={(e) => setTarget(e.target.value)} data-testid="chart-target">
            <option value="new">New chart</option>
            {charts.map((c) => (
              <option key={c.id} value={c.id}>
                {chartTitle(c)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="primary" onClick={() => void add()} disabled={busy} data-testid={kind === 'json' ? 'chart-field' : 'chart-value'}>
          {kind === 'json' ? 'Chart this field' : 'Chart value'}
        </button>
      </div>
      {added !== null && (
        <p className="saved-line" role="status" data-testid="chart-added">
          Added to the chart “{added}”.{' '}
          <button type="button" className="link" onClick={onOpenDashboard}>
            Open the dashboard
          </button>
        </p>
      )}
      {error && <Problem problem={error} />}
    </div>
  );
}
