/**
 * How the alert list words times and mutes: a time of today as the time
 * alone, an older one with its date.
 */
import { formatDuration } from '../../../shared/alerts';

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const dateTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });

/** `14:03:12` today, `Mar 4, 14:03` otherwise. */
export function when(ms: number, now: number): string {
  return new Date(ms).toDateString() === new Date(now).toDateString() ? time.format(ms) : dateTime.format(ms);
}

/** `for 15 min`, `for 1 h`, `for 1 day`. */
export function muteLabel(minutes: number): string {
  return `for ${formatDuration(minutes * 60)}`;
}
