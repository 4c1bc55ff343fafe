/**
 * How numbers read on screen: message counts, rates, sizes, times.
 */
const counts = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });

export function formatCount(n: number): string {
  return counts.format(n);
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
