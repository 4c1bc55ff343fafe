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

export const BundleFileSchema = z.object({
  /** The file's name, or its path inside a picked folder (`bundle/certs/device.crt`). */
  name: z.string().min(1).max(MAX_BUNDLE_FILE_NAME),
  base64: z.string().max(Math.ceil((MAX_BUNDLE_BYTES * 4) / 3) + 4),
});
export type BundleFile = z.infer<typeof BundleFileSchema>;

export const ImportRequestSchema = z
  .object({
    files: z.array(BundleFileSchema).min(1).max(MAX_BUNDLE_FILES),
    /** For encrypted keys and PKCS#12 files. */
    passphrase: z.string().max(MAX_PASSPHRASE_LENGTH).optional(),
  })
  .strict();
export type ImportRequest = z.infer<typeof ImportRequestSchema>;

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
