/**
 * What the pointer does over a chart's plot: a cursor line and a tooltip that
 * lists every series at the hovered time (the nearest sample of each, the one
 * in force for steps), read from the data on screen, so it follows live data
 * under a still pointer; a drag selects a range to zoom to, the wheel zooms
 * in and out around the pointer, a double click goes back to live. A layer
 * over the recharts drawing, so hovering never redraws the chart itself.
 */
import { useEffect, useRef, useState, type PointerEvent } from 'react';
import type { TimeRange } from '../../../shared/history';
import type { ChartData } from './chart-data';
import { formatMoment, formatValue } from './ChartPlot';
import { pointAt } from './nearest';
import { dragRange, plotArea, timeAt, wheelRange, type PlotArea } from './zoom';

/** A sample further than this share of the span from the hovered time shows its own time. */
const FAR_SHARE = 0.01;

function Tooltip({ data, x, t, area }: { data: ChartData; x: number; t: number; area: PlotArea }) {
  const span = data.to - data.from;
  const flip = x > area.left + area.width / 2;
  return (
    <div className="plot-tooltip" style={flip ? { right: `calc(100% - ${x - 12}px)` } : { left: x + 12 }} data-testid="chart-tooltip" data-time={t}>
      <div className="plot-tooltip-time">{formatMoment(t, span)}</div>
      {data.lines.map((d) => {
        const p = pointAt(d.points, t, d.step);
        return (
          <div key={d.key} className="plot-tooltip-row" data-testid="chart-tooltip-row" data-key={d.key} data-value={p?.v ?? ''}>
            <span className="swatch" style={{ background: d.color }} aria-hidden="true" />
            <span className="plot-tooltip-label">{d.label}</span>
            <span className="mono">{p ? formatValue(p.v, d.unit) : '–'}</span>
            {p && Math.abs(p.t - t) > span * FAR_SHARE && <span className="muted small"> at {formatMoment(p.t, span)}</span>}
          </div>
        );
      })}
    </div>
  );
}

function Selection({ x0, x1, area }: { x0: number; x1: number; area: PlotArea }) {
  const clamp = (x: number) => Math.min(area.left + area.width, Math.max(area.left, x));
  const left = clamp(Math.min(x0, x1));
  const width = clamp(Math.max(x0, x1)) - left;
  return width > 0 ? <div className="plot-selection" style={{ left, width }} data-testid="chart-selection" /> : null;
}

export function PlotOverlay({ data, width, height, onZoom, onLive }: { data: ChartData; width: number; height: number; onZoom: (range: TimeRange) => void; onLive: () => void }) {
  const box = useRef<HTMLDivElement>(null);
  const [hover, setHover] = useState<number | null>(null);
  /** A drag in progress: where it started (pixel, and the time there then) and where the pointer is. */
  const [drag, setDrag] = useState<{ x0: number; t0: number; x1: number } | null>(null);
  const area = plotArea(width, data.axes.right !== null);
  // The wheel listener is attached once; it reads the latest data and callbacks from here.
  const latest = useRef({ data, area, onZoom });
  latest.current = { data, area, onZoom };

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const wheel = (e: WheelEvent) => {
      const { data: d, area: a, onZoom: zoom } = latest.current;
      const x = e.clientX - el.getBoundingClientRect().left;
      if (x < a.left || x > a.left + a.width || e.deltaY === 0) return;
      // The page does not scroll while the wheel zooms the chart under the pointer.
      e.preventDefault();
      const range = wheelRange(d.from, d.to, timeAt(x, a, d.from, d.to), e.deltaMode === 1 ? e.deltaY * 33 : e.deltaY, Date.now());
      // Several wheel events may come before the chart redraws: each zooms from the last one's range.
      latest.current = { ...latest.current, data: { ...d, from: range.from, to: range.to } };
      zoom(range);
    };
    el.addEventListener('wheel', wheel, { passive: false });
    return () => el.removeEventListener('wheel', wheel);
  }, []);

  const xOf = (e: PointerEvent<HTMLDivElement>) => e.clientX - e.currentTarget.getBoundingClientRect().left;
  const inside = hover !== null && hover >= area.left && hover <= area.left + area.width;

  return (
    <div
      ref={box}
      className="plot-overlay"
      style={{ width, height }}
      data-testid="chart-overlay"
      data-plot-left={area.left}
      data-plot-width={area.width}
      onPointerMove={(e) => {
        const x = xOf(e);
        setHover(x);
        if (drag) setDrag({ ...drag, x1: x });
      }}
      onPointerLeave={() => setHover(null)}
      onPointerDown={(e) => {
        if (e.button !== 0) return;
        const x = xOf(e);
        if (x < area.left || x > area.left + area.width) return;
        e.currentTarget.setPointerCapture(e.pointerId);
        setDrag({ x0: x, t0: timeAt(x, area, data.from, data.to), x1: x });
      }}
      onPointerUp={(e) => {
        if (!drag) return;
        setDrag(null);
        const range = dragRange({ x: drag.x0, t: drag.t0 }, xOf(e), area, data.from, data.to);
        if (range) onZoom(range);
      }}
      onPointerCancel={() => setDrag(null)}
      onDoubleClick={() => data.zoomed && onLive()}
    >
      {drag && <Selection x0={drag.x0} x1={drag.x1} area={area} />}
      {inside && !drag && hover !== null && (
        <>
          <div className="plot-cursor" style={{ left: hover }} />
          <Tooltip data={data} x={hover} t={timeAt(hover, area, data.from, data.to)} area={area} />
        </>
      )}
    </div>
  );
}
