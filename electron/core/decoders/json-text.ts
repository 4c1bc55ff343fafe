/**
 * Decoded values as JSON text for the window, written only as far as it is
 * shown: a preview stops at its character limit instead of serialising a
 * large message whole first. Non-finite numbers are written as JSON writes
 * them (null). A value decoded from a small payload is small (each value
 * takes at least a byte on the wire): it is written by the native
 * JSON.stringify, then cut.
 */
import type { Plain } from './plain-value';

class Stop {}
const STOP = new Stop();

/** Payloads up to this size are written whole by JSON.stringify: a few thousand values at most. */
export const NATIVE_BELOW_BYTES = 4096;

export function jsonText(value: Plain, maxChars: number, payloadBytes = Infinity): { text: string; truncated: boolean } {
  if (payloadBytes <= NATIVE_BELOW_BYTES) {
    const whole = JSON.stringify(value);
    return whole.length > maxChars ? { text: whole.slice(0, maxChars), truncated: true } : { text: whole, truncated: false };
  }
  let text = '';
  const put = (part: string) => {
    text += part;
    if (text.length > maxChars) throw STOP;
  };
  const write = (v: Plain): void => {
    if (v === null) return put('null');
    switch (typeof v) {
      case 'string':
        return put(JSON.stringify(v));
      case 'number':
        return put(Number.isFinite(v) ? String(v) : 'null');
      case 'boolean':
        return put(v ? 'true' : 'false');
    }
    if (Array.isArray(v)) {
      put('[');
      for (let i = 0; i < v.length; i++) {
        if (i > 0) put(',');
        write(v[i] as Plain);
      }
      return put(']');
    }
    put('{');
    let first = true;
    for (const key in v) {
      if (!first) put(',');
      first = false;
      put(JSON.stringify(key));
      put(':');
      write(v[key] as Plain);
    }
    put('}');
  };
  try {
    write(value);
    return { text, truncated: false };
  } catch (signal) {
    if (signal !== STOP) throw signal;
    return { text: text.slice(0, maxChars), truncated: true };
  }
}
