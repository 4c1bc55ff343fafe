/**
 * Revocation as the operator sees it: what a connection asks for (its own
 * CRL files, hard fail), and what the check of a broker's chain found for
 * each certificate (good, revoked, unknown to its responder, unreachable, or
 * nothing to ask), with the source that answered. The checks themselves run
 * in the core (electron/core/trust/); the grade reads the report.
 */
import { z } from 'zod';
import { pemBase64, scanPem } from './pem';

/** A CRL file kept with a connection: a private CA's list is kilobytes; a public CA's is fetched from its URL instead. */
export const MAX_CRL_PEM_CHARS = 1024 * 1024;
export const MAX_CRL_FILES = 4;
export const CRL_LABEL = 'X509 CRL';

/** A sentence saying why `text` is not a CRL the connection can keep; null when it is one. */
export function crlFieldProblem(text: string): string | null {
  const { blocks, unterminated } = scanPem(text, 2);
  if (unterminated) return `A "${unterminated}" block begins but never ends: the file is cut short. Pick the complete CRL file.`;
  const [block, more] = blocks;
  if (!block || block.label !== CRL_LABEL) return 'Expected a certificate revocation list (PEM -----BEGIN X509 CRL----- or DER, as `openssl ca -gencrl` writes it).';
  if (more) return 'The file holds more than one block; add one CRL per file.';
  const body = pemBase64(block);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body) || !body.startsWith('M')) return 'The CRL block is not base64 of a DER structure.';
  return null;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Bytes as base64, without relying on Buffer (Node) or btoa (browser): this module runs on both sides. */
function base64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] as number;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += BASE64.charAt((n >> 18) & 63) + BASE64.charAt((n >> 12) & 63) + (b === undefined ? '=' : BASE64.charAt((n >> 6) & 63)) + (c === undefined ? '=' : BASE64.charAt(n & 63));
  }
  return out;
}

/**
 * A picked CRL file as the PEM text a connection keeps: PEM as it is, DER
 * (starts with a SEQUENCE byte) wrapped in PEM lines; null when it is neither.
 */
export function crlFileText(bytes: Uint8Array): string | null {
  if (bytes[0] === 0x30) {
    const lines = base64(bytes).match(/.{1,64}/g) ?? [];
    return `-----BEGIN ${CRL_LABEL}-----\n${lines.join('\n')}\n-----END ${CRL_LABEL}-----\n`;
  }
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return text.includes(`-----BEGIN ${CRL_LABEL}-----`) ? text : null;
}

export const CrlPemSchema = z
  .string()
  .max(MAX_CRL_PEM_CHARS, 'A CRL file kept with a connection is at most 1 MB; a larger list is fetched from the URL in the certificate.')
  .superRefine((value, ctx) => {
    const problem = crlFieldProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** Per connection: the operator's own CRL files, and whether a chain that cannot be checked is refused. */
export const RevocationSettingsSchema = z.object({
  /** CRLs the operator added (PEM), for CAs that publish none at a URL, or to check without network access. */
  crls: z.array(CrlPemSchema).max(MAX_CRL_FILES).default([]),
  /**
   * Hard fail: refuse the connection (before CONNECT is sent) unless every
   * certificate of the broker's chain was shown not revoked. Off: a check that
   * cannot be made is a warning.
   */
  hardFail: z.boolean().default(false),
});
export type RevocationSettings = z.infer<typeof RevocationSettingsSchema>;
export const DEFAULT_REVOCATION: RevocationSettings = { crls: [], hardFail: false };

/**
 * What the check found for one certificate:
 * - `good`, `revoked`: a verified answer (OCSP or CRL) says so;
 * - `unknown`: the CA's OCSP responder does not know the certificate;
 * - `unreachable`: a source was named but gave no usable answer (down, timed out, bad signature, out of date);
 * - `no-source`: the certificate names no OCSP responder or CRL, and no CRL file covers it.
 */
export const RevocationStatusSchema = z.enum(['good', 'revoked', 'unknown', 'unreachable', 'no-source']);
export type RevocationStatus = z.infer<typeof RevocationStatusSchema>;

/** Where the answer came from: the broker's stapled OCSP response, the CA's OCSP responder, its CRL, or a CRL file of the connection. */
export const RevocationSourceSchema = z.enum(['stapled', 'ocsp', 'crl', 'crl-file']);
export type RevocationSource = z.infer<typeof RevocationSourceSchema>;

export const CertificateRevocationSchema = z.object({
  subject: z.string(),
  /** SHA-256 of the certificate, `AA:BB:…` as in CertificateSummary. */
  fingerprint256: z.string(),
  serialNumber: z.string(),
  status: RevocationStatusSchema,
  source: RevocationSourceSchema.nullable(),
  /** The responder or CRL URL that answered (or was tried last). */
  url: z.string().nullable(),
  /** ISO times. */
  revokedAt: z.string().nullable(),
  reason: z.string().nullable(),
  thisUpdate: z.string().nullable(),
  nextUpdate: z.string().nullable(),
  /** Taken from the cache of earlier answers, still before their nextUpdate. */
  cached: z.boolean(),
  /** One sentence: what was asked and what it said, or why nothing usable came back. */
  detail: z.string(),
});
export type CertificateRevocation = z.infer<typeof CertificateRevocationSchema>;

export const RevocationReportSchema = z.object({
  /** ms since the epoch. */
  checkedAt: z.number(),
  hardFail: z.boolean(),
  /** `good`: every certificate checked is good; `revoked`: one is revoked; `incomplete`: some could not be shown good. */
  verdict: z.enum(['good', 'revoked', 'incomplete']),
  /** The chain's certificates below its root (a trust anchor is not checked), leaf first. */
  certificates: z.array(CertificateRevocationSchema),
});
export type RevocationReport = z.infer<typeof RevocationReportSchema>;

/** The reasons RFC 5280 5.3.1 names, by code. */
export const REVOCATION_REASONS: Record<number, string> = {
  0: 'unspecified',
  1: 'keyCompromise',
  2: 'cACompromise',
  3: 'affiliationChanged',
  4: 'superseded',
  5: 'cessationOfOperation',
  6: 'certificateHold',
  8: 'removeFromCRL',
  9: 'privilegeWithdrawn',
  10: 'aACompromise',
};

const SOURCE_WORDS: Record<RevocationSource, string> = {
  stapled: 'the OCSP response the broker stapled',
  ocsp: "the CA's OCSP responder",
  crl: "the CA's CRL",
  'crl-file': "this connection's CRL file",
};

/** `the CA's OCSP responder`: who answered, for sentences. */
export function sourceWords(source: RevocationSource): string {
  return SOURCE_WORDS[source];
}
