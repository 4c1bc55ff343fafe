/**
 * Reading PKCS#12 (.p12/.pfx) files: the integrity MAC, the password-based
 * encryption of the bags, and the keys and certificates inside with their
 * localKeyId / friendlyName. Node's crypto has no PKCS#12 API, and OpenSSL 3
 * and Electron's BoringSSL have dropped RC2 and RC4, which most legacy exports
 * (Windows, macOS, Java, OpenSSL 1.x) still use for the certificate bag; so
 * the PKCS#12 KDF, RC2 and RC4 live in this folder, and only AES, 3DES,
 * hashes, HMAC and PBKDF2 come from node:crypto. Password-less public-key
 * modes (signedData integrity, envelopedData privacy) are not supported.
 *
 * container.ts  the PFX, MAC, AuthenticatedSafe and bags
 * pbe.ts        password-based encryption schemes and password forms
 * kdf.ts        the metered key derivations
 * ciphers.ts    the CBC ciphers, RC2 and RC4
 */
import { IMPORT_LIMITS } from '../../../../shared/certificates';
import { readContainer, type Pkcs12Contents } from './container';
import { Pkcs12Error } from './errors';
import { kdfMeter, type KdfMeter } from './kdf';

export { looksLikePkcs12, type Pkcs12Contents } from './container';
export { Pkcs12Error, type Pkcs12ErrorCode } from './errors';
export { kdfMeter, type KdfMeter } from './kdf';
export { chargeEncryptedKey } from './pbe';

export interface Pkcs12Options {
  /** Key derivation allowance and progress; by default the whole per-import allowance. */
  meter?: KdfMeter;
  /** Keys and certificates the file may hold. */
  maxItems?: number;
}

/** Throws only Pkcs12Error. */
export function readPkcs12(der: Buffer, password: string, options: Pkcs12Options = {}): Pkcs12Contents {
  try {
    return readContainer(der, password, { meter: options.meter ?? kdfMeter(), maxItems: options.maxItems ?? IMPORT_LIMITS.maxItems });
  } catch (error) {
    if (error instanceof Pkcs12Error) throw error;
    // Asn1Error mostly, but also Node's own complaints about impossible parameters (an IV of the wrong size, say).
    throw new Pkcs12Error('pkcs12_malformed', `Not a readable PKCS#12 file: ${error instanceof Error ? error.message : String(error)}`);
  }
}
