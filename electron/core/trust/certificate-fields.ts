/**
 * The parts of an X.509 certificate that revocation checks and the
 * certificates overview need and Node's X509Certificate does not give: the
 * signed bytes and their signature algorithm, the issuer and subject names as
 * DER (CRLs and OCSP compare them byte for byte), the serial, the public key
 * bits (hashed into an OCSP request), where the CA publishes revocation
 * (Authority Information Access, CRL Distribution Points), key usage,
 * extended key usage, basic constraints and OCSP no-check. Read with the
 * strict DER reader; throws only Asn1Error.
 */
import { createHash } from 'node:crypto';
import { Asn1Error, children, decodeOid, expect, readBitStringBytes, readBoolean, readIntegerHex, readNamedBits, readNode, readTime, TAG, type Node } from '../certificates/asn1';
import { readAlgorithm, type AlgorithmIdentifier } from './signatures';

export const OID = {
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  ocsp: '1.3.6.1.5.5.7.48.1',
  caIssuers: '1.3.6.1.5.5.7.48.2',
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
  crlDistributionPoints: '2.5.29.31',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  basicConstraints: '2.5.29.19',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
} as const;

/** keyUsage bit numbers (RFC 5280 4.2.1.3). */
export const KEY_USAGE = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 } as const;

/** At most this many URLs of each kind are taken from one certificate: a real one names one or two. */
const MAX_URLS = 4;

export interface Extension {
  oid: string;
  critical: boolean;
  value: Buffer;
}

export interface CertificateFields {
  der: Buffer;
  /** tbsCertificate, the signed bytes. */
  tbs: Buffer;
  version: number;
  serialHex: string;
  signatureAlgorithm: AlgorithmIdentifier;
  signature: Buffer;
  /** Name DER of the issuer and subject, as encoded. */
  issuerName: Buffer;
  subjectName: Buffer;
  notBefore: number;
  notAfter: number;
  /** The subjectPublicKey BIT STRING's bytes: what an OCSP CertID's issuerKeyHash hashes. */
  publicKeyBits: Buffer;
  /** The whole SubjectPublicKeyInfo DER. */
  spki: Buffer;
  /** OCSP responders (AIA), http URLs only, as written. */
  ocspUrls: string[];
  /** CRL distribution points: full-name URIs of points covering every reason, with no separate CRL issuer. */
  crlUrls: string[];
  /** null when the certificate has no keyUsage extension (then it is not restricted). */
  keyUsage: boolean[] | null;
  /** null when the certificate has no extendedKeyUsage extension. */
  extendedKeyUsage: string[] | null;
  isCA: boolean;
  /** id-pkix-ocsp-nocheck: a delegated OCSP responder whose own revocation is not checked. */
  ocspNoCheck: boolean;
}

export function readExtensions(node: Node, what: string): Extension[] {
  const out: Extension[] = [];
  const seen = new Set<string>();
  for (const ext of children(expect(node, TAG.SEQUENCE, what))) {
    const fields = children(expect(ext, TAG.SEQUENCE, 'extension'));
    const oid = decodeOid(expect(fields[0], TAG.OID, 'extension id').value);
    let i = 1;
    let critical = false;
    if (fields[i]?.tag === TAG.BOOLEAN) critical = readBoolean(fields[i++], 'extension criticality');
    const value = expect(fields[i], TAG.OCTET_STRING, 'extension value').value;
    if (fields.length > i + 1) throw new Asn1Error('extension has trailing fields');
    // RFC 5280 4.2: an extension appears at most once; two could say different things to different readers.
    if (seen.has(oid)) throw new Asn1Error(`extension ${oid} appears twice`);
    seen.add(oid);
    out.push({ oid, critical, value });
  }
  return out;
}

/** GeneralName uniformResourceIdentifier is [6] IMPLICIT IA5String. */
function uris(names: Node[]): string[] {
  return names.filter((n) => n.tag === 0x86).map((n) => n.value.toString('latin1'));
}

function accessUrls(value: Buffer): { ocsp: string[] } {
  const ocsp: string[] = [];
  for (const description of children(expect(readNode(value), TAG.SEQUENCE, 'authority information access'))) {
    const [method, location] = children(expect(description, TAG.SEQUENCE, 'access description'));
    const oid = decodeOid(expect(method, TAG.OID, 'access method').value);
    if (oid === OID.ocsp && location) ocsp.push(...uris([location]));
  }
  return { ocsp };
}

function distributionPoints(value: Buffer): string[] {
  const out: string[] = [];
  for (const point of children(expect(readNode(value), TAG.SEQUENCE, 'CRL distribution points'))) {
    const fields = children(expect(point, TAG.SEQUENCE, 'distribution point'));
    // A point limited to some reasons, or whose CRL another authority signs, is not a complete answer on its own.
    if (fields.some((f) => f.tag === 0x81 || f.tag === 0xa2)) continue;
    const name = fields.find((f) => f.tag === 0xa0);
    if (!name) continue;
    const [full] = children(name);
    if (full?.tag === 0xa0) out.push(...uris(children(full)));
  }
  return out;
}

/** http URLs only (revocation data is signed, so it travels over plain HTTP; https would need the very checks it serves). */
function httpOnly(urls: string[]): string[] {
  return urls.filter((u) => /^http:\/\/[^\s]+$/i.test(u) && u.length <= 2048).slice(0, MAX_URLS);
}

export function readCertificateFields(der: Buffer): CertificateFields {
  const certificate = readNode(der);
  if (certificate.raw.length !== der.length) throw new Asn1Error('trailing bytes after the certificate');
  const [tbsNode, algNode, sigNode, extra] = children(expect(certificate, TAG.SEQUENCE, 'certificate'));
  if (extra) throw new Asn1Error('certificate has trailing fields');
  const tbs = children(expect(tbsNode, TAG.SEQUENCE, 'tbsCertificate'));
  let i = 0;
  let version = 1;
  if (tbs[0]?.tag === 0xa0) version = parseInt(readIntegerHex(children(tbs[i++] as Node)[0], 'version'), 16) + 1;
  const serialHex = readIntegerHex(tbs[i++], 'serial number');
  readAlgorithm(tbs[i++], 'tbs signature algorithm');
  const issuerName = expect(tbs[i++], TAG.SEQUENCE, 'issuer').raw;
  const [notBeforeNode, notAfterNode] = children(expect(tbs[i++], TAG.SEQUENCE, 'validity'));
  const subjectName = expect(tbs[i++], TAG.SEQUENCE, 'subject').raw;
  const spkiNode = expect(tbs[i++], TAG.SEQUENCE, 'subject public key info');
  const [, keyBits] = children(spkiNode);
  const fields: CertificateFields = {
    der,
    tbs: (tbsNode as Node).raw,
    version,
    serialHex,
    signatureAlgorithm: readAlgorithm(algNode, 'signature algorithm'),
    signature: readBitStringBytes(sigNode, 'signature'),
    issuerName,
    subjectName,
    notBefore: readTime(notBeforeNode, 'notBefore'),
    notAfter: readTime(notAfterNode, 'notAfter'),
    publicKeyBits: readBitStringBytes(keyBits, 'subject public key'),
    spki: spkiNode.raw,
    ocspUrls: [],
    crlUrls: [],
    keyUsage: null,
    extendedKeyUsage: null,
    isCA: false,
    ocspNoCheck: false,
  };
  const extensions = tbs.slice(i).find((n) => n.tag === 0xa3);
  if (!extensions) return fields;
  for (const ext of readExtensions(children(extensions)[0] as Node, 'extensions')) {
    switch (ext.oid) {
      case OID.authorityInfoAccess:
        fields.ocspUrls = httpOnly(accessUrls(ext.value).ocsp);
        break;
      case OID.crlDistributionPoints:
        fields.crlUrls = httpOnly(distributionPoints(ext.value));
        break;
      case OID.keyUsage:
        fields.keyUsage = readNamedBits(readNode(ext.value), 'key usage');
        break;
      case OID.extKeyUsage:
        fields.extendedKeyUsage = children(expect(readNode(ext.value), TAG.SEQUENCE, 'extended key usage')).map((n) => decodeOid(expect(n, TAG.OID, 'key purpose').value));
        break;
      case OID.basicConstraints: {
        const [ca] = children(expect(readNode(ext.value), TAG.SEQUENCE, 'basic constraints'));
        fields.isCA = ca?.tag === TAG.BOOLEAN ? readBoolean(ca, 'cA') : false;
        break;
      }
      case OID.ocspNoCheck:
        fields.ocspNoCheck = true;
        break;
    }
  }
  return fields;
}

/** Whether the certificate may do `bit` (an absent keyUsage extension allows everything). */
export function allowsKeyUsage(fields: CertificateFields, bit: number): boolean {
  return fields.keyUsage === null || fields.keyUsage[bit] === true;
}

/** A certificate's identity for caches and results: SHA-1 of its issuer's key, and its serial. */
export function revocationKey(fields: CertificateFields, issuer: CertificateFields): string {
  return `${createHash('sha1').update(issuer.publicKeyBits).digest('hex')}:${fields.serialHex}`;
}
