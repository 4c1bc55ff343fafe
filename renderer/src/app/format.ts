/**
 * How numbers read on screen: message counts, rates, sizes, times.
 */
const counts = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });

export function formatCount(n: number): string {
  return counts.format(n);
}

/**
 * A count with its noun: "1 message", "2 messages", "1,204 topics". The one
 * place the window pluralises; `many` for nouns that do not take an s.
 */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

export function formatRate(perSecond: number): string {
  if (perSecond < 0.05) return '';
  if (perSecond >= 10_000) return `${compact.format(perSecond)}/s`;
  return `${perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond)}/s`;
}

export { formatBytes } from '../../../shared/sizes';

export function formatTime(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour12: false });
}

/** A time of day to the millisecond, for messages that arrive many a second ("14:03:07.250"). */
export function formatTimeMs(ms: number): string {
  return `${formatTime(ms)}.${String(Math.floor(((ms % 1000) + 1000) % 1000)).padStart(3, '0')}`;
}
