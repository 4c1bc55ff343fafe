/**
 * The banner for what the operator must know about recorded history: the
 * database could not be opened or written (newer, damaged, unwritable, full
 * disk), so the app runs live-only; or the writer fell behind and dropped
 * data. Read at start (`history.status`) and kept current by
 * `history.changed`. Dismissable for this session.
 */
import { useEffect, useState } from 'react';
import type { HistoryHealth } from '../../../shared/history';
import { plural } from '../app/format';
import { useClient } from '../app/services';

export function HistoryNotice() {
  const client = useClient();
  const [health, setHealth] = useState<HistoryHealth | null>(null);
  const [dismissed, setDismissed] = useState<string | null>(null);

  useEffect(() => {
    const off = client.on('history.changed', setHealth);
    void client.invoke('history.status', {}).then((r) => r.ok && setHealth((h) => h ?? r.value));
    return off;
  }, [client]);

  if (!health) return null;
  const dropped = health.dropped.samples + health.dropped.messages;
  const text = health.notice
    ? { key: health.notice.code, strong: health.notice.message, rest: health.notice.hint }
    : dropped > 0
      ? { key: 'dropped', strong: `History could not keep up: ${plural(health.dropped.samples, 'sample')} and ${plural(health.dropped.messages, 'message')} were not recorded.`, rest: 'Record raw messages on fewer topics, or chart fewer fast series.' }
      : null;
  if (!text || dismissed === text.key) return null;
  return (
    <div className="notice" role="alert" data-testid="history-notice" data-code={text.key}>
      <span>
        <strong>{text.strong}</strong> {text.rest}
      </span>
      <button type="button" className="link" onClick={() => setDismissed(text.key)} aria-label="Dismiss this notice">
        Dismiss
      </button>
    </div>
  );
}
