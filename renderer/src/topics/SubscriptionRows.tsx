/**
 * The subscription rows, filter and QoS each with a remove button, as both the
 * connection form and the subscriptions editor show them; invalid rows (see
 * subscription-rows.ts) are marked.
 */
import type { Qos } from '../../../shared/profiles';
import type { SubscriptionRow } from './subscription-rows';

export function SubscriptionRows({ rows, invalid, onChange, onEnter }: { rows: SubscriptionRow[]; invalid: ReadonlySet<number>; onChange: (rows: SubscriptionRow[]) => void; onEnter?: () => void }) {
  const change = (i: number, patch: Partial<SubscriptionRow>) => onChange(rows.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  return (
    <ul className="plain sub-rows">
      {rows.map((r, i) => {
        const bad = invalid.has(i);
        return (
          <li key={i} className="row sub-row">
            <input
              aria-label={`Filter ${i + 1}`}
              aria-invalid={bad || undefined}
              className={`mono ${bad ? 'invalid' : ''}`}
              value={r.filter}
              onChange={(e) => change(i, { filter: e.target.value })}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && onEnter) {
                  e.preventDefault();
                  onEnter();
                }
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
            <button type="button" className="link" onClick={() => onChange(rows.filter((_, j) => j !== i))} aria-label={`Remove filter ${i + 1}`} data-testid="subscription-remove">
              remove
            </button>
          </li>
        );
      })}
    </ul>
  );
}
