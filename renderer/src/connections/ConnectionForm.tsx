/**
 * Create or edit a connection: every setting of a profile, secrets write-only.
 * Turning verification off sits behind an explicit acknowledgement, and the
 * security grade of such a connection is always insecure. A saved connection
 * shows the certificates and key it uses and can take a bundle (PKCS#12, zip,
 * folder) through the import wizard; when the wizard changes its certificates,
 * the form takes them over and keeps the operator's other edits. A picked file
 * that holds a private key is never kept as a certificate: a CA file with a key
 * is refused at once, a client certificate file's key is said to go to the
 * keychain (main moves it there on save).
 */
import { useState, type FormEvent } from 'react';
import type { Profile, ProfileSettingsInput, Qos, SecretInput } from '../../../shared/profiles';
import { certificateFieldProblem, readCertificateField } from '../../../shared/pem';
import type { AppError } from '../../../shared/result';
import { client } from '../client';
import { setState } from '../app/store';
import { Busy } from '../feedback/Busy';
import { Problem } from '../feedback/Problem';
import { Field } from '../forms/Field';
import { CertificatesInUse } from './CertificatesInUse';
import { MaxPacketField } from './MaxPacketField';
import { packetLimitBytes, packetLimitText } from './packet-limit';
import { readText } from './files';

interface PickedText {
  name: string;
  text: string;
  /** A client certificate file that also holds its private key. */
  holdsKey?: boolean;
}

interface FormState {
  name: string;
  group: string;
  url: string;
  protocolVersion: 4 | 5;
  clientId: string;
  username: string;
  password: string;
  clearPassword: boolean;
  keepalive: string;
  maxPacketMB: string;
  clean: boolean;
  willEnabled: boolean;
  willTopic: string;
  willPayload: string;
  willQos: Qos;
  willRetain: boolean;
  trust: 'system' | 'custom' | 'system+custom';
  ca: PickedText[];
  clientCertificate: PickedText | null;
  clientKey: PickedText | null;
  passphrase: string;
  removeIdentity: boolean;
  servername: string;
  alpn: string;
  minVersion: 'TLSv1.2' | 'TLSv1.3';
  pins: string;
  verify: boolean;
  insecureAcknowledged: boolean;
  subscriptions: Array<{ filter: string; qos: Qos }>;
}

/** The fields that follow the saved profile's certificates (changed by the import wizard). */
function certificateFields(profile: Profile | null): Pick<FormState, 'trust' | 'ca' | 'clientCertificate' | 'clientKey' | 'passphrase' | 'removeIdentity'> {
  return {
    trust: profile?.tls.trust ?? 'system',
    ca: (profile?.tls.ca ?? []).map((text, i) => ({ name: `CA ${i + 1} (saved)`, text })),
    clientCertificate: profile?.tls.clientCertificate ? { name: 'saved certificate', text: profile.tls.clientCertificate } : null,
    clientKey: null,
    passphrase: '',
    removeIdentity: false,
  };
}

function certificatesOf(profile: Profile | null): string {
  return JSON.stringify([profile?.tls.trust, profile?.tls.ca, profile?.tls.clientCertificate, profile?.secrets]);
}

function initialState(profile: Profile | null): FormState {
  return {
    name: profile?.name ?? '',
    group: profile?.group ?? '',
    url: profile?.url ?? 'mqtts://',
    protocolVersion: profile?.protocolVersion ?? 4,
    clientId: profile?.clientId ?? '',
    username: profile?.username ?? '',
    password: '',
    clearPassword: false,
    keepalive: String(profile?.keepalive ?? 60),
    maxPacketMB: packetLimitText(profile?.maxPacketSize),
    clean: profile?.clean ?? true,
    willEnabled: !!profile?.will,
    willTopic: profile?.will?.topic ?? '',
    willPayload: profile?.will?.payload ?? '',
    willQos: profile?.will?.qos ?? 0,
    willRetain: profile?.will?.retain ?? false,
    ...certificateFields(profile),
    servername: profile?.tls.servername ?? '',
    alpn: (profile?.tls.alpn ?? []).join(', '),
    minVersion: profile?.tls.minVersion ?? 'TLSv1.2',
    pins: (profile?.tls.pins ?? []).join('\n'),
    verify: profile?.tls.verify ?? true,
    insecureAcknowledged: profile ? !profile.tls.verify : false,
    subscriptions: (profile?.subscriptions ?? []).map((s) => ({ ...s })),
  };
}

function defaultName(url: string): string {
  try {
    return new URL(url).host || 'Connection';
  } catch {
    return 'Connection';
  }
}

function toSettings(f: FormState): ProfileSettingsInput {
  const list = (text: string, sep: RegExp) => text.split(sep).map((s) => s.trim()).filter(Boolean);
  return {
    name: f.name.trim() || defaultName(f.url),
    group: f.group,
    url: f.url.trim(),
    protocolVersion: f.protocolVersion,
    clientId: f.clientId,
    username: f.username,
    keepalive: Number(f.keepalive),
    maxPacketSize: packetLimitBytes(f.maxPacketMB),
    clean: f.clean,
    will: f.willEnabled ? { topic: f.willTopic, payload: f.willPayload, qos: f.willQos, retain: f.willRetain } : null,
    tls: {
      trust: f.trust,
      ca: f.ca.map((c) => c.text),
      clientCertificate: f.removeIdentity ? null : (f.clientCertificate?.text ?? null),
      servername: f.servername,
      alpn: list(f.alpn, /[,\s]+/),
      minVersion: f.minVersion,
      pins: list(f.pins, /[\s,]+/),
      verify: f.verify,
    },
    subscriptions: f.subscriptions.filter((s) => s.filter.trim()).map((s) => ({ filter: s.filter.trim(), qos: s.qos })),
  };
}

function toSecrets(f: FormState): SecretInput {
  const secrets: SecretInput = {};
  if (f.clearPassword) secrets.password = null;
  else if (f.password) secrets.password = f.password;
  if (f.removeIdentity) {
    secrets.clientKey = null;
    secrets.passphrase = null;
    return secrets;
  }
  if (f.clientKey) secrets.clientKey = f.clientKey.text;
  if (f.passphrase) secrets.passphrase = f.passphrase;
  return secrets;
}

export function ConnectionForm({ profile, onDone, onImportBundle }: { profile: Profile | null; onDone: (saved: Profile | null) => void; onImportBundle?: () => void }) {
  const [f, setF] = useState<FormState>(() => initialState(profile));
  const [error, setError] = useState<AppError | null>(null);
  /** A picked file that was not taken, and why. */
  const [refused, setRefused] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  // When the saved certificates change underneath (the import wizard applied a bundle), take them
  // over, so saving this form does not put the old ones back.
  const [seenCertificates, setSeenCertificates] = useState(() => certificatesOf(profile));
  if (certificatesOf(profile) !== seenCertificates) {
    setSeenCertificates(certificatesOf(profile));
    setF((s) => ({ ...s, ...certificateFields(profile) }));
  }
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setF((s) => ({ ...s, [key]: value }));
  const encrypted = /^(mqtts|wss):/i.test(f.url.trim());
  const stored = profile?.secrets;

  async function save(connect: boolean, event?: FormEvent) {
    event?.preventDefault();
    if (!f.verify && !f.insecureAcknowledged) {
      setError({ code: 'confirm_insecure', message: 'Verification is off but not acknowledged.', hint: 'Tick the acknowledgement below the verification switch, or turn verification back on.' });
      return;
    }
    setBusy(true);
    setError(null);
    const result = await client.invoke('profiles.save', { id: profile?.id, settings: toSettings(f), secrets: toSecrets(f) });
    if (!result.ok) {
      setBusy(false);
      setError(result.error);
      return;
    }
    setState({ selectedId: result.value.id });
    if (connect) {
      const connected = await client.invoke('sessions.connect', { id: result.value.id });
      if (!connected.ok) setError(connected.error);
    }
    setBusy(false);
    onDone(result.value);
  }

  async function pickCa(files: FileList | null) {
    if (!files) return;
    const read = await Promise.all([...files].map(async (file) => ({ name: file.name, text: await readText(file) })));
    const problems = read.map((file) => certificateFieldProblem(file.text, 'ca'));
    const picked = read.filter((_, i) => problems[i] === null);
    const firstRefused = problems.findIndex((p) => p !== null);
    setRefused(firstRefused < 0 ? null : { code: 'ca_file_refused', message: `${read[firstRefused]?.name} was not added. ${problems[firstRefused]}`, hint: '' });
    if (picked.length) setF((s) => ({ ...s, ca: [...s.ca, ...picked], trust: s.trust === 'system' ? 'custom' : s.trust }));
  }

  async function pickClientCertificate(file: File | undefined) {
    if (!file) return;
    const text = await readText(file);
    const problem = certificateFieldProblem(text, 'client');
    setRefused(problem ? { code: 'certificate_file_refused', message: `${file.name} was not used. ${problem}`, hint: '' } : null);
    if (!problem) set('clientCertificate', { name: file.name, text, holdsKey: readCertificateField(text).privateKeys.length > 0 });
  }

  return (
    <form className="panel form" aria-label="Connection settings" onSubmit={(e) => void save(true, e)} data-testid="connection-form">
      <header className="panel-head">
        <h2>{profile ? `Edit ${profile.name}` : 'New connection'}</h2>
      </header>

      <fieldset>
        <legend>Broker</legend>
        <Field label="Broker URL" hint="mqtts://host:8883 or wss://host/mqtt; mqtt:// and ws:// are unencrypted.">
          <input name="url" value={f.url} onChange={(e) => set('url', e.target.value)} required spellCheck={false} />
        </Field>
        {!encrypted && f.url.length > 6 && <p className="warn">This URL is not encrypted: everything, including any password, crosses the network in clear text.</p>}
        <div className="row">
          <Field label="Name">
            <input name="name" value={f.name} placeholder={defaultName(f.url)} onChange={(e) => set('name', e.target.value)} />
          </Field>
          <Field label="Group">
            <input name="group" value={f.group} onChange={(e) => set('group', e.target.value)} />
          </Field>
        </div>
        <div className="row">
          <Field label="MQTT version">
            <select name="protocolVersion" value={f.protocolVersion} onChange={(e) => set('protocolVersion', Number(e.target.value) as 4 | 5)}>
              <option value={4}>3.1.1</option>
              <option value={5}>5</option>
            </select>
          </Field>
          <Field label="Client ID" hint="Empty: a random one per connection.">
            <input name="clientId" value={f.clientId} onChange={(e) => set('clientId', e.target.value)} spellCheck={false} />
          </Field>
          <Field label="Keepalive (s)">
            <input name="keepalive" type="number" min={0} max={65535} value={f.keepalive} onChange={(e) => set('keepalive', e.target.value)} />
          </Field>
          <label className="check">
            <input type="checkbox" checked={f.clean} onChange={(e) => set('clean', e.target.checked)} /> Clean start
          </label>
        </div>
        <MaxPacketField value={f.maxPacketMB} onChange={(text) => set('maxPacketMB', text)} />
      </fieldset>

      <fieldset>
        <legend>Authentication</legend>
        <div className="row">
          <Field label="User name">
            <input name="username" value={f.username} onChange={(e) => set('username', e.target.value)} autoComplete="off" spellCheck={false} />
          </Field>
          <Field label="Password" hint={stored?.password ? 'Stored in the keychain; type to replace.' : 'Stored in the OS keychain only.'}>
            <input name="password" type="password" value={f.password} onChange={(e) => set('password', e.target.value)} autoComplete="new-password" />
          </Field>
          {stored?.password && (
            <label className="check">
              <input type="checkbox" checked={f.clearPassword} onChange={(e) => set('clearPassword', e.target.checked)} /> Remove stored password
            </label>
          )}
        </div>
      </fieldset>

      {encrypted && (
        <fieldset>
          <legend>TLS</legend>
          {profile && <CertificatesInUse profile={profile} />}
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
                <li key={c.name + i}>
                  {c.name}{' '}
                  <button type="button" className="link" onClick={() => set('ca', f.ca.filter((_, j) => j !== i))}>
                    remove
                  </button>
                </li>
              ))}
            </ul>
          )}
          <div className="row">
            <Field label="Client certificate (PEM)" hint={f.clientCertificate ? f.clientCertificate.name : 'None'}>
              <input name="clientCertificate" type="file" accept=".pem,.crt,.cer" onChange={(e) => void pickClientCertificate(e.target.files?.[0])} />
            </Field>
            <Field label="Client private key (PEM)" hint={f.clientKey ? `${f.clientKey.name}, goes to the keychain` : f.clientCertificate?.holdsKey ? `From ${f.clientCertificate.name}, goes to the keychain` : stored?.clientKey ? 'Stored in the keychain.' : 'None'}>
              <input name="clientKey" type="file" accept=".pem,.key" onChange={async (e) => { const file = e.target.files?.[0]; if (file) set('clientKey', { name: file.name, text: await readText(file) }); }} />
            </Field>
            <Field label="Key passphrase" hint={stored?.passphrase ? 'Stored in the keychain; type to replace.' : undefined}>
              <input name="passphrase" type="password" value={f.passphrase} onChange={(e) => set('passphrase', e.target.value)} autoComplete="off" />
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
          <label className="check">
            <input type="checkbox" name="verify" checked={f.verify} onChange={(e) => setF((s) => ({ ...s, verify: e.target.checked, insecureAcknowledged: false }))} /> Verify the broker's certificate and host name (recommended)
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
      )}

      <fieldset>
        <legend>Subscriptions</legend>
        {f.subscriptions.map((s, i) => (
          <div className="row" key={i}>
            <input aria-label={`Filter ${i + 1}`} value={s.filter} onChange={(e) => set('subscriptions', f.subscriptions.map((x, j) => (j === i ? { ...x, filter: e.target.value } : x)))} spellCheck={false} />
            <select aria-label={`QoS ${i + 1}`} value={s.qos} onChange={(e) => set('subscriptions', f.subscriptions.map((x, j) => (j === i ? { ...x, qos: Number(e.target.value) as Qos } : x)))}>
              <option value={0}>QoS 0</option>
              <option value={1}>QoS 1</option>
              <option value={2}>QoS 2</option>
            </select>
            <button type="button" className="link" onClick={() => set('subscriptions', f.subscriptions.filter((_, j) => j !== i))}>
              remove
            </button>
          </div>
        ))}
        <button type="button" onClick={() => set('subscriptions', [...f.subscriptions, { filter: '#', qos: 0 }])}>
          Add subscription
        </button>
      </fieldset>

      <fieldset>
        <legend>Last will</legend>
        <label className="check">
          <input type="checkbox" checked={f.willEnabled} onChange={(e) => set('willEnabled', e.target.checked)} /> Send a last will
        </label>
        {f.willEnabled && (
          <div className="row">
            <Field label="Topic">
              <input value={f.willTopic} onChange={(e) => set('willTopic', e.target.value)} />
            </Field>
            <Field label="Payload">
              <input value={f.willPayload} onChange={(e) => set('willPayload', e.target.value)} />
            </Field>
            <Field label="QoS">
              <select value={f.willQos} onChange={(e) => set('willQos', Number(e.target.value) as Qos)}>
                <option value={0}>0</option>
                <option value={1}>1</option>
                <option value={2}>2</option>
              </select>
            </Field>
            <label className="check">
              <input type="checkbox" checked={f.willRetain} onChange={(e) => set('willRetain', e.target.checked)} /> Retain
            </label>
          </div>
        )}
      </fieldset>

      {error && <Problem problem={error} testId="form-error" />}

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
