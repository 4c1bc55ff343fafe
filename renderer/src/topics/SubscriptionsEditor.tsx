/**
 * The connection's subscriptions, edited inline: filter and QoS per row, add,
 * remove, then save to the profile (`profiles.save`); main applies them to the
 * live connection. Main's validation errors are shown, and the row they name
 * is marked.
 */
import { useState } from 'react';
import type { Profile } from '../../../shared/profiles';
import { useClient } from '../app/services';
import { settingsOf } from '../connections/settings';
import { Busy } from '../feedback/Busy';
import { Done } from '../feedback/Done';
import { Problem } from '../feedback/Problem';
import { useAction } from '../feedback/use-action';
import { invalidRows, sameRows, type SubscriptionRow } from './subscription-rows';
import { SubscriptionRows } from './SubscriptionRows';

export function SubscriptionsEditor({ profile }: { profile: Profile }) {
  const client = useClient();
  const saved = profile.subscriptions;
  const [rows, setRows] = useState<SubscriptionRow[]>(() => saved.map((s) => ({ ...s })));
  const [seen, setSeen] = useState(saved);
  const { busy, error, run } = useAction();
  const [message, setMessage] = useState<string | null>(null);
  const dirty = !sameRows(rows, saved);
  // Saved elsewhere (the connection form, another window): take it over unless there are edits here.
  if (seen !== saved) {
    setSeen(saved);
    if (sameRows(rows, seen)) setRows(saved.map((s) => ({ ...s })));
  }

  async function save() {
    setMessage(null);
    const subscriptions = rows.map((r) => ({ filter: r.filter.trim(), qos: r.qos }));
    const result = await run(() => client.invoke('profiles.save', { id: profile.id, settings: { ...settingsOf(profile), subscriptions }, secrets: {} }));
    if (!result.ok) return;
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
      <SubscriptionRows
        rows={rows}
        invalid={invalidRows(rows, error)}
        onChange={setRows}
        onEnter={() => {
          if (dirty) void save();
        }}
      />
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
        {message && !dirty && <Done testId="subscriptions-saved">{message}</Done>}
      </div>
      {error && <Problem problem={error} testId="subscriptions-error" />}
    </section>
  );
}
