/**
 * Errors as values: every failure that crosses a process boundary is a
 * `{code, message, hint}` the UI can show as-is, with the failing field as
 * data when the error is about one. Written once here so the core, both
 * transports and the renderer agree on the shape; the codes are listed in
 * errors.ts.
 */
import { z } from 'zod';
import { ErrorCodeSchema, type ErrorCode } from './errors';

/** Where in a request the error is: `['settings', 'subscriptions', 2, 'filter']`. */
export const FieldPathSchema = z.array(z.union([z.string(), z.number()]));
export type FieldPath = z.infer<typeof FieldPathSchema>;

export const AppErrorSchema = z.object({
  /** Stable machine-readable code, e.g. `tls_unknown_ca`: one of errors.ts. */
  code: ErrorCodeSchema,
  /** One sentence saying what went wrong, in the operator's terms. */
  message: z.string().min(1),
  /** One sentence saying how to fix it. */
  hint: z.string(),
  /** The field of the request the error is about, when it is about one: for the form to mark, never parsed out of the message. */
  field: FieldPathSchema.optional(),
});
export type AppError = z.infer<typeof AppErrorSchema>;

export type Ok<T> = { ok: true; value: T };
export type Err = { ok: false; error: AppError };
export type Result<T> = Ok<T> | Err;

export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

export function err(code: ErrorCode, message: string, hint = '', field?: FieldPath): Err {
  return { ok: false, error: field ? { code, message, hint, field } : { code, message, hint } };
}

/** Schema of a `Result` carrying `value`, for validating what comes back over a transport. */
export function resultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: AppErrorSchema }),
  ]);
}

/**
 * Thrown inside the core when an operation fails for a reason the operator can act on;
 * the dispatcher turns it into an `Err`. Anything else thrown is reported as `internal`.
 */
export class AppFailure extends Error {
  readonly error: AppError;
  constructor(code: ErrorCode, message: string, hint = '', field?: FieldPath) {
    super(message);
    this.name = 'AppFailure';
    this.error = field ? { code, message, hint, field } : { code, message, hint };
  }
  static from(error: AppError): AppFailure {
    return new AppFailure(error.code, error.message, error.hint, error.field);
  }
}
