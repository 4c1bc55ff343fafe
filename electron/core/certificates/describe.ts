/**
 * What a saved connection uses, for the connection form: its CAs, its client
 * certificate chain and a description of the key in the keychain (type, size,
 * whether it belongs to the certificate), never the key itself. Total: a
 * saved certificate that cannot be read is a warning, not an error.
 */
import { createPrivateKey, createPublicKey, type X509Certificate } from 'node:crypto';
import type { ProfileCertificates } from '../../../shared/certificates';
import type { Profile } from '../../../shared/profiles';
import type { AppError } from '../../../shared/result';
import type { SecretStore } from '../secrets/secret-store';
import { EXPIRY_WARNING_DAYS } from '../tls/grade';
import { daysLeft, describeCertificate, keyDescription, parsePemCertificates } from './x509';

export async function describeProfileCertificates(profile: Profile, secrets: SecretStore, now = Date.now()): Promise<ProfileCertificates> {
  const warnings: AppError[] = [];
  // A saved certificate that no longer parses is reported, never thrown: the form must still open to replace it.
  const read = (pem: string, what: string): X509Certificate[] => {
    try {
      return parsePemCertificates(pem);
    } catch (error) {
      warnings.push({ code: 'certificate_unreadable', message: `The ${what} cannot be read: ${(error as Error).message}`, hint: 'Import the certificate again from the files your broker or PKI issued.' });
      return [];
    }
  };
  const ca = profile.tls.ca.flatMap((pem) => read(pem, 'CA certificate')).map(describeCertificate);
  const chainCerts = profile.tls.clientCertificate ? read(profile.tls.clientCertificate, 'client certificate') : [];
  const clientChain = chainCerts.map(describeCertificate);

  for (const cert of [...clientChain, ...ca]) {
    const left = daysLeft(cert, now);
    if (cert.unreadable.length) warnings.push({ code: 'certificate_unreadable', message: `${cert.subject} has fields that cannot be read: ${cert.unreadable.map((u) => `${u.field} (${u.reason})`).join(', ')}.`, hint: 'Import a certificate reissued by its CA.' });
    else if (left < 0) warnings.push({ code: 'certificate_expired', message: `${cert.subject} expired on ${cert.notAfter?.slice(0, 10)}.`, hint: 'Import a renewed certificate.' });
    else if (left < EXPIRY_WARNING_DAYS) warnings.push({ code: 'certificate_expiring', message: `${cert.subject} expires in ${Math.floor(left)} days.`, hint: 'Plan its renewal now.' });
  }

  let key: ProfileCertificates['key'] = null;
  if (profile.secrets.clientKey) {
    const pem = await secrets.get(profile.id, 'clientKey');
    if (pem === null) {
      warnings.push({ code: 'secret_missing', message: 'The client key is missing from the keychain.', hint: 'Import the bundle or the key file again.' });
    } else {
      const encrypted = /ENCRYPTED/.test(pem);
      const passphrase = profile.secrets.passphrase ? ((await secrets.get(profile.id, 'passphrase')) ?? undefined) : undefined;
      try {
        const privateKey = createPrivateKey({ key: pem, passphrase });
        const leaf = chainCerts[0];
        const { keyType, keyBits } = keyDescription(createPublicKey(privateKey));
        const matchesCertificate = leaf ? leaf.checkPrivateKey(privateKey) : false;
        if (!matchesCertificate) warnings.push({ code: 'key_mismatch', message: 'The stored key does not belong to the client certificate.', hint: 'Import the certificate and key that were issued together.' });
        key = { source: 'keychain', keyType, keyBits, encrypted, storedIn: 'keychain', matchesCertificate };
      } catch {
        warnings.push({ code: 'key_unreadable', message: 'The stored client key cannot be decrypted with the stored passphrase.', hint: 'Enter the key passphrase again, or import the key again.' });
      }
    }
  }
  return { ca, clientChain, key, warnings };
}
