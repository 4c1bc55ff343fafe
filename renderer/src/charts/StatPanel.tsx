/**
 * A stat panel's body: one tile per series (per element of a wildcard path)
 * with the last value in its threshold colour and its age, a gauge over the
 * scale with the thresholds' colours, the lowest, highest and mean value over
 * the panel's window, and "offline for …" once the source went silent past
 * the panel's threshold or said itself it is offline (shared/staleness.ts).
 */
import type { ChartSpec, StatOptions, ThresholdColor } from '../../../shared/telemetry';
import { DEFAULT_STAT_OPTIONS } from '../../../shared/telemetry';
import { formatSilence } from '../../../shared/staleness';
import { drawnLines, timeDomain, type DrawnLine } from './chart-data';
import { formatValue } from './ChartPlot';
import type { LiveChart } from './live-charts';
import { gaugeBands, gaugeFraction, gaugeScale, lineStats, thresholdColor, type GaugeScale, type LineStats } from './stats';

export interface StatTile {
  line: DrawnLine;
  stats: LineStats;
}

/** The tiles of a stat panel now; built at most once per frame. */
export function statTiles(chart: LiveChart, options: StatOptions, now = Date.now()): StatTile[] {
  const lines = drawnLines(chart);
  const { from, to } = timeDomain(chart.window, lines, now);
  return lines.map((d) => {
    const l = d.line;
    const points = { times: l.times, values: l.values, start: l.head, end: l.times.length };
    return { line: d, stats: lineStats({ points, count: l.count, sum: l.sum, latest: l.latest, offline: l.offline }, from, to, now, options.silenceSeconds) };
  });
}

const R_BANDS = 64;
const R_VALUE = 52;
const CX = 72;
const CY = 70;

/** The arc of a semicircle gauge from fraction a to b (0: left end, 1: right end). */
function arc(r: number, a: number, b: number): string {
  const point = (f: number) => {
    const angle = Math.PI * (1 - f);
    return `${(CX + r * Math.cos(angle)).toFixed(2)},${(CY - r * Math.sin(angle)).toFixed(2)}`;
  };
  return `M${point(a)} A${r},${r} 0 0 1 ${point(b)}`;
}

function Gauge({ value, scale, options, color }: { value: number | null; scale: GaugeScale; options: StatOptions; color: ThresholdColor }) {
  const f = value === null ? 0 : gaugeFraction(value, scale);
  return (
    <svg className="gauge" viewBox="0 0 144 80" width={144} height={80} role="img" aria-label={`Gauge from ${scale.min} to ${scale.max}`} data-testid="stat-gauge" data-fraction={f.toFixed(3)}>
      {gaugeBands(scale, options).map((band) => (
        <path key={`${band.from}-${band.color}`} d={arc(R_BANDS, band.from, band.to)} className={`gauge-band tc-${band.color}`} data-testid="gauge-band" data-color={band.color} />
      ))}
      <path d={arc(R_VALUE, 0, 1)} className="gauge-track" />
      {value !== null && f > 0 && <path d={arc(R_VALUE, 0, f)} className={`gauge-value tc-${color}`} />}
      <text x={CX - R_BANDS} y={CY + 10} className="gauge-end" textAnchor="middle">
        {formatValue(scale.min, '')}
      </text>
      <text x={CX + R_BANDS} y={CY + 10} className="gauge-end" textAnchor="middle">
        {formatValue(scale.max, '')}
      </text>
    </svg>
  );
}

function Tile({ tile, options, now }: { tile: StatTile; options: StatOptions; now: number }) {
  const { line, stats } = tile;
  const value = stats.last?.v ?? null;
  const color = value === null ? options.base : thresholdColor(value, options);
  const scale = gaugeScale(options, stats.min, stats.max);
  const source = stats.source;
  const dim = source.state !== 'live';
  return (
    <div className={`stat-tile${dim ? ' stat-dim' : ''}`} data-testid="stat-tile" data-key={line.key} data-state={source.state} data-color={color}>
      <div className="stat-label wrap">
        <span className="swatch" style={{ background: line.color }} aria-hidden="true" /> {line.label}
      </div>
      <div className={`stat-value mono tc-${color}`} data-testid="stat-value">
        {value === null ? '–' : formatValue(value, line.unit)}
      </div>
      {source.state === 'live' && stats.last && (
        <div className="muted small" data-testid="stat-age">
          {formatSilence(now - stats.last.t)} ago
        </div>
      )}
      {source.state === 'silent' && (
        <div className="stat-offline" role="status" data-testid="stat-offline">
          {stats.last ? `Offline for ${formatSilence(source.forMs)}` : 'No sample yet'}
        </div>
      )}
      {source.state === 'offline' && (
        <div className="stat-offline" role="status" data-testid="stat-offline" title={source.reason}>
          Offline for {formatSilence(source.forMs)}: {source.reason}
        </div>
      )}
      <Gauge value={value} scale={scale} options={options} color={color} />
      <dl className="stat-range small">
        <dt>min</dt>
        <dd className="mono" data-testid="stat-min">
          {stats.min === null ? '–' : formatValue(stats.min, line.unit)}
        </dd>
        <dt>max</dt>
        <dd className="mono" data-testid="stat-max">
          {stats.max === null ? '–' : formatValue(stats.max, line.unit)}
        </dd>
        <dt>mean</dt>
        <dd className="mono" data-testid="stat-mean">
          {stats.mean === null ? '–' : formatValue(stats.mean, line.unit)}
        </dd>
      </dl>
    </div>
  );
}

export function StatPanel({ spec, tiles, now }: { spec: ChartSpec; tiles: StatTile[]; now: number }) {
  const options = spec.stat ?? DEFAULT_STAT_OPTIONS;
  return (
    <div className="stat-tiles" data-testid="stat-panel">
      {tiles.map((tile) => (
        <Tile key={tile.line.key} tile={tile} options={options} now={now} />
      ))}
    </div>
  );
}
