/**
 * Certificate and key files another tool's file carries inline (MQTT
 * Explorer keeps each picked file base64-encoded; an MQTTX field may hold PEM
 * text): certificates come out as PEM (DER is converted), a private key comes
 * out apart, as PEM, for the keychain. What cannot be read is said, never
 * guessed, and the connection is imported without it.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { joinCertificates, readCertificateField } from '../../../../shared/pem';

/** MQTT Explorer refuses files over 16 KB; a little room for PEM text of the same. */
export const MAX_INLINE_FILE_BYTES = 64 * 1024;

export interface InlineCertificates {
  /** PEM certificates, or null when there are none. */
  certificates: string | null;
  /** A private key that came with them, as PEM. */
  key: string | null;
  /** Why (part of) the file was not taken, in a sentence; null when all of it was. */
  problem: string | null;
}

const DER_KEY_TYPES = ['pkcs8', 'pkcs1', 'sec1'] as const;

function looksLikePem(bytes: Buffer): boolean {
  return bytes.subarray(0, 4096).toString('latin1').includes('-----BEGIN ');
}

/** A PEM private key, checked readable unless it is encrypted (its passphrase is typed later). */
function keyPem(pem: string): { key: string | null; problem: string | null } {
  if (/ENCRYPTED/.test(pem)) return { key: pem, problem: null };
  try {
    createPrivateKey(pem);
    return { key: pem, problem: null };
  } catch {
    return { key: null, problem: 'its private key cannot be read' };
  }
}

/** The certificates and key in a file's bytes, PEM or DER. */
export function readInlineFile(bytes: Buffer): InlineCertificates {
  if (bytes.length === 0) return { certificates: null, key: null, problem: null };
  if (bytes.length > MAX_INLINE_FILE_BYTES) return { certificates: null, key: null, problem: `it is ${bytes.length} bytes, more than a certificate or key file holds` };
  if (looksLikePem(bytes)) {
    const content = readCertificateField(bytes.toString('utf8'));
    const [first, ...more] = content.privateKeys;
    const key = first === undefined ? { key: null, problem: null } : keyPem(first);
    const extras = [content.unterminated && 'a block that never ends', more.length > 0 && 'more than one private key', content.others.length > 0 && `a "${content.others[0]}" block`].filter(Boolean);
    const problem = key.problem ?? (extras.length ? `it also held ${extras.join(', ')}, which ${extras.length === 1 ? 'was' : 'were'} left out` : null);
    return { certificates: content.certificates.length ? joinCertificates(content.certificates) : null, key: key.key, problem };
  }
  try {
    return { certificates: joinCertificates([new X509Certificate(bytes).toString().trim()]), key: null, problem: null };
  } catch {
    // not a DER certificate: perhaps a DER key
  }
  for (const type of DER_KEY_TYPES) {
    try {
      const key = createPrivateKey({ key: bytes, format: 'der', type });
      return { certificates: null, key: key.export({ type: 'pkcs8', format: 'pem' }).toString(), problem: null };
    } catch {
      // try the next encoding
    }
  }
  return { certificates: null, key: null, problem: 'it is neither a PEM file nor a DER certificate or key' };
}
