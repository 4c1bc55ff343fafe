/**
 * Password-based encryption as PKCS#12 bags and encrypted PKCS#8 keys name
 * it: the AlgorithmIdentifier read into a scheme (cipher, key and IV
 * derivation), for the PKCS#12 PBE algorithms (RFC 7292 appendix C), PKCS#5
 * PBES1 and PBES2 with PBKDF2, and the password forms exporters disagree on.
 * What a scheme would cost is known, and refused when over the limits, before
 * any derivation runs.
 */
import { children, decodeOid, expect, readSmallInteger, TAG, type Node } from '../asn1';
import { cbc, rc2, RC4, type Cipher } from './ciphers';
import { Pkcs12Error } from './errors';
import { checkIterations, digest, pbkdf1, pbkdf2, pkcs12Kdf, spend, type Digest, type KdfMeter } from './kdf';
import { IMPORT_LIMITS } from '../../../../shared/certificates';

export const OID_PBES2 = '1.2.840.113549.1.5.13';
export const OID_PBKDF2 = '1.2.840.113549.1.5.12';
const OID_SCRYPT = '1.3.6.1.4.1.11591.4.11';
const OID_HMAC_SHA1 = '1.2.840.113549.2.7';

/** PBKDF2 PRFs and PBMAC1 message authentication schemes. */
const HMACS: Record<string, Digest> = {
  [OID_HMAC_SHA1]: digest('sha1', 'HMAC-SHA1', 64, 20),
  '1.2.840.113549.2.8': digest('sha224', 'HMAC-SHA224', 64, 28),
  '1.2.840.113549.2.9': digest('sha256', 'HMAC-SHA256', 64, 32),
  '1.2.840.113549.2.10': digest('sha384', 'HMAC-SHA384', 128, 48),
  '1.2.840.113549.2.11': digest('sha512', 'HMAC-SHA512', 128, 64),
  '1.2.840.113549.2.12': digest('sha512-224', 'HMAC-SHA512-224', 128, 28),
  '1.2.840.113549.2.13': digest('sha512-256', 'HMAC-SHA512-256', 128, 32),
};

const SHA1 = digest('sha1', 'SHA1', 64, 20);

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
  [OID_SCRYPT]: 'scrypt',
};

// ---------------------------------------------------------------- password forms

/**
 * One way of turning the password into bytes. PKCS#12's own KDF takes a
 * BMPString with a 00 00 terminator; PBES1/PBES2/PBMAC1 take the UTF-8 bytes.
 */
export interface Secret {
  bmp: Buffer;
  utf8: Buffer;
}

export function secretsFor(password: string): Secret[] {
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

// ---------------------------------------------------------------- schemes

export interface Scheme {
  name: string;
  cipher: Cipher;
  /** The key and IV for one password form. */
  derive: (secret: Secret, meter: KdfMeter) => { key: Buffer; iv: Buffer };
}

export function encryptionScheme(algorithm: Node): Scheme {
  const parts = children(algorithm);
  const oid = decodeOid(expect(parts[0], TAG.OID, 'an encryption algorithm').value);
  const params = parts[1];

  const pkcs12 = PKCS12_PBE[oid];
  if (pkcs12) {
    const { salt, iterations } = pbeParams(params);
    return {
      name: pkcs12.name,
      cipher: pkcs12.cipher,
      derive: (secret, meter) => ({
        key: pkcs12Kdf(meter, SHA1, secret.bmp, salt, 1, iterations, pkcs12.keyLength),
        iv: pkcs12.ivLength ? pkcs12Kdf(meter, SHA1, secret.bmp, salt, 2, iterations, pkcs12.ivLength) : Buffer.alloc(0),
      }),
    };
  }

  const pbes1 = PBES1[oid];
  if (pbes1) {
    const { salt, iterations } = pbeParams(params);
    return { name: pbes1.name, cipher: pbes1.cipher, derive: (secret, meter) => pbkdf1(meter, pbes1.hash, secret.utf8, salt, iterations) };
  }

  if (oid === OID_PBES2) {
    const pbes2 = children(expect(params, TAG.SEQUENCE, 'PBES2 parameters'));
    const kdfAlgorithm = children(expect(pbes2[0], TAG.SEQUENCE, 'the PBES2 key derivation function'));
    const kdfOid = decodeOid(expect(kdfAlgorithm[0], TAG.OID, 'the PBES2 key derivation function').value);
    if (kdfOid !== OID_PBKDF2) throw new Pkcs12Error('pkcs12_unsupported', `Unsupported PBES2 key derivation ${UNSUPPORTED_NAMES[kdfOid] ?? kdfOid}.`);
    const kdf = pbkdf2Params(pbes2[0]);
    const { name, cipher, keyLength, iv } = pbes2Cipher(expect(pbes2[1], TAG.SEQUENCE, 'the PBES2 encryption scheme'), kdf.keyLength);
    return {
      name: `PBES2/${name}/${kdf.prf.label}`,
      cipher,
      derive: (secret, meter) => ({ key: pbkdf2(meter, kdf.prf, secret.utf8, kdf.salt, kdf.iterations, keyLength), iv }),
    };
  }

  throw new Pkcs12Error('pkcs12_unsupported', `Unsupported PKCS#12 encryption ${UNSUPPORTED_NAMES[oid] ?? oid}.`);
}

function pbeParams(params: Node | undefined): { salt: Buffer; iterations: number } {
  const parts = children(expect(params, TAG.SEQUENCE, 'PBE parameters'));
  const salt = expect(parts[0], TAG.OCTET_STRING, 'the PBE salt').value;
  const iterations = readSmallInteger(parts[1], 'the PBE iteration count');
  checkIterations(iterations);
  return { salt, iterations };
}

/** The parameters of a PBKDF2 AlgorithmIdentifier. */
export function pbkdf2Params(algorithm: Node | undefined): { salt: Buffer; iterations: number; keyLength: number | null; prf: Digest } {
  const parts = children(expect(algorithm, TAG.SEQUENCE, 'the PBKDF2 algorithm'));
  const oid = decodeOid(expect(parts[0], TAG.OID, 'the PBKDF2 algorithm').value);
  if (oid !== OID_PBKDF2) throw new Pkcs12Error('pkcs12_unsupported', `Unsupported key derivation ${UNSUPPORTED_NAMES[oid] ?? oid}.`);
  const params = children(expect(parts[1], TAG.SEQUENCE, 'PBKDF2 parameters'));
  if (params[0]?.tag === TAG.SEQUENCE) throw new Pkcs12Error('pkcs12_unsupported', 'PBKDF2 with a non-literal salt source is not supported.');
  const salt = expect(params[0], TAG.OCTET_STRING, 'the PBKDF2 salt').value;
  const iterations = readSmallInteger(params[1], 'the PBKDF2 iteration count');
  checkIterations(iterations);
  let index = 2;
  let keyLength: number | null = null;
  if (params[index]?.tag === TAG.INTEGER) {
    keyLength = readSmallInteger(params[index], 'the PBKDF2 key length');
    // No cipher or MAC here takes more than 128 bytes of key; a larger one is only a way to multiply the work.
    if (keyLength < 1 || keyLength > 128) throw new Pkcs12Error('pkcs12_malformed', `PBKDF2 key length ${keyLength} is not valid.`);
    index++;
  }
  const prf = params[index] ? hmacFor(params[index]) : (HMACS[OID_HMAC_SHA1] as Digest);
  return { salt, iterations, keyLength, prf };
}

export function hmacFor(algorithm: Node | undefined): Digest {
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
    const version = params[0]?.tag === TAG.INTEGER ? readSmallInteger(params[0], 'the RC2 version') : null;
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

// ---------------------------------------------------------------- encrypted PKCS#8 keys

/**
 * The cost of decrypting an EncryptedPrivateKeyInfo, checked and taken from
 * the meter before Node (OpenSSL) derives the key in one native call that
 * cannot be interrupted: PBKDF2 or PBES1/PKCS#12 iterations, or scrypt's
 * N·r·p. Throws Pkcs12Error (kdf_too_costly) when over a limit, Asn1Error when
 * the structure is not an EncryptedPrivateKeyInfo.
 */
export function chargeEncryptedKey(algorithm: Node, meter: KdfMeter): void {
  const parts = children(expect(algorithm, TAG.SEQUENCE, 'the key encryption algorithm'));
  const oid = decodeOid(expect(parts[0], TAG.OID, 'the key encryption algorithm').value);
  let rounds: number;
  if (oid === OID_PBES2) {
    const pbes2 = children(expect(parts[1], TAG.SEQUENCE, 'PBES2 parameters'));
    const kdf = children(expect(pbes2[0], TAG.SEQUENCE, 'the PBES2 key derivation function'));
    const kdfOid = decodeOid(expect(kdf[0], TAG.OID, 'the PBES2 key derivation function').value);
    if (kdfOid === OID_SCRYPT) {
      // scrypt-params ::= SEQUENCE { salt OCTET STRING, costParameter, blockSize, parallelizationParameter, keyLength OPTIONAL }
      const params = children(expect(kdf[1], TAG.SEQUENCE, 'scrypt parameters'));
      const cost = readSmallInteger(params[1], 'the scrypt cost') * readSmallInteger(params[2], 'the scrypt block size') * readSmallInteger(params[3], 'the scrypt parallelization');
      if (cost > IMPORT_LIMITS.maxScryptCost) {
        throw new Pkcs12Error('kdf_too_costly', `The key asks for scrypt work of ${cost.toLocaleString('en-US')} (N·r·p); this app opens keys with up to ${IMPORT_LIMITS.maxScryptCost.toLocaleString('en-US')}.`);
      }
      // One scrypt unit (a BlockMix of r=1) costs about as much as eight hash rounds.
      rounds = Math.ceil(cost / 8);
    } else {
      const { iterations, keyLength, prf } = pbkdf2Params(pbes2[0]);
      rounds = iterations * Math.ceil((keyLength ?? 32) / prf.size);
    }
  } else if (PKCS12_PBE[oid] || PBES1[oid]) {
    // Key and IV: two derivations at most of two hash blocks each.
    rounds = pbeParams(parts[1]).iterations * 4;
  } else {
    return; // Node refuses what it does not know, at no cost.
  }
  spend(meter, rounds);
}
