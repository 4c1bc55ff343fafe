/**
 * While the core reads a bundle: what it is doing, in words (a passphrase
 * derivation can take seconds on purpose), and a way to stop it.
 */
import type { ImportProgress } from '../../../shared/certificates';
import { Busy } from '../feedback/Busy';

export function inspectionLabel(progress: ImportProgress | null): string {
  if (!progress) return 'Reading the bundle…';
  const { stage, done, total } = progress;
  switch (stage) {
    case 'reading':
      return total > 1 ? `Reading file ${Math.min(done + 1, total)} of ${total}…` : 'Reading the bundle…';
    case 'deriving':
      return `Deriving the key from the passphrase… ${total ? Math.floor((100 * done) / total) : 0}%`;
    case 'checking':
      return 'Checking the certificates…';
  }
}

export function InspectionProgress({ progress, onCancel }: { progress: ImportProgress | null; onCancel: () => void }) {
  return (
    <div className="row" data-testid="import-progress" data-stage={progress?.stage ?? 'starting'}>
      <Busy label={inspectionLabel(progress)} />
      <button type="button" className="link" onClick={onCancel} data-testid="import-cancel">
        Cancel
      </button>
    </div>
  );
}
