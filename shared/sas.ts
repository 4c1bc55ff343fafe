/**
 * Azure IoT Hub's SAS token sign-in, the parts both sides need: the user name
 * the hub expects and the resource a device token is scoped to (read back from
 * that user name, so the two cannot disagree), the device key's shape, the
 * token lifetime a profile may choose and when a session renews its token.
 * The signature itself (HMAC-SHA256 with the key from the keychain) is made in
 * the core, at each connect attempt (electron/core/sessions/sas-token.ts).
 *
 * Microsoft's rules (learn.microsoft.com/azure/iot-hub/iot-hub-dev-guide-sas and
 * …/iot-mqtt-connect-to-iot-hub): user name `{hub}.azure-devices.net/{deviceId}/?api-version=2021-04-12`,
 * client id the device id, password
 * `SharedAccessSignature sr={URL-encoded resource}&sig={URL-encoded base64 HMAC-SHA256 of "{URL-encoded resource}\n{expiry}"}&se={expiry}`,
 * the key base64-decoded before signing, the resource `{hub}.azure-devices.net/devices/{deviceId}`
 * (`…/modules/{moduleId}` for a module identity), expiry in seconds since the epoch.
 */

export const AZURE_API_VERSION = '2021-04-12';
export const AZURE_HUB_SUFFIX = '.azure-devices.net';

/** Token lifetime a profile may choose, in seconds: the Azure SDKs' default is one hour. */
export const SAS_LIFETIME = { min: 10, max: 7 * 24 * 3600, default: 3600 } as const;

/**
 * The share of a token's lifetime still left when the session renews it (by
 * reconnecting with a fresh token): a fifth. A fraction rather than a fixed
 * time, so a one-hour token is renewed 12 minutes early and a short one still
 * well before the hub would drop the connection at expiry.
 */
export const SAS_RENEWAL_MARGIN = 0.2;

/** When a session holding a token that lives `lifetimeSeconds` renews it, counted from when the token was made. */
export function sasRenewalDelayMs(lifetimeSeconds: number): number {
  return Math.round(lifetimeSeconds * (1 - SAS_RENEWAL_MARGIN) * 1000);
}

/** `myhub` or `myhub.azure-devices.net` (any case, spaces around) → `myhub.azure-devices.net`. */
export function azureHubHost(hub: string): string {
  const host = hub.trim().toLowerCase().replace(/\.$/, '');
  return host.includes('.') ? host : `${host}${AZURE_HUB_SUFFIX}`;
}

/** The user name IoT Hub expects over MQTT. */
export function azureUsername(hubHost: string, deviceId: string): string {
  return `${hubHost}/${deviceId}/?api-version=${AZURE_API_VERSION}`;
}

export interface SasIdentity {
  hubHost: string;
  /** The device id, or `deviceId/moduleId` for a module identity: what the client id must be. */
  clientId: string;
  /** What the token is scoped to (not yet URL-encoded). */
  resource: string;
}

const USERNAME = /^([^/\s]+)\/([^/\s]+)(?:\/([^/?\s]+))?\/\?api-version=[^&\s]+(?:&\S*)?$/;

/** Reads a user name in IoT Hub's format; null when it is not in that format. */
export function sasIdentity(username: string): SasIdentity | null {
  const match = USERNAME.exec(username.trim());
  if (!match) return null;
  const [, hubHost = '', deviceId = '', moduleId] = match;
  const host = hubHost.toLowerCase();
  return moduleId
    ? { hubHost: host, clientId: `${deviceId}/${moduleId}`, resource: `${host}/devices/${deviceId}/modules/${moduleId}` }
    : { hubHost: host, clientId: deviceId, resource: `${host}/devices/${deviceId}` };
}

/** Why a connection cannot sign in with a SAS token as set up, or null: checked by the form and again by the core. */
export function sasSettingsProblem(username: string, clientId: string): string | null {
  const identity = sasIdentity(username);
  if (!identity) {
    return `For a SAS token the user name must be in IoT Hub's format: {hub}.azure-devices.net/{deviceId}/?api-version=${AZURE_API_VERSION}.`;
  }
  if (clientId !== identity.clientId) return `For a SAS token the client id must be the device id (${identity.clientId}), as in the user name.`;
  return null;
}

/** Why `key` is not a device key (a base64 symmetric key as the portal shows it), or null. */
export function deviceKeyProblem(key: string): string | null {
  const text = key.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) {
    return 'A device key is the base64 text the Azure portal shows as the device\u2019s primary or secondary key.';
  }
  // 3 bytes per 4 characters: IoT Hub's keys are 16 to 64 bytes.
  const bytes = (text.length / 4) * 3 - (text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0);
  if (bytes < 16 || bytes > 64) return `A device key holds 16 to 64 bytes; this one holds ${bytes}.`;
  return null;
}
