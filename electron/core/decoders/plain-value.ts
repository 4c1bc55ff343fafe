/**
 * Decoded values as the rest of the app takes them: JSON-like (null,
 * booleans, finite or not numbers, strings, arrays, objects without a
 * prototype), so extraction walks them with JSON's path language and the
 * window shows them as JSON. Library values are mapped readably: bytes as
 * base64, big integers as numbers when exact (else their digits), dates as
 * ISO text, CBOR tags as `{tag, value}`, maps as objects. Attacker-sized input
 * is bounded here: at most MAX_DEPTH levels and MAX_NODES values per payload.
 */
import { DecodeError } from './decode-error';

export type Plain = null | boolean | number | string | Plain[] | PlainObject;
export interface PlainObject {
  [key: string]: Plain;
}

export const MAX_DEPTH = 64;
export const MAX_NODES = 200_000;
/** Bytes shown of a byte string; the rest is summarised. */
export const MAX_BYTES_SHOWN = 4096;

/** An object for decoded keys: no prototype, so a key such as `__proto__` is only a key. */
export function plainObject(): PlainObject {
  return Object.create(null) as PlainObject;
}

/**
 * Sets a decoded key on an ordinary object: the hot path's objects (Sparkplug
 * metrics by name) keep V8's fast shapes, which prototype-less objects never
 * have; `__proto__` is still defined as a plain key, never the prototype.
 */
export function setKey(object: PlainObject, key: string, value: Plain): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}

export function bytesText(bytes: Uint8Array): string {
  const shown = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, MAX_BYTES_SHOWN)).toString('base64');
  return bytes.length > MAX_BYTES_SHOWN ? `${shown}… (${bytes.length} bytes)` : shown;
}

export function bigText(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}

/** Counts values against MAX_NODES across one payload. */
export class Budget {
  private nodes = 0;
  /** Starts over for the next payload (decoding is synchronous: one budget can serve every payload of a decoder). */
  reset(): this {
    this.nodes = 0;
    return this;
  }

  spend(depth: number): void {
    if (depth > MAX_DEPTH) throw new DecodeError(`it is nested deeper than ${MAX_DEPTH} levels`);
    if (++this.nodes > MAX_NODES) throw new DecodeError(`it holds more than ${MAX_NODES.toLocaleString('en-US')} values`);
  }
}

/** A key of a decoded map as text. */
function keyText(key: unknown, budget: Budget, depth: number): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'number' || typeof key === 'boolean' || key === null || key === undefined) return String(key);
  if (typeof key === 'bigint') return key.toString();
  const plain = toPlain(key, budget, depth);
  return JSON.stringify(plain);
}

/**
 * A value decoded by a generic library (CBOR, MessagePack) as a plain value.
 * `tagged` reads library-specific wrappers (CBOR tags) before the generic rules.
 */
export function toPlain(value: unknown, budget = new Budget(), depth = 0, tagged?: (value: object) => { tag: number | string; value: unknown } | null): Plain {
  budget.spend(depth);
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return value;
    case 'bigint':
      return bigText(value);
    case 'undefined':
      return null;
    case 'object':
      break;
    default:
      return String(value);
  }
  if (value === null) return null;
  if (value instanceof Uint8Array) return bytesText(value);
  if (ArrayBuffer.isView(value)) {
    const out: Plain[] = [];
    const items = value as unknown as ArrayLike<number | bigint>;
    for (let i = 0; i < items.length; i++) out.push(toPlain(items[i], budget, depth + 1, tagged));
    return out;
  }
  if (value instanceof ArrayBuffer) return bytesText(new Uint8Array(value));
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? value.toISOString() : 'invalid date';
  if (Array.isArray(value)) {
    const out: Plain[] = [];
    for (const item of value) out.push(toPlain(item, budget, depth + 1, tagged));
    return out;
  }
  const tag = tagged?.(value);
  if (tag) {
    const out = plainObject();
    out.tag = tag.tag;
    out.value = toPlain(tag.value, budget, depth + 1, tagged);
    return out;
  }
  const out = plainObject();
  if (value instanceof Map) {
    for (const [k, v] of value) out[keyText(k, budget, depth + 1)] = toPlain(v, budget, depth + 1, tagged);
    return out;
  }
  if (value instanceof Set) return toPlain([...value], budget, depth, tagged);
  for (const k of Object.keys(value)) out[k] = toPlain((value as Record<string, unknown>)[k], budget, depth + 1, tagged);
  return out;
}
