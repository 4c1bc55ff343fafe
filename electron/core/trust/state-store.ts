/**
 * What the trust feature keeps between runs, in `trust.json` in the data
 * folder: each connection's broker chain as last seen (public certificates
 * only, DER as base64) with its last revocation report, and the day each
 * certificate's expiry was last told. Written like the profiles file
 * (temporary file, fsync, rename, the previous good version kept as a
 * backup), writes coalesced so a burst of handshakes is one write. A damaged
 * file falls back to its backup, or to nothing: it only records what brokers
 * showed, so nothing the operator configured can be lost with it.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { RevocationReportSchema, type RevocationReport } from '../../../shared/revocation';
import type { AppError } from '../../../shared/result';
import type { Logger } from '../logger';
import { writeFileAtomic } from '../profiles/atomic-file';
import type { SeenChain } from './inventory';

export const TRUST_FILE = 'trust.json';
const FORMAT = 1;
/** A chain is a few certificates; anything longer is not one Node verified. */
const MAX_CHAIN = 16;
const MAX_CERT_BASE64 = 96 * 1024;
/** seenAt alone is rewritten at most this often (the chain itself whenever it changes). */
const SEEN_REWRITE_MS = 3_600_000;

const StateSchema = z.object({
  version: z.number().int(),
  chains: z.record(
    z.string().max(64),
    z.object({
      seenAt: z.number(),
      certificates: z.array(z.string().max(MAX_CERT_BASE64)).max(MAX_CHAIN),
      revocation: RevocationReportSchema.nullable(),
    }),
  ),
  /** fingerprint256 → YYYY-MM-DD (UTC) of the last expiry alert. */
  notified: z.record(z.string().max(128), z.string().max(10)),
});
type State = z.infer<typeof StateSchema>;

export class TrustStateStore {
  readonly file: string;
  private readonly chains = new Map<string, SeenChain>();
  private notified = new Map<string, string>();
  private persistedSeenAt = new Map<string, number>();
  private diskGood = false;
  private dirty = false;
  private writing: Promise<void> | null = null;
  /** What the operator should know about the last load (a damaged file). */
  notice: AppError | null = null;

  constructor(
    dir: string,
    private readonly logger: Logger,
  ) {
    this.file = path.join(dir, TRUST_FILE);
  }

  private async read(file: string): Promise<State | 'missing' | string> {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return code === 'ENOENT' ? 'missing' : `unreadable (${code ?? String(error)})`;
    }
    try {
      const parsed = StateSchema.safeParse(JSON.parse(text));
      if (!parsed.success) return 'not in the expected format';
      if (parsed.data.version > FORMAT) return `written by a newer version (format ${parsed.data.version})`;
      return parsed.data;
    } catch {
      return 'not valid JSON';
    }
  }

  async load(): Promise<void> {
    let state = await this.read(this.file);
    if (typeof state === 'string' && state !== 'missing') {
      const why = state;
      state = await this.read(`${this.file}.bak`);
      this.notice = {
        code: 'trust_state_recovered',
        message: `The record of brokers' last-seen chains was ${why}; ${typeof state === 'object' ? 'its backup was used' : 'it starts afresh'}.`,
        hint: 'Nothing to do: each connection records its broker\'s chain again at its next handshake.',
      };
      this.logger.warn(this.notice.message);
      // The damaged file is replaced at the next write; it must not become the backup.
      this.diskGood = false;
    } else this.diskGood = state !== 'missing';
    if (typeof state !== 'object') return;
    for (const [id, chain] of Object.entries(state.chains)) {
      this.chains.set(id, { seenAt: chain.seenAt, certificates: chain.certificates.map((b) => Buffer.from(b, 'base64')), revocation: chain.revocation });
      this.persistedSeenAt.set(id, chain.seenAt);
    }
    this.notified = new Map(Object.entries(state.notified));
  }

  all(): ReadonlyMap<string, SeenChain> {
    return this.chains;
  }

  /** Records the chain a broker presented; true when it differs from the one recorded before. */
  recordChain(connectionId: string, certificates: readonly Buffer[], now: number): boolean {
    const chain = certificates.slice(0, MAX_CHAIN).filter((der) => der.length <= (MAX_CERT_BASE64 * 3) / 4);
    const before = this.chains.get(connectionId);
    const changed = !before || before.certificates.length !== chain.length || before.certificates.some((der, i) => !der.equals(chain[i] as Buffer));
    this.chains.set(connectionId, { seenAt: now, certificates: [...chain], revocation: changed ? null : (before?.revocation ?? null) });
    if (changed || now - (this.persistedSeenAt.get(connectionId) ?? 0) > SEEN_REWRITE_MS) this.save();
    return changed;
  }

  recordRevocation(connectionId: string, report: RevocationReport): void {
    const chain = this.chains.get(connectionId);
    if (!chain) return;
    chain.revocation = report;
    this.save();
  }

  /** Connections that were deleted take their record with them. */
  forget(connectionIds: Iterable<string>): void {
    let any = false;
    for (const id of connectionIds) any = this.chains.delete(id) || any;
    if (any) this.save();
  }

  /** fingerprint256 → the day (YYYY-MM-DD, UTC) its expiry was last told. */
  notifiedDays(): ReadonlyMap<string, string> {
    return this.notified;
  }

  /** Replaces the record of expiry alerts (the caller keeps only certificates still in use). */
  setNotifiedDays(days: ReadonlyMap<string, string>): void {
    this.notified = new Map(days);
    this.save();
  }

  private snapshot(): string {
    const state: State = {
      version: FORMAT,
      chains: Object.fromEntries([...this.chains].map(([id, c]) => [id, { seenAt: c.seenAt, certificates: c.certificates.map((der) => der.toString('base64')), revocation: c.revocation }])),
      notified: Object.fromEntries(this.notified),
    };
    return `${JSON.stringify(state)}\n`;
  }

  /** Writes soon; writes requested meanwhile are one more write after this one. */
  private save(): void {
    this.dirty = true;
    if (this.writing) return;
    this.writing = (async () => {
      while (this.dirty) {
        this.dirty = false;
        const seen = new Map([...this.chains].map(([id, c]) => [id, c.seenAt]));
        try {
          await writeFileAtomic(this.file, this.snapshot(), { backup: this.diskGood });
          this.diskGood = true;
          this.persistedSeenAt = seen;
        } catch (error) {
          // A full or read-only disk costs the record of what brokers showed, nothing the operator made.
          this.logger.warn(`The record of brokers' chains could not be saved: ${(error as Error).message}`);
        }
      }
      this.writing = null;
    })();
  }

  /** Resolves once everything recorded so far is on disk (or failed to be written). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }
}
