/**
 * The `certificates.*` channels: inspect a bundle the operator picked (its
 * bytes, never a path), then apply it to a new or existing connection.
 */
import { MAX_BUNDLE_BYTES } from '../../../shared/certificates';
import type { ProfileSettings } from '../../../shared/profiles';
import { AppFailure } from '../../../shared/result';
import type { Handlers } from '../ipc/dispatcher';
import type { BundleInput } from './bundle';
import type { ImportService } from './import-service';

function fromBase64(files: Array<{ name: string; base64: string }>): BundleInput[] {
  const inputs = files.map((f) => ({ name: f.name, bytes: Buffer.from(f.base64, 'base64') }));
  const total = inputs.reduce((n, f) => n + f.bytes.length, 0);
  if (total > MAX_BUNDLE_BYTES) {
    throw new AppFailure('bundle_too_large', `The selected files hold ${(total / 1048576).toFixed(1)} MB; a certificate bundle is far smaller.`, 'Pick only the certificate, key and CA files (or their zip).');
  }
  return inputs;
}

export function certificateHandlers({ imports }: { imports: ImportService }) {
  return {
    'certificates.inspect': ({ files, passphrase }) => imports.inspect(fromBase64(files), { passphrase }),
    // The contract refuses a request with both or neither of profileId and settings.
    'certificates.apply': ({ importId, profileId, settings }) => imports.apply(importId, profileId ? { profileId } : { settings: settings as ProfileSettings }),
  } satisfies Pick<Handlers, 'certificates.inspect' | 'certificates.apply'>;
}
