/**
 * The composition root of the core: services wired together and bound to the
 * contract's handlers. Both transports (Electron IPC, the WebSocket host) and
 * the tests build exactly this; nothing here knows which transport is in use.
 */
import { randomUUID } from 'node:crypto';
import type { AppInfo } from '../../shared/contract';
import { createProfile, SECRET_ITEMS, type Profile, type ProfileSettings, type SecretFlags, type SecretInput } from '../../shared/profiles';
import { AppFailure } from '../../shared/result';
import { describeProfileCertificates } from './certificates/describe';
import { ImportService } from './certificates/import-service';
import { inspectHandlers } from './certificates/inspect-handlers';
import { createDispatcher, type CallContext, type Dispatch, type Handlers } from './ipc/dispatcher';
import { seriesFileName } from '../../shared/telemetry';
import { Demo } from './demo/demo';
import { SettingsStore } from './settings';
import { Telemetry, type Feed } from './telemetry/service';
import { exportProfiles, importProfiles } from './profiles/exchange';
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
  /** Overrides the saved sample budget (tests, benchmark). */
  sampleBudgetMB?: number;
  /** false: an installed demo is not restarted with the backend (tests that inspect it first). */
  resumeDemo?: boolean;
}

export interface Backend {
  handlers: Handlers;
  dispatch: Dispatch;
  events: EventHub;
  profiles: ProfileStore;
  sessions: SessionManager;
  telemetry: Telemetry;
  demo: Demo;
  dispose(): Promise<void>;
}

/** Reads the secrets a profile says it has. */
async function readSecrets(store: SecretStore, profile: Profile): Promise<SessionSecrets> {
  const flags = profile.secrets;
  const read = async (item: keyof SecretFlags) => (flags[item] ? ((await store.get(profile.id, item)) ?? undefined) : undefined);
  const [password, key, passphrase] = await Promise.all([read('password'), read('clientKey'), read('passphrase')]);
  if (flags.clientKey && key === undefined) {
    throw new AppFailure('secret_missing', `The private key of ${profile.name} is not in the keychain.`, 'Import the client key again for this connection.');
  }
  return { password, key, passphrase };
}

export async function createBackend(options: BackendOptions): Promise<Backend> {
  const logger = options.logger ?? consoleLogger;
  const events = new EventHub();
  const profiles = new ProfileStore(options.dataDir, options.profileStore);
  await profiles.load();
  if (profiles.notice) logger.warn(`${profiles.notice.code}: ${profiles.notice.message}`);
  const secrets = options.secrets;
  const systemTrust = options.systemTrust ?? createSystemTrust();

  const settings = new SettingsStore(options.dataDir);
  await settings.load();
  const telemetry = new Telemetry({ budgetBytes: (options.sampleBudgetMB ?? settings.current.sampleBudgetMB) * 1024 * 1024 });
  const chartAll = () => telemetry.setCharted(profiles.list().flatMap((p) => p.dashboard.charts.flatMap((c) => c.series)));
  chartAll();
  const feeds = new Map<string, Feed>();
  events.observeClients((client, sink) => {
    let feed: Feed;
    try {
      feed = telemetry.openFeed((batch) => sink('telemetry.batch', batch));
    } catch (error) {
      // That window still works, without live data; its telemetry calls say why.
      logger.warn(`No live data for ${client}: ${(error as Error).message}`);
      return () => undefined;
    }
    feeds.set(client, feed);
    return () => {
      feed.close();
      feeds.delete(client);
    };
  });
  const feedOf = (context: CallContext): Feed => {
    const feed = feeds.get(context.client);
    if (!feed) throw new AppFailure('no_feed', 'This window receives no live data.', 'Reload the window.');
    return feed;
  };

  const sessions = new SessionManager({
    secrets: (profile) => readSecrets(secrets, profile),
    systemTrust,
    backoff: options.backoff,
    connectTimeoutMs: options.connectTimeoutMs,
    onChange: (view) => events.emit('sessions.changed', view),
    onMessage: (id, topic, payload, qos, retain) => telemetry.ingest(id, topic, payload, qos, retain),
  });

  const publishProfiles = () => events.emit('profiles.changed', profiles.list());
  // The demo drives the same channels an operator's actions do, validation included
  // (`dispatch` is defined below; the demo only calls it once the backend is up).
  const demo = new Demo(
    async (name, request) => {
      const result = await dispatch(name, request);
      if (!result.ok) throw AppFailure.from(result.error);
      return result.value as never;
    },
    profiles,
    settings,
  );
  const imports = new ImportService(profiles, secrets);

  /** Validates a client identity before it is saved, so a mismatch is reported now, not at connect time. */
  async function checkSavedIdentity(profile: Profile, input: SecretInput): Promise<void> {
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

  const handlers: Handlers = {
    'app.info': async () => ({
      name: 'MQTTS Dashboard',
      version: options.version,
      transport: options.transport,
      keychain: await secrets.status(),
      profilesNotice: profiles.notice,
    }),

    'profiles.list': () => profiles.list(),

    'profiles.save': async ({ id, settings, secrets: input = {} }) => {
      const existing = id && profiles.has(id) ? profiles.get(id) : null;
      if (id && !existing) throw new AppFailure('not_found', 'That connection does not exist any more.', 'Reload the connection list.');
      const flags: SecretFlags = { ...(existing?.secrets ?? { password: false, clientKey: false, passphrase: false }) };
      const given = (item: 'password' | 'clientKey') => typeof input[item] === 'string' && input[item] !== '';
      const profile = createProfile(settings, existing?.id ?? randomUUID(), {
        secrets: flags,
        pendingSecrets: (existing?.pendingSecrets ?? []).filter((item) => !given(item)),
        dashboard: existing?.dashboard ?? { charts: [] },
      });
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
      telemetry.removeConnection(id);
      chartAll();
      // Deleting the demo's connection by hand removes the demo: nothing would use its broker.
      if (settings.current.demoProfileId === id) {
        await demo.stop();
        await settings.update({ demoProfileId: null });
      }
      publishProfiles();
      return null;
    },

    'profiles.describe': ({ id }) => describeProfileCertificates(profiles.get(id), secrets),

    'profiles.export': ({ ids }) => exportProfiles(ids ? ids.map((id) => profiles.get(id)) : profiles.list()),

    'profiles.import': async ({ text }) => {
      const imported = importProfiles(text);
      await profiles.put(...imported);
      chartAll();
      publishProfiles();
      return imported;
    },

    ...inspectHandlers(imports, events),

    'certificates.apply': async ({ importId, profileId, settings }) => {
      const profile = await imports.apply(importId, profileId ? { profileId } : { settings: settings as ProfileSettings });
      sessions.updated(profile);
      publishProfiles();
      return profile;
    },

    'sessions.list': () => sessions.list(),
    'sessions.connect': ({ id }) => {
      const profile = profiles.get(id);
      if (profile.pendingSecrets.length) {
        const what = profile.pendingSecrets.map((s) => (s === 'clientKey' ? 'the client key' : 'the password')).join(' and ');
        throw new AppFailure('secrets_required', `${profile.name} was imported without its secrets: it needs ${what}.`, `Enter ${what} for this connection; they are stored in the OS keychain.`);
      }
      return sessions.connect(profile);
    },
    'sessions.disconnect': ({ id }) => sessions.disconnect(id),
    'sessions.publish': async ({ id, topic, payload, encoding, qos, retain, properties }) => {
      const bytes = encoding === 'base64' ? Buffer.from(payload, 'base64') : Buffer.from(payload, 'utf8');
      await sessions.get(id).publish(topic, bytes, { qos, retain, properties });
      return null;
    },

    'topics.snapshot': ({ connectionId }) => {
      const now = Date.now();
      return telemetry.store(connectionId).all().map((s) => s.update(now));
    },
    'topics.payload': ({ connectionId, topic }) => {
      const stats = telemetry.store(connectionId).get(topic);
      if (!stats) throw new AppFailure('not_found', `No message has arrived on ${topic} yet.`, 'Wait for a message, or check the subscription.');
      return { base64: stats.payload.toString('base64'), size: stats.size, complete: stats.fullPayloadKept };
    },
    'topics.retained': ({ connectionId, prefix }) => ({ topics: telemetry.store(connectionId).retainedUnder(prefix) }),
    'topics.clearRetained': async ({ connectionId, prefix, topics: confirmed }) => {
      const topics = telemetry.store(connectionId).retainedUnder(prefix);
      const same = topics.length === confirmed.length && confirmed.every((t) => topics.includes(t));
      if (!same) {
        throw new AppFailure('retained_changed', `The retained messages under ${prefix || 'the root'} changed since you confirmed (${topics.length} now, ${confirmed.length} confirmed).`, 'Review the new list and confirm again.');
      }
      const session = sessions.get(connectionId);
      for (const topic of topics) await session.publish(topic, Buffer.alloc(0), { qos: 1, retain: true });
      return { cleared: topics.length };
    },

    'dashboard.save': async ({ profileId, dashboard }) => {
      const profile = { ...profiles.get(profileId), dashboard };
      await profiles.put(profile);
      chartAll();
      publishProfiles();
      return profile;
    },
    'telemetry.ack': ({ seq }, context) => {
      feedOf(context).ack(seq);
      return null;
    },
    'telemetry.topics': ({ connectionIds }, context) => {
      feedOf(context).showTopicsOf(connectionIds);
      return null;
    },
    'telemetry.watch': ({ keys }, context) => {
      feedOf(context).watch(keys);
      return null;
    },
    'telemetry.view': ({ key, window, width }) => telemetry.view(key, window, width),
    'telemetry.csv': ({ key }) => ({ fileName: seriesFileName(key), text: telemetry.csv(key) }),
    'demo.start': () => demo.start(),
    'demo.remove': async () => {
      await demo.remove();
      return null;
    },
    'demo.status': () => demo.status(),

    'telemetry.budget': async ({ megabytes }) => {
      if (megabytes !== undefined) {
        await settings.update({ sampleBudgetMB: megabytes });
        telemetry.pool.setBudget(megabytes * 1024 * 1024);
      }
      return telemetry.budget();
    },
  };

  const dispatch = createDispatcher(handlers, {
    onInternalError: (name, error) => logger.error(`Handler ${name} failed`, error),
  });

  // A demo installed before a restart resumes: its broker lived in the previous process.
  if (demo.status().profileId && options.resumeDemo !== false) {
    void demo.start().catch((error: unknown) => logger.error('The demo could not be resumed', error));
  }

  return {
    handlers,
    dispatch,
    events,
    profiles,
    sessions,
    telemetry,
    demo,
    dispose: async () => {
      imports.cancelAll();
      telemetry.dispose();
      await sessions.dispose();
      await demo.stop();
    },
  };
}
