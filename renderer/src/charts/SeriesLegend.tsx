/**
 * A chart's legend and per-series controls: colour, label, last value with
 * unit, the axis it is drawn against when the chart has two, CSV export,
 * removal, and the series' own unit, axis and drawing (steps or a line); and
 * what went wrong with the series, as notes: payloads that yielded no number,
 * samples the memory budget dropped, a view that could not be read.
 */
import { useState } from 'react';
import type { ChartSpec, SeriesSpec } from '../../../shared/telemetry';
import { downloadText } from '../app/download';
import { useStore } from '../app/store';
import { useClient } from '../app/services';
import { Problem } from '../feedback/Problem';
import { useAction } from '../feedback/use-action';
import { formatCount } from '../app/format';
import { formatValue } from './ChartPlot';
import { looksLikeStates, seriesLabel, type DrawnLine } from './chart-data';
import type { SeriesChange } from './dashboard-edit';
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

/** A series' own unit, axis and drawing; empty or "automatic" goes back to the default. */
function SeriesOptions({ series, chartUnit, steps, onChange }: { series: SeriesSpec; chartUnit: string; steps: boolean; onChange: (change: SeriesChange) => void }) {
  const [unit, setUnit] = useState(series.unit ?? '');
  return (
    <div className="legend-options row small" data-testid="series-options-form">
      <label className="check">
        Unit
        <input
          className="chart-unit"
          value={unit}
          maxLength={24}
          placeholder={chartUnit || 'none'}
          onChange={(e) => setUnit(e.target.value)}
          onBlur={() => unit.trim() !== (series.unit ?? '') && onChange({ unit: unit.trim() })}
          onKeyDown={(e) => e.key === 'Enter' && e.currentTarget.blur()}
          data-testid="series-unit"
        />
      </label>
      <label className="check">
        Axis
        <select value={series.axis ?? ''} onChange={(e) => onChange({ axis: e.target.value === 'left' || e.target.value === 'right' ? e.target.value : undefined })} data-testid="series-axis">
          <option value="">Automatic</option>
          <option value="left">Left</option>
          <option value="right">Right</option>
        </select>
      </label>
      <label className="check">
        Draw as
        <select value={series.draw ?? ''} onChange={(e) => onChange({ draw: e.target.value === 'line' || e.target.value === 'step' ? e.target.value : undefined })} data-testid="series-draw">
          <option value="">Automatic ({steps ? 'steps' : 'line'})</option>
          <option value="line">Line</option>
          <option value="step">Steps</option>
        </select>
      </label>
    </div>
  );
}

export function SeriesLegend({
  chart,
  spec,
  lines,
  twoAxes,
  showLast,
  profileId,
  onRemoveSeries,
  onChangeSeries,
}: {
  chart: LiveChart;
  spec: ChartSpec;
  /** The lines as drawn now (colours, units, axes, last values). */
  lines: readonly DrawnLine[];
  /** Whether the chart draws two y-axes (the legend then says which each series is on). */
  twoAxes: boolean;
  /** Whether the legend shows each series' newest value (a stat panel shows it in its tiles). */
  showLast: boolean;
  profileId: string;
  onRemoveSeries: (index: number) => void;
  onChangeSeries: (index: number, change: SeriesChange) => void;
}) {
  const client = useClient();
  const profiles = useStore((s) => s.profiles);
  const { error, run } = useAction();
  const [open, setOpen] = useState<string | null>(null);

  async function exportCsv(key: string) {
    const result = await run(() => client.invoke('telemetry.csv', { key }));
    if (result.ok) downloadText(result.value.fileName, result.value.text, 'text/csv');
  }

  const drawnByKey = new Map<string, DrawnLine>(lines.map((d) => [d.key, d]));
  const lastOf = (d: DrawnLine | undefined) => {
    const v = d?.last;
    return v === null || v === undefined ? '–' : formatValue(v, d?.unit ?? '');
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
              {twoAxes && drawnBase && (
                <span className="muted small" data-testid="series-axis-tag" data-side={drawnBase.side}>
                  {drawnBase.side} axis
                </span>
              )}
              {elements.length === 0 && showLast && (
                <span className="legend-last mono" data-testid="series-last">
                  {lastOf(drawnBase)}
                </span>
              )}
              {elements.length === 0 && (
                <button type="button" className="small-button" onClick={() => void exportCsv(group.baseKey)} data-testid="series-csv">
                  CSV
                </button>
              )}
              <button type="button" className="link small" aria-expanded={open === group.baseKey} onClick={() => setOpen(open === group.baseKey ? null : group.baseKey)} data-testid="series-options">
                options
              </button>
              <button type="button" className="link small" onClick={() => onRemoveSeries(i)} aria-label={`Remove series ${group.spec.label || group.spec.topic}`} title={spec.series.length === 1 ? 'The last series: the chart goes too.' : undefined} data-testid="series-remove">
                remove
              </button>
            </div>
            {open === group.baseKey && <SeriesOptions key={group.baseKey} series={group.spec} chartUnit={spec.unit} steps={group.spec.extractor.kind === 'boolean' || (drawnBase !== undefined && looksLikeStates(drawnBase.points))} onChange={(change) => onChangeSeries(i, change)} />}
            {base && <Notes line={base} />}
            {elements.length > 0 && (
              <ul className="plain legend-elements">
                {elements.map((line) => {
                  const d = drawnByKey.get(line.key);
                  return (
                    <li key={line.key} className="legend-row">
                      <span className="swatch" style={{ background: d?.color ?? 'currentColor' }} aria-hidden="true" />
                      <span className="legend-label mono small">{line.element}</span>
                      {showLast && (
                        <span className="legend-last mono" data-testid="series-last">
                          {lastOf(d)}
                        </span>
                      )}
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
