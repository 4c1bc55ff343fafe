/**
 * The at-a-glance marks: a connection's state light and its security grade.
 */
import type { Grade } from '../../../shared/security';
import type { SessionState } from '../../../shared/sessions';

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

export function GradeBadge({ grade }: { grade: Grade }) {
  return (
    <span className={`grade grade-${grade}`} data-testid="grade" data-grade={grade}>
      {GRADE_LABEL[grade]}
    </span>
  );
}
