/**
 * What the import will use: the client identity (certificate, the chain sent
 * with it, its key, which goes to the keychain) and the CA certificates that
 * will verify the broker.
 */
import type { ImportSummary } from '../../../shared/certificates';
import { keyLabel } from '../certificates/describe';
import { ExpiryText } from '../certificates/ExpiryText';

export function IdentityCard({ identity }: { identity: ImportSummary['identity'] }) {
  if (!identity) {
    return (
      <section className="cert" data-testid="import-identity" aria-label="Client identity">
        <div className="cert-role">Client identity</div>
        <p className="muted">None: the bundle has no certificate together with its private key. The CAs below can still verify the broker.</p>
      </section>
    );
  }
  const { certificate, chain, key } = identity;
  return (
    <section className="cert" data-testid="import-identity" aria-label="Client identity">
      <div className="cert-role">Client identity</div>
      <dl>
        <dt>Certificate</dt>
        <dd data-testid="import-identity-subject">{certificate.subject}</dd>
        <dt>Issuer</dt>
        <dd>{certificate.issuer}</dd>
        <dt>Valid until</dt>
        <dd>
          <ExpiryText notAfter={certificate.notAfter} />
        </dd>
        <dt>Chain sent</dt>
        <dd>
          {chain.length === 0 ? (
            'the certificate alone'
          ) : (
            <ul className="plain">
              {chain.map((c) => (
                <li key={c.fingerprint256}>{c.subject}</li>
              ))}
            </ul>
          )}
        </dd>
        <dt>Private key</dt>
        <dd>
          {keyLabel(key.keyType, key.keyBits)} from <span className="mono small">{key.source}</span>
          {key.encrypted ? ' (encrypted)' : ''}; saved only in the OS keychain
        </dd>
      </dl>
    </section>
  );
}

export function CaList({ ca }: { ca: ImportSummary['ca'] }) {
  return (
    <section className="cert" data-testid="import-ca" aria-label="Certificate authorities">
      <div className="cert-role">Certificate authorities (verify the broker)</div>
      {ca.length === 0 ? (
        <p className="muted">None in the bundle: the broker will be verified with the system roots.</p>
      ) : (
        <ul className="plain">
          {ca.map((c) => (
            <li key={c.fingerprint256} data-testid="import-ca-item">
              {c.subject} <span className="muted small">({c.selfSigned ? 'root' : 'intermediate'})</span> <ExpiryText notAfter={c.notAfter} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
