/**
 * The trust feature's service: gives each connection attempt its hooks
 * (record the chain the broker presented; check its revocation, the socket
 * corked meanwhile), keeps the record of last-seen chains and their checks,
 * computes the certificates inventory (certificate facts kept by
 * fingerprint, so a large fleet is not re-read on every look), renders the
 * trust report, and tells the operator of certificates nearing their end:
 * at start (once windows have attached), every hour, and when a broker
 * shows a new chain, each certificate once per day, through `raiseAlert`,
 * the one hook the alert engine takes over.
 */
import { createHash } from 'node:crypto';
import type { Profile } from '../../../shared/profiles';
import type { SessionView } from '../../../shared/sessions';
import type { CertificateAlert, CertificateInventory } from '../../../shared/trust';
import type { Logger } from '../logger';
import type { ProfileStore } from '../profiles/profile-store';
import type { TransportTrust } from '../sessions/transport';
import { dueAlerts } from './expiry-alerts';
import { buildInventory, certificateFacts, type CertificateFacts } from './inventory';
import { renderReport, reportFileName, type ConnectionVerdict } from './report';
import { checkRevocation, RevocationChecker, type CheckerDeps } from './revocation';
import { TrustStateStore } from './state-store';
import { Verifier } from './verifier';

const EXPIRY_CHECK_EVERY_MS = 3_600_000;
/** The first look after start waits for windows (and main's notifications) to attach. */
const FIRST_CHECK_MS = 15_000;
/** A new chain is looked at shortly after, once a burst of handshakes has settled. */
const AFTER_CHAIN_MS = 2_000;
const MAX_KEPT_FACTS = 4096;

export interface TrustServiceOptions {
  dataDir: string;
  profiles: Pick<ProfileStore, 'list' | 'onChange'>;
  /**
   * Where an expiring certificate is told: the alert engine's `raise`, which
   * puts it in the alert list and notifies like any alert (it fires once and
   * stays until acknowledged; telling it again the next day changes nothing).
   */
  raiseAlert: (alert: CertificateAlert) => void;
  /** The inventory changed (a chain seen, a revocation checked): windows refresh their view. */
  onChanged?: () => void;
  logger: Logger;
  now?: () => number;
  /** Test hooks for the checker (a fetch, a deadline). */
  checker?: Partial<Omit<CheckerDeps, 'verifier' | 'now'>>;
  /** false: no timer looks for expiring certificates (the command line computes one inventory and ends). */
  expiryTimers?: boolean;
}

export class TrustService {
  readonly state: TrustStateStore;
  readonly checker: RevocationChecker;
  private readonly verifier = new Verifier();
  private readonly facts = new Map<string, CertificateFacts>();
  private readonly timers: NodeJS.Timeout[] = [];
  private soon: NodeJS.Timeout | null = null;
  private stopFollowing: (() => void) | null = null;

  constructor(private readonly options: TrustServiceOptions) {
    this.state = new TrustStateStore(options.dataDir, options.logger);
    this.checker = new RevocationChecker({ ...options.checker, verifier: this.verifier, now: options.now });
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  async start(): Promise<void> {
    await this.state.load();
    const ids = new Set(this.options.profiles.list().map((p) => p.id));
    this.state.forget([...this.state.all().keys()].filter((id) => !ids.has(id)));
    this.stopFollowing = this.options.profiles.onChange(({ removed }) => {
      if (removed.length) {
        this.state.forget(removed);
        this.changed();
      }
    });
    if (this.options.expiryTimers === false) return;
    const first = setTimeout(() => this.checkExpiry(), FIRST_CHECK_MS);
    const every = setInterval(() => this.checkExpiry(), EXPIRY_CHECK_EVERY_MS);
    first.unref();
    every.unref();
    this.timers.push(first, every);
  }

  private changed(): void {
    this.options.onChanged?.();
  }

  /** The hooks of one connection attempt (sessions/transport.ts calls them). */
  transportTrust(profile: Profile): TransportTrust {
    return {
      seen: (chain) => {
        if (!chain.length) return;
        if (this.state.recordChain(profile.id, chain, this.now())) {
          this.changed();
          this.checkExpirySoon();
        }
      },
      check: async (chain, stapled) => {
        const outcome = await checkRevocation(this.checker, { chain, stapled, settings: profile.tls.revocation }, (error) => this.options.logger.error('The revocation check failed unexpectedly', error), this.now());
        this.state.recordRevocation(profile.id, outcome.report);
        this.changed();
        return outcome;
      },
    };
  }

  private factsOf(der: Buffer): CertificateFacts {
    const key = createHash('sha256').update(der).digest('hex');
    let facts = this.facts.get(key);
    if (!facts) {
      facts = certificateFacts(der);
      if (this.facts.size >= MAX_KEPT_FACTS) this.facts.delete(this.facts.keys().next().value as string);
      this.facts.set(key, facts);
    }
    return facts;
  }

  inventory(): CertificateInventory {
    return buildInventory({ profiles: this.options.profiles.list(), chains: this.state.all(), now: this.now() }, (der) => this.factsOf(der));
  }

  /** Raises the alerts due now; returns them. */
  checkExpiry(): CertificateAlert[] {
    try {
      const due = dueAlerts(this.inventory(), this.state.notifiedDays(), this.now());
      for (const alert of due.alerts) this.options.raiseAlert(alert);
      this.state.setNotifiedDays(due.notified);
      return due.alerts;
    } catch (error) {
      this.options.logger.error('Looking for expiring certificates failed', error);
      return [];
    }
  }

  private checkExpirySoon(): void {
    if (this.soon || this.options.expiryTimers === false) return;
    this.soon = setTimeout(() => {
      this.soon = null;
      this.checkExpiry();
    }, AFTER_CHAIN_MS);
    this.soon.unref();
  }

  /** Every connection's verdict: live from its session in this run, the recorded chain and check from any run. */
  verdicts(sessions: readonly SessionView[]): ConnectionVerdict[] {
    const live = new Map(sessions.map((s) => [s.id, s]));
    const chains = this.state.all();
    return this.options.profiles.list().map((p) => {
      const view = live.get(p.id);
      const chain = chains.get(p.id);
      const seen = view && view.state !== 'idle';
      return {
        name: p.name,
        group: p.group,
        url: p.url,
        state: seen ? view.state : null,
        grade: seen ? view.security.grade : null,
        reasons: seen ? view.security.reasons : [],
        chainSeenAt: chain?.seenAt ?? null,
        revocation: chain?.revocation ?? null,
      };
    });
  }

  report(sessions: readonly SessionView[], appVersion: string): { fileName: string; html: string } {
    const generatedAt = this.now();
    return { fileName: reportFileName(generatedAt), html: renderReport({ inventory: this.inventory(), connections: this.verdicts(sessions), generatedAt, appVersion }) };
  }

  async dispose(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    if (this.soon) clearTimeout(this.soon);
    this.stopFollowing?.();
    this.verifier.dispose();
    await this.state.flush();
  }
}
