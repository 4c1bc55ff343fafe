/**
 * Revocation of a broker's verified chain, certificate by certificate below
 * its root: the OCSP response the broker stapled (leaf only), then the
 * connection's own CRL files, then an answer cached from earlier (until its
 * nextUpdate), then the OCSP responder the certificate names (AIA), then its
 * CRL distribution points. The first verified answer counts, except that an
 * OCSP "unknown" lets a CRL answer instead. Certificates are checked in
 * parallel under one deadline; identical questions in flight are asked once.
 * Parsing and signatures run in the verifying worker, fetches are bounded
 * asynchronous HTTP: nothing here blocks the thread that takes in messages.
 * Also decides what a connection does with the report: a revoked certificate
 * refuses it, and with hard fail so does a chain not shown good.
 */
import { X509Certificate } from 'node:crypto';
import { pemBase64, scanPem } from '../../../shared/pem';
import { CRL_LABEL, sourceWords, type CertificateRevocation, type RevocationReport, type RevocationSettings, type RevocationSource } from '../../../shared/revocation';
import { describeCertificate } from '../certificates/x509';
import type { RevocationOutcome } from '../sessions/transport';
import { CodedError } from '../tls/options';
import { AnswerError, usableUntil, type RevocationAnswer } from './answers';
import { readCertificateFields, revocationKey, type CertificateFields } from './certificate-fields';
import { CRL_LIMITS, fetchBounded, OCSP_LIMITS, type FetchLimits, type FetchRequest } from './fetch';
import { buildOcspRequest } from './ocsp';
import type { Verifier } from './verifier';

/** A whole chain is checked within this time (well inside a connection attempt's 20 s); what is still unanswered then counts as unreachable. */
export const CHECK_DEADLINE_MS = 10_000;
/** Answers kept for reuse, and CRL bytes kept for other certificates of the same CA. */
const MAX_CACHED_ANSWERS = 10_000;
const MAX_CACHED_CRL_BYTES = 32 * 1024 * 1024;

export interface ChainCheck {
  /** DER, leaf first, as the handshake presented and Node completed it. */
  chain: readonly Buffer[];
  /** The OCSP response the broker stapled to the handshake, if any. */
  stapled: Buffer | null;
  settings: RevocationSettings;
}

export interface CheckerDeps {
  verifier: Pick<Verifier, 'verify'>;
  fetch?: (url: string, request: FetchRequest, limits: FetchLimits, signal?: AbortSignal) => Promise<Buffer>;
  now?: () => number;
  deadlineMs?: number;
}

/** What one certificate's check found, before its identity is added. */
type Found = Omit<CertificateRevocation, 'subject' | 'fingerprint256' | 'serialNumber'>;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const day = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString().slice(0, 10));

function answered(answer: RevocationAnswer, source: RevocationSource, url: string | null): Found {
  const who = `${sourceWords(source)}${url ? ` (${url})` : ''}`;
  const detail =
    answer.status === 'good'
      ? `Not revoked, says ${who}${answer.nextUpdate ? `; next update ${day(answer.nextUpdate)}` : ''}.`
      : answer.status === 'revoked'
        ? `Revoked on ${day(answer.revokedAt)}${answer.reason ? ` (${answer.reason})` : ''}, says ${who}.`
        : `${who[0]?.toUpperCase()}${who.slice(1)} does not know this certificate (status "unknown").`;
  return {
    status: answer.status,
    source,
    url,
    revokedAt: iso(answer.revokedAt),
    reason: answer.reason,
    thisUpdate: iso(answer.thisUpdate),
    nextUpdate: iso(answer.nextUpdate),
    cached: false,
    detail,
  };
}

function nothing(status: 'unreachable' | 'no-source', detail: string, url: string | null = null): Found {
  return { status, source: null, url, revokedAt: null, reason: null, thisUpdate: null, nextUpdate: null, cached: false, detail };
}

/** `work`, or a failure once the check's deadline passed: a slow answer counts as no answer. */
function beforeDeadline<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new AnswerError('the check ran out of time'));
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(new AnswerError('the check ran out of time'));
    signal.addEventListener('abort', stop, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', stop);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', stop);
        reject(error);
      },
    );
  });
}

function why(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The DER of each CRL block of the connection's CRL files. */
function crlFiles(pems: readonly string[]): Buffer[] {
  return pems.flatMap((pem) => scanPem(pem, 4).blocks.filter((b) => b.label === CRL_LABEL).map((b) => Buffer.from(pemBase64(b), 'base64')));
}

/** A certificate whose issuer and subject are the same name, at the top of the chain: a trust anchor, not checked. */
function isAnchor(fields: CertificateFields): boolean {
  return fields.issuerName.equals(fields.subjectName);
}

interface Cached {
  found: Found;
  until: number;
}

export class RevocationChecker {
  private readonly answers = new Map<string, Cached>();
  private readonly crls = new Map<string, { bytes: Buffer; until: number }>();
  private crlBytes = 0;
  private readonly inflight = new Map<string, Promise<Found>>();
  private readonly fetch: NonNullable<CheckerDeps['fetch']>;

  constructor(private readonly deps: CheckerDeps) {
    this.fetch = deps.fetch ?? fetchBounded;
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  async check(input: ChainCheck): Promise<RevocationReport> {
    const now = this.now();
    const files = crlFiles(input.settings.crls);
    const controller = new AbortController();
    const deadline = setTimeout(() => controller.abort(), this.deps.deadlineMs ?? CHECK_DEADLINE_MS);
    try {
      const parsed = input.chain.map((der) => {
        try {
          return readCertificateFields(der);
        } catch (error) {
          return new AnswerError(why(error));
        }
      });
      const checks: Array<Promise<CertificateRevocation>> = [];
      parsed.forEach((fields, i) => {
        const last = i === parsed.length - 1;
        if (!(fields instanceof AnswerError) && last && isAnchor(fields)) return;
        const identity = identify(input.chain[i] as Buffer);
        const issuer = parsed[i + 1];
        let work: Promise<Found>;
        if (fields instanceof AnswerError) work = Promise.resolve(nothing('no-source', `It cannot be read for a revocation check (${fields.message}).`));
        else if (!issuer) work = Promise.resolve(nothing('no-source', 'Its issuer is not in the chain the broker presented, so its revocation cannot be asked.'));
        else if (issuer instanceof AnswerError) work = Promise.resolve(nothing('no-source', `Its issuer's certificate cannot be read for a revocation check (${issuer.message}).`));
        else work = this.checkOne(fields, issuer, i === 0 ? input.stapled : null, files, controller.signal, now);
        checks.push(work.then((found) => ({ ...identity, ...found })));
      });
      const certificates = await Promise.all(checks);
      const verdict = certificates.some((c) => c.status === 'revoked') ? 'revoked' : certificates.every((c) => c.status === 'good') ? 'good' : 'incomplete';
      return { checkedAt: now, hardFail: input.settings.hardFail, verdict, certificates };
    } finally {
      clearTimeout(deadline);
    }
  }

  private async checkOne(cert: CertificateFields, issuer: CertificateFields, stapled: Buffer | null, files: Buffer[], signal: AbortSignal, now: number): Promise<Found> {
    const failures: string[] = [];
    if (stapled) {
      try {
        return answered(await beforeDeadline(this.deps.verifier.verify({ kind: 'ocsp', response: stapled, cert: cert.der, issuer: issuer.der, nonce: null, now }), signal), 'stapled', null);
      } catch (error) {
        failures.push(`the OCSP response the broker stapled cannot be used: ${why(error)}`);
      }
    }
    for (const crl of files) {
      try {
        return answered(await beforeDeadline(this.deps.verifier.verify({ kind: 'crl', crl, cert: cert.der, issuer: issuer.der, now }), signal), 'crl-file', null);
      } catch (error) {
        if (!(error instanceof AnswerError && error.kind === 'other-issuer')) failures.push(`the CRL file added to this connection cannot be used: ${why(error)}`);
      }
    }
    const key = revocationKey(cert, issuer);
    const cached = this.answers.get(key);
    if (cached && cached.until > now) return { ...cached.found, cached: true };
    if (!cert.ocspUrls.length && !cert.crlUrls.length) {
      return failures.length ? nothing('unreachable', `Revocation could not be checked: ${failures.join('; ')}.`) : nothing('no-source', 'It names no OCSP responder or CRL, and no CRL file of this connection covers it.');
    }
    let asked = this.inflight.get(key);
    if (!asked) {
      asked = this.ask(key, cert, issuer, signal, now).finally(() => this.inflight.delete(key));
      this.inflight.set(key, asked);
    }
    const found = await asked;
    if (found.status === 'unreachable' && failures.length) return { ...found, detail: `${found.detail.replace(/\.$/, '')}; ${failures.join('; ')}.` };
    return found;
  }

  /** The CA's own sources, OCSP first: a verified answer is cached until its nextUpdate. */
  private async ask(key: string, cert: CertificateFields, issuer: CertificateFields, signal: AbortSignal, now: number): Promise<Found> {
    const failures: string[] = [];
    let unknown: { found: Found; until: number } | null = null;
    let lastUrl: string | null = null;
    for (const url of cert.ocspUrls) {
      lastUrl = url;
      try {
        const request = buildOcspRequest(cert, issuer);
        const response = await this.fetch(url, { method: 'POST', body: request.der, contentType: 'application/ocsp-request', accept: 'application/ocsp-response' }, OCSP_LIMITS, signal);
        const answer = await beforeDeadline(this.deps.verifier.verify({ kind: 'ocsp', response, cert: cert.der, issuer: issuer.der, nonce: request.nonce, now }), signal);
        const found = answered(answer, 'ocsp', url);
        if (answer.status === 'unknown') {
          unknown = { found, until: usableUntil(answer) };
          break;
        }
        return this.remember(key, found, usableUntil(answer));
      } catch (error) {
        failures.push(`OCSP responder ${url}: ${why(error)}`);
      }
    }
    for (const url of cert.crlUrls) {
      lastUrl = url;
      try {
        const crl = await this.crlAt(url, signal, now);
        const answer = await beforeDeadline(this.deps.verifier.verify({ kind: 'crl', crl, cert: cert.der, issuer: issuer.der, now }), signal);
        this.keepCrl(url, crl, usableUntil(answer));
        return this.remember(key, answered(answer, 'crl', url), usableUntil(answer));
      } catch (error) {
        this.dropCrl(url);
        failures.push(`CRL ${url}: ${why(error)}`);
      }
    }
    if (unknown) return this.remember(key, unknown.found, unknown.until);
    return nothing('unreachable', `Revocation could not be checked: ${failures.join('; ')}.`, lastUrl);
  }

  private remember(key: string, found: Found, until: number): Found {
    if (this.answers.size >= MAX_CACHED_ANSWERS) this.answers.delete(this.answers.keys().next().value as string);
    this.answers.set(key, { found, until });
    return found;
  }

  private async crlAt(url: string, signal: AbortSignal, now: number): Promise<Buffer> {
    const kept = this.crls.get(url);
    if (kept && kept.until > now) return kept.bytes;
    return this.fetch(url, { method: 'GET', accept: 'application/pkix-crl, application/octet-stream' }, CRL_LIMITS, signal);
  }

  private keepCrl(url: string, bytes: Buffer, until: number): void {
    if (this.crls.get(url)?.bytes === bytes) return;
    this.dropCrl(url);
    if (bytes.length > MAX_CACHED_CRL_BYTES) return;
    while (this.crlBytes + bytes.length > MAX_CACHED_CRL_BYTES) {
      const oldest = this.crls.keys().next().value as string;
      this.dropCrl(oldest);
    }
    this.crls.set(url, { bytes, until });
    this.crlBytes += bytes.length;
  }

  private dropCrl(url: string): void {
    const kept = this.crls.get(url);
    if (!kept) return;
    this.crls.delete(url);
    this.crlBytes -= kept.bytes.length;
  }
}

function identify(der: Buffer): Pick<CertificateRevocation, 'subject' | 'fingerprint256' | 'serialNumber'> {
  try {
    const summary = describeCertificate(new X509Certificate(der));
    return { subject: summary.subject, fingerprint256: summary.fingerprint256, serialNumber: summary.serialNumber };
  } catch {
    return { subject: 'unreadable', fingerprint256: 'unreadable', serialNumber: 'unreadable' };
  }
}

/** The certificate a sentence is about: its subject, and its place when it is not the broker's own. */
function who(cert: CertificateRevocation, report: RevocationReport): string {
  return report.certificates[0] === cert ? `The broker's certificate (${cert.subject})` : `The broker's CA certificate ${cert.subject}`;
}

/**
 * Whether the report refuses the connection: a revoked certificate always
 * does; with hard fail, so does any certificate not shown good. The error's
 * code is one the translation table knows (tls/errors.ts).
 */
export function revocationRefusal(report: RevocationReport): CodedError | null {
  const revoked = report.certificates.find((c) => c.status === 'revoked');
  if (revoked) return new CodedError('REVOCATION_REVOKED', `${who(revoked, report)} was revoked: ${revoked.detail}`);
  if (!report.hardFail) return null;
  const open = report.certificates.find((c) => c.status !== 'good');
  if (open) return new CodedError('REVOCATION_UNCHECKED', `${who(open, report)} could not be shown not revoked, and this connection refuses then (hard fail): ${open.detail}`);
  return null;
}

/**
 * The revocation check of one connection attempt, as the transport waits
 * for it: the report and the refusal it makes. Never rejects: should the
 * checker itself fail (a bug), that is reported to `onError`, and the
 * attempt is refused only with hard fail (neither hangs nor passes for good).
 */
export async function checkRevocation(checker: Pick<RevocationChecker, 'check'>, input: ChainCheck, onError: (error: unknown) => void, now: number): Promise<RevocationOutcome> {
  try {
    const report = await checker.check(input);
    return { report, refusal: revocationRefusal(report) };
  } catch (error) {
    onError(error);
    const hardFail = input.settings.hardFail;
    return {
      report: { checkedAt: now, hardFail, verdict: 'incomplete', certificates: [] },
      refusal: hardFail ? new CodedError('REVOCATION_UNCHECKED', 'The revocation check failed unexpectedly, and this connection refuses then (hard fail).') : null,
    };
  }
}
