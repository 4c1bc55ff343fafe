/**
 * The core's description of a saved connection's certificates and key
 * (`profiles.describe`), read again whenever its certificates or stored
 * secrets change. Nothing to read for a connection not saved yet.
 */
import { useEffect, useState } from 'react';
import type { ProfileCertificates } from '../../../shared/certificates';
import type { Profile } from '../../../shared/profiles';
import type { AppError } from '../../../shared/result';
import { useClient } from '../app/services';
import { useAction } from '../feedback/use-action';

export interface Description {
  described: ProfileCertificates | null;
  error: AppError | null;
  loading: boolean;
}

export function useDescription(profile: Profile | null): Description {
  const client = useClient();
  const [described, setDescribed] = useState<ProfileCertificates | null>(null);
  const { busy, error, run } = useAction();
  const id = profile?.id ?? null;
  const basis = profile ? JSON.stringify([profile.id, profile.tls.ca, profile.tls.clientCertificate, profile.secrets]) : '';
  useEffect(() => {
    if (id === null) return;
    // A newer read (the basis changed again) silences this one's answer.
    void run(() => client.invoke('profiles.describe', { id }), { onValue: setDescribed });
    // `basis` stands for the parts of the profile the description depends on.
  }, [basis, id, client, run]);
  if (id === null) return { described: null, error: null, loading: false };
  // Before the first answer, the section is reading.
  return { described: error ? null : described, error, loading: busy || (!described && !error) };
}
