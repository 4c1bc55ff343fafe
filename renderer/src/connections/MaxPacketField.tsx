/**
 * The connection's maximum incoming packet size, typed in MB as operators
 * think of it while the profile keeps bytes (conversions in packet-limit.ts).
 * Self-contained, so it can sit in whichever fieldset of the connection form
 * suits it.
 */
import { DEFAULT_MAX_PACKET_SIZE } from '../../../shared/profiles';
import { formatBytes } from '../app/format';
import { Field } from '../forms/Field';

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
