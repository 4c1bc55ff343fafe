/**
 * The `certificates.*` channels: inspect a bundle the operator picked (its
 * bytes, never a path), with its progress pushed to the window that asked
 * and to no other, cancel that inspection (a window that goes away has its
 * inspection cancelled with it), then apply it to a new or existing
 * connection.
 */
import { MAX_BUNDLE_BYTES } from '../../../shared/certificates';
import type { ProfileSettings } from '../../../shared/profiles';
import { AppFailure } from '../../../shared/result';
import type { Handlers } from '../ipc/dispatcher';
import type { EventHub, EventSink } from '../ipc/events';
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

export function certificateHandlers({ imports, events }: { imports: ImportService; events: EventHub }) {
  const sinks = new Map<string, EventSink>();
  events.observeClients((client, sink) => {
    sinks.set(client, sink);
    return () => {
      sinks.delete(client);
      imports.cancel(client);
    };
  });
  return {
    'certificates.inspect': ({ files, passphrase, inspectionId }, { client }) =>
      imports.inspect(fromBase64(files), { passphrase, client, inspectionId, onProgress: (progress) => sinks.get(client)?.('certificates.progress', progress) }),
    'certificates.cancel': ({ inspectionId }, { client }) => {
      imports.cancel(client, inspectionId);
      return null;
    },
    // The contract refuses a request with both or neither of profileId and settings.
    'certificates.apply': ({ importId, profileId, settings }) => imports.apply(importId, profileId ? { profileId } : { settings: settings as ProfileSettings }),
  } satisfies Pick<Handlers, 'certificates.inspect' | 'certificates.cancel' | 'certificates.apply'>;
}
