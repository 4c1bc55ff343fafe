/**
 * A saved CA certificate named as the operator knows it, by its subject, from
 * the core's description of the connection (which lists the certificates of
 * every saved CA text in order). When the two do not line up (a saved text
 * the core could not read), the form falls back to numbering them.
 */
import { readCertificateField } from '../../../shared/pem';
import type { CertificateSummary } from '../../../shared/security';

export function savedCaSubjects(saved: readonly string[], described: readonly CertificateSummary[]): Map<string, string[]> {
  const counts = saved.map((text) => readCertificateField(text).certificates.length);
  if (counts.reduce((a, b) => a + b, 0) !== described.length) return new Map();
  const subjects = new Map<string, string[]>();
  let at = 0;
  saved.forEach((text, i) => {
    const n = counts[i] ?? 0;
    subjects.set(text, described.slice(at, at + n).map((c) => c.subject));
    at += n;
  });
  return subjects;
}
