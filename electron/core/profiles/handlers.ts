/**
 * The `profiles.*` channels (list, save with secrets, delete, describe, export,
 * import, from this app or another tool) and `dashboard.save`, which is stored on its connection's profile.
 * Secrets, including a key that came inside the client certificate file, are
 * saved through the profile writer (keychain first, undone on failure); what follows a change (charts, sessions, windows) listens to the
 * profile store, so no handler has to tell it.
 */
import { randomUUID } from 'node:crypto';
import { joinCertificates, readCertificateField } from '../../../shared/pem';
import { createProfile, type PendingSecret, type Profile, type ProfileSettings, type SecretInput } from '../../../shared/profiles';
import { AppFailure } from '../../../shared/result';
import { sasSettingsProblem } from '../../../shared/sas';
import { describeProfileCertificates } from '../certificates/describe';
import { checkDecoders } from '../decoders/rules';
import type { Handlers } from '../ipc/dispatcher';
import type { SecretStore } from '../secrets/secret-store';
import type { SessionManager } from '../sessions/manager';
import { parseTarget } from '../sessions/target';
import { translateError } from '../tls/errors';
import { checkIdentity } from '../tls/options';
import { exportProfiles } from './exchange';
import { importConnections } from './import-connections';
import type { ProfileStore } from './profile-store';
import { ProfileWriter } from './profile-writer';

export interface ProfileHandlerDeps {
  profiles: ProfileStore;
  secrets: SecretStore;
  /** A deleted connection's session is closed before its secrets go. */
  sessions: Pick<SessionManager, 'remove'>;
  /** Runs once a connection and its secrets are gone (the demo forgets its own connection). */
  afterDelete(id: string): Promise<void>;
}

/** Validates a client identity before it is saved, so a mismatch is reported now, not at connect time. */
async function checkSavedIdentity(secrets: Pick<SecretStore, 'get'>, profile: Profile, input: SecretInput): Promise<void> {
  const pick = async (item: 'clientKey' | 'passphrase') => {
    const given = input[item];
    if (given !== undefined) return given ?? undefined;
    return profile.secrets[item] ? ((await secrets.get(profile.id, item)) ?? undefined) : undefined;
  };
  const [key, passphrase] = await Promise.all([pick('clientKey'), pick('passphrase')]);
  // An imported profile may name its certificate before its key is supplied.
  if (!key && profile.pendingSecrets.includes('clientKey')) return;
  if (!key && !profile.tls.clientCertificate) return;
  try {
    checkIdentity(profile.tls.clientCertificate, { key, passphrase });
  } catch (error) {
    const target = parseTarget(profile.url);
    const t = translateError(error, { host: target.host, port: target.port, hasClientCertificate: true });
    throw new AppFailure(t.code === 'connect_failed' ? 'identity_invalid' : t.code, t.message, t.hint);
  }
}

/**
 * A private key picked together with the client certificate (one combined PEM
 * file) goes where a key picked on its own goes: to the keychain, through the
 * same save. The connection keeps the certificates alone.
 */
function liftClientKey(settings: ProfileSettings, input: SecretInput): { settings: ProfileSettings; secrets: SecretInput } {
  const field = settings.tls.clientCertificate;
  const found = field ? readCertificateField(field) : null;
  const key = found?.privateKeys[0];
  if (!found || key === undefined) return { settings, secrets: input };
  // The same combined file picked for both fields is one key, not two.
  const separate = input.clientKey ? (readCertificateField(input.clientKey).privateKeys[0] ?? input.clientKey) : input.clientKey;
  if (separate !== undefined && separate !== key) {
    throw new AppFailure(
      'client_key_twice',
      'The client certificate file also holds a private key, and another key was given for this connection.',
      'Give the key once: either the combined certificate-and-key file alone, or a certificate file and its key file.',
    );
  }
  return { settings: { ...settings, tls: { ...settings.tls, clientCertificate: joinCertificates(found.certificates) } }, secrets: { ...input, clientKey: key } };
}

export function profileHandlers({ profiles, secrets, sessions, afterDelete }: ProfileHandlerDeps) {
  const writer = new ProfileWriter(profiles, secrets);
  return {
    'profiles.list': () => profiles.list(),

    'profiles.save': async ({ id, settings: draft, secrets: sent = {} }) => {
      const { settings, secrets: input } = liftClientKey(draft, sent);
      const sasProblem = settings.sasToken && sasSettingsProblem(settings.username, settings.clientId);
      if (sasProblem) throw new AppFailure('sas_settings_invalid', sasProblem, 'The Azure IoT Hub preset fills the user name and client id from the hub and device id.', ['settings', 'username']);
      // .proto files that do not compile, or a rule naming a message they lack, are refused now, not at the first payload.
      checkDecoders(settings.decoders);
      const existing = id && profiles.has(id) ? profiles.get(id) : null;
      if (id && !existing) throw new AppFailure('not_found', 'That connection does not exist any more.', 'Reload the connection list.');
      const given = (item: PendingSecret) => typeof input[item] === 'string' && input[item] !== '';
      const profile = createProfile(settings, existing?.id ?? randomUUID(), {
        secrets: { ...(existing?.secrets ?? { password: false, clientKey: false, passphrase: false, deviceKey: false }) },
        pendingSecrets: (existing?.pendingSecrets ?? []).filter((item) => !given(item)),
        dashboard: existing?.dashboard ?? { charts: [] },
        ...(existing && { recording: existing.recording, alerts: existing.alerts }),
      });
      await checkSavedIdentity(secrets, profile, input);
      return writer.save(profile, input);
    },

    'profiles.delete': async ({ id }) => {
      profiles.get(id);
      await sessions.remove(id);
      await secrets.deleteProfile(id);
      await profiles.remove(id);
      await afterDelete(id);
      return null;
    },

    'profiles.describe': ({ id }) => describeProfileCertificates(profiles.get(id), secrets),

    'profiles.export': ({ ids }) => exportProfiles(ids ? ids.map((id) => profiles.get(id)) : profiles.list()),

    'profiles.import': ({ text }) => importConnections(text, { profiles, writer, keptIn: secrets.where }),
  } satisfies Pick<Handlers, 'profiles.list' | 'profiles.save' | 'profiles.delete' | 'profiles.describe' | 'profiles.export' | 'profiles.import'>;
}

export function dashboardHandlers({ profiles }: { profiles: ProfileStore }) {
  return {
    'dashboard.save': async ({ profileId, dashboard }) => {
      const profile = { ...profiles.get(profileId), dashboard };
      await profiles.put(profile);
      return profile;
    },
  } satisfies Pick<Handlers, 'dashboard.save'>;
}
