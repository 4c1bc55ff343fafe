/**
 * Which secret store a run uses. The OS keychain whenever one answers, even
 * when it refuses (locked, denied, no default collection): that stays a clear
 * error, never a silent move to memory. Only when nothing answers at all (no
 * D-Bus session, no Secret Service provider on it, no default macOS keychain,
 * no Windows logon session) do secrets live in the session keychain, in memory
 * for this run. The decision reads what the keychain actually said; anything
 * not recognised as "absent" counts as a refusal.
 */
import { keytarBackend } from './keytar-backend';
import { SecretStore, SERVICE, type KeychainBackend } from './secret-store';
import { sessionKeychain } from './session-keychain';

export type KeychainAnswer = 'absent' | 'refused';

/**
 * Messages that mean no keychain is there to ask, by platform. Each comes from
 * what keytar reported on a machine in that situation (see the unit test for
 * the exact texts): libsecret/GDBus on Linux, SecCopyErrorMessageString on
 * macOS, FormatMessage on Windows.
 */
const ABSENT: Partial<Record<NodeJS.Platform, RegExp[]>> = {
  linux: [
    // No session bus: none in the environment and none to autolaunch.
    /Cannot autolaunch D-Bus without X11 \$DISPLAY/,
    /dbus-launch/,
    // DBUS_SESSION_BUS_ADDRESS names a bus that is gone.
    /^Could not connect: (No such file or directory|Connection refused)/,
    // A bus, but nothing on it provides the Secret Service.
    /org\.freedesktop\.secrets was not provided by any \.service files/,
    // The Secret Service client library is not installed, so nothing could be asked.
    /libsecret-1\.so(\.\d+)?: cannot open shared object file/,
  ],
  darwin: [/A default keychain could not be found\./, /The specified keychain could not be found\./],
  // Credential Manager needs a loaded logon session (absent over a network logon such as ssh).
  win32: [/A specified logon session does not exist\./],
};

export function classifyKeychainError(message: string, platform: NodeJS.Platform = process.platform): KeychainAnswer {
  return (ABSENT[platform] ?? []).some((pattern) => pattern.test(message)) ? 'absent' : 'refused';
}

export interface OpenStoreOptions {
  backend?: KeychainBackend;
  service?: string;
  platform?: NodeJS.Platform;
}

/**
 * Asks the OS keychain once, with a read of an entry that does not exist: it
 * needs no unlock prompt, and it fails only when nothing answers or the
 * keychain itself refuses.
 */
export async function openSecretStore(options: OpenStoreOptions = {}): Promise<SecretStore> {
  const backend = options.backend ?? keytarBackend();
  const service = options.service ?? SERVICE;
  try {
    await backend.getPassword(service, 'probe/none');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (classifyKeychainError(message, options.platform) === 'absent') {
      return new SecretStore(sessionKeychain(), service, { kind: 'session', reason: message.slice(0, 300) });
    }
  }
  return new SecretStore(backend, service);
}
