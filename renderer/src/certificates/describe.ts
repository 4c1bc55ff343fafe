/**
 * How the renderer words a certificate or key: its common name, its key type,
 * and how close it is to expiry (expired: red, under 30 days: yellow). The
 * core describes certificates; this only formats what it sent.
 */

export const EXPIRY_WARNING_DAYS = 30;
const DAY = 86_400_000;

/** The CN of a one-line subject such as `O=Acme, CN=device-001`, or null. */
export function commonName(subject: string | null | undefined): string | null {
  if (!subject) return null;
  const match = /(?:^|[,/]\s*)CN=((?:\\,|[^,/])+)/.exec(subject);
  return match?.[1]?.replace(/\\,/g, ',').trim() || null;
}

/** `EC P-256`, `RSA 4096`, `Ed25519`: the bits only when the type does not already say them. */
export function keyLabel(keyType: string | null | undefined, keyBits: number | null | undefined): string {
  if (!keyType) return 'unknown key';
  return keyBits && !/\d/.test(keyType) ? `${keyType} ${keyBits}` : keyType;
}

export type ExpiryLevel = 'ok' | 'soon' | 'expired';

export interface Expiry {
  level: ExpiryLevel;
  /** Whole days left, negative once expired. */
  days: number;
  date: string;
  text: string;
}

export function expiryOf(notAfter: string, now = Date.now()): Expiry | null {
  const at = Date.parse(notAfter);
  if (Number.isNaN(at)) return null;
  const days = Math.floor((at - now) / DAY);
  const date = new Date(at).toISOString().slice(0, 10);
  if (at <= now) return { level: 'expired', days, date, text: `expired ${date}` };
  if (days < EXPIRY_WARNING_DAYS) return { level: 'soon', days, date, text: `expires ${date} (in ${days} day${days === 1 ? '' : 's'})` };
  return { level: 'ok', days, date, text: `expires ${date}` };
}
