/**
 * The real keychain: keytar (macOS Keychain, Windows Credential Manager, the
 * Secret Service on Linux). Loaded lazily so a machine without a working native
 * module gets a clear "keychain unavailable" instead of a crash at start.
 */
import type { KeychainBackend } from './secret-store';

export function keytarBackend(): KeychainBackend {
  let loading: Promise<KeychainBackend> | null = null;
  const load = (): Promise<KeychainBackend> => {
    loading ??= import('keytar').then((m) => (m.default ?? m) as KeychainBackend);
    return loading;
  };
  return {
    getPassword: async (s, a) => (await load()).getPassword(s, a),
    setPassword: async (s, a, p) => (await load()).setPassword(s, a, p),
    deletePassword: async (s, a) => (await load()).deletePassword(s, a),
    findCredentials: async (s) => (await load()).findCredentials(s),
  };
}
