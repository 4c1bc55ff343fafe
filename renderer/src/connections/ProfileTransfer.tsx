/**
 * Moving connections between machines and tools: Export downloads every
 * connection as JSON without any secret (the core writes it); Import
 * connections reads a file the operator picks (this app's export, an MQTTX
 * export in JSON or YAML, MQTT Explorer's settings.json) and sends its text to
 * the core, which tells the format from the content. The core's summary is
 * shown as it is: what arrived, which secrets went to the keychain and that
 * the file still holds them, which files to pick instead of paths. Imported
 * connections ask for their secrets on first connect. What it reports can be
 * dismissed, and goes at the operator's next action in the list (`clearOn`
 * changes).
 */
import { useEffect, useRef, useState } from 'react';
import { MAX_PROFILES_TEXT } from '../../../shared/contract';
import type { ConnectionsImport } from '../../../shared/profiles';
import { formatBytes } from '../../../shared/sizes';
import { downloadText } from '../app/download';
import { useClient } from '../app/services';
import { Busy } from '../feedback/Busy';
import { Problem } from '../feedback/Problem';
import { useAction } from '../feedback/use-action';
import { DismissButton } from '../forms/DismissButton';

export function ProfileTransfer({ hasProfiles, clearOn = 0 }: { hasProfiles: boolean; clearOn?: number }) {
  const client = useClient();
  const fileInput = useRef<HTMLInputElement>(null);
  const { label: busy, error, run, fail, reset } = useAction();
  const [message, setMessage] = useState<string | null>(null);
  const [report, setReport] = useState<ConnectionsImport | null>(null);
  const dismiss = () => {
    setMessage(null);
    setReport(null);
    reset();
  };
  useEffect(() => {
    if (clearOn === 0) return;
    setMessage(null);
    setReport(null);
    reset();
  }, [clearOn, reset]);

  async function exportAll() {
    setMessage(null);
    setReport(null);
    const result = await run(() => client.invoke('profiles.export', {}), { label: 'Exporting…' });
    if (!result.ok) return;
    downloadText(result.value.fileName, result.value.text, 'application/json');
    setMessage(`Exported to ${result.value.fileName} (no secrets).`);
  }

  async function importFile(file: File | undefined) {
    if (!file) return;
    setMessage(null);
    setReport(null);
    if (file.size > MAX_PROFILES_TEXT) {
      return fail({
        code: 'profiles_import_too_large',
        message: `${file.name} is ${formatBytes(file.size)}; a connections file is read up to ${formatBytes(MAX_PROFILES_TEXT)}.`,
        hint: 'MQTTX exports every message it kept along with its connections: clear their history in MQTTX, or export one connection at a time.',
      });
    }
    const result = await run(async () => client.invoke('profiles.import', { text: await file.text() }), { label: 'Importing…' });
    if (result.ok) setReport(result.value);
  }

  return (
    <div className="transfer" aria-busy={!!busy}>
      <div className="actions">
        <button type="button" className="small-button" onClick={() => void exportAll()} disabled={!!busy || !hasProfiles} data-testid="export-connections">
          Export
        </button>
        <button
          type="button"
          className="small-button"
          onClick={() => fileInput.current?.click()}
          disabled={!!busy}
          title="An export of this app, an MQTTX export (JSON or YAML) or MQTT Explorer's settings.json"
          data-testid="import-connections"
        >
          Import connections
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".json,.yaml,.yml,application/json"
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
      {report && (
        <div className="import-report small dismissable" role="status" data-testid="transfer-result">
          <div>
            <ul>
              {report.summary.map((line, i) => (
                <li key={i} data-testid="import-summary-line">
                  {line}
                </li>
              ))}
            </ul>
            {report.sourceWarning && (
              <p className="warn" data-testid="import-source-warning">
                {report.sourceWarning}
              </p>
            )}
          </div>
          <DismissButton onClick={dismiss} />
        </div>
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
