/**
 * A connection imported from an export carries no secrets, and one whose
 * secrets lived in memory (no OS keychain) lost them when that run ended.
 * Before it connects this asks for the ones it lists (the password, the client
 * key file and its passphrase, the device key of a SAS token), saves them with `profiles.save`, then
 * connects. What is typed stays in this form only until it is sent.
 */
import { useState, type FormEvent } from 'react';
import { secretsLostWithSession, type Profile, type SecretInput } from '../../../shared/profiles';
import { useClient } from '../app/services';
import { useStore } from '../app/store';
import { Busy } from '../feedback/Busy';
import { Problem } from '../feedback/Problem';
import { useAction } from '../feedback/use-action';
import { Field } from '../forms/Field';
import { readText } from './files';
import { settingsOf } from './settings';

export function PendingSecretsPrompt({ profile, onCancel, onConnected }: { profile: Profile; onCancel: () => void; onConnected: () => void }) {
  const client = useClient();
  const needsPassword = profile.pendingSecrets.includes('password');
  const needsKey = profile.pendingSecrets.includes('clientKey');
  const needsDeviceKey = profile.pendingSecrets.includes('deviceKey');
  const inMemory = useStore((s) => s.info?.keychain.store === 'session');
  const [password, setPassword] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [deviceKey, setDeviceKey] = useState('');
  const [keyFile, setKeyFile] = useState<File | null>(null);
  const { label: busy, error, run } = useAction();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if ((needsKey && !keyFile) || (needsPassword && !password) || (needsDeviceKey && !deviceKey) || busy) return;
    const connected = await run(
      async (step) => {
        const secrets: SecretInput = {};
        if (needsPassword) secrets.password = password;
        if (needsKey && keyFile) secrets.clientKey = await readText(keyFile);
        if (needsKey && passphrase) secrets.passphrase = passphrase;
        if (needsDeviceKey) secrets.deviceKey = deviceKey;
        const saved = await client.invoke('profiles.save', { id: profile.id, settings: settingsOf(profile), secrets });
        setPassword('');
        setPassphrase('');
        setDeviceKey('');
        if (!saved.ok) return saved;
        step('Connecting…');
        return client.invoke('sessions.connect', { id: profile.id });
      },
      { label: inMemory ? 'Saving…' : 'Saving to the keychain…' },
    );
    if (connected.ok) onConnected();
  }

  return (
    <form className="panel pending" onSubmit={(e) => void submit(e)} aria-label="Secrets this connection needs" aria-busy={!!busy} data-testid="pending-secrets">
      <p className="failure-message">
        {secretsLostWithSession(profile) ? 'Its secrets were kept in memory only (no OS keychain), and the run that held them has ended.' : 'This connection was imported without its secrets.'}
      </p>
      <p className="muted">
        {inMemory ? 'They are kept in memory until the app closes, never in the connection file.' : 'Give them once; they are saved in the OS keychain, not in the connection file.'}
      </p>
      <div className="row">
        {needsPassword && (
          <Field label={`Password${profile.username ? ` for ${profile.username}` : ''}`}>
            <input type="password" value={password} required autoComplete="new-password" onChange={(e) => setPassword(e.target.value)} data-testid="pending-password" />
          </Field>
        )}
        {needsKey && (
          <>
            <Field label="Client private key (PEM)" hint={keyFile ? keyFile.name : 'The key of the connection’s client certificate'}>
              <input type="file" accept=".pem,.key" required onChange={(e) => setKeyFile(e.target.files?.[0] ?? null)} data-testid="pending-key" />
            </Field>
            <Field label="Key passphrase" hint="Only if the key is encrypted">
              <input type="password" value={passphrase} autoComplete="off" onChange={(e) => setPassphrase(e.target.value)} data-testid="pending-passphrase" />
            </Field>
          </>
        )}
        {needsDeviceKey && (
          <Field label="Device key" hint="Signs the connection’s SAS tokens; the key itself is never sent">
            <input type="password" value={deviceKey} required autoComplete="off" onChange={(e) => setDeviceKey(e.target.value)} data-testid="pending-device-key" />
          </Field>
        )}
      </div>
      {error && <Problem problem={error} />}
      <div className="actions">
        <button type="submit" className="primary" disabled={!!busy || (needsKey && !keyFile) || (needsPassword && !password) || (needsDeviceKey && !deviceKey)} data-testid="pending-save">
          Save and connect
        </button>
        <button type="button" className="link" onClick={onCancel} disabled={!!busy}>
          Cancel
        </button>
        {busy && <Busy label={busy} />}
      </div>
    </form>
  );
}
