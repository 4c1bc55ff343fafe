/**
 * MQTT 5 user properties as key/value rows: add, edit, remove.
 */
import type { UserProperty } from './publish-request';

export function UserPropertiesEditor({ rows, onChange, disabled }: { rows: UserProperty[]; onChange: (rows: UserProperty[]) => void; disabled: boolean }) {
  const change = (i: number, patch: Partial<UserProperty>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="user-props" disabled={disabled}>
      <legend>User properties</legend>
      {rows.length === 0 && <p className="muted small">None.</p>}
      {rows.map((r, i) => (
        <div className="row" key={i}>
          <input aria-label={`Property ${i + 1} name`} placeholder="name" value={r.key} onChange={(e) => change(i, { key: e.target.value })} spellCheck={false} data-testid="user-prop-key" />
          <input aria-label={`Property ${i + 1} value`} placeholder="value" value={r.value} onChange={(e) => change(i, { value: e.target.value })} spellCheck={false} data-testid="user-prop-value" />
          <button type="button" className="link" onClick={() => onChange(rows.filter((_, j) => j !== i))} aria-label={`Remove property ${i + 1}`}>
            remove
          </button>
        </div>
      ))}
      <button type="button" className="small-button" onClick={() => onChange([...rows, { key: '', value: '' }])} data-testid="user-prop-add">
        Add property
      </button>
    </fieldset>
  );
}
