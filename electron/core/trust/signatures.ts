/**
 * Signature algorithms as X.509, CRLs and OCSP name them: what an OID is
 * called, whether its hash is broken (MD2, MD5, SHA-1), and checking a
 * signature with node:crypto. One table, so the certificates overview names
 * an algorithm the same way the revocation checks accept or refuse it.
 */
import { constants, verify, type KeyObject } from 'node:crypto';
import { Asn1Error, children, decodeOid, expect, readSmallInteger, TAG, type Node } from '../certificates/asn1';

export type HashName = 'md2' | 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

export const HASH_OIDS: Record<string, HashName> = {
  '1.2.840.113549.2.2': 'md2',
  '1.2.840.113549.2.5': 'md5',
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

const RSA_PSS = '1.2.840.113549.1.1.10';
const MGF1 = '1.2.840.113549.1.1.8';

interface Known {
  name: string;
  /** null: the algorithm hashes internally (EdDSA) or takes its hash from parameters (RSASSA-PSS). */
  hash: HashName | null;
}

const SIGNATURES: Record<string, Known> = {
  '1.2.840.113549.1.1.2': { name: 'md2WithRSAEncryption', hash: 'md2' },
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', hash: 'md5' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', hash: 'sha1' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', hash: 'sha224' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', hash: 'sha512' },
  [RSA_PSS]: { name: 'RSASSA-PSS', hash: null },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', hash: 'sha1' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', hash: 'sha224' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', hash: 'sha512' },
  '1.2.840.10040.4.3': { name: 'dsa-with-SHA1', hash: 'sha1' },
  '2.16.840.1.101.3.4.3.2': { name: 'dsa-with-SHA256', hash: 'sha256' },
  '1.3.101.112': { name: 'Ed25519', hash: null },
  '1.3.101.113': { name: 'Ed448', hash: null },
};

/** Hashes no signature should rest on any more: collisions can be computed for them. */
const BROKEN: ReadonlySet<HashName> = new Set(['md2', 'md5', 'sha1']);

export interface AlgorithmIdentifier {
  oid: string;
  /** The parameters as they were encoded (absent, NULL, or RSASSA-PSS parameters). */
  parameters: Node | null;
}

/** AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL } */
export function readAlgorithm(node: Node | undefined, what: string): AlgorithmIdentifier {
  const [id, parameters, extra] = children(expect(node, TAG.SEQUENCE, what));
  if (extra) throw new Asn1Error(`${what} has trailing fields`);
  return { oid: decodeOid(expect(id, TAG.OID, `${what} algorithm`).value), parameters: parameters ?? null };
}

interface PssParameters {
  hash: HashName;
  saltLength: number;
}

/** RSASSA-PSS-params, with RFC 4055's defaults (SHA-1, MGF1 with SHA-1, 20 bytes of salt). */
function pssParameters(parameters: Node | null): PssParameters {
  let hash: HashName = 'sha1';
  let mgfHash: HashName = 'sha1';
  let saltLength = 20;
  if (!parameters) return { hash, saltLength };
  for (const field of children(expect(parameters, TAG.SEQUENCE, 'RSASSA-PSS parameters'))) {
    const [inner] = children(field);
    if (field.tag === 0xa0) {
      const alg = readAlgorithm(inner, 'PSS hash');
      const found = HASH_OIDS[alg.oid];
      if (!found) throw new Asn1Error(`unsupported PSS hash ${alg.oid}`);
      hash = found;
    } else if (field.tag === 0xa1) {
      const mgf = readAlgorithm(inner, 'PSS mask generation');
      if (mgf.oid !== MGF1) throw new Asn1Error(`unsupported PSS mask generation ${mgf.oid}`);
      const found = HASH_OIDS[readAlgorithm(mgf.parameters ?? undefined, 'MGF1 hash').oid];
      if (!found) throw new Asn1Error('unsupported MGF1 hash');
      mgfHash = found;
    } else if (field.tag === 0xa2) {
      saltLength = readSmallInteger(inner, 'PSS salt length');
    } else if (field.tag === 0xa3) {
      if (readSmallInteger(inner, 'PSS trailer field') !== 1) throw new Asn1Error('unsupported PSS trailer field');
    } else {
      throw new Asn1Error('unexpected field in RSASSA-PSS parameters');
    }
  }
  // Node's verify uses the signature hash for MGF1 too; a signer that chose otherwise cannot be checked.
  if (mgfHash !== hash) throw new Asn1Error('RSASSA-PSS with a different MGF1 hash is not supported');
  return { hash, saltLength };
}

/** The algorithm's usual name (`sha256WithRSAEncryption`, `ecdsa-with-SHA384`, `Ed25519`), or its OID. */
export function signatureName(alg: AlgorithmIdentifier): string {
  const known = SIGNATURES[alg.oid];
  if (!known) return alg.oid;
  if (alg.oid !== RSA_PSS) return known.name;
  try {
    return `RSASSA-PSS with ${pssParameters(alg.parameters).hash.toUpperCase()}`;
  } catch {
    return known.name;
  }
}

/** The hash a signature rests on; null when unknown. */
export function signatureHash(alg: AlgorithmIdentifier): HashName | null {
  const known = SIGNATURES[alg.oid];
  if (!known) return null;
  if (alg.oid === RSA_PSS) {
    try {
      return pssParameters(alg.parameters).hash;
    } catch {
      return null;
    }
  }
  return known.hash;
}

/** SHA-1 or weaker: MD2, MD5, SHA-1 (EdDSA hashes with SHA-512 or SHAKE256 internally). */
export function isWeakSignature(alg: AlgorithmIdentifier): boolean {
  const hash = signatureHash(alg);
  return hash !== null && BROKEN.has(hash);
}

export class SignatureError extends Error {}

/**
 * Whether `signature` over `data` verifies with `key` under `alg`. Refuses
 * (SignatureError) an unknown algorithm or one resting on MD2/MD5: a response
 * signed that way proves nothing. SHA-1 is still accepted here, as revocation
 * responders of older CAs sign with it; the overview flags certificates signed with it.
 */
export function verifySignature(alg: AlgorithmIdentifier, data: Buffer, signature: Buffer, key: KeyObject): boolean {
  const known = SIGNATURES[alg.oid];
  if (!known) throw new SignatureError(`unknown signature algorithm ${alg.oid}`);
  if (known.hash === 'md2' || known.hash === 'md5') throw new SignatureError(`${known.name} signatures are not accepted`);
  try {
    if (alg.oid === RSA_PSS) {
      const pss = pssParameters(alg.parameters);
      return verify(pss.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pss.saltLength }, signature);
    }
    return verify(known.hash, data, key, signature);
  } catch (error) {
    if (error instanceof Asn1Error) throw new SignatureError(error.message);
    // Node throws for a key that does not fit the algorithm (an EC key for an RSA signature): no proof either.
    return false;
  }
}
