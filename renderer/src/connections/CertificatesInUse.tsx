/**
 * What a saved connection uses, as the core describes it: its CA certificates,
 * its client certificate (expiry in red or yellow when near), and its key,
 * which lives in the OS keychain and is only ever described, never shown.
 * The description comes from use-description.ts (the form names saved CAs by it too).
 */
import type { Profile } from '../../../shared/profiles';
import type { CertificateSummary } from '../../../shared/security';
import { keyLabel } from '../certificates/describe';
import { ExpiryText } from '../certificates/ExpiryText';
import { Busy } from '../feedback/Busy';
import type { Description } from './use-description';
import { Problem, ProblemList } from '../feedback/Problem';

/** Subjects with their expiry; in a chain, the certificates after the first are marked as such. */
function Certificates({ list, none, chain = false }: { list: CertificateSummary[]; none: string; chain?: boolean }) {
  if (list.length === 0) return <span className="muted">{none}</span>;
  return (
    <ul className="plain">
      {list.map((c, i) => (
        <li key={c.fingerprint256}>
          {chain && i > 0 && <span className="muted small">chain: </span>}
          {c.subject} <ExpiryText notAfter={c.notAfter} />
        </li>
      ))}
    </ul>
  );
}

export function CertificatesInUse({ profile, description }: { profile: Profile; description: Description }) {
  const { described, error, loading } = description;
  return (
    <section className="in-use" data-testid="profile-certificates" aria-label="Certificates in use" aria-busy={loading}>
      <h3>In use now</h3>
      {loading && !described && <Busy label="Reading…" />}
      {error && <Problem problem={error} level="warning" />}
      {described && (
        <dl className="facts">
          <dt>CA certificates</dt>
          <dd data-testid="profile-ca">
            <Certificates list={described.ca} none={`none: ${profile.tls.trust === 'system' ? 'the system roots verify the broker' : 'add a CA or trust the system roots'}`} />
          </dd>
          <dt>Client certificate</dt>
          <dd data-testid="profile-client-cert">
            <Certificates list={described.clientChain} none="none" chain />
          </dd>
          <dt>Private key</dt>
          <dd data-testid="profile-key">
            {described.key ? (
              <>
                {keyLabel(described.key.keyType, described.key.keyBits)}, stored in the OS keychain
                {described.key.encrypted ? ' (encrypted)' : ''}
                {!described.key.matchesCertificate && (
                  <span className="bad" data-testid="profile-key-mismatch">
                    {' '}
                    This key does not belong to the client certificate: the broker will refuse the connection. Import the matching key or bundle.
                  </span>
                )}
              </>
            ) : (
              <span className="muted">none</span>
            )}
          </dd>
        </dl>
      )}
      {described && <ProblemList warnings={described.warnings} errors={[]} prefix="profile" />}
    </section>
  );
}
