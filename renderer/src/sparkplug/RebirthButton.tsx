/**
 * Asks an edge node to publish its births again (NCMD `Node Control/Rebirth`
 * = true, sent by main on the connection's session): what an operator does
 * when DATA arrives with aliases no birth named. Refused, and said, while the
 * connection is down.
 */
import { useClient } from '../app/services';
import { Busy } from '../feedback/Busy';
import { Problem } from '../feedback/Problem';
import { useAction } from '../feedback/use-action';
import { useState } from 'react';

export function RebirthButton({ connectionId, group, edge, connected }: { connectionId: string; group: string; edge: string; connected: boolean }) {
  const client = useClient();
  const { busy, error, run } = useAction();
  const [sent, setSent] = useState<string | null>(null);

  async function send() {
    setSent(null);
    const result = await run(() => client.invoke('sparkplug.rebirth', { connectionId, group, edge }), { label: 'Sending…' });
    if (result.ok) setSent(result.value.topic);
  }

  return (
    <div className="rebirth">
      <button type="button" onClick={() => void send()} disabled={busy || !connected} title={connected ? `Publish NCMD Node Control/Rebirth to ${edge}` : 'Connect first: a command is never queued'} data-testid="rebirth">
        Request rebirth
      </button>
      {busy && <Busy label="Sending…" />}
      {sent && (
        <span className="muted small" role="status" data-testid="rebirth-sent">
          Sent to {sent}.
        </span>
      )}
      {error && <Problem problem={error} />}
    </div>
  );
}
