/**
 * The connection's maximum incoming packet size, typed in MB as operators
 * think of it while the profile keeps bytes. Self-contained, so it can sit in
 * whichever fieldset of the connection form suits it.
 */
import { DEFAULT_MAX_PACKET_SIZE } from '../../../shared/profiles';
import { formatBytes } from '../app/format';
import { Field } from '../forms/Field';

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

export function MaxPacketField({ value, onChange }: { value: string; onChange: (text: string) => void }) {
  return (
    <Field
      label="Maximum incoming packet (MB)"
      hint={`Larger packets are refused unread and the connection is dropped; MQTT 5 also tells the broker. Default ${formatBytes(DEFAULT_MAX_PACKET_SIZE)}.`}
    >
      <input name="maxPacketSize" type="number" min={0.001} max={256} step="any" value={value} onChange={(e) => onChange(e.target.value)} data-testid="max-packet-size" />
    </Field>
  );
}
