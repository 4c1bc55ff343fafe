/**
 * The `sessions.*` channels: connect, disconnect and publish on a saved
 * connection. A connection imported without its secrets is refused with what
 * it still needs, before any socket opens.
 */
import { AppFailure } from '../../../shared/result';
import type { Handlers } from '../ipc/dispatcher';
import type { ProfileStore } from '../profiles/profile-store';
import type { SessionManager } from './manager';

export interface SessionHandlerDeps {
  profiles: Pick<ProfileStore, 'get'>;
  sessions: SessionManager;
}

export function sessionHandlers({ profiles, sessions }: SessionHandlerDeps) {
  return {
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
  } satisfies Pick<Handlers, 'sessions.list' | 'sessions.connect' | 'sessions.disconnect' | 'sessions.publish'>;
}
