/**
 * Which verdict a connection shows. While it is connected, or when its
 * latest attempt found something against the broker, the current one. Else,
 * once a handshake has completed, the last verdict with its time and the
 * mark "offline": an outage says nothing about the broker's identity, so it
 * must not erase what was last verified (nor pass it off as current).
 */
import type { Grade, Reason } from '../../../shared/security';
import type { SessionView } from '../../../shared/sessions';

export interface ShownVerdict {
  grade: Grade;
  reasons: Reason[];
  /** Not connected: the grade and reasons are those of the handshake at `at`. */
  offline: boolean;
  /** When the shown verdict was reached (ms since epoch); null for the current one. */
  at: number | null;
}

export function shownVerdict(view: SessionView): ShownVerdict {
  const last = view.lastVerdict ?? null;
  const current: ShownVerdict = { grade: view.security.grade, reasons: view.security.reasons, offline: false, at: null };
  if (view.state === 'connected' || !last || view.security.grade === 'insecure') return current;
  return { grade: last.grade, reasons: last.reasons, offline: true, at: last.at };
}
