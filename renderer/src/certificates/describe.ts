/**
 * How the renderer words a certificate or key: its common name and its key
 * type. The core describes certificates; this only formats what it
 * sent (expiry: shared/expiry.ts).
 */

/** The CN of a one-line subject such as `O=Acme, CN=device-001`, or null. */
export function commonName(subject: string | null | undefined): string | null {
  if (!subject) return null;
  const match = /(?:^|[,/]\s*)CN=((?:\\,|[^,/])+)/.exec(subject);
  return match?.[1]?.replace(/\\,/g, ',').trim() || null;
}

/** `EC P-256`, `RSA 4096`, `Ed25519`: the bits only when the type does not already say them. */
export function keyLabel(keyType: string | null | undefined, keyBits: number | null | undefined): string {
  if (!keyType) return 'unknown key';
  return keyBits && !/\d/.test(keyType) ? `${keyType} ${keyBits}` : keyType;
}
