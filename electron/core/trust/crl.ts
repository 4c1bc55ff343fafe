/**
 * A certificate revocation list (RFC 5280 section 5) asked about one
 * certificate: the list must be issued by the certificate's CA (same name),
 * signed with that CA's key (which may sign CRLs), current (thisUpdate,
 * nextUpdate), complete for this certificate (not a delta, not limited to
 * some reasons or to the other kind of certificate, not indirect), and free
 * of critical extensions this reader does not know. The signature is checked
 * before the entries are read, so a forged list costs a hash and nothing
 * more; the entries are then read in one linear pass. Pure; throws
 * AnswerError for a list that cannot be used.
 */
import { createPublicKey } from 'node:crypto';
import { Asn1Error, children, expect, readBitStringBytes, readBoolean, readNode, readSmallInteger, readTime, TAG, type Node } from '../certificates/asn1';
import { AnswerError, checkCurrent, reasonName, type RevocationAnswer } from './answers';
import { allowsKeyUsage, KEY_USAGE, readExtensions, type CertificateFields } from './certificate-fields';
import { readAlgorithm, SignatureError, verifySignature } from './signatures';

const CRL_NUMBER = '2.5.29.20';
const DELTA_CRL_INDICATOR = '2.5.29.27';
const ISSUING_DISTRIBUTION_POINT = '2.5.29.28';
const AUTHORITY_KEY_IDENTIFIER = '2.5.29.35';
const REASON_CODE = '2.5.29.21';
const INVALIDITY_DATE = '2.5.29.24';
const CERTIFICATE_ISSUER = '2.5.29.29';

export interface CrlCheck {
  cert: CertificateFields;
  issuer: CertificateFields;
  now: number;
}

interface TbsCertList {
  issuer: Buffer;
  thisUpdate: number;
  nextUpdate: number | null;
  revoked: Node | null;
  extensions: Node | null;
}

function isTime(node: Node | undefined): boolean {
  return node?.tag === TAG.UTC_TIME || node?.tag === TAG.GENERALIZED_TIME;
}

function readTbs(node: Node, outerAlgorithm: Node): TbsCertList {
  const fields = children(expect(node, TAG.SEQUENCE, 'tbsCertList'));
  let i = 0;
  if (fields[0]?.tag === TAG.INTEGER) {
    if (readSmallInteger(fields[i++], 'version') !== 1) throw new AnswerError('the CRL has an unknown version');
  }
  const algorithm = expect(fields[i++], TAG.SEQUENCE, 'signature');
  if (!algorithm.raw.equals(outerAlgorithm.raw)) throw new AnswerError('the CRL names two different signature algorithms');
  const issuer = expect(fields[i++], TAG.SEQUENCE, 'issuer').raw;
  const thisUpdate = readTime(fields[i++], 'thisUpdate');
  const nextUpdate = isTime(fields[i]) ? readTime(fields[i++], 'nextUpdate') : null;
  const revoked = fields[i]?.tag === TAG.SEQUENCE ? (fields[i++] as Node) : null;
  const extensions = fields[i]?.tag === 0xa0 ? (children(fields[i++] as Node)[0] ?? null) : null;
  if (fields[i]) throw new Asn1Error('unexpected field in tbsCertList');
  return { issuer, thisUpdate, nextUpdate, revoked, extensions };
}

/** IssuingDistributionPoint: the scope of the list; throws when it does not answer for `cert` alone. */
function checkScope(value: Buffer, cert: CertificateFields): void {
  for (const field of children(expect(readNode(value), TAG.SEQUENCE, 'issuing distribution point'))) {
    const flag = () => readBoolean({ ...field, tag: TAG.BOOLEAN }, 'issuing distribution point flag');
    switch (field.tag) {
      case 0xa0:
        break;
      case 0x81:
        if (flag() && cert.isCA) throw new AnswerError('the CRL covers end-entity certificates only', 'other-issuer');
        break;
      case 0x82:
        if (flag() && !cert.isCA) throw new AnswerError('the CRL covers CA certificates only', 'other-issuer');
        break;
      case 0x83:
        throw new AnswerError('the CRL covers some revocation reasons only; this app needs a complete list');
      case 0x84:
        if (flag()) throw new AnswerError('the CRL is an indirect CRL, which this app does not read');
        break;
      case 0x85:
        if (flag()) throw new AnswerError('the CRL covers attribute certificates only', 'other-issuer');
        break;
      default:
        throw new Asn1Error('unexpected field in the issuing distribution point');
    }
  }
}

function checkListExtensions(node: Node | null, cert: CertificateFields): void {
  if (!node) return;
  for (const ext of readExtensions(node, 'CRL extensions')) {
    if (ext.oid === DELTA_CRL_INDICATOR) throw new AnswerError('it is a delta CRL, which needs its base CRL; this app reads complete CRLs only');
    if (ext.oid === ISSUING_DISTRIBUTION_POINT) checkScope(ext.value, cert);
    else if (ext.critical && ext.oid !== CRL_NUMBER && ext.oid !== AUTHORITY_KEY_IDENTIFIER) {
      throw new AnswerError(`it has a critical extension ${ext.oid} this app does not understand`);
    }
  }
}

/** The entry of `serial` in revokedCertificates, read in one pass; null when it is not listed. */
function findEntry(revoked: Node | null, serial: Buffer): { revokedAt: number; reason: string | null } | null {
  if (!revoked) return null;
  let offset = 0;
  const list = revoked.value;
  let found: { revokedAt: number; reason: string | null } | null = null;
  while (offset < list.length) {
    const entry = readNode(list, offset);
    offset += entry.raw.length;
    const [serialNode, dateNode, extensionsNode] = children(expect(entry, TAG.SEQUENCE, 'revoked certificate'));
    const entryExtensions = extensionsNode ? readExtensions(extensionsNode, 'CRL entry extensions') : [];
    // Judged on every entry, not only ours: such an entry changes what the entries after it mean.
    for (const ext of entryExtensions) {
      if (ext.oid === CERTIFICATE_ISSUER) throw new AnswerError('its entries name other certificate issuers (an indirect CRL), which this app does not read');
      if (ext.critical && ext.oid !== REASON_CODE && ext.oid !== INVALIDITY_DATE) throw new AnswerError(`an entry has a critical extension ${ext.oid} this app does not understand`);
    }
    if (found || !expect(serialNode, TAG.INTEGER, 'userCertificate').value.equals(serial)) continue;
    const reasonExt = entryExtensions.find((e) => e.oid === REASON_CODE);
    const code = reasonExt ? readSmallInteger({ ...expect(readNode(reasonExt.value), TAG.ENUMERATED, 'reasonCode'), tag: TAG.INTEGER }, 'reasonCode') : null;
    found = { revokedAt: readTime(dateNode, 'revocationDate'), reason: code === null ? null : reasonName(code) };
  }
  return found;
}

/** What the CRL says about `cert`: revoked (with when and why) or not listed (good). */
export function readCrl(der: Buffer, check: CrlCheck): RevocationAnswer {
  try {
    return read(der, check);
  } catch (error) {
    if (error instanceof Asn1Error) throw new AnswerError(`the CRL is malformed (${error.message})`);
    throw error;
  }
}

function read(der: Buffer, { cert, issuer, now }: CrlCheck): RevocationAnswer {
  const top = readNode(der);
  if (top.raw.length !== der.length) throw new Asn1Error('trailing bytes after the CRL');
  const [tbsNode, algNode, sigNode, extra] = children(expect(top, TAG.SEQUENCE, 'CertificateList'));
  if (extra || !tbsNode || !algNode) throw new Asn1Error('expected a CertificateList');
  const tbs = readTbs(tbsNode, algNode);
  if (!tbs.issuer.equals(cert.issuerName)) throw new AnswerError("it is issued by another CA than the certificate's", 'other-issuer');
  if (!allowsKeyUsage(issuer, KEY_USAGE.cRLSign)) throw new AnswerError("the certificate's CA may not sign CRLs (key usage)");
  let valid: boolean;
  try {
    const key = createPublicKey({ key: issuer.spki, format: 'der', type: 'spki' });
    valid = verifySignature(readAlgorithm(algNode, 'signatureAlgorithm'), tbsNode.raw, readBitStringBytes(sigNode, 'signature'), key);
  } catch (error) {
    if (error instanceof SignatureError) throw new AnswerError(error.message);
    if (error instanceof Asn1Error) throw error;
    throw new AnswerError(`its signature cannot be checked (${(error as Error).message})`);
  }
  if (!valid) throw new AnswerError("its signature does not verify with the CA's key: it may be forged or damaged");
  checkCurrent('the CRL', tbs.thisUpdate, tbs.nextUpdate, now);
  checkListExtensions(tbs.extensions, cert);
  const entry = findEntry(tbs.revoked, Buffer.from(cert.serialHex, 'hex'));
  if (entry?.reason === 'removeFromCRL') return { status: 'good', revokedAt: null, reason: null, thisUpdate: tbs.thisUpdate, nextUpdate: tbs.nextUpdate };
  return entry
    ? { status: 'revoked', revokedAt: entry.revokedAt, reason: entry.reason, thisUpdate: tbs.thisUpdate, nextUpdate: tbs.nextUpdate }
    : { status: 'good', revokedAt: null, reason: null, thisUpdate: tbs.thisUpdate, nextUpdate: tbs.nextUpdate };
}
