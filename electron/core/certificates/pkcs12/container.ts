/**
 * The PKCS#12 container (RFC 7292): the PFX, its integrity MAC (the PKCS#12
 * KDF with HMAC, or PBMAC1), the AuthenticatedSafe with its plain and
 * password-encrypted parts, and the bags inside: keys, shrouded keys,
 * certificates and nested SafeContents, with their localKeyId and
 * friendlyName. The outer layers and the decrypted contents are read as BER,
 * because exporters write them so; everything else is strict DER.
 */
import { createHmac, createPrivateKey, timingSafeEqual, X509Certificate, type KeyObject } from 'node:crypto';
import { Asn1Error, children, decodeOid, expect, peekBer, readBer, readNode, readSmallInteger, TAG, type Node } from '../asn1';
import { runCipher } from './ciphers';
import { Pkcs12Error } from './errors';
import { digest, pbkdf2, pkcs12Kdf, type Digest, type KdfMeter } from './kdf';
import { encryptionScheme, hmacFor, pbkdf2Params, secretsFor, type Secret } from './pbe';

export interface Pkcs12Contents {
  /** Private keys as unencrypted PKCS#8 PEM, with their localKeyId (hex) and friendlyName when present. */
  keys: Array<{ pem: string; localKeyId: string | null; friendlyName: string | null }>;
  /** Certificates as PEM, in file order, with localKeyId / friendlyName. */
  certificates: Array<{ pem: string; localKeyId: string | null; friendlyName: string | null }>;
  /** Algorithms met, for the import summary, e.g. 'PBES2/AES-256-CBC/HMAC-SHA256', 'pbeWithSHAAnd40BitRC2-CBC', 'pbeWithSHAAnd3-KeyTripleDES-CBC'. */
  encryption: string[];
}

export interface ReadLimits {
  meter: KdfMeter;
  /** Keys and certificates the file may hold. */
  maxItems: number;
}

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  pbmac1: '1.2.840.113549.1.5.14',
} as const;

/** MacData digest algorithms. */
const DIGESTS: Record<string, Digest> = {
  '1.2.840.113549.2.5': digest('md5', 'MD5', 64, 16),
  '1.3.14.3.2.26': digest('sha1', 'SHA1', 64, 20),
  '2.16.840.1.101.3.4.2.4': digest('sha224', 'SHA224', 64, 28),
  '2.16.840.1.101.3.4.2.1': digest('sha256', 'SHA256', 64, 32),
  '2.16.840.1.101.3.4.2.2': digest('sha384', 'SHA384', 128, 48),
  '2.16.840.1.101.3.4.2.3': digest('sha512', 'SHA512', 128, 64),
  '2.16.840.1.101.3.4.2.5': digest('sha512-224', 'SHA512-224', 128, 28),
  '2.16.840.1.101.3.4.2.6': digest('sha512-256', 'SHA512-256', 128, 32),
};

/** A cheap structural sniff (PFX version 3 with a pkcs7-data authSafe); needs no password and tolerates BER. */
export function looksLikePkcs12(der: Buffer): boolean {
  try {
    const pfx = peekBer(der, 0);
    if (pfx.tag !== TAG.SEQUENCE) return false;
    let offset = pfx.headerLength;
    const version = peekBer(der, offset);
    if (version.tag !== TAG.INTEGER || version.length !== 1 || der[offset + 2] !== 3) return false;
    offset += 3;
    const authSafe = peekBer(der, offset);
    if (authSafe.tag !== TAG.SEQUENCE) return false;
    offset += authSafe.headerLength;
    const contentType = peekBer(der, offset);
    if (contentType.tag !== TAG.OID || contentType.length === null) return false;
    const start = offset + contentType.headerLength;
    return decodeOid(der.subarray(start, start + contentType.length)) === OID.data;
  } catch {
    return false;
  }
}

interface ReadState {
  password: string;
  /** The working password form goes first once one has worked. */
  secrets: Secret[];
  macVerified: boolean;
  limits: ReadLimits;
  encryption: string[];
  keys: Pkcs12Contents['keys'];
  certificates: Pkcs12Contents['certificates'];
}

export function readContainer(der: Buffer, password: string, limits: ReadLimits): Pkcs12Contents {
  const pfx = children(expect(readBer(der, 'PFX', false), TAG.SEQUENCE, 'the PFX'));
  if (readSmallInteger(pfx[0], 'the PFX version') !== 3) throw new Pkcs12Error('pkcs12_malformed', 'Not a PKCS#12 v3 file.');
  const authSafe = children(expect(pfx[1], TAG.SEQUENCE, 'the authSafe ContentInfo'));
  const authSafeType = decodeOid(expect(authSafe[0], TAG.OID, 'the authSafe content type').value);
  if (authSafeType === OID.signedData) throw new Pkcs12Error('pkcs12_unsupported', 'PKCS#12 files protected by a signature (public-key integrity mode) are not supported.');
  if (authSafeType !== OID.data) throw new Pkcs12Error('pkcs12_malformed', 'The authSafe is not pkcs7-data.');
  const authSafeBytes = dataContent(authSafe[1]);

  let secrets = secretsFor(password);
  let macVerified = false;
  if (pfx[2]) {
    const good = verifyMac(expect(pfx[2], TAG.SEQUENCE, 'MacData'), authSafeBytes, secrets, limits.meter);
    if (!good) throw passwordError(password, 'The password is wrong (the integrity check failed).');
    secrets = [good, ...secrets.filter((s) => s !== good)];
    macVerified = true;
  }

  const state: ReadState = { password, secrets, macVerified, limits, encryption: [], keys: [], certificates: [] };
  for (const contentInfo of children(expect(readBer(authSafeBytes, 'AuthenticatedSafe'), TAG.SEQUENCE, 'AuthenticatedSafe'))) {
    const parts = children(expect(contentInfo, TAG.SEQUENCE, 'a ContentInfo'));
    const type = decodeOid(expect(parts[0], TAG.OID, 'a content type').value);
    if (type === OID.data) {
      readSafeContents(readBer(dataContent(parts[1]), 'SafeContents'), state, 0);
    } else if (type === OID.encryptedData) {
      const { algorithm, ciphertext } = encryptedContent(parts[1]);
      readSafeContents(decrypt(state, algorithm, ciphertext, (plain) => readBer(plain, 'SafeContents')), state, 0);
    } else if (type === OID.envelopedData) {
      throw new Pkcs12Error('pkcs12_unsupported', 'PKCS#12 files encrypted to a public key (envelopedData) are not supported.');
    } else {
      throw new Pkcs12Error('pkcs12_unsupported', `Unsupported PKCS#12 content type ${type}.`);
    }
  }
  return { keys: state.keys, certificates: state.certificates, encryption: state.encryption };
}

function passwordError(password: string, message: string): Pkcs12Error {
  return password === '' ? new Pkcs12Error('pkcs12_password_required', 'This file is protected by a password.') : new Pkcs12Error('pkcs12_wrong_password', message);
}

/** The OCTET STRING inside a pkcs7-data ContentInfo's [0] EXPLICIT content. */
function dataContent(content: Node | undefined): Buffer {
  const wrapper = expect(content, 0xa0, 'pkcs7-data content');
  return expect(children(wrapper)[0], TAG.OCTET_STRING, 'pkcs7-data octets').value;
}

function encryptedContent(content: Node | undefined): { algorithm: Node; ciphertext: Buffer } {
  const encryptedData = children(expect(children(expect(content, 0xa0, 'encryptedData content'))[0], TAG.SEQUENCE, 'EncryptedData'));
  const info = children(expect(encryptedData[1], TAG.SEQUENCE, 'EncryptedContentInfo'));
  const algorithm = expect(info[1], TAG.SEQUENCE, 'the content encryption algorithm');
  const body = info[2];
  if (!body) throw new Pkcs12Error('pkcs12_malformed', 'The encrypted content is missing.');
  // [0] IMPLICIT OCTET STRING: primitive in DER, constructed of OCTET STRING chunks in BER.
  if (body.tag === 0x80) return { algorithm, ciphertext: body.value };
  if (body.tag === 0xa0) return { algorithm, ciphertext: Buffer.concat(children(body).map((chunk) => expect(chunk, TAG.OCTET_STRING, 'an encrypted content chunk').value)) };
  throw new Asn1Error('expected the encrypted content');
}

function readSafeContents(safeContents: Node, state: ReadState, depth: number): void {
  if (depth > 8) throw new Asn1Error('SafeContents nested too deeply');
  for (const bag of children(expect(safeContents, TAG.SEQUENCE, 'SafeContents'))) {
    const parts = children(expect(bag, TAG.SEQUENCE, 'a SafeBag'));
    const bagId = decodeOid(expect(parts[0], TAG.OID, 'a bag type').value);
    const value = children(expect(parts[1], 0xa0, 'a bag value'))[0];
    const attributes = readAttributes(parts[2]);
    if ((bagId === OID.keyBag || bagId === OID.shroudedKeyBag || bagId === OID.certBag) && state.keys.length + state.certificates.length >= state.limits.maxItems) {
      throw new Pkcs12Error('pkcs12_too_large', `The file holds more than ${state.limits.maxItems} keys and certificates, far more than a certificate bundle.`);
    }
    switch (bagId) {
      case OID.keyBag:
        state.keys.push({ pem: privateKeyPem(expect(value, TAG.SEQUENCE, 'PrivateKeyInfo').raw), ...attributes });
        break;
      case OID.shroudedKeyBag: {
        const encrypted = children(expect(value, TAG.SEQUENCE, 'EncryptedPrivateKeyInfo'));
        const algorithm = expect(encrypted[0], TAG.SEQUENCE, 'the key encryption algorithm');
        const ciphertext = expect(encrypted[1], TAG.OCTET_STRING, 'the encrypted key').value;
        const pkcs8 = decrypt(state, algorithm, ciphertext, (plain) => {
          const privateKeyInfo = expect(readBer(plain, 'PrivateKeyInfo'), TAG.SEQUENCE, 'PrivateKeyInfo');
          const info = children(privateKeyInfo);
          expect(info[0], TAG.INTEGER, 'the PrivateKeyInfo version');
          expect(info[1], TAG.SEQUENCE, 'the private key algorithm');
          expect(info[2], TAG.OCTET_STRING, 'the private key');
          return privateKeyInfo.raw;
        });
        state.keys.push({ pem: privateKeyPem(pkcs8), ...attributes });
        break;
      }
      case OID.certBag: {
        const certBag = children(expect(value, TAG.SEQUENCE, 'CertBag'));
        const certType = decodeOid(expect(certBag[0], TAG.OID, 'a certificate type').value);
        // SDSI certificates never made it into the wild; nothing to import them into either.
        if (certType !== OID.x509Certificate) break;
        const certDer = expect(children(expect(certBag[1], 0xa0, 'a certificate value'))[0], TAG.OCTET_STRING, 'the certificate').value;
        state.certificates.push({ pem: certificatePem(certDer), ...attributes });
        break;
      }
      case OID.safeContentsBag:
        readSafeContents(expect(value, TAG.SEQUENCE, 'nested SafeContents'), state, depth + 1);
        break;
      default:
        // CRL and secret bags: nothing this app can use.
        break;
    }
  }
}

function readAttributes(set: Node | undefined): { localKeyId: string | null; friendlyName: string | null } {
  let localKeyId: string | null = null;
  let friendlyName: string | null = null;
  for (const attribute of set ? children(expect(set, TAG.SET, 'bag attributes')) : []) {
    const parts = children(expect(attribute, TAG.SEQUENCE, 'an attribute'));
    const type = decodeOid(expect(parts[0], TAG.OID, 'an attribute type').value);
    const value = children(expect(parts[1], TAG.SET, 'attribute values'))[0];
    if (type === OID.localKeyId && value?.tag === TAG.OCTET_STRING) localKeyId = value.value.toString('hex');
    if (type === OID.friendlyName && value?.tag === TAG.BMP_STRING) friendlyName = decodeBmp(value.value);
    // Some exporters wrote friendlyName as UTF8String despite PKCS#9.
    if (type === OID.friendlyName && value?.tag === TAG.UTF8_STRING) friendlyName = value.value.toString('utf8');
  }
  return { localKeyId, friendlyName };
}

function decodeBmp(value: Buffer): string {
  const copy = Buffer.from(value.subarray(0, value.length & ~1));
  return copy.swap16().toString('utf16le').replace(/\0+$/, '');
}

function privateKeyPem(pkcs8: Buffer): string {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  } catch (error) {
    const algorithm = privateKeyAlgorithm(pkcs8);
    throw new Pkcs12Error('pkcs12_unsupported', `A private key could not be loaded (${algorithm}): ${error instanceof Error ? error.message : String(error)}`);
  }
  return key.export({ type: 'pkcs8', format: 'pem' }) as string;
}

function privateKeyAlgorithm(pkcs8: Buffer): string {
  try {
    const info = children(readNode(pkcs8));
    return decodeOid(expect(children(expect(info[1], TAG.SEQUENCE, 'algorithm'))[0], TAG.OID, 'algorithm').value);
  } catch {
    return 'unknown algorithm';
  }
}

function certificatePem(der: Buffer): string {
  try {
    new X509Certificate(der);
  } catch (error) {
    throw new Pkcs12Error('pkcs12_malformed', `A certificate in the file is not valid X.509: ${error instanceof Error ? error.message : String(error)}`);
  }
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

// ---------------------------------------------------------------- integrity

function verifyMac(macData: Node, authSafe: Buffer, secrets: Secret[], meter: KdfMeter): Secret | null {
  const parts = children(macData);
  const digestInfo = children(expect(parts[0], TAG.SEQUENCE, 'the MAC DigestInfo'));
  const algorithm = children(expect(digestInfo[0], TAG.SEQUENCE, 'the MAC algorithm'));
  const algorithmOid = decodeOid(expect(algorithm[0], TAG.OID, 'the MAC algorithm').value);
  const expected = expect(digestInfo[1], TAG.OCTET_STRING, 'the MAC').value;
  const salt = expect(parts[1], TAG.OCTET_STRING, 'the MAC salt').value;
  const iterations = parts[2] ? readSmallInteger(parts[2], 'the MAC iteration count') : 1;

  let mac: (secret: Secret) => Buffer;
  if (algorithmOid === OID.pbmac1) {
    // RFC 9579: PBKDF2 over the UTF-8 password; the salt and count that matter are PBKDF2's own.
    const params = children(expect(algorithm[1], TAG.SEQUENCE, 'PBMAC1 parameters'));
    const kdf = pbkdf2Params(params[0]);
    if (kdf.keyLength === null) throw new Pkcs12Error('pkcs12_malformed', 'PBMAC1 requires a PBKDF2 key length.');
    const scheme = hmacFor(params[1]);
    const keyLength = kdf.keyLength;
    mac = (secret) => createHmac(scheme.name, pbkdf2(meter, kdf.prf, secret.utf8, kdf.salt, kdf.iterations, keyLength)).update(authSafe).digest();
  } else {
    const hash = DIGESTS[algorithmOid];
    if (!hash) throw new Pkcs12Error('pkcs12_unsupported', `Unsupported PKCS#12 MAC digest ${algorithmOid}.`);
    mac = (secret) => createHmac(hash.name, pkcs12Kdf(meter, hash, secret.bmp, salt, 3, iterations, hash.size)).update(authSafe).digest();
  }
  for (const secret of secrets) {
    const actual = mac(secret);
    if (actual.length === expected.length && timingSafeEqual(actual, expected)) return secret;
  }
  return null;
}

// ---------------------------------------------------------------- privacy

/**
 * Decrypts with each password form in turn; `accept` throws Asn1Error when the
 * plaintext is not what it should be, which (padding aside) is how a wrong
 * password shows when there is no MAC.
 */
function decrypt<T>(state: ReadState, algorithm: Node, ciphertext: Buffer, accept: (plain: Buffer) => T): T {
  const scheme = encryptionScheme(algorithm);
  if (!state.encryption.includes(scheme.name)) state.encryption.push(scheme.name);
  if (ciphertext.length === 0 || ciphertext.length % scheme.cipher.block !== 0) throw new Pkcs12Error('pkcs12_malformed', 'The encrypted content has an impossible length.');
  let unreadable: Asn1Error | null = null;
  for (const secret of state.secrets) {
    const { key, iv } = scheme.derive(secret, state.limits.meter);
    const plain = runCipher(scheme.cipher, key, iv, ciphertext);
    if (!plain) continue;
    try {
      const result = accept(plain);
      state.secrets = [secret, ...state.secrets.filter((s) => s !== secret)];
      return result;
    } catch (error) {
      if (!(error instanceof Asn1Error)) throw error;
      unreadable = error;
    }
  }
  // The MAC has vouched for the password, so well-padded nonsense is a broken file rather than a wrong password.
  if (state.macVerified && unreadable) throw new Pkcs12Error('pkcs12_malformed', `Decrypted content is not readable: ${unreadable.message}`);
  throw passwordError(state.password, state.macVerified ? 'The password opens the integrity check but not the encrypted contents (a separate privacy password?).' : 'The password is wrong (the contents do not decrypt).');
}
