/**
 * OCSP (RFC 6960) for one certificate: the request sent to the responder its
 * CA names (a SHA-1 CertID, as RFC 5019 requires responders to accept, and a
 * nonce), and the response checked before anything in it is believed: a
 * successful basic response, signed by the issuing CA itself or by a
 * responder the CA certified for OCSP signing (id-kp-OCSPSigning, issued by
 * that CA, valid now), covering exactly this certificate, current (thisUpdate
 * and nextUpdate), and carrying our nonce when it carries one. Stapled
 * responses go through the same check without a nonce. Pure; throws
 * AnswerError for any response that cannot be used.
 */
import { createHash, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { Asn1Error, children, decodeOid, expect, explicit, nul, octets, oid, readNode, readSmallInteger, readTime, seq, tlv, TAG, type Node } from '../certificates/asn1';
import { AnswerError, checkCurrent, CLOCK_SKEW_MS, reasonName, type RevocationAnswer } from './answers';
import { allowsKeyUsage, KEY_USAGE, OID, readCertificateFields, readExtensions, type CertificateFields } from './certificate-fields';
import { HASH_OIDS, readAlgorithm, verifySignature, SignatureError, type HashName } from './signatures';

const BASIC_RESPONSE = '1.3.6.1.5.5.7.48.1.1';
const NONCE = '1.3.6.1.5.5.7.48.1.2';
const SHA1 = '1.3.14.3.2.26';
/** The responder's own certificates sent with a response: one or two in practice. */
const MAX_RESPONSE_CERTS = 8;

const RESPONSE_STATUS: Record<number, string> = {
  1: 'malformedRequest',
  2: 'internalError',
  3: 'tryLater',
  5: 'sigRequired',
  6: 'unauthorized',
};

export interface OcspRequest {
  der: Buffer;
  nonce: Buffer;
}

/** An OCSP request for `cert` issued by `issuer`, with a fresh 16-byte nonce. */
export function buildOcspRequest(cert: CertificateFields, issuer: CertificateFields, nonce: Buffer = randomBytes(16)): OcspRequest {
  const certId = seq(
    seq(oid(SHA1), nul()),
    octets(createHash('sha1').update(cert.issuerName).digest()),
    octets(createHash('sha1').update(issuer.publicKeyBits).digest()),
    tlv(TAG.INTEGER, Buffer.from(cert.serialHex, 'hex')),
  );
  const nonceExtension = seq(oid(NONCE), octets(octets(nonce)));
  const tbsRequest = seq(seq(seq(certId)), explicit(2, seq(nonceExtension)));
  return { der: seq(tbsRequest), nonce };
}

function publicKeyOf(fields: CertificateFields): KeyObject {
  try {
    return createPublicKey({ key: fields.spki, format: 'der', type: 'spki' });
  } catch (error) {
    throw new AnswerError(`the signer's public key cannot be read (${(error as Error).message})`);
  }
}

function verifies(fields: { alg: ReturnType<typeof readAlgorithm>; data: Buffer; signature: Buffer }, key: KeyObject): boolean {
  try {
    return verifySignature(fields.alg, fields.data, fields.signature, key);
  } catch (error) {
    if (error instanceof SignatureError) throw new AnswerError(error.message);
    throw error;
  }
}

interface ResponderId {
  byName: Buffer | null;
  byKey: Buffer | null;
}

/** ResponderID ::= CHOICE { byName [1] Name, byKey [2] KeyHash } */
function readResponderId(node: Node | undefined): ResponderId {
  if (node?.tag === 0xa1) return { byName: expect(children(node)[0], TAG.SEQUENCE, 'responder name').raw, byKey: null };
  if (node?.tag === 0xa2) return { byName: null, byKey: expect(children(node)[0], TAG.OCTET_STRING, 'responder key hash').value };
  throw new Asn1Error('expected ResponderID');
}

function matchesResponder(id: ResponderId, fields: CertificateFields): boolean {
  if (id.byName) return id.byName.equals(fields.subjectName);
  return !!id.byKey && id.byKey.equals(createHash('sha1').update(fields.publicKeyBits).digest());
}

/**
 * Who signed the response: the issuing CA, or a delegated responder whose
 * certificate (sent in the response) that CA issued for OCSP signing.
 */
function signerOf(id: ResponderId, certs: Node[], issuer: CertificateFields, issuerKey: KeyObject, now: number): { fields: CertificateFields; key: KeyObject } {
  if (matchesResponder(id, issuer)) return { fields: issuer, key: issuerKey };
  for (const node of certs) {
    let candidate: CertificateFields;
    try {
      candidate = readCertificateFields(node.raw);
    } catch {
      continue;
    }
    if (!matchesResponder(id, candidate)) continue;
    if (!candidate.issuerName.equals(issuer.subjectName)) throw new AnswerError('it is signed by a responder that the certificate\'s CA did not issue');
    if (!verifies({ alg: candidate.signatureAlgorithm, data: candidate.tbs, signature: candidate.signature }, issuerKey)) {
      throw new AnswerError("the responder's certificate is not signed by the certificate's CA");
    }
    if (!candidate.extendedKeyUsage?.includes(OID.ocspSigning)) throw new AnswerError("it is signed by a certificate of the CA that is not authorised for OCSP signing (no id-kp-OCSPSigning)");
    if (!allowsKeyUsage(candidate, KEY_USAGE.digitalSignature)) throw new AnswerError("the responder's certificate may not sign (key usage)");
    if (candidate.notBefore > now + CLOCK_SKEW_MS || candidate.notAfter < now - CLOCK_SKEW_MS) throw new AnswerError("the responder's certificate is not valid now");
    return { fields: candidate, key: publicKeyOf(candidate) };
  }
  throw new AnswerError("it is signed by neither the certificate's CA nor a responder the CA authorised");
}

function certIdMatches(node: Node, cert: CertificateFields, issuer: CertificateFields): boolean {
  const [alg, nameHash, keyHash, serial] = children(expect(node, TAG.SEQUENCE, 'CertID'));
  const hash: HashName | undefined = HASH_OIDS[readAlgorithm(alg, 'CertID hash').oid];
  if (!hash || hash === 'md2' || hash === 'md5') return false;
  const digest = (data: Buffer) => createHash(hash).update(data).digest();
  return (
    expect(nameHash, TAG.OCTET_STRING, 'issuerNameHash').value.equals(digest(cert.issuerName)) &&
    expect(keyHash, TAG.OCTET_STRING, 'issuerKeyHash').value.equals(digest(issuer.publicKeyBits)) &&
    expect(serial, TAG.INTEGER, 'serialNumber').value.equals(Buffer.from(cert.serialHex, 'hex'))
  );
}

function readStatus(node: Node | undefined): Pick<RevocationAnswer, 'status' | 'revokedAt' | 'reason'> {
  if (node?.tag === 0x80) return { status: 'good', revokedAt: null, reason: null };
  if (node?.tag === 0x82) return { status: 'unknown', revokedAt: null, reason: null };
  if (node?.tag !== 0xa1) throw new Asn1Error('unexpected certStatus');
  const [time, reason] = children(node);
  let reasonText: string | null = null;
  if (reason) {
    if (reason.tag !== 0xa0) throw new Asn1Error('unexpected field in RevokedInfo');
    const [code] = children(reason);
    reasonText = reasonName(readSmallInteger({ ...expect(code, TAG.ENUMERATED, 'revocationReason'), tag: TAG.INTEGER }, 'revocationReason'));
  }
  if (time?.tag !== TAG.GENERALIZED_TIME) throw new Asn1Error('expected revocationTime');
  return { status: 'revoked', revokedAt: readTime(time, 'revocationTime'), reason: reasonText };
}

export interface OcspCheck {
  cert: CertificateFields;
  issuer: CertificateFields;
  /** The nonce we sent; null for a stapled response (the broker fetched it, without our nonce). */
  nonce: Buffer | null;
  now: number;
}

/** The status an OCSP response gives for `cert`, once the response is shown authentic and current. */
export function readOcspResponse(der: Buffer, check: OcspCheck): RevocationAnswer {
  try {
    return readResponse(der, check);
  } catch (error) {
    if (error instanceof Asn1Error) throw new AnswerError(`the response is malformed (${error.message})`);
    throw error;
  }
}

function readResponse(der: Buffer, { cert, issuer, nonce, now }: OcspCheck): RevocationAnswer {
  const top = readNode(der);
  if (top.raw.length !== der.length) throw new Asn1Error('trailing bytes after the response');
  const [statusNode, bytesNode] = children(expect(top, TAG.SEQUENCE, 'OCSPResponse'));
  const statusValue = expect(statusNode, TAG.ENUMERATED, 'responseStatus').value;
  const status = statusValue.length === 1 ? (statusValue[0] as number) : -1;
  if (status !== 0) throw new AnswerError(`the responder answered "${RESPONSE_STATUS[status] ?? `status ${status}`}" instead of a status`);
  if (bytesNode?.tag !== 0xa0) throw new Asn1Error('a successful response without responseBytes');
  const [type, body] = children(expect(children(bytesNode)[0], TAG.SEQUENCE, 'ResponseBytes'));
  if (decodeOid(expect(type, TAG.OID, 'responseType').value) !== BASIC_RESPONSE) throw new AnswerError('the response is not a basic OCSP response');
  const basic = readNode(expect(body, TAG.OCTET_STRING, 'response').value);
  const [tbs, algNode, sigNode, certsNode] = children(expect(basic, TAG.SEQUENCE, 'BasicOCSPResponse'));
  const signature = expect(sigNode, TAG.BIT_STRING, 'signature').value;
  if (signature[0] !== 0) throw new Asn1Error('signature is not whole bytes');
  const certs = certsNode?.tag === 0xa0 ? children(expect(children(certsNode)[0], TAG.SEQUENCE, 'certs')) : [];
  if (certs.length > MAX_RESPONSE_CERTS) throw new AnswerError(`the response carries ${certs.length} certificates`);

  const fields = children(expect(tbs, TAG.SEQUENCE, 'ResponseData'));
  let i = 0;
  if (fields[0]?.tag === 0xa0) {
    if (readSmallInteger(children(fields[i++] as Node)[0], 'version') !== 0) throw new AnswerError('the response has an unknown version');
  }
  const responderId = readResponderId(fields[i++]);
  const producedAt = readTime(expect(fields[i++], TAG.GENERALIZED_TIME, 'producedAt'), 'producedAt');
  const responses = children(expect(fields[i++], TAG.SEQUENCE, 'responses'));
  const extensionsNode = fields[i]?.tag === 0xa1 ? fields[i++] : undefined;
  if (fields[i]) throw new Asn1Error('unexpected field in ResponseData');

  const issuerKey = publicKeyOf(issuer);
  const signer = signerOf(responderId, certs, issuer, issuerKey, now);
  if (!verifies({ alg: readAlgorithm(algNode, 'signatureAlgorithm'), data: (tbs as Node).raw, signature: signature.subarray(1) }, signer.key)) {
    throw new AnswerError('its signature does not verify: it may be forged or damaged');
  }
  if (producedAt > now + CLOCK_SKEW_MS) throw new AnswerError('it claims to be produced in the future; check this computer\'s clock', 'stale');

  if (extensionsNode) {
    for (const ext of readExtensions(children(extensionsNode)[0] as Node, 'response extensions')) {
      if (ext.oid === NONCE) {
        // A responder that answers from a cache sends no nonce (RFC 5019); one that sends one must send ours.
        if (nonce && !ext.value.equals(octets(nonce))) throw new AnswerError('it carries another nonce than the one sent: it may be a replay');
      } else if (ext.critical) {
        throw new AnswerError(`it has a critical extension ${ext.oid} this app does not understand`);
      }
    }
  }

  for (const single of responses) {
    const [certId, statusField, thisUpdateNode, ...rest] = children(expect(single, TAG.SEQUENCE, 'SingleResponse'));
    if (!certIdMatches(certId as Node, cert, issuer)) continue;
    const state = readStatus(statusField);
    const thisUpdate = readTime(expect(thisUpdateNode, TAG.GENERALIZED_TIME, 'thisUpdate'), 'thisUpdate');
    let nextUpdate: number | null = null;
    for (const field of rest) {
      if (field.tag === 0xa0) nextUpdate = readTime(expect(children(field)[0], TAG.GENERALIZED_TIME, 'nextUpdate'), 'nextUpdate');
      else if (field.tag === 0xa1) {
        for (const ext of readExtensions(children(field)[0] as Node, 'single extensions')) {
          if (ext.critical) throw new AnswerError(`it has a critical extension ${ext.oid} this app does not understand`);
        }
      } else throw new Asn1Error('unexpected field in SingleResponse');
    }
    checkCurrent('the OCSP response', thisUpdate, nextUpdate, now);
    return { ...state, thisUpdate, nextUpdate };
  }
  throw new AnswerError('it does not cover this certificate');
}
