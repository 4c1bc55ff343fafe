/**
 * When the operator is told, even with the window in the background: a
 * connection that drops, or whose security grade falls. Pure, so the desktop
 * app (Electron notifications in main) and the browser host (web notifications)
 * decide the same way.
 */
import type { Grade } from './security';
import type { SessionView } from './sessions';

export interface Alert {
  title: string;
  body: string;
}

const RANK: Record<Grade, number> = { insecure: 0, unknown: 1, warning: 2, secure: 3 };

export function alertFor(previous: SessionView | undefined, next: SessionView): Alert | null {
  if (!previous) return null;
  if (previous.state === 'connected' && (next.state === 'reconnecting' || next.state === 'failed')) {
    return { title: `${next.name}: connection lost`, body: next.error ? `${next.error.message} ${next.error.hint}`.trim() : next.reason };
  }
  const before = previous.security.grade;
  const after = next.security.grade;
  // "unknown" is not a fall: it is what a connection shows while it reconnects.
  if (after !== 'unknown' && before !== 'unknown' && RANK[after] < RANK[before]) {
    const why = next.security.reasons.find((r) => r.level === after) ?? next.security.reasons.find((r) => r.level !== 'ok');
    return { title: `${next.name}: security grade fell to ${after}`, body: why?.message ?? 'Open the security panel for details.' };
  }
  return null;
}
