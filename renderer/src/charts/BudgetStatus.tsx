/**
 * The memory status line: samples and series held, the message history kept,
 * memory used of the budget they share, and a warning once the budget made
 * main drop old samples or messages; with a control to change the budget (MB).
 */
import { useEffect, useState } from 'react';
import { useFrameSignal } from '../app/frame-signal';
import { Problem } from '../feedback/Problem';
import { useAction } from '../feedback/use-action';
import { formatBytes, formatCount, plural } from '../app/format';
import { useServices } from '../app/services';

export function BudgetStatus() {
  const { client, budget } = useServices();
  useFrameSignal(budget.signal);
  const stats = budget.stats;
  const [editing, setEditing] = useState(false);
  const [megabytes, setMegabytes] = useState('');
  const { busy, error, run } = useAction();

  useEffect(() => {
    if (budget.stats) return;
    void client.invoke('telemetry.budget', {}).then((r) => r.ok && budget.set(r.value));
  }, [client, budget]);

  async function apply() {
    const result = await run(() => client.invoke('telemetry.budget', { megabytes: Number(megabytes) }));
    if (!result.ok) return;
    budget.set(result.value);
    setEditing(false);
  }

  return (
    <div className="budget" data-testid="budget-status">
      {stats ? (
        <span className="small">
          Samples in memory: <strong>{formatCount(stats.samples)}</strong> in {plural(stats.series, 'series', 'series')}
          {stats.messages !== undefined && ` · ${plural(stats.messages, 'message')} kept (${formatBytes(stats.messageBytes ?? 0)})`} · {formatBytes(stats.usedBytes)} of {formatBytes(stats.budgetBytes)} budget
        </span>
      ) : (
        <span className="muted small">Reading the memory budget…</span>
      )}
      {stats && (stats.evictedMessages ?? 0) > 0 && (
        <span className="warn small" role="status" data-testid="budget-evicted-messages">
          Message history at its limit: oldest messages dropped ({formatCount(stats.evictedMessages ?? 0)})
        </span>
      )}
      {stats && stats.evictedSamples > 0 && (
        <span className="warn small" role="status" data-testid="budget-evicted">
          Memory budget reached: oldest samples dropped ({formatCount(stats.evictedSamples)})
        </span>
      )}
      {editing ? (
        <form
          className="budget-form"
          onSubmit={(e) => {
            e.preventDefault();
            void apply();
          }}
        >
          <label className="check small">
            Budget (MB)
            <input type="number" min={16} max={65536} step={1} value={megabytes} onChange={(e) => setMegabytes(e.target.value)} required data-testid="budget-input" />
          </label>
          <button type="submit" className="small-button" disabled={busy} data-testid="budget-apply">
            Set
          </button>
          <button type="button" className="link small" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <button
          type="button"
          className="link small"
          onClick={() => {
            setMegabytes(stats ? String(Math.round(stats.budgetBytes / 1024 / 1024)) : '256');
            setEditing(true);
          }}
          data-testid="budget-change"
        >
          Change budget
        </button>
      )}
      {error && <Problem problem={error} />}
    </div>
  );
}
