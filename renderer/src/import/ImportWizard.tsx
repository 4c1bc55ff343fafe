/**
 * The certificate import, in one panel: choose files, read the core's
 * summary (unlocking an encrypted key if needed), choose where the bundle
 * goes, save, and optionally connect. Opened from the connection list (any
 * target) or from a connection's form (that connection preselected). A
 * locked key or PKCS#12 file shows only the passphrase prompt until it is
 * unlocked. Nothing is saved before Save; Escape closes it.
 */
import { useState } from 'react';
import type { Profile } from '../../../shared/profiles';
import { useServices } from '../app/services';
import { useStore } from '../app/store';
import { Busy } from '../feedback/Busy';
import { Problem } from '../feedback/Problem';
import { useAction } from '../feedback/use-action';
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

function SavedStep({ profile, connecting, onConnect, onClose }: { profile: Profile; connecting: boolean; onConnect: () => void; onClose: () => void }) {
  return (
    <section className="saved" data-testid="import-saved" aria-label="Saved">
      <p>
        Saved to <strong>{profile.name}</strong>. The private key is in the OS keychain.
      </p>
      <div className="actions">
        <button type="button" className="primary" onClick={onConnect} disabled={connecting} data-testid="import-connect">
          Connect now
        </button>
        <button type="button" onClick={onClose} disabled={connecting}>
          Close
        </button>
        {connecting && <Busy label="Connecting…" />}
      </div>
    </section>
  );
}

export function ImportWizard({ targetId, onClose }: { targetId: string | null; onClose: (result: WizardResult | null) => void }) {
  const { client, store } = useServices();
  const profiles = useStore((s) => s.profiles);
  const bundle = useBundleInspection();
  const action = useAction();
  const [saved, setSaved] = useState<Profile | null>(null);
  const busy = bundle.inspecting || action.busy;
  const target = targetId ? profiles.find((p) => p.id === targetId) : undefined;
  const { summary } = bundle;
  const locked = !!summary?.needsPassphrase && !saved;
  const passphraseProblems = summary?.errors.filter((e) => e.code === 'key_passphrase_missing' || e.code === 'key_wrong_passphrase') ?? [];

  async function save(to: ApplyTarget) {
    const importId = summary?.importId;
    if (!importId) return;
    const result = await action.run(() => client.invoke('certificates.apply', { importId, ...to }), { label: 'Saving…' });
    if (!result.ok) return;
    setSaved(result.value);
    store.set({ selectedId: result.value.id });
  }

  async function connect(profile: Profile) {
    const result = await action.run(() => client.invoke('sessions.connect', { id: profile.id }), { label: 'Connecting…' });
    if (result.ok) onClose({ profile, connected: true });
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
            <PickedList names={bundle.picked.map((p) => p.name)} onClear={bundle.clear} disabled={action.busy} />
          </>
        )}
        {bundle.inspecting && <InspectionProgress progress={bundle.progress} onCancel={bundle.cancel} />}
        {bundle.error && <Problem problem={bundle.error} testId="import-error" />}

        {locked && <PassphrasePrompt busy={busy} problems={passphraseProblems} onUnlock={bundle.unlock} />}
        {summary && !locked && <ImportSummaryView summary={summary} />}
        {summary && !saved && !locked && <TargetForm summary={summary} profiles={profiles} initialTargetId={targetId} busy={busy} onSave={(to) => void save(to)} />}
        {!saved && action.busy && <Busy label="Saving…" />}
        {saved && <SavedStep profile={saved} connecting={action.busy} onConnect={() => void connect(saved)} onClose={close} />}
        {action.error && <Problem problem={action.error} testId="import-error" />}
      </div>
    </ModalDialog>
  );
}
