/**
 * A connection's life as the operator sees it: the state machine, the reason of
 * every transition, and the latest security verdict.
 */
import { z } from 'zod';
import { AppErrorSchema } from './result';
import { GradeSchema, ReasonSchema, SecurityStatusSchema } from './security';

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

/** Faults seen on this connection since the operator last pressed Connect. */
export const LinkFaultsSchema = z.object({
  /** Established connections that were lost, whatever the cause. */
  lost: z.number().int(),
  /** Malformed packets, packets a broker must not send, unknown reason codes. */
  protocolErrors: z.number().int(),
  /** Links that went silent for longer than keepalive plus the margin. */
  stalls: z.number().int(),
  /** Incoming packets refused for announcing more than the connection's maximum packet size. */
  oversizedPackets: z.number().int(),
  /** The size the last refused packet announced, in bytes. */
  lastOversizedBytes: z.number().nullable(),
});
export type LinkFaults = z.infer<typeof LinkFaultsSchema>;
export const NO_LINK_FAULTS: LinkFaults = Object.freeze({ lost: 0, protocolErrors: 0, stalls: 0, oversizedPackets: 0, lastOversizedBytes: null });

/**
 * The verdict of the last handshake that completed (the broker accepted, or
 * its identity was refused), and when: what an outage must not erase.
 */
export const LastVerdictSchema = z.object({
  grade: GradeSchema,
  reasons: z.array(ReasonSchema),
  /** Milliseconds since the epoch. */
  at: z.number(),
});
export type LastVerdict = z.infer<typeof LastVerdictSchema>;

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
  faults: LinkFaultsSchema,
  /** Absent from views made before it existed; null until a handshake completed. */
  lastVerdict: LastVerdictSchema.nullable().optional(),
});
export type SessionView = z.infer<typeof SessionViewSchema>;
