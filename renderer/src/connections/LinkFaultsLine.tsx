/**
 * One line under a connection's state: the faults its link has had since the
 * operator connected (losses, protocol errors from the broker, stalls,
 * oversized packets refused), so a flapping link shows even while it is up.
 */
import type { LinkFaults } from '../../../shared/sessions';
import { faultSummary } from './link-faults';

export function LinkFaultsLine({ faults }: { faults: LinkFaults }) {
  const text = faultSummary(faults);
  if (!text) return null;
  return (
    <p className="muted small" data-testid="link-faults">
      {text}
    </p>
  );
}
