/**
 * Certificate bundle import as the operator sees it: the files that go in
 * (as bytes; the renderer never names a path for main to read), and the
 * summary that comes back before anything is saved. No key material ever
 * appears in a summary.
 */
import { z } from 'zod';
import { AppErrorSchema } from './result';
import { CertificateSummarySchema } from './security';

/** Bundle inputs are bounded: a certificate bundle is kilobytes, never tens of megabytes. */
export const MAX_BUNDLE_BYTES = 16 * 1024 * 1024;
export const MAX_BUNDLE_FILES = 500;
export const MAX_BUNDLE_FILE_NAME = 1024;
export const MAX_PASSPHRASE_LENGTH = 4096;

/**
 * What one import (one `certificates.inspect`) may make the app do, over all
 * its files and every archive inside them. Real bundles are kilobytes and a
 * handful of items; a hostile file chooses its own sizes and counts.
 */
export const IMPORT_LIMITS = {
  /** Bytes of the files picked plus bytes unpacked from archives. */
  maxTotalBytes: 64 * 1024 * 1024,
  /** Files picked plus archive entries. */
  maxEntries: 1000,
  /** Certificates, keys and other PEM blocks, DER objects and PKCS#12 bags (a system CA bundle holds about 150). */
  maxItems: 2000,
  /**
   * Iterations of one password-based key derivation (a PKCS#12 MAC or bag,
   * PBKDF2, PBES1). Exporters write 2,048 (OpenSSL 3), 2,000 (Windows),
   * 10,000 (Java keytool); vendors following OWASP's 2023 advice for
   * PBKDF2-HMAC-SHA256 write 600,000. A million keeps all of those, and stops
   * a file from naming billions.
   */
  maxKdfIterations: 1_000_000,
  /**
   * Hash rounds of all key derivations of one import together: a
   * 600,000-iteration file needs about three derivations (MAC, certificates,
   * key), a legacy one up to five, and a retry with another password form
   * doubles some. Spent in a worker thread, so it costs waiting, not a stall.
   */
  maxTotalKdfRounds: 8_000_000,
  /** scrypt's N·r·p for an encrypted PKCS#8 key; OpenSSL's default (N 16384, r 8, p 1) is 131,072. */
  maxScryptCost: 16_777_216,
} as const;

export const BundleFileSchema = z.object({
  /** The file's name, or its path inside a picked folder (`bundle/certs/device.crt`). */
  name: z.string().min(1).max(MAX_BUNDLE_FILE_NAME),
  base64: z.string().max(Math.ceil((MAX_BUNDLE_BYTES * 4) / 3) + 4),
});
export type BundleFile = z.infer<typeof BundleFileSchema>;

/** Chosen by the window that starts an inspection, so it can follow its progress and cancel it. */
export const InspectionIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

export const ImportRequestSchema = z
  .object({
    files: z.array(BundleFileSchema).min(1).max(MAX_BUNDLE_FILES),
    /** For encrypted keys and PKCS#12 files. */
    passphrase: z.string().max(MAX_PASSPHRASE_LENGTH).optional(),
    inspectionId: InspectionIdSchema.optional(),
  })
  .strict();
export type ImportRequest = z.infer<typeof ImportRequestSchema>;

/**
 * Pushed to the window whose inspection is running: what the worker reading
 * the bundle is doing (reading files, deriving a key from the passphrase,
 * checking the result) and how far it is within that stage (files, or hash
 * rounds of the derivation under way).
 */
export const ImportProgressSchema = z
  .object({
    inspectionId: InspectionIdSchema,
    stage: z.enum(['reading', 'deriving', 'checking']),
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
  })
  .strict();
export type ImportProgress = z.infer<typeof ImportProgressSchema>;

export const ItemKindSchema = z.enum(['root-ca', 'intermediate-ca', 'certificate', 'private-key', 'public-key']);
export type ItemKind = z.infer<typeof ItemKindSchema>;

export const ImportItemSchema = z.object({
  /** File (and, inside archives, entry) it came from; `#2` marks the second block of a file. */
  source: z.string(),
  kind: ItemKindSchema,
  subject: z.string().nullable(),
  issuer: z.string().nullable(),
  notBefore: z.string().nullable(),
  notAfter: z.string().nullable(),
  /** Certificates: SHA-256 of the certificate. Keys: SHA-256 of the public key (SPKI). */
  fingerprint256: z.string().nullable(),
  keyType: z.string().nullable(),
  keyBits: z.number().int().nullable(),
  /** The key (or the PKCS#12 file it came from) was protected by a passphrase. */
  encrypted: z.boolean(),
  /** For keys: the fingerprint of the certificate the key belongs to, if any. */
  matches: z.string().nullable(),
});
export type ImportItem = z.infer<typeof ImportItemSchema>;

export const KeySummarySchema = z.object({
  source: z.string(),
  keyType: z.string(),
  keyBits: z.number().int().nullable(),
  encrypted: z.boolean(),
});
export type KeySummary = z.infer<typeof KeySummarySchema>;

export const ImportSummarySchema = z.object({
  /** Set when the bundle is usable: pass it to `certificates.apply` to save. Valid for 15 minutes. */
  importId: z.string().nullable(),
  usable: z.boolean(),
  /** An encrypted key or PKCS#12 file needs a passphrase (none given, or the wrong one). */
  needsPassphrase: z.boolean(),
  items: z.array(ImportItemSchema),
  /** The client identity that will be used: its certificate, the chain sent with it, its key. */
  identity: z
    .object({
      certificate: CertificateSummarySchema,
      chain: z.array(CertificateSummarySchema),
      key: KeySummarySchema,
    })
    .nullable(),
  /** CA certificates that will verify the broker. */
  ca: z.array(CertificateSummarySchema),
  warnings: z.array(AppErrorSchema),
  errors: z.array(AppErrorSchema),
});
export type ImportSummary = z.infer<typeof ImportSummarySchema>;

/** What a saved profile uses, described for the connection form. */
export const ProfileCertificatesSchema = z.object({
  ca: z.array(CertificateSummarySchema),
  clientChain: z.array(CertificateSummarySchema),
  /** The key in the keychain, described (never its bytes); null when none is stored. */
  key: KeySummarySchema.extend({ storedIn: z.literal('keychain'), matchesCertificate: z.boolean() }).nullable(),
  warnings: z.array(AppErrorSchema),
});
export type ProfileCertificates = z.infer<typeof ProfileCertificatesSchema>;
