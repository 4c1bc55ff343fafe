/**
 * Everything the dashboard knows about one connection's security: the grade
 * and its reasons, the negotiated TLS parameters, the peer chain, the client
 * certificate, and on failure the cause and the fix, said once (a reason the
 * failure box already says is not listed again; the transitions, which
 * repeat it, are folded under History). While not connected it shows the
 * last verdict with its time, marked offline.
 */
import { expiryOf } from '../../../shared/expiry';
import type { CertificateSummary } from '../../../shared/security';
import type { SessionView } from '../../../shared/sessions';
import { formatTime } from '../app/format';
import { StateText, VerdictBadge } from './badges';
import { shownVerdict } from './verdict';

function date(iso: string | null): string {
  return iso === null ? 'unreadable' : iso.slice(0, 10);
}

function CertificateCard({ cert, role }: { cert: CertificateSummary; role: string }) {
  const expired = expiryOf({ notAfter: cert.notAfter })?.level === 'expired';
  return (
    <div className="cert" data-testid="chain-certificate">
      <div className="cert-role">{role}</div>
      <dl>
        <dt>Subject</dt>
        <dd>{cert.subject}</dd>
        <dt>Issuer</dt>
        <dd>{cert.issuer}</dd>
        {cert.subjectAltNames.length > 0 && (
          <>
            <dt>Names</dt>
            <dd>{cert.subjectAltNames.join(', ')}</dd>
          </>
        )}
        <dt>Valid</dt>
        <dd className={expired ? 'bad' : undefined}>
          {date(cert.notBefore)} to {date(cert.notAfter)}
          {expired ? ' (expired)' : ''}
        </dd>
        <dt>Key</dt>
        <dd>
          {cert.keyType}
          {cert.keyBits ? ` ${cert.keyBits} bits` : ''}
        </dd>
        <dt>SHA-256</dt>
        <dd className="mono small">{cert.fingerprint256}</dd>
        {cert.unreadable.length > 0 && (
          <>
            <dt>Unreadable</dt>
            <dd className="bad" data-testid="unreadable-fields">
              {cert.unreadable.map((u) => `${u.field}: ${u.reason}`).join('; ')}
            </dd>
          </>
        )}
      </dl>
    </div>
  );
}

function yesNo(value: boolean | null, yes: string, no: string, unknown = 'not checked'): string {
  return value === null ? unknown : value ? yes : no;
}

export function SecurityPanel({ view }: { view: SessionView }) {
  const { security } = view;
  const tls = security.tls;
  const verdict = shownVerdict(view);
  const failure = view.error?.message;
  const reasons = verdict.reasons.filter((r) => r.message !== failure);
  return (
    <section className="panel" aria-label="Security status" data-testid="security-panel">
      <header className="panel-head">
        <h2>Security</h2>
        <VerdictBadge view={view} />
        <StateText state={view.state} />
      </header>

      {verdict.offline && verdict.at !== null && (
        <p className="offline-note" data-testid="last-verdict">
          Not connected. At the last handshake, {formatTime(verdict.at)}, this connection was graded <strong>{verdict.grade}</strong>; the checks below are from that handshake.
        </p>
      )}

      {view.error && (
        <div className="failure" role="alert" data-testid="failure">
          <div className="failure-message" data-testid="failure-message">
            {view.error.message}
          </div>
          {view.error.hint && (
            <div className="failure-hint" data-testid="failure-hint">
              Fix: {view.error.hint}
            </div>
          )}
          <div className="muted small mono">{view.error.code}</div>
        </div>
      )}

      <ul className="reasons" data-testid="reasons">
        {reasons.map((r) => (
          <li key={r.code + r.message} className={`reason reason-${r.level}`} data-code={r.code}>
            {r.message}
          </li>
        ))}
      </ul>

      <dl className="facts">
        <dt>Transport</dt>
        <dd data-testid="transport">{security.transport}:// {security.encrypted ? '(TLS)' : '(not encrypted)'}</dd>
        {tls && (
          <>
            <dt>TLS version</dt>
            <dd data-testid="tls-version">{tls.version ?? 'none'}</dd>
            <dt>Cipher</dt>
            <dd>
              {tls.cipherStandardName ?? tls.cipher ?? 'none'}
              {tls.forwardSecret === false ? ' (no forward secrecy)' : ''}
            </dd>
            <dt>Verification</dt>
            <dd className={tls.verification ? undefined : 'bad'}>{tls.verification ? 'on' : 'OFF'}</dd>
            <dt>Chain</dt>
            <dd data-testid="chain-verdict">{tls.authorized ? 'verified' : `not verified${tls.authorizationError ? ` (${tls.authorizationError})` : ''}`}</dd>
            <dt>Host name</dt>
            <dd>{yesNo(tls.hostname.matched, `matches ${tls.hostname.expected}`, `does not match ${tls.hostname.expected}`)}</dd>
            <dt>Pins</dt>
            <dd>{tls.pin.configured === 0 ? 'none configured' : yesNo(tls.pin.matched, 'matched', 'MISMATCH')}</dd>
            <dt>ALPN</dt>
            <dd>{tls.alpnProtocol ?? 'none'}</dd>
          </>
        )}
      </dl>

      {tls?.clientCertificate && (
        <>
          <h3>Client certificate</h3>
          <CertificateCard cert={tls.clientCertificate} role="Presented to the broker" />
        </>
      )}

      {tls && tls.peerChain.length > 0 && (
        <>
          <h3>Broker certificate chain</h3>
          <div className="chain" data-testid="peer-chain">
            {tls.peerChain.map((cert, i) => (
              <CertificateCard key={cert.fingerprint256 + i} cert={cert} role={i === 0 ? 'Broker' : cert.selfSigned ? 'Root CA' : 'Intermediate CA'} />
            ))}
          </div>
        </>
      )}

      <details className="history-log">
        <summary>
          History ({view.history.length} transition{view.history.length === 1 ? '' : 's'})
        </summary>
        <ol className="history" data-testid="history">
          {view.history
            .slice()
            .reverse()
            .map((t) => (
              <li key={`${t.at}-${t.to}-${t.reason}`}>
                <time className="mono small">{new Date(t.at).toLocaleTimeString()}</time> {t.from} → <strong>{t.to}</strong>: {t.reason}
              </li>
            ))}
        </ol>
      </details>
    </section>
  );
}
