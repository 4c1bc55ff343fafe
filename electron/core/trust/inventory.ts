/**
 * The certificates overview as one pure function: from the saved connections
 * (their client certificates and the CAs the operator added) and each
 * broker's chain as last seen (with its last revocation check), every
 * certificate once, with the connections and roles that use it, its days
 * left by the one threshold of shared/expiry.ts, its key and signature
 * algorithm, and its findings: unreadable, expired or not yet valid,
 * expiring within the window, signed with SHA-1 or weaker (a self-signed
 * root's own signature is checked by no one, so it is not held against it),
 * RSA under 2048 bits, a CA used as a client certificate, revoked, or not
 * shown not revoked. Sorted soonest end first. The same function feeds the
 * window, `cli certs` and the trust report.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { EXPIRY_WARNING_DAYS, expiryOf, expiryPhrase } from '../../../shared/expiry';
import { pemBase64, scanPem } from '../../../shared/pem';
import type { Profile } from '../../../shared/profiles';
import type { RevocationReport } from '../../../shared/revocation';
import type { CertificateSummary } from '../../../shared/security';
import type { CertificateInventory, CertificateRole, CertificateUse, Finding, InventoryEntry } from '../../../shared/trust';
import { colonHex, describeCertificate, UNREADABLE } from '../certificates/x509';
import { readCertificateFields } from './certificate-fields';
import { isWeakSignature, signatureName } from './signatures';

/** A broker's chain as the handshake presented it (DER, leaf first), and the last revocation check of it. */
export interface SeenChain {
  seenAt: number;
  certificates: Buffer[];
  revocation: RevocationReport | null;
}

/** What the inventory needs of one certificate: computed once per certificate (the caller may keep them). */
export interface CertificateFacts {
  summary: CertificateSummary;
  signatureAlgorithm: string;
  weakSignature: boolean;
}

export interface InventoryInput {
  profiles: readonly Profile[];
  chains: ReadonlyMap<string, SeenChain>;
  now: number;
}

export function certificateFacts(der: Buffer): CertificateFacts {
  let summary: CertificateSummary;
  try {
    summary = describeCertificate(new X509Certificate(der));
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).slice(0, 200);
    summary = {
      subject: UNREADABLE,
      issuer: UNREADABLE,
      subjectAltNames: [],
      serialNumber: UNREADABLE,
      notBefore: null,
      notAfter: null,
      fingerprint256: colonHex(createHash('sha256').update(der).digest()),
      keyType: UNREADABLE,
      keyBits: null,
      isCA: false,
      selfSigned: false,
      unreadable: [{ field: 'certificate', reason }],
    };
  }
  try {
    const fields = readCertificateFields(der);
    return { summary, signatureAlgorithm: signatureName(fields.signatureAlgorithm), weakSignature: isWeakSignature(fields.signatureAlgorithm) };
  } catch {
    return { summary, signatureAlgorithm: UNREADABLE, weakSignature: false };
  }
}

/** The DER of every certificate block of a PEM text saved with a connection. */
export function pemCertificates(pem: string): Buffer[] {
  return scanPem(pem)
    .blocks.filter((b) => b.label === 'CERTIFICATE')
    .map((b) => Buffer.from(pemBase64(b), 'base64'));
}

interface Collected {
  der: Buffer;
  uses: CertificateUse[];
}

function collect(input: InventoryInput): Map<string, Collected> {
  const byDer = new Map<string, Collected>();
  const use = (der: Buffer, profile: Profile, role: CertificateRole, seenAt: number | null) => {
    const key = createHash('sha256').update(der).digest('hex');
    let entry = byDer.get(key);
    if (!entry) byDer.set(key, (entry = { der, uses: [] }));
    if (!entry.uses.some((u) => u.connectionId === profile.id && u.role === role)) entry.uses.push({ connectionId: profile.id, connectionName: profile.name, role, seenAt });
  };
  for (const profile of input.profiles) {
    if (profile.tls.clientCertificate) pemCertificates(profile.tls.clientCertificate).forEach((der, i) => use(der, profile, i === 0 ? 'client' : 'client-chain', null));
    for (const pem of profile.tls.ca) pemCertificates(pem).forEach((der) => use(der, profile, 'ca', null));
    const chain = input.chains.get(profile.id);
    chain?.certificates.forEach((der, i) => use(der, profile, i === 0 ? 'broker' : 'broker-chain', chain.seenAt));
  }
  return byDer;
}

/** The latest revocation check that covered the certificate, across every connection's chain. */
function lastRevocation(fingerprint: string, chains: ReadonlyMap<string, SeenChain>): InventoryEntry['revocation'] {
  let found: InventoryEntry['revocation'] = null;
  for (const chain of chains.values()) {
    const report = chain.revocation;
    const cert = report?.certificates.find((c) => c.fingerprint256 === fingerprint);
    if (report && cert && (!found || report.checkedAt > found.checkedAt)) found = { status: cert.status, source: cert.source, checkedAt: report.checkedAt, detail: cert.detail };
  }
  return found;
}

function findingsOf(facts: CertificateFacts, uses: CertificateUse[], revocation: InventoryEntry['revocation'], now: number): Finding[] {
  const s = facts.summary;
  const out: Finding[] = [];
  if (s.unreadable.length) out.push({ code: 'unreadable', level: 'insecure', message: `Fields cannot be read: ${s.unreadable.map((u) => `${u.field} (${u.reason})`).join(', ')}.` });
  const expiry = expiryOf(s, now);
  if (expiry?.level === 'expired') out.push({ code: 'expired', level: 'insecure', message: `It ${expiryPhrase(expiry)}.` });
  if (expiry?.level === 'not_yet_valid') out.push({ code: 'not_yet_valid', level: 'insecure', message: `It ${expiryPhrase(expiry)}.` });
  if (expiry?.level === 'expiring') out.push({ code: 'expiring', level: 'warning', message: `It ${expiryPhrase(expiry)}: renew it now.` });
  if (facts.weakSignature && !s.selfSigned) out.push({ code: 'weak_signature', level: 'insecure', message: `Signed with ${facts.signatureAlgorithm}: signatures on SHA-1 or weaker hashes can be forged.` });
  if (/^RSA/.test(s.keyType) && s.keyBits !== null && s.keyBits < 2048) out.push({ code: 'weak_key', level: 'insecure', message: `Its RSA key has ${s.keyBits} bits; under 2048 bits it can be broken.` });
  if (s.isCA && uses.some((u) => u.role === 'client')) out.push({ code: 'ca_as_client', level: 'warning', message: 'A CA certificate is used as a client certificate: brokers should refuse it, and its key can sign other certificates.' });
  if (revocation?.status === 'revoked') out.push({ code: 'revoked', level: 'insecure', message: revocation.detail });
  if (revocation?.status === 'unknown' || revocation?.status === 'unreachable') out.push({ code: 'revocation_unchecked', level: 'warning', message: revocation.detail });
  return out;
}

/** Soonest end first, expired before; unreadable dates last; then by subject. */
function byDaysLeft(a: InventoryEntry, b: InventoryEntry): number {
  const x = a.daysLeft ?? Number.POSITIVE_INFINITY;
  const y = b.daysLeft ?? Number.POSITIVE_INFINITY;
  if (x !== y) return x < y ? -1 : 1;
  return a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0;
}

export function buildInventory(input: InventoryInput, facts: (der: Buffer) => CertificateFacts = certificateFacts): CertificateInventory {
  const certificates: InventoryEntry[] = [];
  for (const { der, uses } of collect(input).values()) {
    const f = facts(der);
    const s = f.summary;
    const expiry = expiryOf(s, input.now);
    const revocation = lastRevocation(s.fingerprint256, input.chains);
    certificates.push({
      fingerprint256: s.fingerprint256,
      subject: s.subject,
      issuer: s.issuer,
      serialNumber: s.serialNumber,
      notBefore: s.notBefore,
      notAfter: s.notAfter,
      daysLeft: expiry ? Math.floor(expiry.daysLeft) : null,
      expiry: expiry?.level ?? null,
      keyType: s.keyType,
      keyBits: s.keyBits,
      signatureAlgorithm: f.signatureAlgorithm,
      isCA: s.isCA,
      selfSigned: s.selfSigned,
      uses,
      revocation,
      findings: findingsOf(f, uses, revocation, input.now),
    });
  }
  certificates.sort(byDaysLeft);
  const unseen = input.profiles.filter((p) => /^(mqtts|wss):/i.test(p.url) && !input.chains.has(p.id)).map((p) => ({ connectionId: p.id, connectionName: p.name }));
  return {
    generatedAt: input.now,
    warningDays: EXPIRY_WARNING_DAYS,
    certificates,
    unseen,
    counts: {
      certificates: certificates.length,
      expired: certificates.filter((c) => c.expiry === 'expired').length,
      expiring: certificates.filter((c) => c.expiry === 'expiring').length,
      revoked: certificates.filter((c) => c.revocation?.status === 'revoked').length,
      withFindings: certificates.filter((c) => c.findings.length > 0).length,
    },
  };
}
