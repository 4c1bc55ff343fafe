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

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  // The unit follows the rounded figure: 1,048,575 bytes is "1.0 MB", not "1024.0 KB".
  if (Math.round((bytes / 1024) * 10) / 10 < 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function formatTime(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour12: false });
}
