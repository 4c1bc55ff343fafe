/**
 * Frames of the WebSocket transport. The host validates every frame it
 * receives with these schemas before anything is dispatched.
 */
import { z } from 'zod';

export const ClientFrameSchema = z.object({
  id: z.number().int().nonnegative(),
  channel: z.string().min(1).max(100),
  payload: z.unknown(),
});
export type ClientFrame = z.infer<typeof ClientFrameSchema>;

export type ServerFrame = { id: number; result: unknown } | { event: string; payload: unknown };

/** Path of the WebSocket endpoint on the headless host. */
export const WS_PATH = '/ws';
