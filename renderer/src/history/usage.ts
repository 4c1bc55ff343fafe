/**
 * How a connection's recorded history reads on screen: how much, since when.
 */
import type { ConnectionUsage } from '../../../shared/history';
import { formatBytes, plural } from '../app/format';

export function usageLine(usage: ConnectionUsage): string {
  const since = usage.oldest === null ? '' : `, since ${new Date(usage.oldest).toLocaleString()}`;
  return `About ${formatBytes(usage.bytes)}: ${plural(usage.samples, 'sample')}, ${plural(usage.messages, 'message')}${since}.`;
}
