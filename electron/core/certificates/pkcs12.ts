/**
 * Reading PKCS#12 (.p12/.pfx) files: the integrity MAC, the password-based
 * encryption of the bags, and the keys and certificates inside with their
 * localKeyId / friendlyName. Node's crypto has no PKCS#12 API, and OpenSSL 3
 * and Electron's BoringSSL have dropped RC2 and RC4, which most legacy exports
 * (Windows, macOS, Java, OpenSSL 1.x) still use for the certificate bag; so
 * the PKCS#12 KDF, RC2 and RC4 live here, and only AES, 3DES, hashes, HMAC
 * and PBKDF2 come from node:crypto. Password-less public-key modes (signedData
 * integrity, envelopedData privacy) are not supported.
 */
import { createDecipheriv, createHash, createHmac, createPrivateKey, pbkdf2Sync, timingSafeEqual, X509Certificate, type KeyObject } from 'node:crypto';
import { Asn1Error, children, decodeOid, expect, readNode, tlv, TAG, type Node } from './asn1';

export interface Pkcs12Contents {
  /** Private keys as unencrypted PKCS#8 PEM, with their localKeyId (hex) and friendlyName when present. */
  keys: Array<{ pem: string; localKeyId: string | null; friendlyName: string | null }>;
  /** Certificates as PEM, in file order, with localKeyId / friendlyName. */
  certificates: Array<{ pem: string; localKeyId: string | null; friendlyName: string | null }>;
  /** Algorithms met, for the import summary, e.g. 'PBES2/AES-256-CBC/HMAC-SHA256', 'pbeWithSHAAnd40BitRC2-CBC', 'pbeWithSHAAnd3-KeyTripleDES-CBC'. */
  encryption: string[];
}

export type Pkcs12ErrorCode = 'pkcs12_wrong_password' | 'pkcs12_password_required' | 'pkcs12_unsupported' | 'pkcs12_malformed';

export class Pkcs12Error extends Error {
  constructor(
    readonly code: Pkcs12ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'Pkcs12Error';
  }
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
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  pbmac1: '1.2.840.113549.1.5.14',
  hmacWithSHA1: '1.2.840.113549.2.7',
} as const;

/**
 * Far beyond real exporters (OpenSSL 2048, Windows 2000, Java 10000) yet a
 * bound on how long a hostile file can stall the app: the PKCS#12 KDF runs in
 * JS at roughly a second per million rounds.
 */
const MAX_ITERATIONS = 2_000_000;

// ---------------------------------------------------------------- tables

interface Digest {
  /** Node's name. */
  name: string;
  label: string;
  /** Input block size in bytes, the PKCS#12 KDF's v. */
  block: number;
}

const digest = (name: string, label: string, block: number): Digest => ({ name, label, block });

/** MacData digest algorithms. */
const DIGESTS: Record<string, Digest> = {
  '1.2.840.113549.2.5': digest('md5', 'MD5', 64),
  '1.3.14.3.2.26': digest('sha1', 'SHA1', 64),
  '2.16.840.1.101.3.4.2.4': digest('sha224', 'SHA224', 64),
  '2.16.840.1.101.3.4.2.1': digest('sha256', 'SHA256', 64),
  '2.16.840.1.101.3.4.2.2': digest('sha384', 'SHA384', 128),
  '2.16.840.1.101.3.4.2.3': digest('sha512', 'SHA512', 128),
  '2.16.840.1.101.3.4.2.5': digest('sha512-224', 'SHA512-224', 128),
  '2.16.840.1.101.3.4.2.6': digest('sha512-256', 'SHA512-256', 128),
};

/** PBKDF2 PRFs and PBMAC1 message authentication schemes. */
const HMACS: Record<string, Digest> = {
  [OID.hmacWithSHA1]: digest('sha1', 'HMAC-SHA1', 64),
  '1.2.840.113549.2.8': digest('sha224', 'HMAC-SHA224', 64),
  '1.2.840.113549.2.9': digest('sha256', 'HMAC-SHA256', 64),
  '1.2.840.113549.2.10': digest('sha384', 'HMAC-SHA384', 128),
  '1.2.840.113549.2.11': digest('sha512', 'HMAC-SHA512', 128),
  '1.2.840.113549.2.12': digest('sha512-224', 'HMAC-SHA512-224', 128),
  '1.2.840.113549.2.13': digest('sha512-256', 'HMAC-SHA512-256', 128),
};

type Cipher =
  /** A CBC cipher Node has; DES and two-key 3DES are run as des-ede3-cbc with repeated key parts. */
  | { kind: 'node'; algorithm: 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc' | 'des-ede3-cbc' | 'des-cbc' | 'des-ede-cbc'; block: number }
  | { kind: 'rc2'; effectiveBits: number; block: 8 }
  | { kind: 'rc4'; block: 1 };

const cbc = (algorithm: Extract<Cipher, { kind: 'node' }>['algorithm']): Cipher => ({ kind: 'node', algorithm, block: algorithm.startsWith('aes') ? 16 : 8 });
const rc2 = (effectiveBits: number): Cipher => ({ kind: 'rc2', effectiveBits, block: 8 });
const RC4: Cipher = { kind: 'rc4', block: 1 };

/** RFC 7292 appendix C: SHA-1 and the PKCS#12 KDF. */
const PKCS12_PBE: Record<string, { name: string; cipher: Cipher; keyLength: number; ivLength: number }> = {
  '1.2.840.113549.1.12.1.1': { name: 'pbeWithSHAAnd128BitRC4', cipher: RC4, keyLength: 16, ivLength: 0 },
  '1.2.840.113549.1.12.1.2': { name: 'pbeWithSHAAnd40BitRC4', cipher: RC4, keyLength: 5, ivLength: 0 },
  '1.2.840.113549.1.12.1.3': { name: 'pbeWithSHAAnd3-KeyTripleDES-CBC', cipher: cbc('des-ede3-cbc'), keyLength: 24, ivLength: 8 },
  '1.2.840.113549.1.12.1.4': { name: 'pbeWithSHAAnd2-KeyTripleDES-CBC', cipher: cbc('des-ede-cbc'), keyLength: 16, ivLength: 8 },
  '1.2.840.113549.1.12.1.5': { name: 'pbeWithSHAAnd128BitRC2-CBC', cipher: rc2(128), keyLength: 16, ivLength: 8 },
  '1.2.840.113549.1.12.1.6': { name: 'pbeWithSHAAnd40BitRC2-CBC', cipher: rc2(40), keyLength: 5, ivLength: 8 },
};

/** PKCS#5 v1.5 PBES1 (PBKDF1): still met in old Java and OpenSSL 1.x exports. */
const PBES1: Record<string, { name: string; hash: string; cipher: Cipher }> = {
  '1.2.840.113549.1.5.3': { name: 'pbeWithMD5AndDES-CBC', hash: 'md5', cipher: cbc('des-cbc') },
  '1.2.840.113549.1.5.6': { name: 'pbeWithMD5AndRC2-CBC', hash: 'md5', cipher: rc2(64) },
  '1.2.840.113549.1.5.10': { name: 'pbeWithSHA1AndDES-CBC', hash: 'sha1', cipher: cbc('des-cbc') },
  '1.2.840.113549.1.5.11': { name: 'pbeWithSHA1AndRC2-CBC', hash: 'sha1', cipher: rc2(64) },
};

/** PBES2 encryption schemes with a plain IV parameter. */
const PBES2_CIPHERS: Record<string, { name: string; cipher: Cipher; keyLength: number }> = {
  '2.16.840.1.101.3.4.1.2': { name: 'AES-128-CBC', cipher: cbc('aes-128-cbc'), keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'AES-192-CBC', cipher: cbc('aes-192-cbc'), keyLength: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'AES-256-CBC', cipher: cbc('aes-256-cbc'), keyLength: 32 },
  '1.2.840.113549.3.7': { name: 'DES-EDE3-CBC', cipher: cbc('des-ede3-cbc'), keyLength: 24 },
  '1.3.14.3.2.7': { name: 'DES-CBC', cipher: cbc('des-cbc'), keyLength: 8 },
};
const RC2_CBC = '1.2.840.113549.3.2';

/** RFC 2268's rc2ParameterVersion encodings of the effective key sizes in use. */
const RC2_VERSIONS: Record<number, number> = { 160: 40, 120: 64, 58: 128 };

const UNSUPPORTED_NAMES: Record<string, string> = {
  '1.2.840.113549.1.5.1': 'pbeWithMD2AndDES-CBC',
  '1.2.840.113549.1.5.4': 'pbeWithMD2AndRC2-CBC',
  '1.3.6.1.4.1.11591.4.11': 'scrypt',
};

// ---------------------------------------------------------------- public API

/** A cheap structural sniff (PFX version 3 with a pkcs7-data authSafe); needs no password and tolerates BER. */
export function looksLikePkcs12(der: Buffer): boolean {
  try {
    const pfx = readHeader(der, 0);
    if (pfx.tag !== TAG.SEQUENCE) return false;
    let offset = pfx.headerLength;
    const version = readHeader(der, offset);
    if (version.tag !== TAG.INTEGER || version.length !== 1 || der[offset + 2] !== 3) return false;
    offset += 3;
    const authSafe = readHeader(der, offset);
    if (authSafe.tag !== TAG.SEQUENCE) return false;
    offset += authSafe.headerLength;
    const contentType = readHeader(der, offset);
    if (contentType.tag !== TAG.OID || contentType.length === null) return false;
    const start = offset + contentType.headerLength;
    return decodeOid(der.subarray(start, start + contentType.length)) === OID.data;
  } catch {
    return false;
  }
}

export function readPkcs12(der: Buffer, password: string): Pkcs12Contents {
  try {
    return read(der, password);
  } catch (error) {
    if (error instanceof Pkcs12Error) throw error;
    // Asn1Error mostly, but also Node's own complaints about impossible parameters (an IV of the wrong size, say).
    throw new Pkcs12Error('pkcs12_malformed', `Not a readable PKCS#12 file: ${error instanceof Error ? error.message : String(error)}`);
  }
}

// ---------------------------------------------------------------- the container

/**
 * One way of turning the password into bytes. PKCS#12's own KDF takes a
 * BMPString with a 00 00 terminator; PBES1/PBES2/PBMAC1 take the UTF-8 bytes.
 */
interface Secret {
  bmp: Buffer;
  utf8: Buffer;
}

function secretsFor(password: string): Secret[] {
  const utf8 = Buffer.from(password, 'utf8');
  if (password === '') {
    // As OpenSSL's PKCS12_parse: an absent password (no bytes at all) first, then "" (just the terminator); exporters write either.
    return [
      { bmp: Buffer.alloc(0), utf8 },
      { bmp: Buffer.alloc(2), utf8 },
    ];
  }
  const secrets: Secret[] = [{ bmp: Buffer.concat([Buffer.from(password, 'utf16le').swap16(), Buffer.alloc(2)]), utf8 }];
  // OpenSSL before 1.1.0 widened each UTF-8 byte on its own; its apps still try that form when the proper one fails.
  if (utf8.length !== password.length) {
    const widened = Buffer.alloc(utf8.length * 2 + 2);
    utf8.forEach((byte, i) => widened.writeUInt8(byte, i * 2 + 1));
    secrets.push({ bmp: widened, utf8 });
  }
  return secrets;
}

function read(der: Buffer, password: string): Pkcs12Contents {
  const pfx = children(expect(parse(der, 'PFX', false), TAG.SEQUENCE, 'the PFX'));
  const version = expect(pfx[0], TAG.INTEGER, 'the PFX version');
  if (version.value.length !== 1 || version.value[0] !== 3) throw new Pkcs12Error('pkcs12_malformed', 'Not a PKCS#12 v3 file.');
  const authSafe = children(expect(pfx[1], TAG.SEQUENCE, 'the authSafe ContentInfo'));
  const authSafeType = decodeOid(expect(authSafe[0], TAG.OID, 'the authSafe content type').value);
  if (authSafeType === OID.signedData) throw new Pkcs12Error('pkcs12_unsupported', 'PKCS#12 files protected by a signature (public-key integrity mode) are not supported.');
  if (authSafeType !== OID.data) throw new Pkcs12Error('pkcs12_malformed', 'The authSafe is not pkcs7-data.');
  const authSafeBytes = dataContent(authSafe[1]);

  let secrets = secretsFor(password);
  let macVerified = false;
  if (pfx[2]) {
    const good = verifyMac(expect(pfx[2], TAG.SEQUENCE, 'MacData'), authSafeBytes, secrets);
    if (!good) throw passwordError(password, 'The password is wrong (the integrity check failed).');
    secrets = [good, ...secrets.filter((s) => s !== good)];
    macVerified = true;
  }

  const state: ReadState = { password, secrets, macVerified, encryption: [], keys: [], certificates: [] };
  for (const contentInfo of children(expect(parse(authSafeBytes, 'AuthenticatedSafe'), TAG.SEQUENCE, 'AuthenticatedSafe'))) {
    const parts = children(expect(contentInfo, TAG.SEQUENCE, 'a ContentInfo'));
    const type = decodeOid(expect(parts[0], TAG.OID, 'a content type').value);
    if (type === OID.data) {
      readSafeContents(parse(dataContent(parts[1]), 'SafeContents'), state, 0);
    } else if (type === OID.encryptedData) {
      const { algorithm, ciphertext } = encryptedContent(parts[1]);
      readSafeContents(decrypt(state, algorithm, ciphertext, (plain) => parse(plain, 'SafeContents')), state, 0);
    } else if (type === OID.envelopedData) {
      throw new Pkcs12Error('pkcs12_unsupported', 'PKCS#12 files encrypted to a public key (envelopedData) are not supported.');
    } else {
      throw new Pkcs12Error('pkcs12_unsupported', `Unsupported PKCS#12 content type ${type}.`);
    }
  }
  return { keys: state.keys, certificates: state.certificates, encryption: state.encryption };
}

interface ReadState {
  password: string;
  /** The working password form goes first once one has worked. */
  secrets: Secret[];
  macVerified: boolean;
  encryption: string[];
  keys: Pkcs12Contents['keys'];
  certificates: Pkcs12Contents['certificates'];
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
    switch (bagId) {
      case OID.keyBag:
        state.keys.push({ pem: privateKeyPem(expect(value, TAG.SEQUENCE, 'PrivateKeyInfo').raw), ...attributes });
        break;
      case OID.shroudedKeyBag: {
        const encrypted = children(expect(value, TAG.SEQUENCE, 'EncryptedPrivateKeyInfo'));
        const algorithm = expect(encrypted[0], TAG.SEQUENCE, 'the key encryption algorithm');
        const ciphertext = expect(encrypted[1], TAG.OCTET_STRING, 'the encrypted key').value;
        const pkcs8 = decrypt(state, algorithm, ciphertext, (plain) => {
          const privateKeyInfo = expect(parse(plain, 'PrivateKeyInfo'), TAG.SEQUENCE, 'PrivateKeyInfo');
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

function verifyMac(macData: Node, authSafe: Buffer, secrets: Secret[]): Secret | null {
  const parts = children(macData);
  const digestInfo = children(expect(parts[0], TAG.SEQUENCE, 'the MAC DigestInfo'));
  const algorithm = children(expect(digestInfo[0], TAG.SEQUENCE, 'the MAC algorithm'));
  const algorithmOid = decodeOid(expect(algorithm[0], TAG.OID, 'the MAC algorithm').value);
  const expected = expect(digestInfo[1], TAG.OCTET_STRING, 'the MAC').value;
  const salt = expect(parts[1], TAG.OCTET_STRING, 'the MAC salt').value;
  const iterations = parts[2] ? smallInteger(parts[2], 'the MAC iteration count') : 1;

  let mac: (secret: Secret) => Buffer;
  if (algorithmOid === OID.pbmac1) {
    // RFC 9579: PBKDF2 over the UTF-8 password; the salt and count that matter are PBKDF2's own.
    const params = children(expect(algorithm[1], TAG.SEQUENCE, 'PBMAC1 parameters'));
    const kdf = pbkdf2Params(params[0]);
    if (kdf.keyLength === null) throw new Pkcs12Error('pkcs12_malformed', 'PBMAC1 requires a PBKDF2 key length.');
    const scheme = hmacFor(params[1]);
    const keyLength = kdf.keyLength;
    mac = (secret) => createHmac(scheme.name, pbkdf2Sync(secret.utf8, kdf.salt, kdf.iterations, keyLength, kdf.prf.name)).update(authSafe).digest();
  } else {
    const hash = DIGESTS[algorithmOid];
    if (!hash) throw new Pkcs12Error('pkcs12_unsupported', `Unsupported PKCS#12 MAC digest ${algorithmOid}.`);
    checkIterations(iterations);
    const size = createHash(hash.name).digest().length;
    mac = (secret) => createHmac(hash.name, pkcs12Kdf(hash, secret.bmp, salt, 3, iterations, size)).update(authSafe).digest();
  }
  for (const secret of secrets) {
    const actual = mac(secret);
    if (actual.length === expected.length && timingSafeEqual(actual, expected)) return secret;
  }
  return null;
}

// ---------------------------------------------------------------- privacy

interface Scheme {
  name: string;
  cipher: Cipher;
  /** The key and IV for one password form. */
  derive: (secret: Secret) => { key: Buffer; iv: Buffer };
}

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
    const { key, iv } = scheme.derive(secret);
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

function encryptionScheme(algorithm: Node): Scheme {
  const parts = children(algorithm);
  const oid = decodeOid(expect(parts[0], TAG.OID, 'an encryption algorithm').value);
  const params = parts[1];

  const pkcs12 = PKCS12_PBE[oid];
  if (pkcs12) {
    const { salt, iterations } = pbeParams(params);
    return {
      name: pkcs12.name,
      cipher: pkcs12.cipher,
      derive: (secret) => ({
        key: pkcs12Kdf(SHA1, secret.bmp, salt, 1, iterations, pkcs12.keyLength),
        iv: pkcs12.ivLength ? pkcs12Kdf(SHA1, secret.bmp, salt, 2, iterations, pkcs12.ivLength) : Buffer.alloc(0),
      }),
    };
  }

  const pbes1 = PBES1[oid];
  if (pbes1) {
    const { salt, iterations } = pbeParams(params);
    return {
      name: pbes1.name,
      cipher: pbes1.cipher,
      derive: (secret) => {
        let t = createHash(pbes1.hash).update(secret.utf8).update(salt).digest();
        for (let i = 1; i < iterations; i++) t = createHash(pbes1.hash).update(t).digest();
        return { key: t.subarray(0, 8), iv: t.subarray(8, 16) };
      },
    };
  }

  if (oid === OID.pbes2) {
    const pbes2 = children(expect(params, TAG.SEQUENCE, 'PBES2 parameters'));
    const kdfAlgorithm = children(expect(pbes2[0], TAG.SEQUENCE, 'the PBES2 key derivation function'));
    const kdfOid = decodeOid(expect(kdfAlgorithm[0], TAG.OID, 'the PBES2 key derivation function').value);
    if (kdfOid !== OID.pbkdf2) throw new Pkcs12Error('pkcs12_unsupported', `Unsupported PBES2 key derivation ${UNSUPPORTED_NAMES[kdfOid] ?? kdfOid}.`);
    const kdf = pbkdf2Params(pbes2[0]);
    const { name, cipher, keyLength, iv } = pbes2Cipher(expect(pbes2[1], TAG.SEQUENCE, 'the PBES2 encryption scheme'), kdf.keyLength);
    return {
      name: `PBES2/${name}/${kdf.prf.label}`,
      cipher,
      derive: (secret) => ({ key: pbkdf2Sync(secret.utf8, kdf.salt, kdf.iterations, keyLength, kdf.prf.name), iv }),
    };
  }

  throw new Pkcs12Error('pkcs12_unsupported', `Unsupported PKCS#12 encryption ${UNSUPPORTED_NAMES[oid] ?? oid}.`);
}

const SHA1 = digest('sha1', 'SHA1', 64);

function pbeParams(params: Node | undefined): { salt: Buffer; iterations: number } {
  const parts = children(expect(params, TAG.SEQUENCE, 'PBE parameters'));
  const salt = expect(parts[0], TAG.OCTET_STRING, 'the PBE salt').value;
  const iterations = smallInteger(parts[1], 'the PBE iteration count');
  checkIterations(iterations);
  return { salt, iterations };
}

/** The parameters of a PBKDF2 AlgorithmIdentifier. */
function pbkdf2Params(algorithm: Node | undefined): { salt: Buffer; iterations: number; keyLength: number | null; prf: Digest } {
  const parts = children(expect(algorithm, TAG.SEQUENCE, 'the PBKDF2 algorithm'));
  const oid = decodeOid(expect(parts[0], TAG.OID, 'the PBKDF2 algorithm').value);
  if (oid !== OID.pbkdf2) throw new Pkcs12Error('pkcs12_unsupported', `Unsupported key derivation ${UNSUPPORTED_NAMES[oid] ?? oid}.`);
  const params = children(expect(parts[1], TAG.SEQUENCE, 'PBKDF2 parameters'));
  if (params[0]?.tag === TAG.SEQUENCE) throw new Pkcs12Error('pkcs12_unsupported', 'PBKDF2 with a non-literal salt source is not supported.');
  const salt = expect(params[0], TAG.OCTET_STRING, 'the PBKDF2 salt').value;
  const iterations = smallInteger(params[1], 'the PBKDF2 iteration count');
  checkIterations(iterations);
  let index = 2;
  let keyLength: number | null = null;
  if (params[index]?.tag === TAG.INTEGER) {
    keyLength = smallInteger(params[index], 'the PBKDF2 key length');
    index++;
  }
  const prf = params[index] ? hmacFor(params[index]) : (HMACS[OID.hmacWithSHA1] as Digest);
  return { salt, iterations, keyLength, prf };
}

function hmacFor(algorithm: Node | undefined): Digest {
  const oid = decodeOid(expect(children(expect(algorithm, TAG.SEQUENCE, 'an HMAC algorithm'))[0], TAG.OID, 'an HMAC algorithm').value);
  const hmac = HMACS[oid];
  if (!hmac) throw new Pkcs12Error('pkcs12_unsupported', `Unsupported HMAC ${oid}.`);
  return hmac;
}

function pbes2Cipher(scheme: Node, kdfKeyLength: number | null): { name: string; cipher: Cipher; keyLength: number; iv: Buffer } {
  const parts = children(scheme);
  const oid = decodeOid(expect(parts[0], TAG.OID, 'the PBES2 cipher').value);
  const known = PBES2_CIPHERS[oid];
  if (known) {
    if (kdfKeyLength !== null && kdfKeyLength !== known.keyLength) throw new Pkcs12Error('pkcs12_malformed', `PBKDF2 key length ${kdfKeyLength} does not fit ${known.name}.`);
    const iv = expect(parts[1], TAG.OCTET_STRING, 'the PBES2 IV').value;
    if (iv.length !== known.cipher.block) throw new Pkcs12Error('pkcs12_malformed', `Bad ${known.name} IV length.`);
    return { name: known.name, cipher: known.cipher, keyLength: known.keyLength, iv };
  }
  if (oid === RC2_CBC) {
    // RC2-CBC-Parameter ::= SEQUENCE { rc2ParameterVersion INTEGER OPTIONAL, iv OCTET STRING }
    const params = children(expect(parts[1], TAG.SEQUENCE, 'RC2 parameters'));
    const version = params[0]?.tag === TAG.INTEGER ? smallInteger(params[0], 'the RC2 version') : null;
    const iv = expect(params[version === null ? 0 : 1], TAG.OCTET_STRING, 'the RC2 IV').value;
    // RFC 8018 B.2.3: an absent version means 32 effective bits; 256 and up are the bit count itself.
    const effectiveBits = version === null ? 32 : version >= 256 ? version : RC2_VERSIONS[version];
    if (effectiveBits === undefined || effectiveBits > 1024) throw new Pkcs12Error('pkcs12_unsupported', `Unsupported RC2 parameter version ${version}.`);
    const keyLength = kdfKeyLength ?? 16;
    if (keyLength < 1 || keyLength > 128 || iv.length !== 8) throw new Pkcs12Error('pkcs12_malformed', 'Bad RC2 parameters.');
    return { name: `RC2-CBC-${effectiveBits}`, cipher: rc2(effectiveBits), keyLength, iv };
  }
  throw new Pkcs12Error('pkcs12_unsupported', `Unsupported PBES2 cipher ${oid}.`);
}

/** The plaintext, or null when the padding is wrong, the usual sign of a wrong password. */
function runCipher(cipher: Cipher, key: Buffer, iv: Buffer, data: Buffer): Buffer | null {
  switch (cipher.kind) {
    case 'rc4':
      return rc4(key, data);
    case 'rc2':
      return unpad(rc2CbcDecrypt(key, cipher.effectiveBits, iv, data), 8);
    case 'node': {
      let algorithm: string = cipher.algorithm;
      let nodeKey = key;
      // Node's default provider (and BoringSSL) lack single DES and des-ede; EDE3 with repeated parts computes the same.
      if (algorithm === 'des-cbc') [algorithm, nodeKey] = ['des-ede3-cbc', Buffer.concat([key, key, key])];
      if (algorithm === 'des-ede-cbc') [algorithm, nodeKey] = ['des-ede3-cbc', Buffer.concat([key, key.subarray(0, 8)])];
      const decipher = createDecipheriv(algorithm, nodeKey, iv);
      try {
        return Buffer.concat([decipher.update(data), decipher.final()]);
      } catch {
        return null;
      }
    }
  }
}

function unpad(data: Buffer, block: number): Buffer | null {
  const n = data[data.length - 1] ?? 0;
  if (n < 1 || n > block || n > data.length) return null;
  for (let i = data.length - n; i < data.length; i++) if (data[i] !== n) return null;
  return data.subarray(0, data.length - n);
}

// ---------------------------------------------------------------- RFC 7292 appendix B.2

/** The PKCS#12 KDF: ID 1 derives keys, 2 IVs, 3 MAC keys. */
function pkcs12Kdf(hash: Digest, password: Buffer, salt: Buffer, id: 1 | 2 | 3, iterations: number, length: number): Buffer {
  const v = hash.block;
  const stretch = (input: Buffer): Buffer => {
    const out = Buffer.alloc(v * Math.ceil(input.length / v));
    for (let i = 0; i < out.length; i++) out[i] = input[i % input.length] ?? 0;
    return out;
  };
  const d = Buffer.alloc(v, id);
  const i = Buffer.concat([stretch(salt), stretch(password)]);
  const out = Buffer.alloc(length);
  for (let produced = 0; ; ) {
    let a = createHash(hash.name).update(d).update(i).digest();
    for (let round = 1; round < iterations; round++) a = createHash(hash.name).update(a).digest();
    produced += a.copy(out, produced);
    if (produced >= length) return out;
    // Each v-byte block of I becomes (I_j + B + 1) mod 2^(8v).
    const b = stretch(a).subarray(0, v);
    for (let j = 0; j < i.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = (i[j + k] ?? 0) + (b[k] ?? 0) + carry;
        i[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
}

// ---------------------------------------------------------------- RFC 2268 (RC2) and RC4

/** RFC 2268 section 2: a permutation of 0..255 from the digits of pi. */
const PITABLE = Buffer.from(
  [
    'd978f9c419ddb5ed28e9fd794aa0d89d',
    'c67e37832b76538e624c6488448bfba2',
    '179a59f587b34f1361456d8d09817d32',
    'bd8f40eb86b77b0bf09521225c6b4e82',
    '54d66593ce60b21c7356c014a78cf1dc',
    '1275ca1f3bbee4d1423dd430a33cb626',
    '6fbf0eda4669075727f21d9bbc944303',
    'f811c7f690ef3ee706c3d52fc8661ed7',
    '08e8eade8052eef784aa72ac354d6a2a',
    '961ad2715a1549744b9fd05e0418a4ec',
    'c2e0416e0f51cbcc2491af50a1f47039',
    '997c3a8523b8b47afc02365b25559731',
    '2d5dfa98e38a92ae05df2910676cbac9',
    'd300e6cfe19ea82c6316013f58e289a9',
    '0d38341bab33ffb0bb480c5fb9b1cd2e',
    'c5f3db47e5a59c770aa62068fe7fc1ad',
  ].join(''),
  'hex',
);

function rc2Schedule(key: Buffer, effectiveBits: number): Uint16Array {
  const l = new Uint8Array(128);
  l.set(key);
  const t = key.length;
  const pi = (n: number) => PITABLE[n & 0xff] ?? 0;
  const at = (n: number) => l[n] ?? 0;
  for (let i = t; i < 128; i++) l[i] = pi(at(i - 1) + at(i - t));
  // Reducing the effective key size is what made the 40-bit export variant legal to ship.
  const t8 = (effectiveBits + 7) >> 3;
  const tm = 0xff >> (8 * t8 - effectiveBits);
  l[128 - t8] = pi(at(128 - t8) & tm);
  for (let i = 127 - t8; i >= 0; i--) l[i] = pi(at(i + 1) ^ at(i + t8));
  const k = new Uint16Array(64);
  for (let i = 0; i < 64; i++) k[i] = at(2 * i) | (at(2 * i + 1) << 8);
  return k;
}

function rc2CbcDecrypt(key: Buffer, effectiveBits: number, iv: Buffer, data: Buffer): Buffer {
  const schedule = rc2Schedule(key, effectiveBits);
  const k = (n: number) => schedule[n] ?? 0;
  const out = Buffer.alloc(data.length);
  let previous = iv;
  for (let offset = 0; offset < data.length; offset += 8) {
    const block = data.subarray(offset, offset + 8);
    let r0 = block.readUInt16LE(0);
    let r1 = block.readUInt16LE(2);
    let r2 = block.readUInt16LE(4);
    let r3 = block.readUInt16LE(6);
    let j = 63;
    const unmix = () => {
      r3 = ((r3 << 11) | (r3 >> 5)) & 0xffff;
      r3 = (r3 - k(j--) - (r2 & r1) - (~r2 & r0)) & 0xffff;
      r2 = ((r2 << 13) | (r2 >> 3)) & 0xffff;
      r2 = (r2 - k(j--) - (r1 & r0) - (~r1 & r3)) & 0xffff;
      r1 = ((r1 << 14) | (r1 >> 2)) & 0xffff;
      r1 = (r1 - k(j--) - (r0 & r3) - (~r0 & r2)) & 0xffff;
      r0 = ((r0 << 15) | (r0 >> 1)) & 0xffff;
      r0 = (r0 - k(j--) - (r3 & r2) - (~r3 & r1)) & 0xffff;
    };
    const unmash = () => {
      r3 = (r3 - k(r2 & 63)) & 0xffff;
      r2 = (r2 - k(r1 & 63)) & 0xffff;
      r1 = (r1 - k(r0 & 63)) & 0xffff;
      r0 = (r0 - k(r3 & 63)) & 0xffff;
    };
    for (let n = 0; n < 5; n++) unmix();
    unmash();
    for (let n = 0; n < 6; n++) unmix();
    unmash();
    for (let n = 0; n < 5; n++) unmix();
    out.writeUInt16LE(r0 ^ previous.readUInt16LE(0), offset);
    out.writeUInt16LE(r1 ^ previous.readUInt16LE(2), offset + 2);
    out.writeUInt16LE(r2 ^ previous.readUInt16LE(4), offset + 4);
    out.writeUInt16LE(r3 ^ previous.readUInt16LE(6), offset + 6);
    previous = block;
  }
  return out;
}

function rc4(key: Buffer, data: Buffer): Buffer {
  const s = new Uint8Array(256).map((_, i) => i);
  const at = (n: number) => s[n] ?? 0;
  const swap = (a: number, b: number) => {
    const t = at(a);
    s[a] = at(b);
    s[b] = t;
  };
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + at(i) + (key[i % key.length] ?? 0)) & 0xff;
    swap(i, j);
  }
  const out = Buffer.alloc(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 0xff;
    j = (j + at(i)) & 0xff;
    swap(i, j);
    out[n] = (data[n] ?? 0) ^ at((at(i) + at(j)) & 0xff);
  }
  return out;
}

// ---------------------------------------------------------------- BER

/**
 * Exporters such as macOS Keychain and old Netscape/Mozilla write BER
 * (indefinite lengths, chunked OCTET STRINGs), which asn1.ts's DER reader
 * refuses. Re-encoding as DER before reading keeps that reader strict; the
 * contents of OCTET STRINGs are left alone, so the MAC still covers the same
 * bytes.
 */
interface Header {
  tag: number;
  headerLength: number;
  /** null for an indefinite length. */
  length: number | null;
}

function readHeader(input: Buffer, offset: number): Header {
  if (offset + 2 > input.length) throw new Asn1Error('truncated BER');
  const tag = input[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw new Asn1Error('high tag numbers are not supported');
  const first = input[offset + 1] as number;
  if (first === 0x80) {
    if (!(tag & 0x20)) throw new Asn1Error('indefinite length on a primitive');
    return { tag, headerLength: 2, length: null };
  }
  if (!(first & 0x80)) return { tag, headerLength: 2, length: first };
  const bytes = first & 0x7f;
  if (bytes > 4) throw new Asn1Error('unsupported BER length');
  if (offset + 2 + bytes > input.length) throw new Asn1Error('truncated BER length');
  let length = 0;
  for (let i = 0; i < bytes; i++) length = length * 256 + (input[offset + 2 + i] as number);
  return { tag, headerLength: 2 + bytes, length };
}

/** Constructed encodings of string types that BER may split into chunks. */
const STRING_TAGS = new Set([0x20 | TAG.OCTET_STRING, 0x20 | TAG.BMP_STRING, 0x20 | TAG.UTF8_STRING, 0x20 | TAG.IA5_STRING]);

function toDer(input: Buffer, offset: number, end: number, depth: number): { der: Buffer; next: number } {
  const header = readHeader(input, offset);
  const start = offset + header.headerLength;
  if (!(header.tag & 0x20)) {
    const next = start + (header.length ?? 0);
    if (next > end) throw new Asn1Error('BER length beyond its container');
    return { der: tlv(header.tag, input.subarray(start, next)), next };
  }
  if (depth > 64) throw new Asn1Error('BER nested too deeply');
  const parts: Buffer[] = [];
  let cursor = start;
  if (header.length === null) {
    for (;;) {
      if (cursor + 2 > end) throw new Asn1Error('unterminated indefinite length');
      if (input[cursor] === 0 && input[cursor + 1] === 0) {
        cursor += 2;
        break;
      }
      const child = toDer(input, cursor, end, depth + 1);
      parts.push(child.der);
      cursor = child.next;
    }
  } else {
    const contentEnd = start + header.length;
    if (contentEnd > end) throw new Asn1Error('BER length beyond its container');
    while (cursor < contentEnd) {
      const child = toDer(input, cursor, contentEnd, depth + 1);
      parts.push(child.der);
      cursor = child.next;
    }
  }
  if (STRING_TAGS.has(header.tag)) return { der: tlv(header.tag & ~0x20, Buffer.concat(parts.map((part) => readNode(part).value))), next: cursor };
  return { der: tlv(header.tag, Buffer.concat(parts)), next: cursor };
}

/** Reads one BER/DER value; `whole` insists it fills the input, which catches most garbage decrypted with a wrong password. */
function parse(input: Buffer, what: string, whole = true): Node {
  const { der, next } = toDer(input, 0, input.length, 0);
  if (whole && next !== input.length) throw new Asn1Error(`trailing bytes after ${what}`);
  return readNode(der);
}

// ---------------------------------------------------------------- small helpers

function smallInteger(node: Node | undefined, what: string): number {
  const value = expect(node, TAG.INTEGER, what).value;
  if (value.length === 0 || value.length > 6 || (value[0] as number) & 0x80) throw new Asn1Error(`${what} is out of range`);
  return value.readUIntBE(0, value.length);
}

function checkIterations(iterations: number): void {
  if (iterations < 1 || iterations > MAX_ITERATIONS) throw new Pkcs12Error('pkcs12_unsupported', `Iteration count ${iterations} is outside what this reader accepts.`);
}
