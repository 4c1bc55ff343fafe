/**
 * A destructive button that asks once more: the first click puts the red
 * button that says exactly what goes next to Keep; only that one acts.
 */
import { useState, type ReactNode } from 'react';

export function ConfirmButton({ label, confirm, onConfirm, disabled, small, testId, confirmTestId }: { label: string; confirm: ReactNode; onConfirm: () => void; disabled?: boolean; small?: boolean; testId?: string; confirmTestId?: string }) {
  const [asking, setAsking] = useState(false);
  const link = small ? 'link small' : 'link';
  if (!asking) {
    return (
      <button type="button" className={link} onClick={() => setAsking(true)} data-testid={testId}>
        {label}
      </button>
    );
  }
  return (
    <>
      <button type="button" className={small ? 'danger-button small-button' : 'danger-button'} onClick={onConfirm} disabled={disabled} data-testid={confirmTestId}>
        {confirm}
      </button>
      <button type="button" className={link} onClick={() => setAsking(false)}>
        Keep
      </button>
    </>
  );
}
