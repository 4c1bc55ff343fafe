/**
 * The alert list: firing alerts first, then cleared ones nobody acknowledged,
 * each with what it says, since when, and the operator's two answers:
 * acknowledge (seen) and mute (no notifications for a while). Below it, on
 * demand, the history of changes (from the history database, or from memory
 * when the app runs live-only). Used in the top bar's drawer for every
 * connection and in a connection's Alerts tab for that one.
 */
import { useEffect, useMemo, useState } from 'react';
import { MUTE_MINUTES, type AlertRecord, type AlertView } from '../../../shared/alerts';
import type { Result } from '../../../shared/result';
import { useClient, useServices } from '../app/services';
import { Problem } from '../feedback/Problem';
import { useAction } from '../feedback/use-action';
import { useAlerts } from './alert-list';
import { muteLabel, when } from './wording';

function AlertItem({ alert, now }: { alert: AlertView; now: number }) {
  const client = useClient();
  const action = useAction();
  const muted = alert.mutedUntil !== null && alert.mutedUntil > now;
  // The list follows the change main pushes; only a refusal is shown here.
  const answer = (request: () => Promise<Result<AlertView>>) => void action.run(request);

  return (
    <li className={`alert-item alert-${alert.state}`} data-testid="alert-item" data-key={alert.key} data-state={alert.state} data-acknowledged={alert.acknowledgedAt !== null}>
      <div className="alert-line">
        <span className={`alert-state alert-state-${alert.state}`}>{alert.state === 'firing' ? 'Firing' : 'Cleared'}</span>
        <span className="alert-title" data-testid="alert-title">
          {alert.title}
        </span>
        <span className="muted small">
          {alert.state === 'firing' ? `since ${when(alert.firedAt, now)}` : `${when(alert.firedAt, now)} – ${when(alert.clearedAt ?? alert.firedAt, now)}`}
        </span>
      </div>
      <div className="alert-detail small" data-testid="alert-detail">
        {alert.detail}
      </div>
      <div className="actions small">
        {alert.acknowledgedAt === null ? (
          <button type="button" className="small-button" onClick={() => answer(() => client.invoke('alerts.acknowledge', { key: alert.key }))} disabled={action.busy} data-testid="alert-acknowledge">
            Acknowledge
          </button>
        ) : (
          <span className="muted" data-testid="alert-acknowledged">
            Acknowledged {when(alert.acknowledgedAt, now)}
          </span>
        )}
        {muted ? (
          <>
            <span className="muted" data-testid="alert-muted">
              Muted until {when(alert.mutedUntil as number, now)}
            </span>
            <button type="button" className="link" onClick={() => answer(() => client.invoke('alerts.mute', { key: alert.key, minutes: 0 }))} disabled={action.busy}>
              Unmute
            </button>
          </>
        ) : (
          <select
            aria-label={`Mute ${alert.title}`}
            value=""
            onChange={(e) => {
              const minutes = Number(e.target.value);
              if (minutes > 0) answer(() => client.invoke('alerts.mute', { key: alert.key, minutes }));
            }}
            disabled={action.busy}
            data-testid="alert-mute"
          >
            <option value="">Mute…</option>
            {MUTE_MINUTES.map((m) => (
              <option key={m} value={m}>
                {muteLabel(m)}
              </option>
            ))}
          </select>
        )}
      </div>
      {action.error && <Problem problem={action.error} />}
    </li>
  );
}

const CHANGE_WORDS: Record<AlertRecord['change'], string> = { fired: 'Fired', cleared: 'Cleared', acknowledged: 'Acknowledged', muted: 'Muted', unmuted: 'Unmuted' };

function AlertHistory({ connectionId }: { connectionId?: string }) {
  const client = useClient();
  const { alerts } = useServices();
  const [records, setRecords] = useState<AlertRecord[] | null>(null);
  const [from, setFrom] = useState<'database' | 'memory'>('database');
  const load = useAction();

  useEffect(() => {
    const read = () =>
      void load.run(() => client.invoke('alerts.history', { ...(connectionId && { connectionId }), limit: 100 }), {
        onValue: (value) => {
          setRecords(value.records);
          setFrom(value.from);
        },
      });
    read();
    // A change read again at once: the list above and the history agree.
    return alerts.onChange(read);
  }, [client, alerts, connectionId]);

  const now = Date.now();
  return (
    <div className="alert-history" data-testid="alert-history">
      {from === 'memory' && <p className="muted small">Kept in memory only: the history database is not available in this run.</p>}
      {records?.length === 0 && <p className="muted small">Nothing has happened yet.</p>}
      {records && records.length > 0 && (
        <table className="alert-records small">
          <tbody>
            {records.map((r, i) => (
              <tr key={`${r.key}-${r.at}-${i}`} data-testid="alert-record" data-change={r.change}>
                <td className="muted">{when(r.at, now)}</td>
                <td>{CHANGE_WORDS[r.change]}</td>
                <td>{r.title}</td>
                <td className="muted">{r.change === 'fired' || r.change === 'cleared' ? r.detail : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {load.error && <Problem problem={load.error} />}
    </div>
  );
}

/** The listed alerts (of one connection, when given), with the history a click away. */
export function AlertList({ connectionId }: { connectionId?: string }) {
  const all = useAlerts((s) => s.alerts);
  const recorded = useAlerts((s) => s.recorded);
  const [showHistory, setShowHistory] = useState(false);
  const shown = useMemo(() => (connectionId ? all.filter((a) => a.connectionId === connectionId) : all), [all, connectionId]);
  // Times are relative to when the list was drawn; it is drawn again on every change.
  const now = Date.now();
  return (
    <div className="alert-list" data-testid="alert-list">
      {!recorded && <p className="muted small">Alerts are not recorded in this run (see the history notice): they are listed until the app closes.</p>}
      {shown.length === 0 ? (
        <p className="muted small" data-testid="alerts-none">
          No alert needs attention.
        </p>
      ) : (
        <ul className="alert-items">
          {shown.map((a) => (
            <AlertItem key={a.key} alert={a} now={now} />
          ))}
        </ul>
      )}
      <button type="button" className="link small" aria-expanded={showHistory} onClick={() => setShowHistory(!showHistory)} data-testid="alert-history-toggle">
        {showHistory ? 'Hide history' : 'History'}
      </button>
      {showHistory && <AlertHistory connectionId={connectionId} />}
    </div>
  );
}

/** The top bar's button: how many alerts fire and nobody acknowledged, and the list of every connection's alerts. */
export function AlertsButton() {
  const all = useAlerts((s) => s.alerts);
  const [open, setOpen] = useState(false);
  const unseen = all.filter((a) => a.state === 'firing' && a.acknowledgedAt === null).length;
  return (
    <div className="alerts-button">
      <button type="button" className={unseen > 0 ? 'alerts-toggle alerts-toggle-firing' : 'alerts-toggle'} aria-expanded={open} onClick={() => setOpen(!open)} data-testid="alerts-toggle" data-unseen={unseen}>
        Alerts{unseen > 0 ? ` · ${unseen}` : ''}
      </button>
      {open && (
        <aside className="alerts-drawer panel" aria-label="Alerts" data-testid="alerts-drawer">
          <header className="panel-head">
            <h2>Alerts</h2>
            <span className="spacer" />
            <button type="button" className="link small" onClick={() => setOpen(false)}>
              Close
            </button>
          </header>
          <AlertList />
        </aside>
      )}
    </div>
  );
}
