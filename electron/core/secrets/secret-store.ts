/**
 * Secrets (private keys, passphrases, passwords) in the OS keychain, one
 * account per profile and item. Values over ~2 KB are split into chunks because
 * Windows' credential store caps an entry near 2.5 KB and an RSA-4096 key is
 * larger. There is no fallback: if a keychain exists but cannot be used, saving
 * fails. Only where no OS keychain exists at all does the same store run over
 * the session keychain (memory, this run only; see `open-store.ts`).
 */
import { createHash } from 'node:crypto';
import type { KeychainStatus } from '../../../shared/contract';
import type { SecretItem } from '../../../shared/profiles';
import { AppFailure } from '../../../shared/result';

/** The keytar calls we use; also what a test double would have to honour. */
export interface KeychainBackend {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

export const SERVICE = 'mqtts-dashboard';
/** Maximum UTF-8 bytes per keychain entry. */
export const CHUNK_BYTES = 2000;

const PLAIN = 's:';
const CHUNKED = 'c:';

function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Splits on code point boundaries so every chunk is at most `limit` UTF-8 bytes. */
export function chunkUtf8(value: string, limit = CHUNK_BYTES): string[] {
  const chunks: string[] = [];
  let current = '';
  let bytes = 0;
  for (const ch of value) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (bytes + size > limit) {
      chunks.push(current);
      current = '';
      bytes = 0;
    }
    current += ch;
    bytes += size;
  }
  if (current || chunks.length === 0) chunks.push(current);
  return chunks;
}

export function keychainFailure(error: unknown): AppFailure {
  const detail = error instanceof Error ? error.message : String(error);
  const hint =
    process.platform === 'linux'
      ? 'Unlock your Secret Service keyring (GNOME Keyring or KWallet) by logging in to the desktop, or without one with `gnome-keyring-daemon --unlock`, then try again.'
      : process.platform === 'darwin'
        ? 'Unlock the login keychain (Keychain Access) and allow this app to use it, then try again.'
        : 'Check that Windows Credential Manager is available for your user, then try again.';
  return new AppFailure('keychain_unavailable', `The OS keychain cannot be used (${detail.slice(0, 200)}). Private keys and passwords are never stored anywhere else.`, hint);
}

/** Where a store keeps secrets; `session` only when no OS keychain answered, with what it answered. */
export type StoreHome = { kind: 'os' } | { kind: 'session'; reason: string };

export class SecretStore {
  private probes = 0;

  constructor(
    private readonly backend: KeychainBackend,
    readonly service: string = SERVICE,
    readonly home: StoreHome = { kind: 'os' },
  ) {}

  /** Where a secret saved now ends up, in the operator's words. */
  get where(): string {
    return this.home.kind === 'session' ? 'memory until the app closes (no OS keychain found)' : 'the OS keychain';
  }

  private account(profileId: string, item: SecretItem): string {
    return `${profileId}/${item}`;
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw keychainFailure(error);
    }
  }

  /** Round-trips a throwaway entry: the only honest test that the keychain is usable now. */
  private async roundTrip(): Promise<void> {
    // One account per call: two probes at once must not read each other's entry.
    const account = `probe/${process.pid}-${++this.probes}`;
    await this.call(async () => {
      await this.backend.setPassword(this.service, account, 'probe');
      const back = await this.backend.getPassword(this.service, account);
      await this.backend.deletePassword(this.service, account);
      if (back !== 'probe') throw new Error('the keychain did not return what was stored');
    });
  }

  async status(): Promise<KeychainStatus> {
    if (this.home.kind === 'session') return { store: 'session', available: true, detail: this.home.reason };
    try {
      await this.roundTrip();
      return { store: 'os', available: true, detail: 'OS keychain available.' };
    } catch (error) {
      return { store: 'os', available: false, detail: (error as Error).message };
    }
  }

  /**
   * Every entry of this app. keytar's listing crashes the whole process on a
   * locked Secret Service collection that holds entries (libsecret hands back
   * no value; seen with gnome-keyring), so a locked keychain is found out first
   * by the round trip, which fails with a clear error instead.
   */
  private async credentials(): Promise<Array<{ account: string; password: string }>> {
    if (this.home.kind === 'os') await this.roundTrip();
    return this.call(() => this.backend.findCredentials(this.service));
  }

  async set(profileId: string, item: SecretItem, value: string): Promise<void> {
    const base = this.account(profileId, item);
    const previous = await this.chunkCount(base);
    const chunks = chunkUtf8(value);
    await this.call(async () => {
      if (chunks.length === 1 && Buffer.byteLength(PLAIN + value, 'utf8') <= CHUNK_BYTES) {
        await this.backend.setPassword(this.service, base, PLAIN + value);
      } else {
        // Chunks first, manifest last: a reader never sees a manifest whose chunks are missing.
        for (let i = 0; i < chunks.length; i++) await this.backend.setPassword(this.service, `${base}#${i}`, chunks[i] ?? '');
        await this.backend.setPassword(this.service, base, `${CHUNKED}${chunks.length}:${sha256(value)}`);
      }
    });
    const kept = chunks.length === 1 ? 0 : chunks.length;
    await this.deleteChunks(base, kept, previous);
  }

  async get(profileId: string, item: SecretItem): Promise<string | null> {
    const base = this.account(profileId, item);
    const head = await this.call(() => this.backend.getPassword(this.service, base));
    if (head === null) return null;
    if (head.startsWith(PLAIN)) return head.slice(PLAIN.length);
    const match = /^c:(\d+):([0-9a-f]{64})$/.exec(head);
    if (!match) throw new AppFailure('keychain_corrupt', `The keychain entry ${base} is not in a format this app wrote.`, 'Import the secret again.');
    const count = Number(match[1]);
    const parts: string[] = [];
    for (let i = 0; i < count; i++) {
      const part = await this.call(() => this.backend.getPassword(this.service, `${base}#${i}`));
      if (part === null) throw new AppFailure('keychain_corrupt', `Part ${i + 1} of ${count} of the keychain entry ${base} is missing.`, 'Import the secret again.');
      parts.push(part);
    }
    const value = parts.join('');
    if (sha256(value) !== match[2]) throw new AppFailure('keychain_corrupt', `The keychain entry ${base} does not match its checksum.`, 'Import the secret again.');
    return value;
  }

  async delete(profileId: string, item: SecretItem): Promise<void> {
    const base = this.account(profileId, item);
    const count = await this.chunkCount(base);
    await this.call(() => this.backend.deletePassword(this.service, base));
    await this.deleteChunks(base, 0, count);
  }

  /** Deletes every entry of a profile, including strays of an interrupted write. */
  async deleteProfile(profileId: string): Promise<void> {
    const prefix = `${profileId}/`;
    const all = await this.credentials();
    for (const { account } of all) {
      if (account.startsWith(prefix)) await this.call(() => this.backend.deletePassword(this.service, account));
    }
  }

  /** Accounts this app holds in the keychain (names only). */
  async accounts(): Promise<string[]> {
    const all = await this.credentials();
    return all.map((c) => c.account);
  }

  private async chunkCount(base: string): Promise<number> {
    const head = await this.call(() => this.backend.getPassword(this.service, base));
    const match = head ? /^c:(\d+):/.exec(head) : null;
    return match ? Number(match[1]) : 0;
  }

  private async deleteChunks(base: string, from: number, to: number): Promise<void> {
    for (let i = from; i < to; i++) await this.call(() => this.backend.deletePassword(this.service, `${base}#${i}`));
  }
}

/**
 * The store when it keeps secrets beyond this run (the OS keychain). What must
 * never end up in memory only goes here or nowhere: a private key moved out of
 * an old profiles file is erased from the file once moved, so moving it into
 * the session store would lose it at exit.
 */
export function lastingStore(store: SecretStore): SecretStore | undefined {
  return store.home.kind === 'os' ? store : undefined;
}
