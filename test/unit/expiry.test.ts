/**
 * Certificate expiry (shared/expiry.ts): one threshold and one wording, so the
 * security grade (grade.test.ts checks its use), the connection's certificates
 * and the window's badges call the same certificate expiring on the same day
 * and say it the same way.
 */
import { describe, expect, it } from 'vitest';
import { EXPIRY_WARNING_DAYS, expiryOf, expiryPhrase, inDays } from '../../shared/expiry';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const DAY = 86_400_000;
const at = (days: number) => new Date(NOW + days * DAY).toISOString();

describe('certificate expiry', () => {
  it('flags a certificate for renewal under the threshold, not at it', () => {
    expect(expiryOf({ notAfter: at(EXPIRY_WARNING_DAYS) }, NOW)?.level).toBe('ok');
    expect(expiryOf({ notAfter: at(EXPIRY_WARNING_DAYS - 0.01) }, NOW)?.level).toBe('expiring');
    expect(expiryOf({ notAfter: at(0.5) }, NOW)?.level).toBe('expiring');
    expect(expiryOf({ notAfter: at(-0.01) }, NOW)?.level).toBe('expired');
  });

  it('calls a certificate not yet valid only when its start is given, and expired before that', () => {
    expect(expiryOf({ notBefore: at(2), notAfter: at(400) }, NOW)?.level).toBe('not_yet_valid');
    expect(expiryOf({ notAfter: at(400) }, NOW)?.level).toBe('ok');
    expect(expiryOf({ notBefore: at(2), notAfter: at(-1) }, NOW)?.level).toBe('expired');
  });

  it('says days whole, rounded down, and the date', () => {
    expect(inDays(1.9)).toBe('1 day');
    expect(inDays(12.2)).toBe('12 days');
    expect(inDays(0.3)).toBe('0 days');
    const phrase = (notAfter: string, notBefore?: string) => {
      const expiry = expiryOf({ notAfter, notBefore }, NOW);
      return expiry && expiryPhrase(expiry);
    };
    expect(phrase('2026-06-13T18:00:00Z')).toBe('expires in 12 days (2026-06-13)');
    expect(phrase('2026-05-01T00:00:00Z')).toBe('expired on 2026-05-01');
    expect(phrase('2027-01-01T00:00:00Z', '2026-07-01T00:00:00Z')).toBe('is not valid before 2026-07-01');
    expect(phrase('2027-01-01T00:00:00Z')).toBe('valid until 2027-01-01');
  });

  it('ignores a date it cannot read rather than calling it expired', () => {
    expect(expiryOf({ notAfter: 'not a date' }, NOW)).toBeNull();
  });
});
