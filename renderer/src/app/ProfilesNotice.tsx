/**
 * The banner for what the operator must know about the saved connections
 * (the file was corrupt and the backup was loaded, or it could not be read).
 * Dismissable for this session; it comes back on the next start while the
 * cause remains.
 */
import { useState } from 'react';
import type { AppError } from '../../../shared/result';

export function ProfilesNotice({ notice }: { notice: AppError }) {
  const [dismissed, setDismissed] = useState(false);
  if (dismissed) return null;
  return (
    <div className="notice" role="alert" data-testid="profiles-notice" data-code={notice.code}>
      <span>
        <strong>{notice.message}</strong> {notice.hint}
      </span>
      <button type="button" className="link" onClick={() => setDismissed(true)} aria-label="Dismiss this notice">
        Dismiss
      </button>
    </div>
  );
}
