/**
 * Shown on the demo connection: says what it is, and removes it (broker,
 * devices, connection and keychain secrets) after a confirmation that says
 * exactly that; the window's notice then says what went.
 */
import { Busy } from '../feedback/Busy';
import { Problem } from '../feedback/Problem';
import { ConfirmButton } from '../forms/ConfirmButton';
import { useRemoveDemo } from './use-demo';

export function DemoBanner() {
  const { remove, busy, error } = useRemoveDemo();
  return (
    <div className="demo-banner" role="note" aria-busy={busy} data-testid="demo-banner">
      <span>
        <strong>Demo fleet.</strong> The broker and devices run inside this app on 127.0.0.1, with a throwaway certificate authority.
      </span>
      <span className="actions">
        {busy ? (
          <Busy label="Removing the demo…" />
        ) : (
          <ConfirmButton
            label="Remove demo"
            confirm="Remove the demo broker, its devices, its connection and its keychain secrets"
            onConfirm={() => void remove()}
            testId="remove-demo"
            confirmTestId="confirm-remove-demo"
          />
        )}
      </span>
      {error && <Problem problem={error} />}
    </div>
  );
}
