/**
 * The worker thread that reads and verifies revocation answers: OCSP
 * responses and CRLs (a CRL can be megabytes, and is hashed and walked
 * entry by entry), so the thread that takes in MQTT messages never does.
 * One job at a time, in order; each answer says what the answer said, or
 * why it cannot be used. Built as its own entry (out/main/trust-worker.js),
 * started by verifier.ts.
 */
import { parentPort } from 'node:worker_threads';
import { AnswerError } from './answers';
import { readCertificateFields } from './certificate-fields';
import { readCrl } from './crl';
import { readOcspResponse } from './ocsp';
import type { VerifyJob, VerifyResult } from './verifier';

const bytes = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

function run(job: VerifyJob): VerifyResult {
  try {
    let cert;
    let issuer;
    try {
      cert = readCertificateFields(bytes(job.cert));
      issuer = readCertificateFields(bytes(job.issuer));
    } catch (error) {
      return { id: job.id, ok: false, kind: 'invalid', message: `the certificate cannot be read for this check (${(error as Error).message})` };
    }
    const answer =
      job.kind === 'ocsp'
        ? readOcspResponse(bytes(job.response), { cert, issuer, nonce: job.nonce ? bytes(job.nonce) : null, now: job.now })
        : readCrl(bytes(job.crl), { cert, issuer, now: job.now });
    return { id: job.id, ok: true, answer };
  } catch (error) {
    if (error instanceof AnswerError) return { id: job.id, ok: false, kind: error.kind, message: error.message };
    // A bug in a reader, reported as an unusable answer with its cause (never the input).
    return { id: job.id, ok: false, kind: 'invalid', message: `it could not be read (${error instanceof Error ? `${error.name}: ${error.message}` : String(error)})` };
  }
}

parentPort?.on('message', (job: VerifyJob) => parentPort?.postMessage(run(job)));
