/**
 * The maximum incoming packet size as the connection form shows it (MB, as
 * operators think of it) and as the profile keeps it (bytes).
 */
import { DEFAULT_MAX_PACKET_SIZE } from '../../../shared/profiles';

const MB = 1024 * 1024;

/** The form's text for a saved limit (the default when the profile has none yet). */
export function packetLimitText(bytes: number | undefined): string {
  return String(Number(((bytes ?? DEFAULT_MAX_PACKET_SIZE) / MB).toFixed(3)));
}

/** Bytes for the profile; an unusable number becomes 0, which main refuses with the allowed range. */
export function packetLimitBytes(text: string): number {
  const mb = Number(text.trim().replace(',', '.'));
  return Number.isFinite(mb) && mb > 0 ? Math.round(mb * MB) : 0;
}
