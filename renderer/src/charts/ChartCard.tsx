/**
 * One chart of the dashboard: its header (title, unit, window, pause, move,
 * remove), the plot sized to its box, "waiting for data" until samples
 * arrive, and the legend with per-series CSV, removal and notes. Its live
 * data lives in a `LiveChart` outside React; this component draws it at most
 * once per frame, and not at all while paused.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { ChartWindowSchema, type ChartSpec, type ChartWindow, type Dashboard } from '../../../shared/telemetry';
import { useFrameSignal } from '../app/frame-signal';
import { useServices } from '../app/services';
import { Problem } from '../feedback/Problem';
import { ConfirmButton } from '../forms/ConfirmButton';
import { useAction } from '../feedback/use-action';
import { ExportRange } from '../history/ExportRange';
import { useChartMarks } from '../alerts/chart-marks';
import { chartData, type ChartData } from './chart-data';
import { ChartPlot } from './ChartPlot';
import { changeChart, moveChart, removeChart, removeSeries } from './dashboard-edit';
import { LiveChart } from './live-charts';
import { SeriesLegend } from './SeriesLegend';

const PLOT_HEIGHT = 220;
const WINDOW_LABEL: Record<ChartWindow, string> = { '1m': '1 min', '5m': '5 min', '1h': '1 hour', '24h': '24 hours', '7d': '7 days', all: 'All kept' };

/** A text field that commits on Enter or when it loses focus. */
function CommitInput({ value, onCommit, label, className, maxLength, testId }: { value: string; onCommit: (v: string) => void; label: string; className?: string; maxLength: number; testId?: string }) {
  const [draft, setDraft] = useState(value);
  const [seen, setSeen] = useState(value);
  if (seen !== value) {
    setSeen(value);
    setDraft(value);
  }
  return (
    <input
      aria-label={label}
      className={className}
      value={draft}
      maxLength={maxLength}
      placeholder={label}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={() => draft !== value && onCommit(draft.trim())}
      onKeyDown={(e) => {
        if (e.key === 'Enter') e.currentTarget.blur();
        if (e.key === 'Escape') setDraft(value);
      }}
      data-testid={testId}
    />
  );
}

export function ChartCard({ profileId, spec, index, count }: { profileId: string; spec: ChartSpec; index: number; count: number }) {
  const { charts, dashboards } = useServices();
  const [chart] = useState(() => new LiveChart(spec.id, spec));
  const [paused, setPausedState] = useState(false);
  const { error, run } = useAction();
  const plotBox = useRef<HTMLDivElement>(null);
  const version = useFrameSignal(chart.signal);
  const marks = useChartMarks(spec);

  useEffect(() => {
    charts.mount(chart);
    return () => charts.unmount(chart);
  }, [charts, chart]);
  useEffect(() => charts.update(chart, spec), [charts, chart, spec]);
  useEffect(() => {
    const el = plotBox.current;
    if (!el) return;
    const observer = new ResizeObserver(() => charts.resize(chart, el.clientWidth));
    observer.observe(el);
    charts.resize(chart, el.clientWidth);
    // Charts scrolled out of view keep their data current but do not redraw.
    const visibility = new IntersectionObserver((entries) => {
      for (const entry of entries) chart.signal.setVisible(entry.isIntersecting);
    });
    visibility.observe(el);
    return () => {
      observer.disconnect();
      visibility.disconnect();
    };
  }, [charts, chart]);

  // Built at most once per frame; while paused the last one stays on screen.
  const frozen = useRef<ChartData | null>(null);
  const data = useMemo(() => (paused && frozen.current ? frozen.current : chartData(chart)), [chart, version, paused]);
  useEffect(() => {
    frozen.current = data;
  }, [data]);

  const edit = (change: (d: Dashboard) => Dashboard) => void run(() => dashboards.save(profileId, change));
  const title = spec.title || `Chart ${index + 1}`;

  return (
    <section className="panel chart-card" aria-label={title} data-testid="chart-card" data-chart-id={spec.id} data-window={spec.window} data-paused={paused}>
      <header className="chart-head">
        <CommitInput value={spec.title} label="Chart title" className="chart-title" maxLength={120} onCommit={(v) => edit((d) => changeChart(d, spec.id, { title: v }))} testId="chart-title" />
        <CommitInput value={spec.unit} label="Unit" className="chart-unit" maxLength={24} onCommit={(v) => edit((d) => changeChart(d, spec.id, { unit: v }))} testId="chart-unit" />
        <select aria-label="Time window" value={spec.window} onChange={(e) => edit((d) => changeChart(d, spec.id, { window: ChartWindowSchema.parse(e.target.value) }))} data-testid="chart-window">
          {ChartWindowSchema.options.map((w) => (
            <option key={w} value={w}>
              {WINDOW_LABEL[w]}
            </option>
          ))}
        </select>
        <ExportRange spec={spec} />
        <button
          type="button"
          className="small-button"
          aria-pressed={paused}
          onClick={() => {
            setPausedState(!paused);
            chart.setPaused(!paused);
          }}
          data-testid="chart-pause"
        >
          {paused ? 'Resume' : 'Pause'}
        </button>
                <button type="button" className="icon-button small-button" onClick={() => edit((d) => moveChart(d, spec.id, -1))} disabled={index === 0} aria-label={`Move ${title} earlier`} title="Move earlier">
          ←
        </button>
        <button type="button" className="icon-button small-button" onClick={() => edit((d) => moveChart(d, spec.id, 1))} disabled={index === count - 1} aria-label={`Move ${title} later`} title="Move later">
          →
        </button>
        <ConfirmButton small label="Remove" confirm="Remove chart" onConfirm={() => edit((d) => removeChart(d, spec.id))} testId="remove-chart" confirmTestId="confirm-remove-chart" />
      </header>
      <div className="plot" ref={plotBox} data-testid="chart-plot" data-points={data.points}>
        {chart.width > 0 && <ChartPlot data={data} width={chart.width} height={PLOT_HEIGHT} unit={spec.unit} marks={marks} />}
        {data.points === 0 && (
          <div className="plot-waiting" data-testid="chart-waiting">
            Waiting for data…
          </div>
        )}
        {paused && <div className="plot-paused">Paused</div>}
      </div>
      <SeriesLegend chart={chart} spec={spec} data={data} unit={spec.unit} profileId={profileId} onRemoveSeries={(i) => edit((d) => removeSeries(d, spec.id, i))} />
      {error && <Problem problem={error} />}
    </section>
  );
}
