/**
 * The at-a-glance marks: a connection's state light and its security grade,
 * with "offline" beside the last verdict while it is not connected.
 */
import type { Grade } from '../../../shared/security';
import type { SessionState, SessionView } from '../../../shared/sessions';
import { formatTime } from '../app/format';
import { shownVerdict } from './verdict';

const STATE_LABEL: Record<SessionState, string> = {
  idle: 'idle',
  connecting: 'connecting',
  connected: 'connected',
  reconnecting: 'reconnecting',
  failed: 'failed',
  closed: 'closed',
};

export function StatusLight({ state }: { state: SessionState }) {
  return (
    <span className={`light light-${state}`} role="img" aria-label={`state ${STATE_LABEL[state]}`} title={STATE_LABEL[state]} />
  );
}

export function StateText({ state }: { state: SessionState }) {
  return (
    <span className={`state state-${state}`} data-testid="session-state">
      {STATE_LABEL[state]}
    </span>
  );
}

const GRADE_LABEL: Record<Grade, string> = { secure: 'secure', warning: 'warning', insecure: 'insecure', unknown: 'not verified yet' };

export function GradeBadge({ grade, offline = false, title }: { grade: Grade; offline?: boolean; title?: string }) {
  return (
    <span className={`grade grade-${grade}${offline ? ' grade-offline' : ''}`} data-testid="grade" data-grade={grade} data-offline={offline} title={title}>
      {GRADE_LABEL[grade]}
    </span>
  );
}

/** A connection's verdict: the current grade, or the last one with "offline" beside it. */
export function VerdictBadge({ view }: { view: SessionView }) {
  const verdict = shownVerdict(view);
  if (!verdict.offline || verdict.at === null) return <GradeBadge grade={verdict.grade} />;
  const title = `Graded ${GRADE_LABEL[verdict.grade]} at the last handshake, ${formatTime(verdict.at)}; not connected now.`;
  return (
    <span className="verdict" title={title}>
      <GradeBadge grade={verdict.grade} offline title={title} />
      <span className="offline-badge" data-testid="offline-badge">
        offline
      </span>
    </span>
  );
}
