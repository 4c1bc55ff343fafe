/**
 * A certificate's expiry in words, coloured: red once expired, yellow under
 * 30 days, plain otherwise.
 */
import { expiryOf } from './describe';

export function ExpiryText({ notAfter }: { notAfter: string | null | undefined }) {
  const expiry = notAfter ? expiryOf(notAfter) : null;
  if (!expiry) return <span className="muted">no expiry</span>;
  return (
    <span className={`expiry expiry-${expiry.level}`} data-expiry={expiry.level}>
      {expiry.text}
    </span>
  );
}
