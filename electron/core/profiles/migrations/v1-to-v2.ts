/**
 * Format 1 → 2: connections hold no private key. Format 1 accepted any text
 * with a certificate block in the client certificate and CA fields, so a
 * combined certificate-and-key file was saved in the clear (issue 10.3). Each
 * such field keeps its certificate blocks only. A key that came with the client
 * certificate is handed to the store, which moves it to the keychain unless the
 * connection already has its key there; a key among the CAs is dropped (no CA
 * file has a use for one).
 */
import { joinCertificates, readCertificateField, type CertificateFieldContent } from '../../../../shared/pem';
import { isRecord, type FoundSecret, type MigrationStep } from './step';

/** What the field holds besides certificates, counting only the first `keysKept` private keys as accounted for. */
function extras(content: CertificateFieldContent, keysKept = 0): string[] {
  const out: string[] = [];
  const keys = content.privateKeys.length - keysKept;
  if (keys > 0) out.push(keys === 1 ? 'a private key' : `${keys} private keys`);
  for (const label of content.others) out.push(`a "${label}" block`);
  if (content.unterminated) out.push(`an unfinished "${content.unterminated}" block`);
  return out;
}

/** Certificates only; everything else was something the field should not have held. */
function clean(content: CertificateFieldContent): boolean {
  return content.privateKeys.length === 0 && content.others.length === 0 && content.unterminated === null;
}

export const v1ToV2: MigrationStep = {
  from: 1,
  run(profiles) {
    const notes: string[] = [];
    const secrets: FoundSecret[] = [];
    const migrated = profiles.map((profile) => {
      if (!isRecord(profile) || !isRecord(profile.tls)) return profile;
      const name = typeof profile.name === 'string' ? profile.name : 'A connection';
      const tls = { ...profile.tls };

      if (Array.isArray(tls.ca)) {
        tls.ca = tls.ca.flatMap((pem) => {
          if (typeof pem !== 'string') return [pem];
          const content = readCertificateField(pem);
          if (clean(content)) return [pem];
          notes.push(`${name}: removed from its CA certificates: ${extras(content).join(', ')}.`);
          return content.certificates.length ? [joinCertificates(content.certificates)] : [];
        });
      }

      if (typeof tls.clientCertificate === 'string') {
        const content = readCertificateField(tls.clientCertificate);
        if (!clean(content)) {
          tls.clientCertificate = content.certificates.length ? joinCertificates(content.certificates) : null;
          const key = content.privateKeys[0];
          const id = typeof profile.id === 'string' ? profile.id : null;
          if (key !== undefined && id !== null) secrets.push({ profileId: id, profileName: name, item: 'clientKey', value: key });
          const removed = extras(content, key !== undefined && id !== null ? 1 : 0);
          if (removed.length) notes.push(`${name}: removed from its client certificate: ${removed.join(', ')}.`);
        }
      }
      return { ...profile, tls };
    });
    return { profiles: migrated, notes, secrets };
  },
};
