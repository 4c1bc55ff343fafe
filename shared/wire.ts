/**
 * Frames of the WebSocket transport. The host validates every frame it
 * receives with these schemas before anything is dispatched.
 */
import { z } from 'zod';
import { MAX_BUNDLE_BYTES, MAX_BUNDLE_FILE_NAME, MAX_BUNDLE_FILES, MAX_PASSPHRASE_LENGTH } from './certificates';
import { MAX_PROFILES_TEXT } from './contract';

export const ClientFrameSchema = z.object({
  id: z.number().int().nonnegative(),
  channel: z.string().min(1).max(100),
  payload: z.unknown(),
});
export type ClientFrame = z.infer<typeof ClientFrameSchema>;

export type ServerFrame = { id: number; result: unknown } | { event: string; payload: unknown };

/** Path of the WebSocket endpoint on the headless host. */
export const WS_PATH = '/ws';

/**
 * Bytes of JSON for a string of `units` UTF-16 code units as a browser's
 * JSON.stringify writes it: at most 3 per unit (a BMP character in UTF-8, or a
 * two-byte escape such as \n or \"). Only control characters take more
 * (\u0001), and no legitimate text carries them.
 */
const jsonTextBytes = (units: number) => 3 * units + 2;

/**
 * The largest request frame a legitimate client sends, from the contract's own
 * limits: a certificate import of the whole bundle budget (base64 across the
 * most files, each with the longest name, plus the passphrase), or a profiles
 * import of the longest text, whichever is larger, plus room for the envelope.
 * The host refuses anything larger before reading it (close code 1009).
 */
export const MAX_REQUEST_FRAME_BYTES =
  1024 +
  Math.max(
    Math.ceil(MAX_BUNDLE_BYTES / 3) * 4 + MAX_BUNDLE_FILES * (4 + 32 + jsonTextBytes(MAX_BUNDLE_FILE_NAME)) + jsonTextBytes(MAX_PASSPHRASE_LENGTH),
    jsonTextBytes(MAX_PROFILES_TEXT),
  );
