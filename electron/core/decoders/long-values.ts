/**
 * 64-bit integers as protobufjs hands them over (a Long of two 32-bit halves,
 * or a number), as plain values: a number when it is exact, its digits
 * otherwise, so no value is silently rounded.
 */
import type { Plain } from './plain-value';

export interface LongLike {
  low: number;
  high: number;
  unsigned?: boolean;
}
export type U64 = number | LongLike;

const TWO_32 = 4294967296;

/** The value as a number when it fits exactly, else as decimal text. */
export function longValue(v: U64 | null | undefined, signed: boolean): number | string {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  const high = signed ? v.high | 0 : v.high >>> 0;
  const n = high * TWO_32 + (v.low >>> 0);
  if (Number.isSafeInteger(n)) return n;
  const big = (BigInt(high) << 32n) | BigInt(v.low >>> 0);
  return big.toString();
}

/** For counters and times that are exact in practice (sequence numbers, aliases, milliseconds). */
export function longNumber(v: U64 | null | undefined): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  // Small values (aliases, sequence numbers) stay small integers: map keys V8 hashes fastest.
  if (v.high === 0 && v.low >= 0) return v.low;
  return (v.high >>> 0) * TWO_32 + (v.low >>> 0);
}

/** A time in milliseconds since 1970 as ISO text, when it is one. */
export function isoTime(ms: number): Plain {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return ms;
  return new Date(ms).toISOString();
}
