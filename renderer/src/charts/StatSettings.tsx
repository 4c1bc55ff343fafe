/**
 * A stat panel's settings as the operator edits them: the silence after which
 * a source shows "offline for …", the thresholds and their colours, the
 * colour below them, and the gauge's scale. Checked by the same schema main
 * applies, saved with the dashboard in one go.
 */
import { useState } from 'react';
import { StatOptionsSchema, ThresholdColorSchema, type StatOptions, type ThresholdColor } from '../../../shared/telemetry';

const COLOR_LABEL: Record<ThresholdColor, string> = { green: 'Green', blue: 'Blue', amber: 'Amber', red: 'Red' };

export interface StatDraft {
  silence: string;
  base: ThresholdColor;
  thresholds: Array<{ value: string; color: ThresholdColor }>;
  gaugeMin: string;
  gaugeMax: string;
}

function draftOf(o: StatOptions): StatDraft {
  return { silence: String(o.silenceSeconds), base: o.base, thresholds: o.thresholds.map((t) => ({ value: String(t.value), color: t.color })), gaugeMin: o.gaugeMin === undefined ? '' : String(o.gaugeMin), gaugeMax: o.gaugeMax === undefined ? '' : String(o.gaugeMax) };
}

/** The options a draft stands for, or why not. */
export function optionsOf(d: StatDraft): { ok: true; options: StatOptions } | { ok: false; reason: string } {
  const number = (s: string) => (s.trim() === '' ? undefined : Number(s));
  const candidate = {
    silenceSeconds: Number(d.silence),
    base: d.base,
    thresholds: d.thresholds.map((t) => ({ value: t.value.trim() === '' ? Number.NaN : Number(t.value), color: t.color })).sort((a, b) => a.value - b.value),
    ...(number(d.gaugeMin) !== undefined && { gaugeMin: number(d.gaugeMin) }),
    ...(number(d.gaugeMax) !== undefined && { gaugeMax: number(d.gaugeMax) }),
  };
  if (candidate.gaugeMin !== undefined && candidate.gaugeMax !== undefined && candidate.gaugeMin >= candidate.gaugeMax) return { ok: false, reason: 'The gauge’s maximum must be above its minimum.' };
  const parsed = StatOptionsSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path[0];
    if (field === 'silenceSeconds') return { ok: false, reason: 'Offline after: a whole number of seconds, from 1 to 604800 (7 days).' };
    if (field === 'thresholds') return { ok: false, reason: 'Each threshold needs a number (at most 8 thresholds).' };
    return { ok: false, reason: `The gauge’s scale needs numbers: ${issue?.message ?? 'check the values'}.` };
  }
  return { ok: true, options: parsed.data };
}

export function StatSettings({ options, onSave, onClose }: { options: StatOptions; onSave: (options: StatOptions) => void; onClose: () => void }) {
  const [draft, setDraft] = useState(() => draftOf(options));
  const [problem, setProblem] = useState<string | null>(null);
  const set = (change: Partial<StatDraft>) => setDraft({ ...draft, ...change });
  const setThreshold = (i: number, change: Partial<StatDraft['thresholds'][number]>) => set({ thresholds: draft.thresholds.map((t, j) => (j === i ? { ...t, ...change } : t)) });
  const colorSelect = (value: ThresholdColor, onChange: (c: ThresholdColor) => void, label: string, testId: string) => (
    <select aria-label={label} value={value} onChange={(e) => onChange(ThresholdColorSchema.parse(e.target.value))} data-testid={testId}>
      {ThresholdColorSchema.options.map((c) => (
        <option key={c} value={c}>
          {COLOR_LABEL[c]}
        </option>
      ))}
    </select>
  );

  return (
    <form
      className="stat-settings"
      data-testid="stat-settings"
      onSubmit={(e) => {
        e.preventDefault();
        const result = optionsOf(draft);
        if (!result.ok) return setProblem(result.reason);
        setProblem(null);
        onSave(result.options);
      }}
    >
      <label className="check small">
        Offline after
        <input type="number" min={1} max={604800} step={1} value={draft.silence} onChange={(e) => set({ silence: e.target.value })} data-testid="stat-silence" /> s without a sample
      </label>
      <div className="row small">
        Below every threshold: {colorSelect(draft.base, (base) => set({ base }), 'Colour below the thresholds', 'stat-base-color')}
      </div>
      {draft.thresholds.map((t, i) => (
        <div className="row small" key={i} data-testid="stat-threshold">
          From
          <input type="number" step="any" aria-label={`Threshold ${i + 1}`} value={t.value} onChange={(e) => setThreshold(i, { value: e.target.value })} data-testid="stat-threshold-value" />
          {colorSelect(t.color, (color) => setThreshold(i, { color }), `Colour from threshold ${i + 1}`, 'stat-threshold-color')}
          <button type="button" className="link small" onClick={() => set({ thresholds: draft.thresholds.filter((_, j) => j !== i) })}>
            remove
          </button>
        </div>
      ))}
      {draft.thresholds.length < 8 && (
        <button type="button" className="small-button" onClick={() => set({ thresholds: [...draft.thresholds, { value: '', color: draft.thresholds.length ? 'red' : 'amber' }] })} data-testid="stat-add-threshold">
          Add threshold
        </button>
      )}
      <div className="row small">
        Gauge from
        <input type="number" step="any" aria-label="Gauge minimum" placeholder="auto" value={draft.gaugeMin} onChange={(e) => set({ gaugeMin: e.target.value })} data-testid="stat-gauge-min" />
        to
        <input type="number" step="any" aria-label="Gauge maximum" placeholder="auto" value={draft.gaugeMax} onChange={(e) => set({ gaugeMax: e.target.value })} data-testid="stat-gauge-max" />
      </div>
      {problem && (
        <p className="bad small" role="alert" data-testid="stat-settings-problem">
          {problem}
        </p>
      )}
      <div className="row">
        <button type="submit" className="small-button primary" data-testid="stat-settings-save">
          Save
        </button>
        <button type="button" className="link small" onClick={onClose}>
          Close
        </button>
      </div>
    </form>
  );
}
