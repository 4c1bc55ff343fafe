/**
 * The `trust.*` channels: the certificates inventory across every
 * connection, and the trust report (the inventory and every connection's
 * verdict as one HTML page), handed to the same delivery as history exports.
 */
import type { Handlers } from '../ipc/dispatcher';
import type { Exports } from '../history/exports';
import type { SessionManager } from '../sessions/manager';
import type { TrustService } from './service';

export interface TrustHandlerDeps {
  trust: Pick<TrustService, 'inventory' | 'report'>;
  sessions: Pick<SessionManager, 'list'>;
  exports: Pick<Exports, 'startDocument'>;
  version: string;
}

export function trustHandlers({ trust, sessions, exports, version }: TrustHandlerDeps) {
  return {
    'trust.inventory': () => trust.inventory(),
    'trust.report': (_request, { client }) => {
      const { fileName, html } = trust.report(sessions.list(), version);
      return exports.startDocument({ fileName, contentType: 'text/html; charset=utf-8', body: Buffer.from(html, 'utf8') }, client);
    },
  } satisfies Pick<Handlers, 'trust.inventory' | 'trust.report'>;
}
