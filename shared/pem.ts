/**
 * PEM text read as blocks in one linear pass, and the rule for the fields of
 * a connection that hold certificates: certificate blocks only, never a
 * private key. The text is hostile until read: picked or pasted by the
 * operator, arriving in an export or a bundle. Every search starts where the
 * previous one stopped, so the work is linear in the text's length whatever
 * it holds (unterminated BEGIN lines, nested or mismatched markers, megabytes
 * of base64 without an END); a lazy regular expression such as
 * /BEGIN (.+)-----[\s\S]*?END \1/ searches to the end of the text from every
 * BEGIN line, which is quadratic. A block is cut by the next marker of any
 * kind, so a key hidden after a broken block is still seen as a key. Both
 * sides use it: the bundle reader, the connection form, main's check of what
 * the form sends, and the profile migration.
 */

export interface PemBlock {
  label: string;
  /** The whole block, BEGIN line to END line, as Node's PEM parsers take it. */
  text: string;
  /** What lies between the BEGIN and END lines: optional RFC 1421 headers, then base64. */
  body: string;
}

export interface PemScan {
  blocks: PemBlock[];
  /** The label of the first block that begins and never ends before the next marker (the file was cut, or edited by hand); null when none. */
  unterminated: string | null;
  /** How many blocks begin and never end. */
  unterminatedCount: number;
  /** Scanning stopped at `maxBlocks`; the rest of the text was not looked at. */
  truncated: boolean;
  /** Characters examined, searches included: the measure of work tests bound. */
  steps: number;
}

const BEGIN = '-----BEGIN ';
const END = '-----END ';
const DASHES = '-----';
/** RFC 7468 sets no bound; real labels are under 30 characters. */
const MAX_LABEL = 64;

/** The characters labels use in practice (CERTIFICATE, EC PRIVATE KEY, X509 CRL, OPENSSH PRIVATE KEY). */
function isLabelChar(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x20;
}

export function scanPem(text: string, maxBlocks = Number.POSITIVE_INFINITY): PemScan {
  const scan: PemScan = { blocks: [], unterminated: null, unterminatedCount: 0, truncated: false, steps: 0 };
  const find = (needle: string, from: number): number => {
    const at = text.indexOf(needle, from);
    scan.steps += (at < 0 ? text.length : at + needle.length) - from;
    return at;
  };
  const startsWith = (prefix: string, at: number): boolean => {
    scan.steps += prefix.length;
    return text.startsWith(prefix, at);
  };
  /** The label after a marker prefix ending at `from`, and the end of the marker; null when no label and closing dashes follow. */
  const markerLabel = (from: number): { label: string; end: number } | null => {
    let i = from;
    while (i < text.length && i - from < MAX_LABEL && isLabelChar(text.charCodeAt(i))) i++;
    scan.steps += i - from + 1;
    if (i === from || !startsWith(DASHES, i)) return null;
    return { label: text.slice(from, i), end: i + DASHES.length };
  };
  const unterminated = (label: string): void => {
    scan.unterminatedCount++;
    scan.unterminated ??= label;
  };

  let cursor = 0;
  for (;;) {
    const begin = find(BEGIN, cursor);
    if (begin < 0) break;
    if (scan.blocks.length >= maxBlocks) {
      scan.truncated = true;
      break;
    }
    const head = markerLabel(begin + BEGIN.length);
    if (!head) {
      cursor = begin + BEGIN.length;
      continue;
    }
    // The block runs to the next marker of any kind, which is its END line when the text is sound.
    cursor = text.length;
    let next = find(DASHES, head.end);
    while (next >= 0) {
      if (startsWith(END, next)) {
        const tail = markerLabel(next + END.length);
        if (tail && tail.label === head.label) {
          scan.blocks.push({ label: head.label, text: text.slice(begin, tail.end), body: text.slice(head.end, next) });
          cursor = tail.end;
          break;
        }
        if (tail) {
          // An END line of another label: this block is broken; go on after that line.
          unterminated(head.label);
          cursor = tail.end;
          break;
        }
      } else if (startsWith(BEGIN, next) && markerLabel(next + BEGIN.length)) {
        unterminated(head.label);
        cursor = next;
        break;
      }
      next = find(DASHES, next + 1);
    }
    if (next < 0) unterminated(head.label);
  }
  return scan;
}

/** The base64 of a block, RFC 1421 header lines (`Proc-Type: …`) and line breaks dropped. */
export function pemBase64(block: PemBlock): string {
  return block.body
    .split('\n')
    .filter((line) => !line.includes(':'))
    .join('')
    .replace(/\s+/g, '');
}

/** PKCS#8 (plain and encrypted), PKCS#1 RSA, SEC1 EC, DSA, OpenSSH: every private key label ends so. */
export function isPrivateKeyLabel(label: string): boolean {
  return label.endsWith('PRIVATE KEY');
}

/**
 * Whether a private key block is encrypted, read from its PEM header alone:
 * PKCS#8 says so in its label, a traditional (RFC 1421) key in its Proc-Type
 * line. The connection form asks for the passphrase as soon as such a key is
 * picked; the core's own reading confirms it.
 */
export function isEncryptedKeyBlock(block: PemBlock): boolean {
  if (block.label === 'ENCRYPTED PRIVATE KEY') return true;
  return isPrivateKeyLabel(block.label) && /Proc-Type:[ \t]*4,ENCRYPTED/.test(block.body);
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
