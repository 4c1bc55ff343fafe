/**
 * A topic's kept messages (its last N, `topics.history`), newest first, with
 * time, QoS, retain and size; two of them picked are compared (diff.ts). The
 * list is read again when the topic's count moves, at most once a second.
 */
import { useEffect, useMemo, useState } from 'react';
import type { KeptMessage, TopicHistory } from '../../../shared/telemetry';
import { useClient } from '../app/services';
import { formatBytes, formatTimeMs, plural } from '../app/format';
import { Busy } from '../feedback/Busy';
import { Problem } from '../feedback/Problem';
import { useAction } from '../feedback/use-action';
import { diffPayloads, type PayloadDiff } from './diff';
import { fromKeptMessage } from './payload';
import { PayloadDiffView } from './PayloadDiffView';

/** The list is read again at most this often while messages arrive. */
const REFRESH_MS = 1000;

function Compare({ connectionId, topic, older, newer }: { connectionId: string; topic: string; older: KeptMessage; newer: KeptMessage }) {
  const client = useClient();
  const [diff, setDiff] = useState<PayloadDiff | null>(null);
  const { busy, error, run } = useAction();

  useEffect(() => {
    let live = true;
    void run<null>(async () => {
      const [a, b] = await Promise.all([client.invoke('topics.message', { connectionId, topic, seq: older.seq }), client.invoke('topics.message', { connectionId, topic, seq: newer.seq })]);
      if (!a.ok) return { ok: false, error: a.error };
      if (!b.ok) return { ok: false, error: b.error };
      if (live) setDiff(diffPayloads(fromKeptMessage(a.value), fromKeptMessage(b.value)));
      return { ok: true, value: null };
    });
    return () => {
      live = false;
    };
  }, [client, connectionId, topic, older, newer, run]);

  return (
    <section className="history-compare" aria-label="Compared messages" data-testid="history-compare">
      <h4 className="small">
        {formatTimeMs(older.time)} → {formatTimeMs(newer.time)}
      </h4>
      {busy && <Busy label="Reading both payloads…" />}
      {error && <Problem problem={error} />}
      {diff && <PayloadDiffView diff={diff} />}
    </section>
  );
}

export function TopicHistoryList({ connectionId, topic, count }: { connectionId: string; topic: string; count: number }) {
  const client = useClient();
  const [history, setHistory] = useState<TopicHistory | null>(null);
  const [picked, setPicked] = useState<number[]>([]);
  const { error, run } = useAction();
  const [readAt, setReadAt] = useState(0);

  useEffect(() => {
    const wait = Math.max(0, readAt + REFRESH_MS - Date.now());
    const timer = setTimeout(() => {
      setReadAt(Date.now());
      void run(() => client.invoke('topics.history', { connectionId, topic }), { onValue: setHistory });
    }, wait);
    return () => clearTimeout(timer);
    // `readAt` paces the reads; a read is due whenever the count moved.
  }, [client, connectionId, topic, count, run]);

  const newestFirst = useMemo(() => [...(history?.messages ?? [])].reverse(), [history]);
  const chosen = newestFirst.filter((m) => picked.includes(m.seq)).sort((a, b) => a.seq - b.seq);

  function toggle(seq: number) {
    setPicked((p) => (p.includes(seq) ? p.filter((s) => s !== seq) : [...p, seq].slice(-2)));
  }

  if (!history) return error ? <Problem problem={error} /> : null;
  if (history.perTopic === 0) return <p className="muted small">This connection keeps no message history.</p>;
  return (
    <section className="topic-history" aria-label="Kept messages" data-testid="topic-history">
      <p className="muted small">
        {plural(history.messages.length, 'message')} kept (the last {history.perTopic}). Pick two to compare them.
      </p>
      <table className="history-table small">
        <thead>
          <tr>
            <th scope="col" aria-label="Compare" />
            <th scope="col">Time</th>
            <th scope="col">QoS</th>
            <th scope="col">Retain</th>
            <th scope="col">Size</th>
            <th scope="col">Payload</th>
          </tr>
        </thead>
        <tbody>
          {newestFirst.map((m) => (
            <tr key={m.seq} className={picked.includes(m.seq) ? 'picked' : ''} data-testid="history-row" data-seq={m.seq}>
              <td>
                <input type="checkbox" checked={picked.includes(m.seq)} onChange={() => toggle(m.seq)} aria-label={`Compare the message of ${formatTimeMs(m.time)}`} data-testid="history-pick" />
              </td>
              <td className="mono">{formatTimeMs(m.time)}</td>
              <td>{m.qos}</td>
              <td>{m.retain ? 'yes' : ''}</td>
              <td>{formatBytes(m.size)}</td>
              <td className="mono history-preview" title={m.preview.encoding === 'text' ? m.preview.data : undefined}>
                {m.preview.encoding === 'text' ? m.preview.data : '(binary)'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {chosen.length === 2 && <Compare key={chosen.map((m) => m.seq).join('-')} connectionId={connectionId} topic={topic} older={chosen[0] as KeptMessage} newer={chosen[1] as KeptMessage} />}
      {error && <Problem problem={error} />}
    </section>
  );
}
