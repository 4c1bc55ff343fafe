/**
 * The connection's subscriptions, edited inline: filter and QoS per row, add,
 * remove, then save to the profile (`profiles.save`); main applies them to the
 * live connection. Main's validation errors are shown, and the row they name
 * is marked.
 */
import { useState } from 'react';
import type { Profile, Qos, Subscription } from '../../../shared/profiles';
import { topicFilterValid } from '../../../shared/profiles';
import type { AppError } from '../../../shared/result';
import { useClient } from '../app/services';
import { settingsOf } from '../connections/settings';
import { Busy } from '../feedback/Busy';
import { Problem } from '../feedback/Problem';

type Row = { filter: string; qos: Qos };

function same(a: Row[], b: Subscription[]): boolean {
  return a.length === b.length && a.every((r, i) => r.filter === b[i]?.filter && r.qos === b[i]?.qos);
}

/** The row main named in a validation error (`field: ['settings', 'subscriptions', 2, 'filter']`). */
function rowsNamed(error: AppError | null): Set<number> {
  const field = error?.field ?? [];
  return new Set(field[0] === 'settings' && field[1] === 'subscriptions' && typeof field[2] === 'number' ? [field[2]] : []);
}

export function SubscriptionsEditor({ profile }: { profile: Profile }) {
  const client = useClient();
  const saved = profile.subscriptions;
  const [rows, setRows] = useState<Row[]>(() => saved.map((s) => ({ ...s })));
  const [seen, setSeen] = useState(saved);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const dirty = !same(rows, saved);
  // Saved elsewhere (the connection form, another window): take it over unless there are edits here.
  if (seen !== saved) {
    setSeen(saved);
    if (same(rows, seen)) setRows(saved.map((s) => ({ ...s })));
  }
  const invalid = rowsNamed(error);
  const change = (i: number, patch: Partial<Row>) => setRows((r) => r.map((x, j) => (j === i ? { ...x, ...patch } : x)));

  async function save() {
    setBusy(true);
    setError(null);
    setMessage(null);
    const subscriptions = rows.map((r) => ({ filter: r.filter.trim(), qos: r.qos }));
    const result = await client.invoke('profiles.save', { id: profile.id, settings: { ...settingsOf(profile), subscriptions }, secrets: {} });
    setBusy(false);
    if (!result.ok) return setError(result.error);
    setRows(result.value.subscriptions.map((s) => ({ ...s })));
    setMessage(subscriptions.length ? `Saved ${subscriptions.length} subscription${subscriptions.length === 1 ? '' : 's'}.` : 'Saved: no subscriptions.');
  }

  return (
    <section className="panel subscriptions" aria-label="Subscriptions" data-testid="subscriptions">
      <header className="panel-head">
        <h2>Subscriptions</h2>
        <span className="muted small">+ matches one level, # everything below; saved with the connection and applied at once.</span>
      </header>
      {rows.length === 0 && <p className="muted small">No subscriptions: nothing arrives. Add a filter such as plant/# below.</p>}
      <ul className="plain sub-rows">
        {rows.map((r, i) => {
          const bad = invalid.has(i) || (r.filter.trim() !== '' && !topicFilterValid(r.filter.trim()));
          return (
            <li key={i} className="row sub-row">
              <input
                aria-label={`Filter ${i + 1}`}
                aria-invalid={bad || undefined}
                className={`mono ${bad ? 'invalid' : ''}`}
                value={r.filter}
                onChange={(e) => change(i, { filter: e.target.value })}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && dirty) void save();
                }}
                spellCheck={false}
                placeholder="plant/+/status"
                data-testid="subscription-filter"
              />
              <select aria-label={`QoS ${i + 1}`} value={r.qos} onChange={(e) => change(i, { qos: Number(e.target.value) as Qos })} data-testid="subscription-qos">
                <option value={0}>QoS 0</option>
                <option value={1}>QoS 1</option>
                <option value={2}>QoS 2</option>
              </select>
              <button type="button" className="link" onClick={() => setRows((x) => x.filter((_, j) => j !== i))} aria-label={`Remove filter ${i + 1}`} data-testid="subscription-remove">
                remove
              </button>
            </li>
          );
        })}
      </ul>
      <div className="actions" aria-busy={busy}>
        <button type="button" onClick={() => setRows((x) => [...x, { filter: '', qos: 0 }])} data-testid="subscription-add">
          Add filter
        </button>
        <button type="button" className="primary" onClick={() => void save()} disabled={busy || !dirty} data-testid="subscriptions-save">
          Save subscriptions
        </button>
        {dirty && (
          <button type="button" className="link" onClick={() => setRows(saved.map((s) => ({ ...s })))}>
            Revert
          </button>
        )}
        {busy && <Busy label="Saving…" />}
        {message && !dirty && (
          <span className="small ok-text" role="status" data-testid="subscriptions-saved">
            {message}
          </span>
        )}
      </div>
      {error && <Problem problem={error} testId="subscriptions-error" />}
    </section>
  );
}
