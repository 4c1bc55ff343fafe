/**
 * The "system" trust: Node's bundled roots plus the operating system's trust
 * store, which is where a company's own root CA is usually installed. Node only
 * uses its bundled roots by default; operators of the peer tools ask for the OS
 * store and do not get it.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import tls from 'node:tls';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Debian/Ubuntu, RHEL/Fedora, openSUSE, Alpine/macOS (in that order). */
export const LINUX_TRUST_FILES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/ca-bundle.pem',
  '/etc/ssl/cert.pem',
];

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

type CaLister = (type: 'system') => string[];

// Read asynchronously: the first connection that trusts the system roots may start while
// other connections take in messages on the same thread (a keychain dump takes seconds on macOS).
async function osStore(platform: NodeJS.Platform, files: readonly string[]): Promise<string[]> {
  // Node 22.15+ and Electron's Node can read the OS store themselves, Windows included.
  const lister = (tls as unknown as { getCACertificates?: CaLister }).getCACertificates;
  if (typeof lister === 'function') {
    try {
      return lister('system');
    } catch {
      // fall through to the manual readers
    }
  }
  if (platform === 'darwin') {
    try {
      const { stdout: out } = await execFileAsync(
        'security',
        ['find-certificate', '-a', '-p', '/Library/Keychains/System.keychain', '/System/Library/Keychains/SystemRootCertificates.keychain'],
        { encoding: 'utf8', timeout: 10_000, maxBuffer: 32 * 1024 * 1024 },
      );
      return out.match(PEM_BLOCK) ?? [];
    } catch {
      return [];
    }
  }
  for (const file of files) {
    try {
      return (await readFile(file, 'utf8')).match(PEM_BLOCK) ?? [];
    } catch {
      // try the next distribution's location
    }
  }
  return [];
}

export interface SystemTrust {
  /** Reads the OS store once (later calls share the first read); call before `certificates()`. */
  load(): Promise<void>;
  /** PEM certificates of Node's bundle and the OS store, without duplicates; Node's bundle alone before `load()` settles. */
  certificates(): readonly string[];
}

export function createSystemTrust(options: { platform?: NodeJS.Platform; files?: readonly string[] } = {}): SystemTrust {
  const normalise = (pem: string) => pem.replace(/\r\n/g, '\n').trim();
  const unique = (pems: readonly string[]) => [...new Set(pems.map(normalise))];
  let cached: readonly string[] = unique(tls.rootCertificates);
  let loading: Promise<void> | null = null;
  return {
    load() {
      loading ??= osStore(options.platform ?? process.platform, options.files ?? LINUX_TRUST_FILES).then((os) => {
        cached = unique([...tls.rootCertificates, ...os]);
      });
      return loading;
    },
    certificates: () => cached,
  };
}
