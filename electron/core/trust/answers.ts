/**
 * What a verified revocation answer says, whichever source gave it (an OCSP
 * response or a CRL), and the time rules both must meet: not issued in the
 * future, not past their nextUpdate, each with a few minutes of clock skew
 * allowed between this computer and the CA, as RFC 5019 advises.
 */
import { REVOCATION_REASONS } from '../../../shared/revocation';

/** Clocks of a CA and of this computer may differ by this much. */
export const CLOCK_SKEW_MS = 5 * 60_000;
/** An answer without nextUpdate is used for at most this long after its thisUpdate. */
export const NO_NEXT_UPDATE_MAX_AGE_MS = 24 * 3_600_000;

export interface RevocationAnswer {
  status: 'good' | 'revoked' | 'unknown';
  /** ms since the epoch. */
  revokedAt: number | null;
  reason: string | null;
  thisUpdate: number;
  nextUpdate: number | null;
}

/** Why an OCSP response or a CRL cannot be used. `other-issuer`: a CRL of another CA (a CRL file that is simply not for this chain). */
export class AnswerError extends Error {
  constructor(
    message: string,
    readonly kind: 'invalid' | 'stale' | 'other-issuer' = 'invalid',
  ) {
    super(message);
  }
}

export function reasonName(code: number): string {
  return REVOCATION_REASONS[code] ?? `reason ${code}`;
}

function day(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** Throws AnswerError (stale) when the answer is not current at `now`. */
export function checkCurrent(what: string, thisUpdate: number, nextUpdate: number | null, now: number): void {
  if (thisUpdate > now + CLOCK_SKEW_MS) throw new AnswerError(`${what} claims to be issued in the future (${day(thisUpdate)}); check this computer's clock`, 'stale');
  if (nextUpdate !== null && nextUpdate < thisUpdate) throw new AnswerError(`${what} has its nextUpdate before its thisUpdate`);
  if (nextUpdate !== null && nextUpdate < now - CLOCK_SKEW_MS) throw new AnswerError(`${what} is out of date (next update was due ${day(nextUpdate)})`, 'stale');
  if (nextUpdate === null && thisUpdate < now - NO_NEXT_UPDATE_MAX_AGE_MS) throw new AnswerError(`${what} is out of date (issued ${day(thisUpdate)}, with no next update)`, 'stale');
}

/** Until when an answer may be reused: its nextUpdate, or an hour for an answer that names none. */
export function usableUntil(answer: RevocationAnswer): number {
  return answer.nextUpdate ?? answer.thisUpdate + 3_600_000;
}
