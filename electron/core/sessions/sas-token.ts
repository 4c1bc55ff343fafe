/**
 * The password of one connect attempt of a connection that signs in with a SAS
 * token (Azure IoT Hub): a token scoped to the device the user name names,
 * signed now with the device key read from the keychain for this attempt, and
 * valid for the profile's lifetime. Nothing of it is stored; the session
 * renews it by reconnecting before it expires (`SAS_RENEWAL_MARGIN`).
 */
import { createHmac } from 'node:crypto';
import type { Profile } from '../../../shared/profiles';
import { AppFailure } from '../../../shared/result';
import { deviceKeyProblem, sasIdentity, sasRenewalDelayMs, sasSettingsProblem } from '../../../shared/sas';

/** What one connect attempt sends as its password, and when a session using it should renew it. */
export interface AttemptPassword {
  password?: string;
  /** When to reconnect with a fresh SAS token (ms since the epoch); null for a stored password, which does not expire. */
  renewAt: number | null;
}

/** A SAS token for `resource`, signed with the base64 `key`, expiring at `expiry` (seconds since the epoch). */
export function sasToken(resource: string, key: string, expiry: number): string {
  const encoded = encodeURIComponent(resource);
  const signature = createHmac('sha256', Buffer.from(key, 'base64')).update(`${encoded}\n${expiry}`, 'utf8').digest('base64');
  return `SharedAccessSignature sr=${encoded}&sig=${encodeURIComponent(signature)}&se=${expiry}`;
}

/**
 * The token this attempt sends, or a failure the operator can act on: no
 * device key in the keychain, a key that is not one, or a user name or client
 * id the hub would refuse anyway.
 */
export function sasPassword(profile: Profile, deviceKey: string | undefined, now: number): string {
  const lifetime = profile.sasToken?.lifetimeSeconds ?? 0;
  const problem = sasSettingsProblem(profile.username, profile.clientId);
  if (problem) throw new AppFailure('sas_settings_invalid', problem, 'Correct the user name and client id in the connection\u2019s settings (the Azure IoT Hub preset fills both).');
  if (!deviceKey) {
    throw new AppFailure('secret_missing', `The device key of ${profile.name} is not in the keychain, so no SAS token can be signed.`, 'Type the device key in the connection\u2019s settings.');
  }
  const keyProblem = deviceKeyProblem(deviceKey);
  if (keyProblem) throw new AppFailure('sas_settings_invalid', `The stored device key of ${profile.name} cannot sign a token: ${keyProblem}`, 'Type the device key again in the connection\u2019s settings.');
  const identity = sasIdentity(profile.username);
  if (!identity) throw new AppFailure('sas_settings_invalid', 'The user name is not in IoT Hub\u2019s format.', 'Correct the user name.');
  return sasToken(identity.resource, deviceKey, Math.floor(now / 1000) + lifetime);
}

/** The password of an attempt: the stored one, or a SAS token signed now for a connection that uses one. */
export function attemptPassword(profile: Profile, secrets: { password?: string; deviceKey?: string }, now: number): AttemptPassword {
  if (!profile.sasToken) return { password: secrets.password, renewAt: null };
  return { password: sasPassword(profile, secrets.deviceKey, now), renewAt: now + sasRenewalDelayMs(profile.sasToken.lifetimeSeconds) };
}
