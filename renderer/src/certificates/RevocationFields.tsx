/**
 * The revocation part of a connection's TLS settings: CRL files of the
 * broker's CA (for a CA that publishes no CRL or OCSP URL, or to check
 * without reaching it) and hard fail, which refuses the connection before
 * anything is sent when the broker's chain cannot be shown not revoked.
 */
import { useState } from 'react';
import type { AppError } from '../../../shared/result';
import { Problem } from '../feedback/Problem';
import { Field } from '../forms/Field';
import { pickCrlFile, type PickedCrl } from './crl-files';

export interface RevocationFieldsState {
  crls: PickedCrl[];
  revocationHardFail: boolean;
}

export function RevocationFields({ value, onChange }: { value: RevocationFieldsState; onChange: (next: RevocationFieldsState) => void }) {
  const [refused, setRefused] = useState<AppError | null>(null);

  async function pick(files: FileList | null) {
    if (!files) return;
    let crls = value.crls;
    let problem: AppError | null = null;
    for (const file of [...files]) {
      const { taken, refused } = pickCrlFile(file.name, new Uint8Array(await file.arrayBuffer()), crls.length);
      if (taken) crls = [...crls, taken];
      problem ??= refused;
    }
    setRefused(problem);
    onChange({ ...value, crls });
  }

  return (
    <div className="revocation-fields" data-testid="revocation-fields">
      <Field label="CRL files of the broker's CA (PEM or DER)" hint="Checked with the OCSP responder and CRL the certificates name, first.">
        <input name="crl" type="file" multiple accept=".crl,.pem,.der" onChange={(e) => void pick(e.target.files)} data-testid="crl-file" />
      </Field>
      {value.crls.length > 0 && (
        <ul className="files">
          {value.crls.map((c, i) => (
            <li key={c.name + i}>
              {c.name}{' '}
              <button type="button" className="link" onClick={() => onChange({ ...value, crls: value.crls.filter((_, j) => j !== i) })}>
                remove
              </button>
            </li>
          ))}
        </ul>
      )}
      {refused && <Problem problem={refused} testId="crl-refused" />}
      <label className="check">
        <input type="checkbox" name="revocationHardFail" checked={value.revocationHardFail} onChange={(e) => onChange({ ...value, revocationHardFail: e.target.checked })} /> Hard fail:
        refuse the connection when the broker&apos;s certificates cannot be shown not revoked (a responder down counts)
      </label>
    </div>
  );
}
