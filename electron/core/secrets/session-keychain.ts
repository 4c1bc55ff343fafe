/**
 * The session keychain: secrets held in this process's memory, for a machine
 * where no OS keychain answers at all (a server without a desktop session).
 * Nothing here is ever written anywhere: the entries die with the process.
 * Only `openSecretStore` chooses it, and never when an OS keychain exists.
 */
import type { KeychainBackend } from './secret-store';

export function sessionKeychain(): KeychainBackend {
  const services = new Map<string, Map<string, string>>();
  const entries = (service: string) => {
    let map = services.get(service);
    if (!map) services.set(service, (map = new Map()));
    return map;
  };
  return {
    getPassword: async (service, account) => entries(service).get(account) ?? null,
    setPassword: async (service, account, password) => void entries(service).set(account, password),
    deletePassword: async (service, account) => entries(service).delete(account),
    findCredentials: async (service) => [...entries(service)].map(([account, password]) => ({ account, password })),
  };
}
