/**
 * The one error type the PKCS#12 and password-based-encryption readers let
 * escape, with a code the import turns into an operator-facing message.
 */
export type Pkcs12ErrorCode = 'pkcs12_wrong_password' | 'pkcs12_password_required' | 'pkcs12_unsupported' | 'pkcs12_malformed' | 'pkcs12_too_large' | 'kdf_too_costly';

export class Pkcs12Error extends Error {
  constructor(
    readonly code: Pkcs12ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'Pkcs12Error';
  }
}
