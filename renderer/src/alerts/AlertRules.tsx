/**
 * A connection's Alerts tab: its current alerts, its rules (each in one line,
 * turned on or off, removed), and a form to add one: a value past a threshold
 * (a series of one of its charts, or a topic typed in), a silent topic, the
 * connection down, the grade below secure, a certificate expiring. Every
 * change saves the whole list with the profile (`alerts.rules`); the core
 * evaluates the rules whether or not a window is open.
 */
import { useState } from 'react';
import { ruleTitle, type AlertRule, type RuleKind } from '../../../shared/alerts';
import type { Profile } from '../../../shared/profiles';
import { useClient } from '../app/services';
import { seriesLabel } from '../charts/chart-data';
import { Busy } from '../feedback/Busy';
import { Problem } from '../feedback/Problem';
import { useAction } from '../feedback/use-action';
import { Field } from '../forms/Field';
import { AlertList } from './AlertList';
import { draftFromRule, emptyDraft, newRuleId, ruleFromDraft, seriesChoices, type RuleDraft } from './rule-form';

const KINDS: Array<{ kind: RuleKind; label: string }> = [
  { kind: 'threshold', label: 'A value past a threshold' },
  { kind: 'silence', label: 'A topic silent (device offline)' },
  { kind: 'down', label: 'The connection down' },
  { kind: 'grade', label: 'The grade below secure' },
  { kind: 'expiry', label: 'A certificate expiring' },
];

/** Adds a rule, or with `editing`, changes that one (same id, so an alert it raised goes on under the new terms). */
function RuleForm({ profile, editing, onSave, onCancel, busy }: { profile: Profile; editing: AlertRule | null; onSave: (rule: AlertRule) => Promise<boolean>; onCancel: () => void; busy: boolean }) {
  const [draft, setDraft] = useState<RuleDraft>(() => (editing ? draftFromRule(editing, profile) : emptyDraft(profile)));
  const [problem, setProblem] = useState<{ field: keyof RuleDraft; message: string } | null>(null);
  const set = (change: Partial<RuleDraft>) => {
    setDraft((d) => ({ ...d, ...change }));
    setProblem(null);
  };
  const input = (field: keyof RuleDraft, props: { type?: string; placeholder?: string; mono?: boolean } = {}) => (
    <input
      type={props.type ?? 'text'}
      className={props.mono ? 'mono' : undefined}
      value={draft[field]}
      placeholder={props.placeholder}
      onChange={(e) => set({ [field]: e.target.value })}
      aria-invalid={problem?.field === field || undefined}
      data-testid={`rule-${field}`}
    />
  );
  const choices = seriesChoices(profile);
  const charts = profile.dashboard.charts;

  async function submit() {
    const made = ruleFromDraft(draft, profile, editing ? editing.id : newRuleId(profile.alerts));
    if (!made.ok) return setProblem({ field: made.field, message: made.message });
    const rule = editing ? { ...made.rule, enabled: editing.enabled } : made.rule;
    if (await onSave(rule)) setDraft(emptyDraft(profile));
  }

  return (
    <form
      className="form rule-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      data-testid="rule-form"
    >
      <div className="row">
        <Field label="Alert when">
          <select value={draft.kind} onChange={(e) => set({ kind: e.target.value as RuleKind })} data-testid="rule-kind">
            {KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Name (optional)">{input('name', { placeholder: 'Boiler too hot' })}</Field>
      </div>
      {draft.kind === 'threshold' && (
        <>
          <div className="row">
            <Field label="Value">
              <select value={draft.source} onChange={(e) => set({ source: e.target.value })} data-testid="rule-source">
                {choices.map((c) => {
                  const spec = charts.find((chart) => `${chart.id}#${c.index}` === c.value)?.series[c.index];
                  return (
                    <option key={c.value} value={c.value}>
                      {c.chartTitle}: {spec ? seriesLabel(spec) : ''}
                    </option>
                  );
                })}
                <option value="topic">A topic of this connection…</option>
              </select>
            </Field>
            {draft.source === 'topic' && (
              <>
                <Field label="Topic">{input('topic', { placeholder: 'plant/boiler/temp', mono: true })}</Field>
                <Field label="Read as">
                  <select value={draft.extractor} onChange={(e) => set({ extractor: e.target.value as RuleDraft['extractor'] })} data-testid="rule-extractor">
                    <option value="number">A number</option>
                    <option value="boolean">A boolean (1 / 0)</option>
                    <option value="json">A JSON field</option>
                  </select>
                </Field>
                {draft.extractor === 'json' && <Field label="JSON path">{input('path', { placeholder: 'temp', mono: true })}</Field>}
              </>
            )}
          </div>
          <div className="row">
            <Field label="Is">
              <select value={draft.direction} onChange={(e) => set({ direction: e.target.value as RuleDraft['direction'] })} data-testid="rule-direction">
                <option value="above">above</option>
                <option value="below">below</option>
              </select>
            </Field>
            <Field label="Threshold">{input('value', { type: 'number' })}</Field>
            <Field label="For (seconds)" hint="0: at once">
              {input('forSeconds', { type: 'number' })}
            </Field>
            <Field label="Clears at (optional)" hint={`Back ${draft.direction === 'above' ? 'at or below' : 'at or above'} this; empty: the threshold`}>
              {input('clearAt', { type: 'number' })}
            </Field>
          </div>
        </>
      )}
      {draft.kind === 'silence' && (
        <div className="row">
          <Field label="Nothing on" hint="A topic, or a filter: plant/dev7/# is anything from device 7">
            {input('filter', { placeholder: 'plant/dev7/#', mono: true })}
          </Field>
          <Field label="For (seconds)">{input('seconds', { type: 'number' })}</Field>
          <Field label="Mark on chart">
            <select value={draft.chartId} onChange={(e) => set({ chartId: e.target.value })} data-testid="rule-chart">
              <option value="">None</option>
              {charts.map((c, i) => (
                <option key={c.id} value={c.id}>
                  {c.title || `Chart ${i + 1}`}
                </option>
              ))}
            </select>
          </Field>
        </div>
      )}
      {draft.kind === 'down' && (
        <div className="row">
          <Field label="Trying to connect for (seconds)" hint="A disconnect by you is not down">
            {input('downSeconds', { type: 'number' })}
          </Field>
        </div>
      )}
      {draft.kind === 'grade' && <p className="muted small">Fires when the security grade is warning or insecure, and clears when it is secure again.</p>}
      {draft.kind === 'expiry' && (
        <div className="row">
          <Field label="Within (days)" hint="Your client certificate, or the broker's chain as last seen">
            {input('days', { type: 'number' })}
          </Field>
        </div>
      )}
      {problem && (
        <p className="warn small" role="alert" data-testid="rule-problem">
          {problem.message}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy} data-testid="rule-add">
          {editing ? 'Save rule' : 'Add rule'}
        </button>
        {editing && (
          <button type="button" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

export function AlertRules({ profile }: { profile: Profile }) {
  const client = useClient();
  const save = useAction();
  const rules = profile.alerts;
  const [editingId, setEditingId] = useState<string | null>(null);
  const editing = rules.find((r) => r.id === editingId) ?? null;

  const saveRules = async (next: AlertRule[]) => (await save.run(() => client.invoke('alerts.rules', { connectionId: profile.id, rules: next }), { label: 'Saving…' })).ok;

  return (
    <div data-testid="alert-rules-tab">
      <section className="panel" aria-label="Current alerts">
        <header className="panel-head">
          <h2>Alerts</h2>
        </header>
        <AlertList connectionId={profile.id} />
      </section>
      <section className="panel" aria-label="Alert rules">
        <header className="panel-head">
          <h2>Rules</h2>
          <span className="muted small">Checked by the app whether or not this window is open; a notification when one fires or clears.</span>
        </header>
        {rules.length === 0 ? (
          <p className="muted small">No rules: nothing is watched on this connection.</p>
        ) : (
          <ul className="rule-items">
            {rules.map((rule) => (
              <li key={rule.id} className="rule-item" data-testid="rule-item" data-kind={rule.kind}>
                <label className="check">
                  <input
                    type="checkbox"
                    checked={rule.enabled}
                    onChange={(e) => void saveRules(rules.map((r) => (r.id === rule.id ? { ...r, enabled: e.target.checked } : r)))}
                    disabled={save.busy}
                    aria-label={`Rule on: ${ruleTitle(rule)}`}
                  />
                  <span className={rule.enabled ? undefined : 'muted'}>{ruleTitle(rule)}</span>
                </label>
                {rule.chartId && <span className="muted small">on {profile.dashboard.charts.find((c) => c.id === rule.chartId)?.title || 'a chart'}</span>}
                <span className="spacer" />
                <button type="button" className="link small" onClick={() => setEditingId(rule.id)} disabled={save.busy} data-testid="rule-edit">
                  Edit
                </button>
                <button type="button" className="link small" onClick={() => void saveRules(rules.filter((r) => r.id !== rule.id))} disabled={save.busy} data-testid="rule-remove">
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
        {save.busy && <Busy label={save.label ?? 'Saving…'} />}
        {save.error && <Problem problem={save.error} />}
        <h3>{editing ? `Change: ${ruleTitle(editing)}` : 'Add a rule'}</h3>
        <RuleForm
          key={editing?.id ?? 'new'}
          profile={profile}
          editing={editing}
          busy={save.busy}
          onCancel={() => setEditingId(null)}
          onSave={async (rule) => {
            const saved = await saveRules(editing ? rules.map((r) => (r.id === rule.id ? rule : r)) : [...rules, rule]);
            if (saved) setEditingId(null);
            return saved;
          }}
        />
      </section>
    </div>
  );
}
