/**
 * The per-connection security verdict as the operator sees it: what the TLS
 * handshake negotiated, what was verified, the peer chain, and a grade with
 * every reason. Produced by the core's TLS inspection, pushed to the renderer.
 */
import { z } from 'zod';
import { AppErrorSchema } from './result';
import { RevocationReportSchema } from './revocation';

/** A field of a certificate that could not be read (a malformed certificate from a broker or a file), and why. */
export const UnreadableFieldSchema = z.object({ field: z.string(), reason: z.string() });
export type UnreadableField = z.infer<typeof UnreadableFieldSchema>;

export const CertificateSummarySchema = z.object({
  subject: z.string(),
  issuer: z.string(),
  subjectAltNames: z.array(z.string()),
  serialNumber: z.string(),
  /** ISO time; null when the field is unreadable (then listed in `unreadable`). */
  notBefore: z.string().nullable(),
  notAfter: z.string().nullable(),
  fingerprint256: z.string(),
  keyType: z.string(),
  keyBits: z.number().int().nullable(),
  isCA: z.boolean(),
  selfSigned: z.boolean(),
  /** Fields that could not be read; each shows as "unreadable" (text), null, [] or false above. */
  unreadable: z.array(UnreadableFieldSchema),
});
export type CertificateSummary = z.infer<typeof CertificateSummarySchema>;

export const GradeSchema = z.enum(['secure', 'warning', 'insecure', 'unknown']);
export type Grade = z.infer<typeof GradeSchema>;

export const ReasonSchema = z.object({
  /** `insecure` and `warning` lower the grade; `ok` lines say what was checked and passed. */
  level: z.enum(['insecure', 'warning', 'ok']),
  code: z.string(),
  message: z.string(),
});
export type Reason = z.infer<typeof ReasonSchema>;

export const TransportSchema = z.enum(['mqtts', 'wss', 'mqtt', 'ws']);
export type Transport = z.infer<typeof TransportSchema>;

export const TlsDetailsSchema = z.object({
  version: z.string().nullable(),
  cipher: z.string().nullable(),
  cipherStandardName: z.string().nullable(),
  forwardSecret: z.boolean().nullable(),
  alpnProtocol: z.string().nullable(),
  servername: z.string().nullable(),
  /** Whether certificate verification was requested for this connection. */
  verification: z.boolean(),
  /** Whether the peer chain verified against the trusted roots. */
  authorized: z.boolean(),
  /** OpenSSL's code when the chain did not verify, e.g. `UNABLE_TO_VERIFY_LEAF_SIGNATURE`. */
  authorizationError: z.string().nullable(),
  hostname: z.object({ expected: z.string(), matched: z.boolean().nullable() }),
  peerChain: z.array(CertificateSummarySchema),
  clientCertificate: CertificateSummarySchema.nullable(),
  pin: z.object({ configured: z.number().int(), matched: z.boolean().nullable() }),
  /** The revocation check of the verified chain; null when none was made (verification off, or the handshake did not get that far). */
  revocation: RevocationReportSchema.nullable(),
});
export type TlsDetails = z.infer<typeof TlsDetailsSchema>;

export const SecurityStatusSchema = z.object({
  transport: TransportSchema,
  encrypted: z.boolean(),
  tls: TlsDetailsSchema.nullable(),
  grade: GradeSchema,
  reasons: z.array(ReasonSchema),
  /** The translated failure when the last attempt did not complete. */
  error: AppErrorSchema.nullable(),
});
export type SecurityStatus = z.infer<typeof SecurityStatusSchema>;
