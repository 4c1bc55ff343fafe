/**
 * The error codes (shared/errors.ts): each listed once with its meaning, and
 * an error crossing a transport with a code not in the list is refused as
 * malformed rather than shown.
 */
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ERROR_MEANINGS, isErrorCode } from '../../shared/errors';
import { AppErrorSchema, resultSchema } from '../../shared/result';
import { z } from 'zod';

describe('error codes', () => {
  it('gives every code a meaning in one sentence, and a snake_case name', () => {
    expect(ERROR_CODES.length).toBeGreaterThan(100);
    for (const code of ERROR_CODES) {
      expect(code).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
      expect(ERROR_MEANINGS[code]).toMatch(/^[A-Z`].{10,}\.$/);
    }
  });

  it('accepts listed codes and refuses others, with the failing field as data', () => {
    expect(isErrorCode('tls_unknown_ca')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
    const error = { code: 'invalid_payload', message: 'The request was rejected.', hint: '', field: ['settings', 'subscriptions', 2, 'filter'] };
    expect(AppErrorSchema.parse(error)).toEqual(error);
    expect(AppErrorSchema.safeParse({ ...error, code: 'no_such_code' }).success).toBe(false);
    expect(resultSchema(z.null()).safeParse({ ok: false, error: { ...error, field: [{}] } }).success).toBe(false);
  });
});
