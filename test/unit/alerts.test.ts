import { describe, expect, it } from 'vitest';
import { alertFor } from '../../shared/alerts';
import type { Grade } from '../../shared/security';
import { NO_LINK_FAULTS, type SessionState, type SessionView } from '../../shared/sessions';

function view(state: SessionState, grade: Grade, extra: Partial<SessionView> = {}): SessionView {
  return {
    id: 'a',
    name: 'Plant A',
    url: 'mqtts://a',
    state,
    reason: 'because',
    error: null,
    attempt: 0,
    nextRetryAt: null,
    history: [],
    faults: NO_LINK_FAULTS,
    security: { transport: 'mqtts', encrypted: true, tls: null, grade, reasons: [{ level: 'warning', code: 'peer_expiring', message: 'expires in 9 days' }], error: null },
    ...extra,
  };
}

describe('desktop alerts', () => {
  it('tells when a connection drops', () => {
    const error = { code: 'net_refused' as const, message: 'Nothing accepted the connection.', hint: 'Check the broker.' };
    expect(alertFor(view('connected', 'secure'), view('reconnecting', 'secure', { error }))).toEqual({ title: 'Plant A: connection lost', body: 'Nothing accepted the connection. Check the broker.' });
    expect(alertFor(view('connected', 'secure'), view('failed', 'insecure'))?.title).toBe('Plant A: connection lost');
  });

  it('tells when the grade falls, with the reason, and not when it rises or is unknown', () => {
    expect(alertFor(view('connected', 'secure'), view('connected', 'warning'))).toEqual({ title: 'Plant A: security grade fell to warning', body: 'expires in 9 days' });
    expect(alertFor(view('connected', 'warning'), view('connected', 'secure'))).toBeNull();
    expect(alertFor(view('connected', 'secure'), view('connecting', 'unknown'))).toBeNull();
    expect(alertFor(undefined, view('connected', 'insecure'))).toBeNull();
    expect(alertFor(view('connecting', 'unknown'), view('connected', 'secure'))).toBeNull();
  });
});
