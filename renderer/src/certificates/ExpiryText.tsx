/**
 * A certificate's expiry in words (shared/expiry.ts), coloured: red once
 * expired, yellow when it is due for renewal, plain otherwise.
 */
import { expiryOf, expiryPhrase } from '../../../shared/expiry';

export function ExpiryText({ notAfter }: { notAfter: string | null | undefined }) {
  const expiry = notAfter ? expiryOf({ notAfter }) : null;
  if (!expiry) return <span className="muted">no expiry</span>;
  return (
    <span className={`expiry expiry-${expiry.level}`} data-expiry={expiry.level}>
      {expiryPhrase(expiry)}
    </span>
  );
}
