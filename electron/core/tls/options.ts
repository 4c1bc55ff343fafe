/**
 * From a profile's TLS settings and its secrets to Node `tls.connect` options.
 * The client identity is checked before any socket opens, so a wrong passphrase
 * or a key that does not match its certificate fails at once with its own error
 * instead of as a vague handshake failure.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type { TlsSettings } from '../../../shared/profiles';
import { parsePemCertificates } from '../certificates/x509';
import type { SystemTrust } from './system-roots';

/** The secret half of a client identity, read from the keychain (or, for the CLI, from files). */
export interface ClientIdentity {
  /** PEM private key, possibly encrypted. */
  key?: string;
  passphrase?: string;
}

/** An error with a `code` the translation table knows. */
export class CodedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function loadKey(identity: ClientIdentity): KeyObject {
  const encrypted = /ENCRYPTED/.test(identity.key ?? '');
  if (encrypted && !identity.passphrase) throw new CodedError('ERR_MISSING_PASSPHRASE', 'The key is encrypted and no passphrase was given.');
  try {
    return createPrivateKey({ key: identity.key ?? '', passphrase: identity.passphrase });
  } catch (error) {
    // OpenSSL's message for a wrong passphrase varies with the key format; the cause does not.
    if (encrypted) throw new CodedError('ERR_OSSL_BAD_DECRYPT', 'bad decrypt');
    throw error;
  }
}

/**
 * Throws a coded error when the identity cannot be used: missing or wrong
 * passphrase, unreadable key, key and certificate that do not belong together.
 */
export function checkIdentity(clientCertificate: string | null, identity: ClientIdentity): void {
  if (!identity.key && !clientCertificate) return;
  if (!identity.key) throw new CodedError('CLIENT_KEY_MISSING', 'The client certificate has no private key.');
  if (!clientCertificate) throw new CodedError('CLIENT_CERT_MISSING', 'The private key has no client certificate.');
  const key = loadKey(identity);
  const [leaf] = parsePemCertificates(clientCertificate);
  if (!leaf) throw new CodedError('ERR_OSSL_PEM_NO_START_LINE', 'no certificate');
  if (!leaf.checkPrivateKey(key)) throw new CodedError('ERR_OSSL_X509_KEY_VALUES_MISMATCH', 'key values mismatch');
}

export function trustedCertificates(settings: TlsSettings, system: SystemTrust): string[] | undefined {
  const own = settings.ca;
  switch (settings.trust) {
    case 'custom':
      return own.length ? [...own] : undefined;
    case 'system':
      return [...system.certificates()];
    case 'system+custom':
      return [...system.certificates(), ...own];
  }
}

/** The SNI name sent and checked: the explicit one, or the URL's host unless it is an IP address. */
export function serverName(settings: TlsSettings, host: string): string | undefined {
  if (settings.servername) return settings.servername;
  return isIP(host) ? undefined : host;
}

export function buildTlsOptions(
  settings: TlsSettings,
  host: string,
  clientCertificate: string | null,
  identity: ClientIdentity,
  system: SystemTrust,
): ConnectionOptions {
  const options: ConnectionOptions = {
    ca: trustedCertificates(settings, system),
    servername: serverName(settings, host),
    minVersion: settings.minVersion,
    rejectUnauthorized: settings.verify,
    ALPNProtocols: settings.alpn.length ? [...settings.alpn] : undefined,
  };
  if (identity.key && clientCertificate) {
    options.key = identity.key;
    options.cert = clientCertificate;
    options.passphrase = identity.passphrase;
  }
  return options;
}
