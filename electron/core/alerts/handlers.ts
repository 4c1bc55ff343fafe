/**
 * The `alerts.*` channels: the alert list, its history (also the marks on
 * charts), acknowledging and muting, and a connection's rules (saved with its
 * profile; the engine follows the profile store like everything else).
 */
import type { Handlers } from '../ipc/dispatcher';
import type { ProfileStore } from '../profiles/profile-store';
import type { AlertEngine } from './engine';

export interface AlertHandlerDeps {
  alerts: Pick<AlertEngine, 'list' | 'history' | 'acknowledge' | 'mute'>;
  profiles: Pick<ProfileStore, 'get' | 'put'>;
}

export function alertHandlers({ alerts, profiles }: AlertHandlerDeps) {
  return {
    'alerts.list': () => alerts.list(),
    'alerts.history': (request) => alerts.history(request),
    'alerts.acknowledge': ({ key }) => alerts.acknowledge(key),
    'alerts.mute': ({ key, minutes }) => alerts.mute(key, minutes),
    'alerts.rules': async ({ connectionId, rules }) => {
      const profile = { ...profiles.get(connectionId), alerts: rules };
      await profiles.put(profile);
      return profile;
    },
  } satisfies Pick<Handlers, 'alerts.list' | 'alerts.history' | 'alerts.acknowledge' | 'alerts.mute' | 'alerts.rules'>;
}
