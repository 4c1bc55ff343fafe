/**
 * The `sessions.*` channels: connect, disconnect and publish on a saved
 * connection. A connection imported without its secrets, or whose secrets
 * lived in memory in an earlier run (no OS keychain), is refused with what it
 * still needs, before any socket opens.
 */
import { SECRET_WORDS, secretsLostWithSession } from '../../../shared/profiles';
import { AppFailure } from '../../../shared/result';
import type { Handlers } from '../ipc/dispatcher';
import type { ProfileStore } from '../profiles/profile-store';
import type { SecretStore } from '../secrets/secret-store';
import type { SessionManager } from './manager';

export interface SessionHandlerDeps {
  profiles: Pick<ProfileStore, 'get'>;
  sessions: SessionManager;
  /** Where the secrets asked for will be kept. */
  secrets: Pick<SecretStore, 'where'>;
}

export function sessionHandlers({ profiles, sessions, secrets }: SessionHandlerDeps) {
  return {
    'sessions.list': () => sessions.list(),
    'sessions.connect': ({ id }) => {
      const profile = profiles.get(id);
      if (profile.pendingSecrets.length) {
        const what = profile.pendingSecrets.map((s) => SECRET_WORDS[s]).join(' and ');
        const why = secretsLostWithSession(profile) ? 'kept its secrets in memory only (no OS keychain), and the run that held them has ended' : 'was imported without its secrets';
        throw new AppFailure('secrets_required', `${profile.name} ${why}: it needs ${what}.`, `Enter ${what} for this connection; they are kept in ${secrets.where}.`);
      }
      return sessions.connect(profile);
    },
    'sessions.disconnect': ({ id }) => sessions.disconnect(id),
    'sessions.publish': async ({ id, topic, payload, encoding, qos, retain, properties }) => {
      const bytes = encoding === 'base64' ? Buffer.from(payload, 'base64') : Buffer.from(payload, 'utf8');
      await sessions.get(id).publish(topic, bytes, { qos, retain, properties });
      return null;
    },
  } satisfies Pick<Handlers, 'sessions.list' | 'sessions.connect' | 'sessions.disconnect' | 'sessions.publish'>;
}
