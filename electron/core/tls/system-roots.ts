/**
 * The "system" trust: Node's bundled roots plus the operating system's trust
 * store, which is where a company's own root CA is usually installed. Node only
 * uses its bundled roots by default; operators of the peer tools ask for the OS
 * store and do not get it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';

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

function osStore(platform: NodeJS.Platform, files: readonly string[]): string[] {
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
      const out = execFileSync(
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
      return readFileSync(file, 'utf8').match(PEM_BLOCK) ?? [];
    } catch {
      // try the next distribution's location
    }
  }
  return [];
}

export interface SystemTrust {
  /** PEM certificates of Node's bundle and the OS store, without duplicates. */
  certificates(): readonly string[];
}

export function createSystemTrust(options: { platform?: NodeJS.Platform; files?: readonly string[] } = {}): SystemTrust {
  let cached: readonly string[] | null = null;
  return {
    certificates() {
      if (!cached) {
        const normalise = (pem: string) => pem.replace(/\r\n/g, '\n').trim();
        const all = [...tls.rootCertificates, ...osStore(options.platform ?? process.platform, options.files ?? LINUX_TRUST_FILES)];
        cached = [...new Set(all.map(normalise))];
      }
      return cached;
    },
  };
}
