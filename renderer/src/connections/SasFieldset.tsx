/**
 * Signing in with a SAS token (Azure IoT Hub): the switch, the device key
 * (write-only, to the keychain; the core signs a token with it at each connect
 * and never sends it) and the token's lifetime, with when it is renewed.
 */
import { SAS_LIFETIME, SAS_RENEWAL_MARGIN } from '../../../shared/sas';
import { Field } from '../forms/Field';
import type { FormState, SetField } from './form-state';

export function SasFieldset({ f, set }: { f: FormState; set: SetField }) {
  const lifetime = Number(f.sasLifetime);
  const renewal = Number.isFinite(lifetime) && lifetime > 0 ? `Renewed by reconnecting when ${Math.round(SAS_RENEWAL_MARGIN * 100)}% of it is left (after ${Math.round(lifetime * (1 - SAS_RENEWAL_MARGIN))} s).` : undefined;
  return (
    <fieldset data-testid="sas-fieldset">
      <legend>SAS token</legend>
      <label className="check">
        <input type="checkbox" name="sasToken" checked={f.sasToken} onChange={(e) => set('sasToken', e.target.checked)} /> Sign in with a SAS token signed from the device key (Azure IoT Hub), instead of a password
      </label>
      {f.sasToken && (
        <div className="row">
          <Field label="Device key" hint={f.deviceKeyStored ? 'Stored in the keychain; type to replace.' : 'The device\u2019s primary or secondary key; stored in the OS keychain only.'}>
            <input name="deviceKey" type="password" value={f.deviceKey} onChange={(e) => set('deviceKey', e.target.value)} autoComplete="off" spellCheck={false} />
          </Field>
          <Field label="Token lifetime (s)" hint={renewal}>
            <input name="sasLifetime" type="number" min={SAS_LIFETIME.min} max={SAS_LIFETIME.max} value={f.sasLifetime} onChange={(e) => set('sasLifetime', e.target.value)} />
          </Field>
        </div>
      )}
    </fieldset>
  );
}
