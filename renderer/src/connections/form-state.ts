/**
 * The connection form's state, pure: what the form shows for a profile (or a
 * new connection), the rules that tie fields together (turning verification
 * off needs a fresh acknowledgement, picking a CA file trusts it), the certificates
 * taken over when the import wizard changed them, and what is sent to
 * `profiles.save`: the settings, and the secrets only when the operator typed
 * or removed one (secrets are write-only, never shown). A picked file that
 * holds a private key is never kept as a certificate: a CA file with a key is
 * refused at once, a client certificate file's key is said to go to the
 * keychain (main moves it there on save). An encrypted key is seen from its
 * PEM header when picked, so the form asks for its passphrase at once. A new
 * connection starts subscribed to `#`, which the operator may narrow. A cloud
 * preset fills the settings its cloud expects (shared/presets.ts) and leaves
 * the rest as typed; a SAS token sign-in sends the device key once, for the
 * keychain.
 */
import { DEFAULT_DECODERS, type Decoders } from '../../../shared/decoders';
import { certificateFieldProblem, isEncryptedKeyBlock, readCertificateField, scanPem } from '../../../shared/pem';
import type { PresetDefaults } from '../../../shared/presets';
import { deviceKeyProblem, SAS_LIFETIME, sasSettingsProblem } from '../../../shared/sas';
import type { Profile, ProfileSettingsInput, Qos, SecretInput, Trust } from '../../../shared/profiles';
import type { AppError } from '../../../shared/result';
import type { PickedCrl } from '../certificates/crl-files';
import type { SubscriptionRow } from '../topics/subscription-rows';
import { packetLimitBytes, packetLimitText } from './packet-limit';

export interface PickedText {
  name: string;
  text: string;
  /** A client certificate file that also holds its private key. */
  holdsKey?: boolean;
  /** It holds a private key that needs a passphrase (PEM header). */
  encryptedKey?: boolean;
  /** Already saved with the connection (not picked in this form). */
  saved?: boolean;
}

/** Whether PEM text holds an encrypted private key. */
export function holdsEncryptedKey(text: string): boolean {
  return scanPem(text).blocks.some(isEncryptedKeyBlock);
}

/** What became of picked files: those taken, and why the first one refused was not. */
export interface Picked {
  taken: PickedText[];
  refused: AppError | null;
}

/** CA files hold certificates only: a file with a key (or anything else) is refused, the others are taken. */
export function pickCaFiles(files: PickedText[]): Picked {
  const problems = files.map((file) => certificateFieldProblem(file.text, 'ca'));
  const first = problems.findIndex((p) => p !== null);
  return {
    taken: files.filter((_, i) => problems[i] === null),
    refused: first < 0 ? null : { code: 'ca_file_refused', message: `${files[first]?.name} was not added. ${problems[first]}`, hint: '' },
  };
}

/** A client certificate file may bring its own key (it goes to the keychain), nothing else. */
export function pickClientCertificate(file: PickedText): Picked {
  const problem = certificateFieldProblem(file.text, 'client');
  if (problem) return { taken: [], refused: { code: 'certificate_file_refused', message: `${file.name} was not used. ${problem}`, hint: '' } };
  const holdsKey = readCertificateField(file.text).privateKeys.length > 0;
  return { taken: [{ ...file, holdsKey, ...(holdsKey && holdsEncryptedKey(file.text) && { encryptedKey: true }) }], refused: null };
}

/** A key file, marked when it needs a passphrase. */
export function pickClientKey(file: PickedText): PickedText {
  return { ...file, encryptedKey: holdsEncryptedKey(file.text) };
}

export interface FormState {
  name: string;
  group: string;
  url: string;
  protocolVersion: 4 | 5;
  clientId: string;
  username: string;
  password: string;
  clearPassword: boolean;
  keepalive: string;
  /** The maximum incoming packet size as typed, in MB (packet-limit.ts converts). */
  maxPacketMB: string;
  clean: boolean;
  willEnabled: boolean;
  willTopic: string;
  willPayload: string;
  willQos: Qos;
  willRetain: boolean;
  trust: Trust;
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
  /** CRL files of the broker's CA, and hard fail (certificates/RevocationFields.tsx). */
  crls: PickedCrl[];
  revocationHardFail: boolean;
  subscriptions: SubscriptionRow[];
  /** Sign in with a SAS token signed from the device key (Azure IoT Hub) instead of a password. */
  sasToken: boolean;
  /** The token lifetime as typed, in seconds. */
  sasLifetime: string;
  /** A device key typed now (write-only: sent once, to the keychain). */
  deviceKey: string;
  /** The keychain holds a device key for this connection. */
  deviceKeyStored: boolean;
  /** Decoder rules and imported .proto files (renderer/src/decoders/). */
  decoders: Decoders;
}

/** Sets one field of the form; the fieldsets get it with the state. */
export type SetField = <K extends keyof FormState>(key: K, value: FormState[K]) => void;

/** The fields that follow the saved profile's certificates (changed by the import wizard). */
function certificateFields(profile: Profile | null): Pick<FormState, 'trust' | 'ca' | 'clientCertificate' | 'clientKey' | 'passphrase' | 'removeIdentity'> {
  return {
    trust: profile?.tls.trust ?? 'system',
    ca: (profile?.tls.ca ?? []).map((text, i) => ({ name: `CA ${i + 1} (saved)`, text, saved: true })),
    clientCertificate: profile?.tls.clientCertificate ? { name: 'saved certificate', text: profile.tls.clientCertificate, saved: true } : null,
    clientKey: null,
    passphrase: '',
    removeIdentity: false,
  };
}

/** What the form's certificate fields depend on: when it changes underneath, the form takes the new certificates. */
export function certificatesOf(profile: Profile | null): string {
  return JSON.stringify([profile?.tls.trust, profile?.tls.ca, profile?.tls.clientCertificate, profile?.secrets]);
}

/** The saved certificates replace the form's, keeping every other edit. */
export function withCertificatesOf(f: FormState, profile: Profile | null): FormState {
  return { ...f, ...certificateFields(profile) };
}

export function initialState(profile: Profile | null): FormState {
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
    crls: (profile?.tls.revocation.crls ?? []).map((text, i) => ({ name: `CRL ${i + 1} (saved)`, text })),
    revocationHardFail: profile?.tls.revocation.hardFail ?? false,
    // Something to see from the first connect; the form says it can be narrowed.
    subscriptions: profile ? profile.subscriptions.map((s) => ({ ...s })) : [{ filter: '#', qos: 0 }],
    decoders: structuredClone(profile?.decoders ?? DEFAULT_DECODERS),
    sasToken: !!profile?.sasToken,
    sasLifetime: String(profile?.sasToken?.lifetimeSeconds ?? SAS_LIFETIME.default),
    deviceKey: '',
    deviceKeyStored: profile?.secrets.deviceKey ?? false,
  };
}

/**
 * A cloud preset's settings replace the form's (the operator can still change
 * any of them); the name is kept when one was typed, CA files picked stay
 * trusted, and the user name and subscriptions stay when the preset has none.
 */
export function withPreset(f: FormState, preset: PresetDefaults): FormState {
  const s = preset.settings;
  return {
    ...f,
    name: f.name.trim() ? f.name : s.name,
    url: s.url,
    protocolVersion: s.protocolVersion,
    clientId: s.clientId,
    username: s.username ?? f.username,
    keepalive: String(s.keepalive),
    clean: s.clean,
    trust: f.ca.length ? f.trust : s.tls.trust,
    alpn: s.tls.alpn.join(', '),
    servername: s.tls.servername,
    minVersion: s.tls.minVersion,
    verify: s.tls.verify,
    insecureAcknowledged: false,
    subscriptions: s.subscriptions ? s.subscriptions.map((row) => ({ ...row })) : f.subscriptions,
    sasToken: s.sasToken !== null,
    sasLifetime: String(s.sasToken?.lifetimeSeconds ?? f.sasLifetime),
  };
}

/** Whether the rows are the whole-broker `#` a new connection starts with. */
export function subscribesToEverything(f: FormState): boolean {
  return f.subscriptions.some((s) => s.filter.trim() === '#');
}

/** Errors of a save that are about the key's passphrase: the form shows them at that field. */
export const PASSPHRASE_ERRORS: ReadonlySet<string> = new Set(['key_passphrase_missing', 'key_wrong_passphrase']);

/** Whether a key picked in this form (alone or inside the certificate file) needs a passphrase. */
export function pickedKeyEncrypted(f: FormState): boolean {
  if (f.removeIdentity) return false;
  return !!f.clientKey?.encryptedKey || (!f.clientKey && !!f.clientCertificate?.holdsKey && !!f.clientCertificate.encryptedKey);
}

/**
 * What the passphrase field says about an encrypted key just picked: it needs
 * its passphrase (none typed, none stored). Null when nothing is missing.
 */
export function passphraseProblem(f: FormState, storedPassphrase: boolean): AppError | null {
  if (!pickedKeyEncrypted(f) || f.passphrase || storedPassphrase) return null;
  const file = f.clientKey?.name ?? f.clientCertificate?.name ?? 'The key';
  return { code: 'key_passphrase_missing', message: `${file} holds an encrypted private key.`, hint: 'Type its passphrase here; it goes to the OS keychain with the key.', field: ['secrets', 'passphrase'] };
}

/** Whether the URL asks for TLS (mqtts://, wss://): the TLS settings show only then. */
export function isEncryptedUrl(url: string): boolean {
  return /^(mqtts|wss):/i.test(url.trim());
}

/** The name a connection gets when the operator leaves it empty: the broker's host. */
export function defaultName(url: string): string {
  try {
    return new URL(url).host || 'Connection';
  } catch {
    return 'Connection';
  }
}

/** Turning verification on or off always asks for the acknowledgement again. */
export function withVerify(f: FormState, verify: boolean): FormState {
  return { ...f, verify, insecureAcknowledged: false };
}

/** CA files picked are added, and trusted: only the system roots becomes only these files. */
export function withCaFiles(f: FormState, picked: PickedText[]): FormState {
  return { ...f, ca: [...f.ca, ...picked], trust: f.trust === 'system' ? 'custom' : f.trust };
}

/** Why the form cannot be saved as it is, before asking main; null when it can. */
export function formProblem(f: FormState, storedPassphrase = false): AppError | null {
  if (!f.verify && !f.insecureAcknowledged) {
    return { code: 'confirm_insecure', message: 'Verification is off but not acknowledged.', hint: 'Tick the acknowledgement below the verification switch, or turn verification back on.' };
  }
  if (f.sasToken) {
    const problem = sasSettingsProblem(f.username, f.clientId) ?? (f.deviceKey.trim() ? deviceKeyProblem(f.deviceKey) : f.deviceKeyStored ? null : 'Type the device key: each SAS token is signed with it.');
    if (problem) return { code: 'sas_settings_invalid', message: problem, hint: 'The Azure IoT Hub preset fills the user name and client id; the device key is in the Azure portal under the device.' };
  }
  return passphraseProblem(f, storedPassphrase);
}

/** The subscription rows sent: those with a filter (an empty row is dropped, not refused). */
export function sentSubscriptionRows(f: FormState): number[] {
  return f.subscriptions.flatMap((s, i) => (s.filter.trim() ? [i] : []));
}

export function toSettings(f: FormState): ProfileSettingsInput {
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
      revocation: { crls: f.crls.map((c) => c.text), hardFail: f.revocationHardFail },
    },
    sasToken: f.sasToken ? { lifetimeSeconds: Number(f.sasLifetime) } : null,
    subscriptions: sentSubscriptionRows(f).map((i) => {
      const s = f.subscriptions[i] as SubscriptionRow;
      return { filter: s.filter.trim(), qos: s.qos };
    }),
    // A rule left without a filter is dropped, as an empty subscription row is.
    decoders: { rules: f.decoders.rules.filter((r) => r.filter.trim()).map((r) => ({ ...r, filter: r.filter.trim(), message: r.message.trim() })), protos: f.decoders.protos },
  };
}

/** Secrets are sent only when typed (to store) or removed (`null`); absent leaves the keychain as it is. */
export function toSecrets(f: FormState): SecretInput {
  const secrets: SecretInput = {};
  if (f.clearPassword) secrets.password = null;
  else if (f.password) secrets.password = f.password;
  // A device key is kept only while the connection signs in with a SAS token.
  if (f.sasToken && f.deviceKey.trim()) secrets.deviceKey = f.deviceKey.trim();
  else if (!f.sasToken && f.deviceKeyStored) secrets.deviceKey = null;
  if (f.removeIdentity) {
    secrets.clientKey = null;
    secrets.passphrase = null;
    return secrets;
  }
  if (f.clientKey) secrets.clientKey = f.clientKey.text;
  if (f.passphrase) secrets.passphrase = f.passphrase;
  return secrets;
}
