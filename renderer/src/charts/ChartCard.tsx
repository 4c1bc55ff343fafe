/**
 * One panel of the dashboard, a line chart or a stat panel: its header
 * (title, by default its series; unit; window, or the range it is zoomed to
 * with "Back to live"; exports; pause; adding a series or a stat panel; stat
 * settings; move; remove), its body sized to its box, and the legend with
 * per-series controls and notes. Its live data lives in a `LiveChart` outside
 * React; this component draws it at most once per frame, and not at all
 * while paused.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { ReferenceLine } from 'recharts';
import type { TimeRange } from '../../../shared/history';
import { ChartWindowSchema, DEFAULT_STAT_OPTIONS, type ChartSpec, type ChartWindow, type Dashboard } from '../../../shared/telemetry';
import { downloadText } from '../app/download';
import { useFrameSignal } from '../app/frame-signal';
import { formatCount } from '../app/format';
import { useServices } from '../app/services';
import { Problem } from '../feedback/Problem';
import { ConfirmButton } from '../forms/ConfirmButton';
import { useAction } from '../feedback/use-action';
import { ExportRange } from '../history/ExportRange';
import { useChartMarks } from '../alerts/chart-marks';
import { AddSeriesForm } from './AddSeriesForm';
import { chartData, type ChartData } from './chart-data';
import { chartCsvFileName, readChartCsv } from './chart-csv';
import { ChartPlot, formatMoment } from './ChartPlot';
import { addStatPanel, changeChart, changeSeries, chartTitle, moveChart, removeChart, removeSeries } from './dashboard-edit';
import { LiveChart } from './live-charts';
import { PlotOverlay } from './PlotOverlay';
import { SeriesLegend } from './SeriesLegend';
import { StatPanel, statTiles } from './StatPanel';
import { StatSettings } from './StatSettings';

const PLOT_HEIGHT = 220;
const WINDOW_LABEL: Record<ChartWindow, string> = { '1m': '1 min', '5m': '5 min', '1h': '1 hour', '24h': '24 hours', '7d': '7 days', all: 'All kept' };

/** A text field that commits on Enter or when it loses focus. */
function CommitInput({ value, onCommit, label, placeholder, className, maxLength, testId }: { value: string; onCommit: (v: string) => void; label: string; placeholder?: string; className?: string; maxLength: number; testId?: string }) {
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
      placeholder={placeholder ?? label}
      title={draft || placeholder}
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

type Drawer = 'add-series' | 'stat-settings' | null;

export function ChartCard({ profileId, spec, index, count }: { profileId: string; spec: ChartSpec; index: number; count: number }) {
  const { charts, dashboards, client } = useServices();
  const [chart] = useState(() => new LiveChart(spec.id, spec));
  const [paused, setPausedState] = useState(false);
  const [drawer, setDrawer] = useState<Drawer>(null);
  const [csvNote, setCsvNote] = useState<string | null>(null);
  const { error, run } = useAction();
  const csv = useAction();
  const plotBox = useRef<HTMLDivElement>(null);
  const version = useFrameSignal(chart.signal);
  const marks = useChartMarks(spec);
  // Alerts of this chart's rules: where one fired (red) or cleared (green); marks outside the range are left out.
  // Built once per change of the marks, so the memoized plot still redraws only with its data.
  const markLines = useMemo(
    () =>
      marks.map((m) => (
        <ReferenceLine key={`${m.key}|${m.change}|${m.at}`} x={m.at} yAxisId="left" ifOverflow="discard" stroke={m.change === 'fired' ? 'var(--bad)' : 'var(--ok)'} strokeDasharray="4 3" className={`alert-mark alert-mark-${m.change}`} />
      )),
    [marks],
  );
  const stat = (spec.kind ?? 'line') === 'stat';
  const statOptions = spec.stat ?? DEFAULT_STAT_OPTIONS;

  // Layout effects: the chart registers and measures its box before the first paint, so its first reads go
  // out a frame earlier than after it (passive effects wait for the paint).
  useLayoutEffect(() => {
    charts.mount(chart);
    return () => charts.unmount(chart);
  }, [charts, chart]);
  useEffect(() => charts.update(chart, spec), [charts, chart, spec]);
  useLayoutEffect(() => {
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
  }, [charts, chart, stat]);

  // Built at most once per frame; while paused the last one stays on screen.
  const frozen = useRef<ChartData | null>(null);
  const data = useMemo(() => (stat ? null : paused && frozen.current ? frozen.current : chartData(chart)), [chart, version, paused, stat]);
  const tiles = useMemo(() => (stat ? { now: Date.now(), tiles: statTiles(chart, statOptions) } : null), [chart, version, stat, statOptions]);
  useEffect(() => {
    frozen.current = data;
  }, [data]);
  // The plot is drawn from the first sample on (or for a zoomed range, even empty) and stays once drawn. An empty
  // recharts plot costs about as much as a full one, and on opening the dashboard every chart's would be drawn
  // before its first reads are even asked for; until then the box says it is waiting.
  const [plotted, setPlotted] = useState(false);
  const drawPlot = chart.width > 0 && data !== null && (plotted || data.points > 0 || data.zoomed);
  if (drawPlot && !plotted) setPlotted(true);

  const edit = (change: (d: Dashboard) => Dashboard) => void run(() => dashboards.save(profileId, change));
  const title = chartTitle(spec);
  const zoom = (range: TimeRange | null) => {
    setPausedState(false);
    charts.zoom(chart, range);
  };

  async function exportCsv() {
    if (!data) return;
    setCsvNote(null);
    const result = await csv.run(() => readChartCsv(client, data.lines, data.from, data.to));
    if (!result.ok) return;
    downloadText(chartCsvFileName(title, data.from), result.value.text, 'text/csv');
    const { samples, written } = result.value;
    if (written < samples) setCsvNote(`The range holds ${formatCount(samples)} samples; the CSV has the lowest and highest of each of ${formatCount(written)} moments. Export range… writes every sample.`);
  }

  return (
    <section
      className={`panel chart-card${stat ? ' stat-card' : ''}`}
      aria-label={title}
      data-testid="chart-card"
      data-chart-id={spec.id}
      data-kind={stat ? 'stat' : 'line'}
      data-window={spec.window}
      data-paused={paused}
      data-zoomed={chart.range !== null}
      data-from={data?.from}
      data-to={data?.to}
    >
      <header className="chart-head">
        <CommitInput value={spec.title} label="Chart title" placeholder={title} className="chart-title" maxLength={120} onCommit={(v) => edit((d) => changeChart(d, spec.id, { title: v }))} testId="chart-title" />
        <CommitInput value={spec.unit} label="Unit" className="chart-unit" maxLength={24} onCommit={(v) => edit((d) => changeChart(d, spec.id, { unit: v }))} testId="chart-unit" />
        {data?.zoomed ? (
          <>
            <span className="chart-range small mono" data-testid="chart-range">
              {formatMoment(data.from, data.to - data.from)} – {formatMoment(data.to, data.to - data.from)}
            </span>
            <button type="button" className="small-button primary" onClick={() => zoom(null)} data-testid="chart-live">
              Back to live
            </button>
          </>
        ) : (
          <select aria-label="Time window" value={spec.window} onChange={(e) => edit((d) => changeChart(d, spec.id, { window: ChartWindowSchema.parse(e.target.value) }))} data-testid="chart-window">
            {ChartWindowSchema.options.map((w) => (
              <option key={w} value={w}>
                {WINDOW_LABEL[w]}
              </option>
            ))}
          </select>
        )}
      </header>
      <div className="chart-tools">
        <ExportRange spec={spec} range={chart.range} />
        {!stat && (
          <button type="button" className="small-button" onClick={() => void exportCsv()} disabled={csv.busy} title="The whole chart as CSV: one column per series, local time" data-testid="chart-csv">
            CSV
          </button>
        )}
        {!stat && !data?.zoomed && (
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
        )}
        <button type="button" className="small-button" aria-expanded={drawer === 'add-series'} onClick={() => setDrawer(drawer === 'add-series' ? null : 'add-series')} data-testid="chart-add-series">
          + Series
        </button>
        {stat ? (
          <button type="button" className="small-button" aria-expanded={drawer === 'stat-settings'} onClick={() => setDrawer(drawer === 'stat-settings' ? null : 'stat-settings')} data-testid="stat-settings-toggle">
            Settings
          </button>
        ) : (
          <button type="button" className="small-button" onClick={() =>
              void run(() =>
                dashboards.save(profileId, (d) => {
                  const added = addStatPanel(d, spec.id);
                  return added.ok ? added.dashboard : { error: added.reason };
                }),
              )
            } title="A stat panel of these series beside this chart" data-testid="chart-add-stat">
            + Stat panel
          </button>
        )}
        <button type="button" className="icon-button small-button" onClick={() => edit((d) => moveChart(d, spec.id, -1))} disabled={index === 0} aria-label={`Move ${title} earlier`} title="Move earlier">
          ←
        </button>
        <button type="button" className="icon-button small-button" onClick={() => edit((d) => moveChart(d, spec.id, 1))} disabled={index === count - 1} aria-label={`Move ${title} later`} title="Move later">
          →
        </button>
        <ConfirmButton small label="Remove" confirm={stat ? 'Remove panel' : 'Remove chart'} onConfirm={() => edit((d) => removeChart(d, spec.id))} testId="remove-chart" confirmTestId="confirm-remove-chart" />
      </div>
      {drawer === 'add-series' && <AddSeriesForm profileId={profileId} spec={spec} onDone={() => setDrawer(null)} />}
      {drawer === 'stat-settings' && stat && (
        <StatSettings
          options={statOptions}
          onClose={() => setDrawer(null)}
          onSave={(options) => {
            edit((d) => changeChart(d, spec.id, { stat: options }));
            setDrawer(null);
          }}
        />
      )}
      {stat ? (
        <div ref={plotBox} data-testid="stat-body">
          {tiles && <StatPanel spec={spec} tiles={tiles.tiles} now={tiles.now} />}
        </div>
      ) : (
        <>
          {data && (data.axes.left || data.axes.right) && (
            <div className="axis-units small muted">
              <span data-testid="axis-unit-left">{data.axes.left}</span>
              {data.axes.right !== null && <span data-testid="axis-unit-right">{data.axes.right}</span>}
            </div>
          )}
          <div className="plot" ref={plotBox} data-testid="chart-plot" data-points={data?.points ?? 0}>
            {drawPlot && <ChartPlot data={data} width={chart.width} height={PLOT_HEIGHT}>
                {markLines}
              </ChartPlot>}
            {chart.width > 0 && data && <PlotOverlay data={data} width={chart.width} height={PLOT_HEIGHT} onZoom={zoom} onLive={() => zoom(null)} />}
            {data?.points === 0 && (
              <div className="plot-waiting" data-testid="chart-waiting">
                {data.zoomed ? 'No samples in this range.' : 'Waiting for data…'}
              </div>
            )}
            {paused && <div className="plot-paused">Paused</div>}
          </div>
        </>
      )}
      <SeriesLegend
        chart={chart}
        spec={spec}
        lines={data?.lines ?? tiles?.tiles.map((t) => t.line) ?? []}
        twoAxes={data?.axes.right != null}
        showLast={!stat}
        profileId={profileId} onRemoveSeries={(i) => edit((d) => removeSeries(d, spec.id, i))} onChangeSeries={(i, change) => edit((d) => changeSeries(d, spec.id, i, change))} />
      {csvNote && (
        <p className="muted small" role="status" data-testid="chart-csv-note">
          {csvNote}
        </p>
      )}
      {csv.error && <Problem problem={csv.error} />}
      {error && <Problem problem={error} />}
    </section>
  );
}
