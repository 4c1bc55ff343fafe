/**
 * The `history.*` channels: the recorder's state and each connection's disk
 * use, a connection's recording settings (saved with its profile), and
 * starting an export of a range. Chart views of any range go through
 * `telemetry.view`, which reads them from `ChartViews`.
 */
import type { Handlers } from '../ipc/dispatcher';
import type { ProfileStore } from '../profiles/profile-store';
import type { Exports } from './exports';
import type { Recorder } from './recorder';

export interface HistoryHandlerDeps {
  recorder: Pick<Recorder, 'health' | 'fileBytes' | 'usage'> | null;
  exports: Pick<Exports, 'start'>;
  profiles: Pick<ProfileStore, 'get' | 'put'>;
}

export function historyHandlers({ recorder, exports, profiles }: HistoryHandlerDeps) {
  return {
    'history.status': async () => {
      if (!recorder) return { state: 'live-only' as const, notice: null, dropped: { samples: 0, messages: 0 }, fileBytes: 0, connections: [] };
      const connections = await recorder.usage().catch(() => []);
      return { ...recorder.health(), fileBytes: recorder.fileBytes(), connections };
    },
    'history.settings': async ({ connectionId, recording }) => {
      const profile = { ...profiles.get(connectionId), recording };
      await profiles.put(profile);
      return profile;
    },
    'history.export': (request, context) => exports.start(request, context.client),
  } satisfies Pick<Handlers, 'history.status' | 'history.settings' | 'history.export'>;
}
