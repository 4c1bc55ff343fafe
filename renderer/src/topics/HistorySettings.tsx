/**
 * How many of each topic's last messages this connection keeps in memory, and
 * in how many megabytes at most; saved with the connection's profile
 * (`topics.historySettings`). What they take shows in the memory line of the
 * dashboard, within the one budget.
 */
import { useState } from 'react';
import type { Profile } from '../../../shared/profiles';
import { MessageHistorySettingsSchema } from '../../../shared/telemetry';
import { useClient } from '../app/services';
import { plural } from '../app/format';
import { Busy } from '../feedback/Busy';
import { Problem } from '../feedback/Problem';
import { useAction } from '../feedback/use-action';

export function HistorySettings({ profile }: { profile: Profile }) {
  const client = useClient();
  const saved = profile.messageHistory;
  const [editing, setEditing] = useState(false);
  const [perTopic, setPerTopic] = useState(String(saved.perTopic));
  const [maxMB, setMaxMB] = useState(String(saved.maxMB));
  const save = useAction();
  const parsed = MessageHistorySettingsSchema.safeParse({ perTopic: Number(perTopic), maxMB: Number(maxMB) });

  async function submit() {
    if (!parsed.success) return;
    const result = await save.run(() => client.invoke('topics.historySettings', { connectionId: profile.id, messageHistory: parsed.data }));
    if (result.ok) setEditing(false);
  }

  if (!editing) {
    return (
      <p className="muted small history-settings" data-testid="history-settings">
        {saved.perTopic === 0 ? 'No message history is kept.' : `Keeps the last ${plural(saved.perTopic, 'message')} of each topic, at most ${saved.maxMB} MB.`}{' '}
        <button
          type="button"
          className="link small"
          onClick={() => {
            setPerTopic(String(saved.perTopic));
            setMaxMB(String(saved.maxMB));
            setEditing(true);
          }}
          data-testid="history-settings-change"
        >
          Change
        </button>
      </p>
    );
  }
  return (
    <form
      className="history-settings row"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label className="check small">
        Messages per topic
        <input type="number" min={0} max={1000} value={perTopic} onChange={(e) => setPerTopic(e.target.value)} data-testid="history-per-topic" />
      </label>
      <label className="check small">
        At most (MB)
        <input type="number" min={1} max={4096} value={maxMB} onChange={(e) => setMaxMB(e.target.value)} data-testid="history-max-mb" />
      </label>
      <button type="submit" className="small-button" disabled={save.busy || !parsed.success} data-testid="history-settings-save">
        Save
      </button>
      <button type="button" className="link small" onClick={() => setEditing(false)}>
        Cancel
      </button>
      {!parsed.success && <span className="warn small">From 0 to 1,000 messages per topic (0 keeps none), 1 to 4,096 MB.</span>}
      {save.busy && <Busy label="Saving…" />}
      {save.error && <Problem problem={save.error} />}
    </form>
  );
}
