/**
 * The composition root of the core: services wired together and bound to the
 * contract's handlers. Both transports (Electron IPC, the WebSocket host) and
 * the tests build exactly this; nothing here knows which transport is in use.
 */
import { randomUUID } from 'node:crypto';
import type { AppInfo } from '../../shared/contract';
import { SECRET_ITEMS, type Profile, type SecretFlags, type SecretInput } from '../../shared/profiles';
import { AppFailure } from '../../shared/result';
import { createDispatcher, type Dispatch, type Handlers } from './ipc/dispatcher';
import { EventHub } from './ipc/events';
import { ProfileStore, type ProfileStoreOptions } from './profiles/profile-store';
import type { SecretStore } from './secrets/secret-store';
import type { BackoffPolicy } from './sessions/backoff';
import { SessionManager } from './sessions/manager';
import type { SessionSecrets } from './sessions/session';
import { checkIdentity } from './tls/options';
import { translateError } from './tls/errors';
import { createSystemTrust, type SystemTrust } from './tls/system-roots';
import { parseTarget } from './sessions/target';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

export const consoleLogger: Logger = {
  info: (m) => console.log(m),
  warn: (m) => console.warn(m),
  error: (m, e) => console.error(m, e instanceof Error ? e.message : (e ?? '')),
};

export interface BackendOptions {
  dataDir: string;
  secrets: SecretStore;
  transport: AppInfo['transport'];
  version: string;
  systemTrust?: SystemTrust;
  logger?: Logger;
  backoff?: BackoffPolicy;
  connectTimeoutMs?: number;
  profileStore?: ProfileStoreOptions;
}

export interface Backend {
  handlers: Handlers;
  dispatch: Dispatch;
  events: EventHub;
  profiles: ProfileStore;
  sessions: SessionManager;
  dispose(): Promise<void>;
}

/** Reads the secrets a profile says it has. */
async function readSecrets(store: SecretStore, profile: Profile): Promise<SessionSecrets> {
  const flags = profile.secrets;
  const read = async (item: keyof SecretFlags) => (flags[item] ? ((await store.get(profile.id, item)) ?? undefined) : undefined);
  const [password, key, passphrase, pfx] = await Promise.all([read('password'), read('clientKey'), read('passphrase'), read('pfx')]);
  if (flags.clientKey && key === undefined) {
    throw new AppFailure('secret_missing', `The private key of ${profile.name} is not in the keychain.`, 'Import the client key again for this connection.');
  }
  return { password, key, passphrase, pfx: pfx ? Buffer.from(pfx, 'base64') : undefined };
}

export async function createBackend(options: BackendOptions): Promise<Backend> {
  const logger = options.logger ?? consoleLogger;
  const events = new EventHub();
  const profiles = new ProfileStore(options.dataDir, options.profileStore);
  await profiles.load();
  if (profiles.notice) logger.warn(`${profiles.notice.code}: ${profiles.notice.message}`);
  const secrets = options.secrets;
  const systemTrust = options.systemTrust ?? createSystemTrust();

  const sessions = new SessionManager({
    secrets: (profile) => readSecrets(secrets, profile),
    systemTrust,
    backoff: options.backoff,
    connectTimeoutMs: options.connectTimeoutMs,
    onChange: (view) => events.emit('sessions.changed', view),
    onMessage: () => undefined,
  });

  const publishProfiles = () => events.emit('profiles.changed', profiles.list());

  /** Validates a client identity before it is saved, so a mismatch is reported now, not at connect time. */
  async function checkSavedIdentity(profile: Profile, input: SecretInput): Promise<void> {
    const pick = async (item: 'clientKey' | 'passphrase' | 'pfx') => {
      const given = input[item];
      if (given !== undefined) return given ?? undefined;
      return profile.secrets[item] ? ((await secrets.get(profile.id, item)) ?? undefined) : undefined;
    };
    const [key, passphrase, pfx] = await Promise.all([pick('clientKey'), pick('passphrase'), pick('pfx')]);
    if (!key && !pfx && !profile.tls.clientCertificate) return;
    try {
      checkIdentity(profile.tls.clientCertificate, { key, passphrase, pfx: pfx ? Buffer.from(pfx, 'base64') : undefined });
    } catch (error) {
      const target = parseTarget(profile.url);
      const t = translateError(error, { host: target.host, port: target.port, hasClientCertificate: true });
      throw new AppFailure(t.code === 'connect_failed' ? 'identity_invalid' : t.code, t.message, t.hint);
    }
  }

  const handlers: Handlers = {
    'app.info': async () => ({
      name: 'MQTTS Dashboard',
      version: options.version,
      transport: options.transport,
      keychain: await secrets.status(),
    }),

    'profiles.list': () => profiles.list(),

    'profiles.save': async ({ id, settings, secrets: input = {} }) => {
      const existing = id && profiles.has(id) ? profiles.get(id) : null;
      if (id && !existing) throw new AppFailure('not_found', 'That connection does not exist any more.', 'Reload the connection list.');
      const flags: SecretFlags = { ...(existing?.secrets ?? { password: false, clientKey: false, passphrase: false, pfx: false }) };
      const profile: Profile = { ...settings, id: existing?.id ?? randomUUID(), secrets: flags };
      for (const item of SECRET_ITEMS) {
        const value = input[item];
        if (value !== undefined) flags[item] = value !== null && value !== '';
      }
      await checkSavedIdentity(profile, input);
      const written: Array<(typeof SECRET_ITEMS)[number]> = [];
      try {
        for (const item of SECRET_ITEMS) {
          const value = input[item];
          if (value === undefined) continue;
          if (value === null || value === '') await secrets.delete(profile.id, item);
          else {
            await secrets.set(profile.id, item, value);
            written.push(item);
          }
        }
        await profiles.put(profile);
      } catch (error) {
        if (!existing) for (const item of written) await secrets.delete(profile.id, item).catch(() => undefined);
        throw error;
      }
      sessions.updated(profile);
      publishProfiles();
      return profile;
    },

    'profiles.delete': async ({ id }) => {
      profiles.get(id);
      await sessions.remove(id);
      await secrets.deleteProfile(id);
      await profiles.remove(id);
      publishProfiles();
      return null;
    },

    'sessions.list': () => sessions.list(),
    'sessions.connect': ({ id }) => sessions.connect(profiles.get(id)),
    'sessions.disconnect': ({ id }) => sessions.disconnect(id),
  };

  const dispatch = createDispatcher(handlers, {
    onInternalError: (name, error) => logger.error(`Handler ${name} failed`, error),
  });

  return {
    handlers,
    dispatch,
    events,
    profiles,
    sessions,
    dispose: () => sessions.dispose(),
  };
}
