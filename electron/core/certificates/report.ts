/**
 * From a classified import to what leaves the reader: the summary the
 * operator reads before anything is saved (items with their roles, the
 * identity, the CAs, every finding; never key material), and the material
 * that is saved when they accept it (PEM certificates, and the key as
 * unencrypted PKCS#8, which only ever goes to the keychain).
 */
import type { ImportItem, ImportSummary } from '../../../shared/certificates';
import type { AppError } from '../../../shared/result';
import { kindOf, type Classification } from './classify';
import type { CertItem, Inventory, KeyItem } from './inventory';

/** What gets saved when the operator accepts the summary. */
export interface BundleMaterial {
  /** CA certificates (PEM) that verify the broker. */
  ca: string[];
  /** The client certificate followed by the intermediates that chain it (PEM). */
  clientCertificate: string | null;
  /** The client's private key as unencrypted PKCS#8 PEM: it goes to the keychain only. */
  key: string | null;
}

export interface BundleResult {
  summary: Omit<ImportSummary, 'importId'>;
  /** Present only when the bundle is usable. */
  material: BundleMaterial | null;
}

/** Findings of one kind shown in full; a hostile file can repeat one thousands of times. */
const MAX_SAME_FINDING = 10;

/** At most MAX_SAME_FINDING of each code, then one line counting the rest. */
function capped(findings: AppError[]): AppError[] {
  const seen = new Map<AppError['code'], { count: number; last: AppError }>();
  const out: AppError[] = [];
  for (const finding of findings) {
    const entry = seen.get(finding.code) ?? { count: 0, last: finding };
    entry.count++;
    seen.set(finding.code, entry);
    if (entry.count <= MAX_SAME_FINDING) out.push(finding);
  }
  for (const [code, { count, last }] of seen) {
    if (count > MAX_SAME_FINDING) out.push({ code, message: `…and ${count - MAX_SAME_FINDING} more like the ones above.`, hint: last.hint });
  }
  return out;
}

function pem(cert: CertItem): string {
  return cert.facts.x509.toString().trim() + '\n';
}

function keySummary(key: KeyItem): NonNullable<ImportSummary['identity']>['key'] {
  return { source: key.source, keyType: key.facts.keyType, keyBits: key.facts.keyBits, encrypted: key.encrypted };
}

export function report(inventory: Inventory, classification: Classification): BundleResult {
  const { identity, cas, certificateBySpki, usable } = classification;
  const matches = (spki: string) => certificateBySpki.get(spki)?.facts.summary.fingerprint256 ?? null;
  const blank = { subject: null, issuer: null, notBefore: null, notAfter: null };
  const items: ImportItem[] = [
    ...inventory.certs.map((c): ImportItem => {
      const s = c.facts.summary;
      return { source: c.source, kind: kindOf(c), subject: s.subject, issuer: s.issuer, notBefore: s.notBefore, notAfter: s.notAfter, fingerprint256: s.fingerprint256, keyType: s.keyType, keyBits: s.keyBits, encrypted: false, matches: null };
    }),
    ...inventory.keys.map((k): ImportItem => ({ source: k.source, kind: 'private-key', ...blank, fingerprint256: k.facts.spki, keyType: k.facts.keyType, keyBits: k.facts.keyBits, encrypted: k.encrypted, matches: matches(k.facts.spki) })),
    ...inventory.publicKeys.map((p): ImportItem => ({ source: p.source, kind: 'public-key', ...blank, fingerprint256: p.facts.spki, keyType: p.facts.keyType, keyBits: p.facts.keyBits, encrypted: false, matches: matches(p.facts.spki) })),
  ];

  const summary: BundleResult['summary'] = {
    usable,
    needsPassphrase: inventory.needsPassphrase,
    items,
    identity: identity ? { certificate: identity.cert.facts.summary, chain: identity.chain.slice(1).map((c) => c.facts.summary), key: keySummary(identity.key) } : null,
    ca: cas.map((c) => c.facts.summary),
    warnings: capped([...inventory.warnings, ...classification.warnings]),
    errors: capped([...inventory.errors, ...classification.errors]),
  };
  const material: BundleMaterial | null = usable
    ? {
        ca: cas.map(pem),
        clientCertificate: identity ? identity.chain.map(pem).join('') : null,
        key: identity ? (identity.key.key.export({ type: 'pkcs8', format: 'pem' }) as string) : null,
      }
    : null;
  return { summary, material };
}
