/**
 * The TLS part of the connection form: the certificates in use and the bundle
 * import, trusted CAs, the client certificate and its key (write-only, to the
 * keychain), SNI, ALPN, minimum version, pins, and verification, whose
 * turning off sits behind an explicit acknowledgement shown in red. Picked
 * files that hold what a field must not are refused at once (form-state.ts).
 * Saved CAs are named by their subjects. A passphrase problem (an encrypted
 * key picked, or a passphrase the core refused) is said at the passphrase
 * field, which takes the focus.
 */
import { useEffect, useRef, useState } from 'react';
import type { Profile } from '../../../shared/profiles';
import type { AppError } from '../../../shared/result';
import { Problem } from '../feedback/Problem';
import { Field } from '../forms/Field';
import { RevocationFields } from '../certificates/RevocationFields';
import { CertificatesInUse } from './CertificatesInUse';
import { readText } from './files';
import { pickCaFiles, pickClientCertificate, pickClientKey, withCaFiles, withVerify, type FormState, type PickedText, type SetField } from './form-state';
import { savedCaSubjects } from './saved-ca';
import { useDescription } from './use-description';

async function picked(file: File | undefined): Promise<PickedText | null> {
  return file ? { name: file.name, text: await readText(file) } : null;
}

/** The sentence under the passphrase field: what is wrong, and what to do here (never "go to the settings": this is them). */
function PassphraseProblem({ problem }: { problem: AppError }) {
  const hint = problem.code === 'key_passphrase_missing' ? 'Type its passphrase here; it goes to the OS keychain with the key.' : problem.hint;
  return (
    <span className="field-problem" role="alert" data-testid="passphrase-problem" data-code={problem.code}>
      {problem.message} {hint}
    </span>
  );
}

export function TlsFieldset({
  f,
  set,
  update,
  profile,
  busy,
  onImportBundle,
  passphraseError = null,
}: {
  f: FormState;
  set: SetField;
  update: (change: (f: FormState) => FormState) => void;
  profile: Profile | null;
  busy: boolean;
  onImportBundle?: () => void;
  /** What is wrong with the key's passphrase, shown at its field. */
  passphraseError?: AppError | null;
}) {
  const stored = profile?.secrets;
  /** A picked file that was not taken, and why. */
  const [refused, setRefused] = useState<AppError | null>(null);
  const description = useDescription(profile);
  const caSubjects = savedCaSubjects(profile?.tls.ca ?? [], description.described?.ca ?? []);
  const passphraseInput = useRef<HTMLInputElement>(null);
  const passphraseProblemKey = passphraseError ? `${passphraseError.code}:${passphraseError.message}` : null;
  useEffect(() => {
    if (passphraseProblemKey === null) return;
    passphraseInput.current?.scrollIntoView({ block: 'center' });
    passphraseInput.current?.focus();
  }, [passphraseProblemKey]);

  async function pickCa(files: FileList | null) {
    if (!files) return;
    const { taken, refused } = pickCaFiles(await Promise.all([...files].map(async (file) => ({ name: file.name, text: await readText(file) }))));
    setRefused(refused);
    if (taken.length) update((s) => withCaFiles(s, taken));
  }

  async function pickCertificate(file: File | undefined) {
    const text = await picked(file);
    if (!text) return;
    const { taken, refused } = pickClientCertificate(text);
    setRefused(refused);
    if (taken[0]) set('clientCertificate', taken[0]);
  }

  return (
    <fieldset>
      <legend>TLS</legend>
      {profile && <CertificatesInUse profile={profile} description={description} />}
      <div className="row bundle-row">
        {profile && onImportBundle ? (
          <button type="button" onClick={onImportBundle} disabled={busy} data-testid="import-bundle">
            Import bundle…
          </button>
        ) : (
          <span className="muted small">To import a bundle (PKCS#12, zip, folder) into this connection, save it first, or use Import certificates in the connection list.</span>
        )}
        <span className="muted small">Or pick the files one by one below.</span>
      </div>
      <div className="row">
        <Field label="Trusted CAs">
          <select name="trust" value={f.trust} onChange={(e) => set('trust', e.target.value as FormState['trust'])}>
            <option value="system">System roots (Node and the operating system)</option>
            <option value="custom">Only this connection's CA files</option>
            <option value="system+custom">System roots and this connection's CA files</option>
          </select>
        </Field>
        <Field label="CA certificate files (PEM)">
          <input name="ca" type="file" multiple accept=".pem,.crt,.cer,.ca,text/plain" onChange={(e) => void pickCa(e.target.files)} data-testid="ca-file" />
        </Field>
      </div>
      {f.ca.length > 0 && (
        <ul className="files">
          {f.ca.map((c, i) => (
            <li key={c.name + i} data-testid="ca-entry">
              {(c.saved && caSubjects.get(c.text)?.join('; ')) || c.name}
              {c.saved && <span className="muted small"> (saved)</span>}{' '}
              <button type="button" className="link" onClick={() => set('ca', f.ca.filter((_, j) => j !== i))}>
                remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="row">
        <Field label="Client certificate (PEM)" hint={f.clientCertificate ? f.clientCertificate.name : 'None'}>
          <input name="clientCertificate" type="file" accept=".pem,.crt,.cer" onChange={(e) => void pickCertificate(e.target.files?.[0])} />
        </Field>
        <Field label="Client private key (PEM)" hint={f.clientKey ? `${f.clientKey.name}, goes to the keychain` : f.clientCertificate?.holdsKey ? `From ${f.clientCertificate.name}, goes to the keychain` : stored?.clientKey ? 'Stored in the keychain.' : 'None'}>
          <input name="clientKey" type="file" accept=".pem,.key" onChange={async (e) => { const p = await picked(e.target.files?.[0]); if (p) set('clientKey', pickClientKey(p)); }} />
        </Field>
        <Field label="Key passphrase" hint={passphraseError ? <PassphraseProblem problem={passphraseError} /> : stored?.passphrase ? 'Stored in the keychain; type to replace.' : undefined}>
          <input
            ref={passphraseInput}
            name="passphrase"
            type="password"
            value={f.passphrase}
            onChange={(e) => set('passphrase', e.target.value)}
            autoComplete="off"
            aria-invalid={!!passphraseError}
            className={passphraseError ? 'invalid' : undefined}
            data-testid="passphrase"
          />
        </Field>
      </div>
      {f.clientCertificate?.holdsKey && !f.removeIdentity && (
        <p className="muted small" role="status" data-testid="certificate-key-note">
          {f.clientCertificate.name} also holds the private key. On save, the key goes to the OS keychain as this connection's client key; the connection keeps the certificate only.
        </p>
      )}
      {refused && <Problem problem={refused} testId="file-refused" />}
      {(stored?.clientKey || profile?.tls.clientCertificate) && (
        <label className="check">
          <input type="checkbox" checked={f.removeIdentity} onChange={(e) => set('removeIdentity', e.target.checked)} /> Remove the client certificate and its key
        </label>
      )}
      <div className="row">
        <Field label="SNI server name" hint="Empty: the URL's host.">
          <input name="servername" value={f.servername} onChange={(e) => set('servername', e.target.value)} spellCheck={false} />
        </Field>
        <Field label="ALPN protocols" hint="AWS IoT on port 443: x-amzn-mqtt-ca">
          <input name="alpn" value={f.alpn} onChange={(e) => set('alpn', e.target.value)} spellCheck={false} />
        </Field>
        <Field label="Minimum TLS version">
          <select name="minVersion" value={f.minVersion} onChange={(e) => set('minVersion', e.target.value as FormState['minVersion'])}>
            <option value="TLSv1.2">TLS 1.2</option>
            <option value="TLSv1.3">TLS 1.3</option>
          </select>
        </Field>
      </div>
      <Field label="Pins (sha256:… of the broker's certificate or public key, one per line)">
        <textarea name="pins" rows={2} value={f.pins} onChange={(e) => set('pins', e.target.value)} spellCheck={false} />
      </Field>
      <RevocationFields value={f} onChange={({ crls, revocationHardFail }) => update((s) => ({ ...s, crls, revocationHardFail }))} />
      <label className="check">
        <input type="checkbox" name="verify" checked={f.verify} onChange={(e) => update((s) => withVerify(s, e.target.checked))} /> Verify the broker's certificate and host name (recommended)
      </label>
      {!f.verify && (
        <div className="danger" role="alert">
          <p>
            With verification off, anyone on the network path can impersonate this broker and read everything, including the password. This connection will always be graded <strong>insecure</strong>.
          </p>
          <label className="check">
            <input type="checkbox" name="insecureAcknowledged" checked={f.insecureAcknowledged} onChange={(e) => set('insecureAcknowledged', e.target.checked)} /> I understand; turn verification off for this connection only
          </label>
        </div>
      )}
    </fieldset>
  );
}
