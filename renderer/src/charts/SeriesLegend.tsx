/**
 * A chart's legend and per-series controls: colour, label, last value with
 * unit, CSV export, removal; and what went wrong with the series, as notes:
 * payloads that yielded no number, samples the memory budget dropped, a view
 * that could not be read.
 */
import type { ChartSpec } from '../../../shared/telemetry';
import { downloadText } from '../app/download';
import { useStore } from '../app/store';
import { useClient } from '../app/services';
import { Problem } from '../feedback/Problem';
import { useAction } from '../feedback/use-action';
import { formatCount } from '../app/format';
import { formatValue } from './ChartPlot';
import { seriesLabel, type ChartData, type DrawnLine } from './chart-data';
import type { LiveChart } from './live-charts';
import type { SeriesLine } from './series-line';

function Notes({ line }: { line: SeriesLine }) {
  return (
    <>
      {line.errors > 0 && (
        <div className="series-note warn" data-testid="series-errors">
          {formatCount(line.errors)} payload{line.errors === 1 ? '' : 's'} had no number{line.lastError ? `: ${line.lastError}` : '.'}
        </div>
      )}
      {line.evicted > 0 && (
        <div className="series-note warn" data-testid="series-evicted">
          {formatCount(line.evicted)} older samples were dropped by the memory budget.
        </div>
      )}
      {line.loadError && <div className="series-note bad">{line.loadError}</div>}
    </>
  );
}

export function SeriesLegend({ chart, spec, data, unit, profileId, onRemoveSeries }: { chart: LiveChart; spec: ChartSpec; data: ChartData; unit: string; profileId: string; onRemoveSeries: (index: number) => void }) {
  const client = useClient();
  const profiles = useStore((s) => s.profiles);
  const { error, run } = useAction();

  async function exportCsv(key: string) {
    const result = await run(() => client.invoke('telemetry.csv', { key }));
    if (result.ok) downloadText(result.value.fileName, result.value.text, 'text/csv');
  }

  const drawnByKey = new Map<string, DrawnLine>(data.lines.map((d) => [d.key, d]));
  const lastOf = (d: DrawnLine | undefined) => {
    const v = d?.last;
    return v === null || v === undefined ? '–' : formatValue(v, unit);
  };

  return (
    <ul className="plain legend" data-testid="chart-legend">
      {chart.groups.map((group, i) => {
        const base = group.lines.get(group.baseKey);
        const elements = [...group.lines.values()].filter((l) => l.element !== '');
        const drawnBase = drawnByKey.get(group.baseKey);
        const other = group.spec.connectionId !== profileId ? profiles.find((p) => p.id === group.spec.connectionId)?.name : null;
        return (
          <li key={group.baseKey} className="legend-series" data-testid="legend-series" data-key={group.baseKey}>
            <div className="legend-row">
              <span className="swatch" style={{ background: drawnBase?.color ?? group.spec.color ?? 'currentColor' }} aria-hidden="true" />
              <span className="legend-label wrap" title={group.baseKey}>
                {seriesLabel(group.spec)}
                {other && <span className="muted small"> on {other}</span>}
              </span>
              {elements.length === 0 && (
                <span className="legend-last mono" data-testid="series-last">
                  {lastOf(drawnBase)}
                </span>
              )}
              {elements.length === 0 && (
                <button type="button" className="small-button" onClick={() => void exportCsv(group.baseKey)} data-testid="series-csv">
                  CSV
                </button>
              )}
              <button type="button" className="link small" onClick={() => onRemoveSeries(i)} aria-label={`Remove series ${group.spec.label || group.spec.topic}`} title={spec.series.length === 1 ? 'The last series: the chart goes too.' : undefined} data-testid="series-remove">
                remove
              </button>
            </div>
            {base && <Notes line={base} />}
            {elements.length > 0 && (
              <ul className="plain legend-elements">
                {elements.map((line) => {
                  const d = drawnByKey.get(line.key);
                  return (
                    <li key={line.key} className="legend-row">
                      <span className="swatch" style={{ background: d?.color ?? 'currentColor' }} aria-hidden="true" />
                      <span className="legend-label mono small">{line.element}</span>
                      <span className="legend-last mono" data-testid="series-last">
                        {lastOf(d)}
                      </span>
                      <button type="button" className="small-button" onClick={() => void exportCsv(line.key)} data-testid="series-csv">
                        CSV
                      </button>
                      <Notes line={line} />
                    </li>
                  );
                })}
              </ul>
            )}
          </li>
        );
      })}
      {error && <Problem problem={error} />}
    </ul>
  );
}
