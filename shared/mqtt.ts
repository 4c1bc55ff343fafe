/**
 * MQTT vocabulary shared by profiles, telemetry and publishing.
 */
import { z } from 'zod';

export const QosSchema = z.union([z.literal(0), z.literal(1), z.literal(2)]);
export type Qos = z.infer<typeof QosSchema>;

/** Whether `filter` is a valid MQTT topic filter: `+` a whole level, `#` only as the last level. */
export function topicFilterValid(filter: string): boolean {
  if (filter.length === 0 || filter.includes('\u0000')) return false;
  const levels = filter.split('/');
  return levels.every((level, i) => {
    if (level.includes('#')) return level === '#' && i === levels.length - 1;
    if (level.includes('+')) return level === '+';
    return true;
  });
}

/**
 * Whether a topic matches a (valid) filter, as a broker decides: `+` is one
 * level, `#` the parent level and everything below; a wildcard in the first
 * level does not match topics starting with `$` (MQTT 3.1.1 §4.7.2).
 */
export function topicMatchesFilter(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const level = f[i] as string;
    if (level === '#') return true;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}
