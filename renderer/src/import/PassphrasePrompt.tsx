/**
 * Unlocking an encrypted key or PKCS#12 file: until it is unlocked, the only
 * thing the wizard shows (a summary of a locked bundle would claim it holds
 * nothing). It says which file needs the passphrase, or that the one typed did
 * not unlock it, and takes the focus. The field is uncontrolled: the
 * passphrase is read once on submit, handed to one inspect request, and the
 * field is emptied; it never sits in React state.
 */
import { useEffect, useRef, type FormEvent } from 'react';
import type { AppError } from '../../../shared/result';

export function PassphrasePrompt({ busy, problems, onUnlock }: { busy: boolean; problems: AppError[]; onUnlock: (passphrase: string) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const said = problems.map((p) => p.message).join('\n');
  // Each answer (first the request, then a refusal) puts the cursor back where the passphrase goes.
  useEffect(() => {
    if (!busy) input.current?.focus();
  }, [said, busy]);

  function submit(event: FormEvent) {
    event.preventDefault();
    const el = input.current;
    if (!el || !el.value || busy) return;
    const passphrase = el.value;
    el.value = '';
    onUnlock(passphrase);
  }

  const wrong = problems.some((p) => p.code === 'key_wrong_passphrase');
  return (
    <form className="passphrase caution" onSubmit={submit} aria-label="Unlock the encrypted key" data-testid="import-locked">
      {problems.length === 0 ? (
        <p className="failure-message">A key in this bundle is protected by a passphrase.</p>
      ) : (
        problems.map((p, i) => (
          <p key={`${p.code}-${i}`} className="failure-message" role={wrong ? 'alert' : undefined} data-testid="import-error" data-code={p.code}>
            {p.message}
          </p>
        ))
      )}
      <p className="small">{wrong ? (problems[0]?.hint ?? '') : 'Enter the passphrase it was exported with; the bundle is read again with it. It is not stored.'}</p>
      <div className="row">
        <label className="field">
          <span className="field-label">Passphrase</span>
          <input ref={input} type="password" name="bundle-passphrase" autoComplete="off" autoFocus aria-invalid={wrong} data-testid="import-passphrase" />
        </label>
        <button type="submit" disabled={busy} data-testid="import-unlock">
          Unlock
        </button>
      </div>
    </form>
  );
}
