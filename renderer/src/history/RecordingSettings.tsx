/**
 * A connection's history: what it records (raw messages on which topic
 * filters, up to what payload size; samples of charted series always), how
 * long it is kept (days, megabytes), and how much it takes now. Saved with the
 * connection's profile through `history.settings`.
 */
import { useEffect, useState } from 'react';
import type { ConnectionUsage, RecordingSettings as Recording } from '../../../shared/history';
import { topicFilterValid } from '../../../shared/mqtt';
import type { Profile } from '../../../shared/profiles';
import { useClient } from '../app/services';
import { Busy } from '../feedback/Busy';
import { Problem } from '../feedback/Problem';
import { useAction } from '../feedback/use-action';
import { usageLine } from './usage';

/** Use is read again this often while the tab is open. */
const USAGE_REFRESH_MS = 5000;

export function RecordingSettings({ profile }: { profile: Profile }) {
  const client = useClient();
  const saved = profile.recording;
  const [filters, setFilters] = useState(saved.messageFilters.join('\n'));
  const [payloadKB, setPayloadKB] = useState(String(Math.round(saved.maxPayloadBytes / 1024)));
  const [days, setDays] = useState(String(saved.retentionDays));
  const [megabytes, setMegabytes] = useState(String(saved.retentionMB));
  const [usage, setUsage] = useState<ConnectionUsage | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const save = useAction();

  useEffect(() => {
    let live = true;
    const read = () =>
      void client.invoke('history.status', {}).then((r) => {
        if (live && r.ok) setUsage(r.value.connections.find((c) => c.connectionId === profile.id) ?? null);
      });
    read();
    const timer = setInterval(read, USAGE_REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [client, profile.id]);

  const list = filters
    .split('\n')
    .map((f) => f.trim())
    .filter(Boolean);
  const badFilter = list.find((f) => !topicFilterValid(f));

  async function submit() {
    setMessage(null);
    const recording: Recording = { messageFilters: list, maxPayloadBytes: Math.round(Number(payloadKB) * 1024), retentionDays: Number(days), retentionMB: Number(megabytes) };
    const result = await save.run(() => client.invoke('history.settings', { connectionId: profile.id, recording }));
    if (result.ok) setMessage('Saved.');
  }

  return (
    <section className="panel" aria-label="Recording" data-testid="recording-settings">
      <header className="panel-head">
        <h2>History</h2>
        <span className="muted small" data-testid="recording-usage">
          {usage ? usageLine(usage) : 'Nothing recorded yet.'}
        </span>
      </header>
      <p className="muted small">Samples of every charted series of this connection are recorded. Raw messages are recorded on the topics these filters match (one per line).</p>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label>
          Record raw messages on
          <textarea className="mono" rows={3} value={filters} onChange={(e) => setFilters(e.target.value)} placeholder="plant/+/alarm" aria-invalid={!!badFilter || undefined} data-testid="recording-filters" />
        </label>
        {badFilter && <p className="warn small">“{badFilter}” is not a topic filter: + stands for one whole level, # only at the end.</p>}
        <div className="row">
          <label>
            Payload kept (KB)
            <input type="number" min={0} max={1024} value={payloadKB} onChange={(e) => setPayloadKB(e.target.value)} data-testid="recording-payload" />
          </label>
          <label>
            Keep for (days)
            <input type="number" min={1} max={3650} value={days} onChange={(e) => setDays(e.target.value)} data-testid="recording-days" />
          </label>
          <label>
            At most (MB)
            <input type="number" min={1} max={1048576} value={megabytes} onChange={(e) => setMegabytes(e.target.value)} data-testid="recording-megabytes" />
          </label>
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={save.busy || !!badFilter} data-testid="recording-save">
            Save
          </button>
          {save.busy && <Busy label="Saving…" />}
          {message && <span className="muted small">{message}</span>}
        </div>
        {save.error && <Problem problem={save.error} />}
      </form>
      <p className="muted small">Older data is removed in the background, oldest first, when either limit is reached.</p>
    </section>
  );
}
