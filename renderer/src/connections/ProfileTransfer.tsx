/**
 * Moving connections between machines: Export downloads every connection as
 * JSON without any secret (the core writes it); Import connections reads
 * such a file and reports how many arrived. Imported connections ask for
 * their secrets on first connect. What it reports can be dismissed, and goes
 * at the operator's next action in the list (`clearOn` changes).
 */
import { useEffect, useRef, useState } from 'react';
import { downloadText } from '../app/download';
import { useClient } from '../app/services';
import { Busy } from '../feedback/Busy';
import { Problem } from '../feedback/Problem';
import { useAction } from '../feedback/use-action';
import { DismissButton } from '../forms/DismissButton';

export function ProfileTransfer({ hasProfiles, clearOn = 0 }: { hasProfiles: boolean; clearOn?: number }) {
  const client = useClient();
  const fileInput = useRef<HTMLInputElement>(null);
  const { label: busy, error, run, reset } = useAction();
  const [message, setMessage] = useState<string | null>(null);
  const dismiss = () => {
    setMessage(null);
    reset();
  };
  useEffect(() => {
    if (clearOn === 0) return;
    setMessage(null);
    reset();
  }, [clearOn, reset]);

  async function exportAll() {
    setMessage(null);
    const result = await run(() => client.invoke('profiles.export', {}), { label: 'Exporting…' });
    if (!result.ok) return;
    downloadText(result.value.fileName, result.value.text, 'application/json');
    setMessage(`Exported to ${result.value.fileName} (no secrets).`);
  }

  async function importFile(file: File | undefined) {
    if (!file) return;
    setMessage(null);
    const result = await run(async () => client.invoke('profiles.import', { text: await file.text() }), { label: 'Importing…' });
    if (!result.ok) return;
    const n = result.value.length;
    const pending = result.value.filter((p) => p.pendingSecrets.length > 0).length;
    setMessage(`Imported ${n} connection${n === 1 ? '' : 's'}${pending ? `; ${pending} need${pending === 1 ? 's' : ''} secrets before connecting` : ''}.`);
  }

  return (
    <div className="transfer" aria-busy={!!busy}>
      <div className="actions">
        <button type="button" className="small-button" onClick={() => void exportAll()} disabled={!!busy || !hasProfiles} data-testid="export-connections">
          Export
        </button>
        <button type="button" className="small-button" onClick={() => fileInput.current?.click()} disabled={!!busy} data-testid="import-connections">
          Import connections
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          hidden
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            e.currentTarget.value = '';
            void importFile(file);
          }}
          data-testid="import-connections-file"
        />
      </div>
      {busy && <Busy label={busy} />}
      {message && (
        <p className="small dismissable" role="status" data-testid="transfer-result">
          <span>{message}</span>
          <DismissButton onClick={dismiss} />
        </p>
      )}
      {error && (
        <div className="dismissable" data-testid="transfer-error">
          <Problem problem={error} />
          <DismissButton onClick={dismiss} />
        </div>
      )}
    </div>
  );
}
