/**
 * Unlocking an encrypted key or PKCS#12 file. The field is uncontrolled: the
 * passphrase is read once on submit, handed to one inspect request, and the
 * field is emptied; it never sits in React state.
 */
import { useRef, type FormEvent } from 'react';

export function PassphrasePrompt({ busy, onUnlock }: { busy: boolean; onUnlock: (passphrase: string) => void }) {
  const input = useRef<HTMLInputElement>(null);

  function submit(event: FormEvent) {
    event.preventDefault();
    const el = input.current;
    if (!el || !el.value || busy) return;
    const passphrase = el.value;
    el.value = '';
    onUnlock(passphrase);
  }

  return (
    <form className="passphrase caution" onSubmit={submit} aria-label="Unlock the encrypted key">
      <p className="failure-message">A key in this bundle is protected by a passphrase.</p>
      <div className="row">
        <label className="field">
          <span className="field-label">Passphrase</span>
          <input ref={input} type="password" name="bundle-passphrase" autoComplete="off" data-testid="import-passphrase" />
        </label>
        <button type="submit" disabled={busy} data-testid="import-unlock">
          Unlock
        </button>
      </div>
    </form>
  );
}
