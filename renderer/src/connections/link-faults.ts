/**
 * A connection's link faults since the operator connected, in one sentence.
 */
import type { LinkFaults } from '../../../shared/sessions';
import { formatBytes, formatCount } from '../app/format';

const plural = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`;

export function faultSummary(f: LinkFaults): string | null {
  const parts: string[] = [];
  if (f.lost) parts.push(plural(f.lost, 'connection lost', 'connections lost'));
  if (f.protocolErrors) parts.push(plural(f.protocolErrors, 'protocol error from the broker', 'protocol errors from the broker'));
  if (f.stalls) parts.push(plural(f.stalls, 'stalled link', 'stalled links'));
  if (f.oversizedPackets) {
    const last = f.lastOversizedBytes === null ? '' : ` (last ${formatBytes(f.lastOversizedBytes)})`;
    parts.push(`${plural(f.oversizedPackets, 'oversized packet', 'oversized packets')} refused${last}`);
  }
  return parts.length ? `Since connecting: ${parts.join(' · ')}.` : null;
}
