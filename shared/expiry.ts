/**
 * How close a certificate is to the end of its validity, and how that is
 * said: expired, not yet valid, expiring within EXPIRY_WARNING_DAYS, or fine.
 * One threshold and one wording for the security grade, the import summary,
 * the connection form's certificates and the window's expiry badges.
 */

/** A certificate this close to its end is flagged for renewal. */
export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;

export type ExpiryLevel = 'expired' | 'not_yet_valid' | 'expiring' | 'ok';

export interface Expiry {
  level: ExpiryLevel;
  /** Days until `notAfter`, fractional, negative once expired. */
  daysLeft: number;
  /** `notAfter` as YYYY-MM-DD. */
  date: string;
  /** `notBefore` as YYYY-MM-DD, when it was given. */
  validFrom: string | null;
}

export interface Validity {
  /** Null when the certificate's date could not be read: no expiry is claimed then. */
  notAfter: string | null;
  /** Without it a certificate is never called not yet valid. */
  notBefore?: string | null;
}

/** The expiry of a certificate at `now`; null when `notAfter` is missing or not a date. */
export function expiryOf(validity: Validity, now = Date.now()): Expiry | null {
  const end = validity.notAfter === null ? Number.NaN : Date.parse(validity.notAfter);
  if (Number.isNaN(end)) return null;
  const start = validity.notBefore == null ? Number.NaN : Date.parse(validity.notBefore);
  const daysLeft = (end - now) / DAY_MS;
  const level: ExpiryLevel = daysLeft < 0 ? 'expired' : start > now ? 'not_yet_valid' : daysLeft < EXPIRY_WARNING_DAYS ? 'expiring' : 'ok';
  return { level, daysLeft, date: new Date(end).toISOString().slice(0, 10), validFrom: Number.isNaN(start) ? null : new Date(start).toISOString().slice(0, 10) };
}

/** `1 day`, `12 days`: whole days, rounded down. */
export function inDays(days: number): string {
  const d = Math.floor(days);
  return d === 1 ? '1 day' : `${d} days`;
}

/** The expiry as the end of a sentence about the certificate: `expires in 12 days (2026-05-01)`. */
export function expiryPhrase(expiry: Expiry): string {
  switch (expiry.level) {
    case 'expired':
      return `expired on ${expiry.date}`;
    case 'not_yet_valid':
      return `is not valid before ${expiry.validFrom ?? 'its start date'}`;
    case 'expiring':
      return `expires in ${inDays(expiry.daysLeft)} (${expiry.date})`;
    case 'ok':
      return `valid until ${expiry.date}`;
  }
}
