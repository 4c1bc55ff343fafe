/**
 * PEM text read as blocks in one linear pass (the text is picked or pasted by
 * the operator, or arrives in an export: its size must not cost more than its
 * length), and the rule for the fields of a connection that hold certificates:
 * certificate blocks only, never a private key. Both sides use it: the
 * connection form says at once what a picked file holds, main refuses or
 * separates what the form sends, and the profile migration cleans old files.
 */

export interface PemBlock {
  label: string;
  /** The whole block, from its BEGIN line to its END line. */
  text: string;
}

export interface PemScan {
  blocks: PemBlock[];
  /** The label of a block that begins but never ends (everything after its BEGIN line belongs to it). */
  unterminated: string | null;
}

const BEGIN = '-----BEGIN ';
const DASHES = '-----';
/** Longer than any label in use ("ENCRYPTED PRIVATE KEY", "OPENSSH PRIVATE KEY"). */
const MAX_LABEL = 64;
const LABEL = /^[A-Z0-9 ]+$/;

export function scanPem(text: string): PemScan {
  const blocks: PemBlock[] = [];
  let at = 0;
  for (;;) {
    const start = text.indexOf(BEGIN, at);
    if (start < 0) return { blocks, unterminated: null };
    const labelStart = start + BEGIN.length;
    // Bounded: the next run of dashes is at the latest the next BEGIN, which the loop visits anyway.
    const labelEnd = text.indexOf(DASHES, labelStart);
    const label = labelEnd < 0 || labelEnd - labelStart > MAX_LABEL ? '' : text.slice(labelStart, labelEnd);
    if (!LABEL.test(label)) {
      at = labelStart;
      continue;
    }
    const endLine = `-----END ${label}-----`;
    const end = text.indexOf(endLine, labelEnd + DASHES.length);
    if (end < 0) return { blocks, unterminated: label };
    at = end + endLine.length;
    blocks.push({ label, text: text.slice(start, at) });
  }
}

/** PKCS#8 (plain and encrypted), PKCS#1 RSA, SEC1 EC, DSA, OpenSSH: every private key label ends so. */
export function isPrivateKeyLabel(label: string): boolean {
  return label.endsWith('PRIVATE KEY');
}

/** What a certificate field holds, sorted. */
export interface CertificateFieldContent {
  certificates: string[];
  privateKeys: string[];
  /** Labels of other blocks (CRLs, parameters, public keys). */
  others: string[];
  unterminated: string | null;
}

export function readCertificateField(text: string): CertificateFieldContent {
  const { blocks, unterminated } = scanPem(text);
  const content: CertificateFieldContent = { certificates: [], privateKeys: [], others: [], unterminated };
  for (const block of blocks) {
    if (block.label === 'CERTIFICATE') content.certificates.push(block.text);
    else if (isPrivateKeyLabel(block.label)) content.privateKeys.push(block.text);
    else content.others.push(block.label);
  }
  return content;
}

/** The certificate blocks alone, one after another, as they are saved. */
export function joinCertificates(certificates: string[]): string {
  return certificates.map((c) => `${c}\n`).join('');
}

/**
 * Which field is being checked: `ca` and `client` as the operator fills them in
 * (a client certificate file may bring its key along, which main moves to the
 * keychain), `saved` for what a connection keeps (certificates only).
 */
export type CertificateField = 'ca' | 'client' | 'saved';

/** A sentence saying why `text` cannot go into the field, naming the fix; null when it can. */
export function certificateFieldProblem(text: string, field: CertificateField): string | null {
  const content = readCertificateField(text);
  if (content.unterminated) return `A "${content.unterminated}" block begins but never ends: the file is cut short or was edited. Pick the complete file.`;
  if (content.privateKeys.length > 0) {
    if (field === 'ca') return 'This CA file also holds a private key, and a CA file must hold certificates only (the key would be saved in the clear). Pick the CA certificate file itself, or remove the key block from it.';
    if (field === 'saved') return 'It also holds a private key: a connection keeps certificates only, and its private key is kept in the OS keychain. Remove the key block, or pick the key in the client key field.';
    if (content.privateKeys.length > 1) return `This file holds ${content.privateKeys.length} private keys; a client certificate comes with one. Pick the certificate with its own key only.`;
  }
  const other = content.others[0];
  if (other !== undefined) return `It holds a "${other}" block; only certificates (BEGIN CERTIFICATE) belong here. Remove that block, or pick the certificate file itself.`;
  if (content.certificates.length === 0) return 'Expected one or more PEM certificates (-----BEGIN CERTIFICATE-----).';
  return null;
}
