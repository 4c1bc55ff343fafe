/**
 * The certificate import, in one panel: choose files, read the core's
 * summary (unlocking an encrypted key if needed), choose where the bundle
 * goes, save, and optionally connect. Opened from the connection list (any
 * target) or from a connection's form (that connection preselected). Nothing
 * is saved before Save; Escape closes it.
 */
import { useState } from 'react';
import type { Profile } from '../../../shared/profiles';
import type { AppError } from '../../../shared/result';
import { setState, useStore } from '../app/store';
import { client } from '../client';
import { Busy } from '../feedback/Busy';
import { Problem } from '../feedback/Problem';
import { ModalDialog } from '../forms/ModalDialog';
import { FilePicker } from './FilePicker';
import { ImportSummaryView } from './ImportSummaryView';
import { InspectionProgress } from './InspectionProgress';
import { PassphrasePrompt } from './PassphrasePrompt';
import { TargetForm, type ApplyTarget } from './TargetForm';
import { useBundleInspection } from './use-bundle-inspection';

export interface WizardResult {
  profile: Profile;
  connected: boolean;
}

type Action = 'idle' | 'saving' | 'connecting';

function PickedList({ names, onClear, disabled }: { names: string[]; onClear: () => void; disabled: boolean }) {
  if (names.length === 0) return null;
  return (
    <div className="picked small" data-testid="import-picked">
      <span className="muted">
        {names.length} file{names.length === 1 ? '' : 's'}:
      </span>{' '}
      <span className="mono">{names.join(', ')}</span>{' '}
      <button type="button" className="link" onClick={onClear} disabled={disabled}>
        Start over
      </button>
    </div>
  );
}

function SavedStep({ profile, action, onConnect, onClose }: { profile: Profile; action: Action; onConnect: () => void; onClose: () => void }) {
  return (
    <section className="saved" data-testid="import-saved" aria-label="Saved">
      <p>
        Saved to <strong>{profile.name}</strong>. The private key is in the OS keychain.
      </p>
      <div className="actions">
        <button type="button" className="primary" onClick={onConnect} disabled={action !== 'idle'} data-testid="import-connect">
          Connect now
        </button>
        <button type="button" onClick={onClose} disabled={action !== 'idle'}>
          Close
        </button>
        {action === 'connecting' && <Busy label="Connecting…" />}
      </div>
    </section>
  );
}

export function ImportWizard({ targetId, onClose }: { targetId: string | null; onClose: (result: WizardResult | null) => void }) {
  const profiles = useStore((s) => s.profiles);
  const bundle = useBundleInspection();
  const [action, setAction] = useState<Action>('idle');
  const [actionError, setActionError] = useState<AppError | null>(null);
  const [saved, setSaved] = useState<Profile | null>(null);
  const busy = bundle.inspecting || action !== 'idle';
  const target = targetId ? profiles.find((p) => p.id === targetId) : undefined;
  const { summary } = bundle;

  async function save(to: ApplyTarget) {
    if (!summary?.importId) return;
    setAction('saving');
    setActionError(null);
    const result = await client.invoke('certificates.apply', { importId: summary.importId, ...to });
    setAction('idle');
    if (!result.ok) {
      setActionError(result.error);
      return;
    }
    setSaved(result.value);
    setState({ selectedId: result.value.id });
  }

  async function connect(profile: Profile) {
    setAction('connecting');
    setActionError(null);
    const result = await client.invoke('sessions.connect', { id: profile.id });
    setAction('idle');
    if (result.ok) onClose({ profile, connected: true });
    else setActionError(result.error);
  }

  const close = () => onClose(saved ? { profile: saved, connected: false } : null);

  return (
    <ModalDialog label="Import certificates" busy={busy} onClose={close} testId="import-wizard">
      <div className="panel import" aria-busy={busy}>
        <header className="panel-head">
          <h2>Import certificates{target ? ` into ${target.name}` : ''}</h2>
          <span className="spacer" />
          <button type="button" className="link" onClick={close} aria-label="Close the import">
            Close
          </button>
        </header>

        {!saved && (
          <>
            <FilePicker disabled={busy} onPick={(files) => bundle.add(files)} />
            <PickedList names={bundle.picked.map((p) => p.name)} onClear={bundle.clear} disabled={action !== 'idle'} />
          </>
        )}
        {bundle.inspecting && <InspectionProgress progress={bundle.progress} onCancel={bundle.cancel} />}
        {bundle.error && <Problem problem={bundle.error} testId="import-error" />}

        {summary && <ImportSummaryView summary={summary} />}
        {summary?.needsPassphrase && !saved && <PassphrasePrompt busy={busy} onUnlock={bundle.unlock} />}
        {summary && !saved && <TargetForm summary={summary} profiles={profiles} initialTargetId={targetId} busy={busy} onSave={(to) => void save(to)} />}
        {action === 'saving' && <Busy label="Saving…" />}
        {saved && <SavedStep profile={saved} action={action} onConnect={() => void connect(saved)} onClose={close} />}
        {actionError && <Problem problem={actionError} testId="import-error" />}
      </div>
    </ModalDialog>
  );
}
