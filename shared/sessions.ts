/**
 * A connection's life as the operator sees it: the state machine, the reason of
 * every transition, and the latest security verdict.
 */
import { z } from 'zod';
import { AppErrorSchema } from './result';
import { SecurityStatusSchema } from './security';

export const SessionStateSchema = z.enum(['idle', 'connecting', 'connected', 'reconnecting', 'failed', 'closed']);
export type SessionState = z.infer<typeof SessionStateSchema>;

export const TransitionSchema = z.object({
  from: SessionStateSchema,
  to: SessionStateSchema,
  /** Milliseconds since the epoch. */
  at: z.number(),
  reason: z.string(),
});
export type Transition = z.infer<typeof TransitionSchema>;

export const SessionViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  state: SessionStateSchema,
  /** The reason of the latest transition. */
  reason: z.string(),
  /** The translated error that caused `failed` or the last `reconnecting`. */
  error: AppErrorSchema.nullable(),
  /** Reconnect attempts since the last successful connect. */
  attempt: z.number().int(),
  /** When the next reconnect attempt is due (ms since epoch), if one is scheduled. */
  nextRetryAt: z.number().nullable(),
  history: z.array(TransitionSchema),
  security: SecurityStatusSchema,
});
export type SessionView = z.infer<typeof SessionViewSchema>;
