/**
 * Create or edit a connection: every setting of a profile, secrets write-only.
 * Turning verification off sits behind an explicit acknowledgement, and the
 * security grade of such a connection is always insecure. A saved connection
 * shows the certificates and key it uses and can take a bundle (PKCS#12, zip,
 * folder) through the import wizard; when the wizard changes its certificates,
 * the form takes them over and keeps the operator's other edits. A name another
 * connection already has is pointed out; a passphrase problem is shown at the
 * passphrase field, not at the foot of the form. A new connection can start
 * from a cloud preset. The state and its rules are in form-state.ts, the
 * fieldsets in their own components.
 */
import { useState, type FormEvent } from 'react';
import type { Profile } from '../../../shared/profiles';
import { useServices } from '../app/services';
import { useStore } from '../app/store';
import { Busy } from '../feedback/Busy';
import { Problem } from '../feedback/Problem';
import { useAction } from '../feedback/use-action';
import { AuthFieldset, BrokerFieldset, SubscriptionsFieldset, WillFieldset } from './ConnectionFieldsets';
import { certificatesOf, defaultName, formProblem, initialState, isEncryptedUrl, PASSPHRASE_ERRORS, passphraseProblem, toSecrets, toSettings, withCertificatesOf, type FormState, type SetField } from './form-state';
import { duplicateNameWarning } from './names';
import { PresetPicker } from './PresetPicker';
import { SasFieldset } from './SasFieldset';
import { TlsFieldset } from './TlsFieldset';
import { DecodersFieldset } from '../decoders/DecodersFieldset';

export function ConnectionForm({ profile, onDone, onImportBundle }: { profile: Profile | null; onDone: (saved: Profile | null) => void; onImportBundle?: () => void }) {
  const { client, store } = useServices();
  const [f, setF] = useState<FormState>(() => initialState(profile));
  const { busy, error, run, fail } = useAction();
  // When the saved certificates change underneath (the import wizard applied a bundle), take them
  // over, so saving this form does not put the old ones back.
  const [seenCertificates, setSeenCertificates] = useState(() => certificatesOf(profile));
  if (certificatesOf(profile) !== seenCertificates) {
    setSeenCertificates(certificatesOf(profile));
    setF((s) => withCertificatesOf(s, profile));
  }
  const set: SetField = (key, value) => setF((s) => ({ ...s, [key]: value }));
  const profiles = useStore((s) => s.profiles);
  const nameWarning = duplicateNameWarning(f.name.trim() || defaultName(f.url), profiles, profile?.id);
  const storedPassphrase = !!profile?.secrets.passphrase;
  const passphraseError = error && (PASSPHRASE_ERRORS.has(error.code) || error.field?.[1] === 'passphrase') ? error : passphraseProblem(f, storedPassphrase);

  async function save(connect: boolean, event?: FormEvent) {
    event?.preventDefault();
    const problem = formProblem(f, storedPassphrase);
    if (problem) return fail(problem);
    const saved = await run(async () => {
      const result = await client.invoke('profiles.save', { id: profile?.id, settings: toSettings(f), secrets: toSecrets(f) });
      if (result.ok) store.set({ selectedId: result.value.id });
      return result;
    });
    if (!saved.ok) return;
    if (connect) await run(() => client.invoke('sessions.connect', { id: saved.value.id }));
    onDone(saved.value);
  }

  return (
    <form className="panel form" aria-label="Connection settings" onSubmit={(e) => void save(true, e)} data-testid="connection-form">
      <header className="panel-head">
        <h2>{profile ? `Edit ${profile.name}` : 'New connection'}</h2>
      </header>
      {!profile && <PresetPicker update={setF} />}
      <BrokerFieldset f={f} set={set} nameWarning={nameWarning} />
      <AuthFieldset f={f} set={set} profile={profile} />
      <SasFieldset f={f} set={set} />
      {isEncryptedUrl(f.url) && <TlsFieldset f={f} set={set} update={setF} profile={profile} busy={busy} onImportBundle={onImportBundle} passphraseError={passphraseError} />}
      <SubscriptionsFieldset f={f} set={set} error={error} />
      <DecodersFieldset decoders={f.decoders} onChange={(decoders) => set('decoders', decoders)} />
      <WillFieldset f={f} set={set} />

      {error && error !== passphraseError && <Problem problem={error} testId="form-error" />}

      <div className="actions" aria-busy={busy}>
        <button type="submit" className="primary" disabled={busy} data-testid="save-connect">
          Save and connect
        </button>
        <button type="button" disabled={busy} onClick={() => void save(false)}>
          Save
        </button>
        <button type="button" className="link" onClick={() => onDone(null)}>
          Cancel
        </button>
        {busy && <Busy />}
      </div>
    </form>
  );
}
