/**
 * The secrets a session needs to connect, read from the keychain as the
 * profile's flags say they exist. A key the profile says it has but the
 * keychain lost is an error the operator can act on, not a vague TLS failure.
 */
import type { Profile, SecretFlags } from '../../../shared/profiles';
import { AppFailure } from '../../../shared/result';
import type { SecretStore } from '../secrets/secret-store';
import type { SessionSecrets } from './session';

export async function readSessionSecrets(store: Pick<SecretStore, 'get'>, profile: Profile): Promise<SessionSecrets> {
  const flags = profile.secrets;
  const read = async (item: keyof SecretFlags) => (flags[item] ? ((await store.get(profile.id, item)) ?? undefined) : undefined);
  // A device key is read only where it signs this attempt's token; a stale one is not read at all.
  const [password, key, passphrase, deviceKey] = await Promise.all([read('password'), read('clientKey'), read('passphrase'), profile.sasToken ? read('deviceKey') : undefined]);
  if (flags.clientKey && key === undefined) {
    throw new AppFailure('secret_missing', `The private key of ${profile.name} is not in the keychain.`, 'Import the client key again for this connection.');
  }
  return { password, key, passphrase, deviceKey };
}
