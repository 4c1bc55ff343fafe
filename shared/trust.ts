/**
 * Trust across the fleet, as the operator sees it: every certificate the app
 * relies on (client certificates, CAs the operator added, each broker's chain
 * as last seen), where each is used, how long it has left and what is wrong
 * with it; and the alert raised when one nears its end. Computed in the core
 * (electron/core/trust/inventory.ts), shown by the window's certificates
 * view, printed by `cli certs`, exported in the trust report.
 */
import { z } from 'zod';
import { RevocationSourceSchema, RevocationStatusSchema } from './revocation';

/**
 * How a connection uses a certificate: its client certificate, a CA sent
 * along with it, a CA it trusts, the broker's own certificate, or a CA of
 * the broker's chain.
 */
export const CertificateRoleSchema = z.enum(['client', 'client-chain', 'ca', 'broker', 'broker-chain']);
export type CertificateRole = z.infer<typeof CertificateRoleSchema>;

export const ROLE_WORDS: Record<CertificateRole, string> = {
  client: 'client certificate',
  'client-chain': 'CA sent with the client certificate',
  ca: 'trusted CA',
  broker: "broker's certificate",
  'broker-chain': "CA of the broker's chain",
};

export const CertificateUseSchema = z.object({
  connectionId: z.string(),
  connectionName: z.string(),
  role: CertificateRoleSchema,
  /** For the broker's chain: when the broker last presented it (ms since the epoch). */
  seenAt: z.number().nullable(),
});
export type CertificateUse = z.infer<typeof CertificateUseSchema>;

export const FindingCodeSchema = z.enum(['unreadable', 'expired', 'not_yet_valid', 'expiring', 'weak_signature', 'weak_key', 'ca_as_client', 'revoked', 'revocation_unchecked']);
export type FindingCode = z.infer<typeof FindingCodeSchema>;

export const FindingSchema = z.object({
  code: FindingCodeSchema,
  level: z.enum(['insecure', 'warning']),
  message: z.string(),
});
export type Finding = z.infer<typeof FindingSchema>;

export const ExpiryLevelSchema = z.enum(['expired', 'not_yet_valid', 'expiring', 'ok']);

export const InventoryEntrySchema = z.object({
  /** SHA-256 of the certificate, `AA:BB:…`: one entry per certificate, however many connections use it. */
  fingerprint256: z.string(),
  subject: z.string(),
  issuer: z.string(),
  serialNumber: z.string(),
  notBefore: z.string().nullable(),
  notAfter: z.string().nullable(),
  /** Whole days to notAfter, negative once expired; null when unreadable. */
  daysLeft: z.number().int().nullable(),
  /** By the one threshold of shared/expiry.ts. */
  expiry: ExpiryLevelSchema.nullable(),
  keyType: z.string(),
  keyBits: z.number().int().nullable(),
  signatureAlgorithm: z.string(),
  isCA: z.boolean(),
  selfSigned: z.boolean(),
  uses: z.array(CertificateUseSchema),
  /** The last revocation check of a broker's chain that covered it. */
  revocation: z
    .object({ status: RevocationStatusSchema, source: RevocationSourceSchema.nullable(), checkedAt: z.number(), detail: z.string() })
    .nullable(),
  findings: z.array(FindingSchema),
});
export type InventoryEntry = z.infer<typeof InventoryEntrySchema>;

export const CertificateInventorySchema = z.object({
  generatedAt: z.number(),
  /** EXPIRY_WARNING_DAYS: what "expiring" means. */
  warningDays: z.number().int(),
  /** Sorted by days left, soonest (and expired) first; unreadable dates last. */
  certificates: z.array(InventoryEntrySchema),
  /** Encrypted connections whose broker has not presented its chain since it was saved (never connected). */
  unseen: z.array(z.object({ connectionId: z.string(), connectionName: z.string() })),
  counts: z.object({
    certificates: z.number().int(),
    expired: z.number().int(),
    expiring: z.number().int(),
    revoked: z.number().int(),
    withFindings: z.number().int(),
  }),
});
export type CertificateInventory = z.infer<typeof CertificateInventorySchema>;

/** A certificate that expires within the warning window (or has expired): raised into the alert list, told once per certificate per day. */
export interface CertificateAlert {
  fingerprint256: string;
  level: 'insecure' | 'warning';
  title: string;
  body: string;
}
