/**
 * One condition per enabled rule: what makes its alert fire and clear. Each
 * is a small state machine fed by what the engine hands it (a sample, a
 * message on a watched topic, a session view, the timer) and told nothing
 * else; it says `fire` or `clear` to its outlet, which the engine owns (one
 * alert per rule: recorded, notified, listed). Times come from the engine's
 * injectable clock or the sample itself, never from Date.now.
 */
import { formatDuration, type AlertRule, type SilenceRule, type ThresholdRule } from '../../../shared/alerts';
import { expiryOf, expiryPhrase } from '../../../shared/expiry';
import type { CertificateSummary, Grade } from '../../../shared/security';
import type { SessionState, SessionView } from '../../../shared/sessions';
import { isSilent } from '../../../shared/staleness';

/** The engine's side of one alert, as a condition sees it. */
export interface Outlet {
  readonly firing: boolean;
  fire(detail: string, value: number | null, at: number): void;
  /** `quiet`: recorded and listed, but no notification (a clear nobody needs to be told of). */
  clear(detail: string, value: number | null, at: number, quiet?: boolean): void;
}

/** Asks the engine to call `tick` again at (or soon after) `at`. */
export type Wake = (at: number) => void;

export interface Condition {
  readonly rule: AlertRule;
  /** The connection whose session, messages or samples it watches. */
  readonly connectionId: string;
  /** Looks again at what depends on time alone (silence, how long down, how long past a threshold). */
  tick(now: number): void;
  /** The watched connection's session changed (null: it has none, as after a start). */
  session(view: SessionView | null, now: number): void;
}

const number = (v: number) => String(Number(v.toPrecision(6)));
const seconds = (ms: number) => formatDuration(Math.max(0, Math.round(ms / 1000)));

/** A value past a threshold (for N seconds), clearing only once back past the clear-again value. */
export class ThresholdCondition implements Condition {
  private pendingSince: number | null = null;
  private last: number | null = null;
  private readonly clearAt: number;

  constructor(
    readonly rule: ThresholdRule,
    private readonly outlet: Outlet,
    private readonly wake: Wake,
  ) {
    this.clearAt = rule.clearAt ?? rule.value;
  }

  get connectionId(): string {
    return this.rule.series.connectionId;
  }

  private past(v: number): boolean {
    return this.rule.direction === 'above' ? v > this.rule.value : v < this.rule.value;
  }

  private back(v: number): boolean {
    return this.rule.direction === 'above' ? v <= this.clearAt : v >= this.clearAt;
  }

  private fireDetail(v: number): string {
    const held = this.rule.forSeconds > 0 ? ` for ${formatDuration(this.rule.forSeconds)}` : '';
    return `${number(v)}: ${this.rule.direction} ${number(this.rule.value)}${held}`;
  }

  /** One sample of the watched series: the hot path of a watched series, a few comparisons. */
  sample(t: number, v: number): void {
    if (Number.isNaN(v)) return;
    this.last = v;
    if (this.outlet.firing) {
      if (this.back(v)) {
        this.pendingSince = null;
        this.outlet.clear(`Back to ${number(v)} (at or ${this.rule.direction === 'above' ? 'below' : 'above'} ${number(this.clearAt)})`, v, t);
      }
      return;
    }
    if (!this.past(v)) {
      this.pendingSince = null;
      return;
    }
    if (this.pendingSince === null) this.pendingSince = t;
    const due = this.pendingSince + this.rule.forSeconds * 1000;
    if (t >= due) this.outlet.fire(this.fireDetail(v), v, t);
    else this.wake(due);
  }

  tick(now: number): void {
    if (this.outlet.firing || this.pendingSince === null || this.last === null) return;
    const due = this.pendingSince + this.rule.forSeconds * 1000;
    // The last value is still past the threshold (a sample back would have ended the wait).
    if (now >= due) this.outlet.fire(this.fireDetail(this.last), this.last, now);
    else this.wake(due);
  }

  session(): void {
    // A value's alert follows its samples alone; a down connection has its own rule.
  }
}

const UP: SessionState = 'connected';
/** States in which a connection is wanted up but is not: the operator asked for it, the broker is not there. */
const TRYING: ReadonlySet<SessionState> = new Set(['connecting', 'reconnecting', 'failed']);

/**
 * Nothing (but retained messages replayed on subscribing) on the topics a
 * filter matches for N seconds, counted while the connection is up: a broker
 * outage is the connection's alert, not one per device. Silence is measured
 * from the last message, or from when the connection came up if none came since.
 */
export class SilenceCondition implements Condition {
  private lastAt: number | null = null;
  private lastTopic: string | null = null;
  private upSince: number | null = null;

  constructor(
    readonly rule: SilenceRule,
    readonly connectionId: string,
    private readonly outlet: Outlet,
    private readonly wake: Wake,
  ) {}

  /**
   * A live message on a watched topic: one assignment, and a clear when it
   * ends a silence. A clear sets the timer again, since `tick` stops asking
   * while firing: the same device falling silent again must fire again.
   */
  heard(t: number, topic: string): void {
    const before = this.lastAt ?? this.upSince;
    this.lastAt = t;
    this.lastTopic = topic;
    if (!this.outlet.firing) return;
    this.outlet.clear(`${topic} spoke again${before === null ? '' : ` after ${seconds(t - before)} of silence`}`, null, t);
    this.wake(t + this.rule.seconds * 1000);
  }

  session(view: SessionView | null, now: number): void {
    const up = view?.state === UP;
    if (up && this.upSince === null) {
      this.upSince = now;
      this.wake(now + this.rule.seconds * 1000);
    }
    if (!up) this.upSince = null;
  }

  tick(now: number): void {
    if (this.upSince === null || this.outlet.firing) return;
    const since = Math.max(this.lastAt ?? Number.NEGATIVE_INFINITY, this.upSince);
    if (!isSilent(since, now, this.rule.seconds)) {
      this.wake(since + this.rule.seconds * 1000);
      return;
    }
    const detail =
      this.lastTopic !== null && this.lastAt !== null && this.lastAt >= this.upSince
        ? `Last message on ${this.lastTopic}, ${seconds(now - this.lastAt)} ago`
        : `No message since the connection came up ${seconds(now - this.upSince)} ago`;
    this.outlet.fire(detail, null, now);
  }
}

/** The connection trying to (re)connect for N seconds; a disconnect by the operator is not "down". */
export class DownCondition implements Condition {
  private downSince: number | null = null;
  private why = '';
  private state: SessionState = 'idle';

  constructor(
    readonly rule: Extract<AlertRule, { kind: 'down' }>,
    readonly connectionId: string,
    private readonly outlet: Outlet,
    private readonly wake: Wake,
  ) {}

  session(view: SessionView | null, now: number): void {
    const state = view?.state ?? 'idle';
    this.state = state;
    if (state === UP) {
      if (this.outlet.firing) this.outlet.clear(`Connected again after ${seconds(now - (this.downSince ?? now))}`, null, now);
      this.downSince = null;
      this.why = '';
      return;
    }
    if (!TRYING.has(state)) {
      if (this.outlet.firing) this.outlet.clear(view ? `Disconnected: ${view.reason}` : 'Not connected since the app started', null, now, true);
      this.downSince = null;
      this.why = '';
      return;
    }
    // The error that took it down says more than "connecting" between two retries.
    if (view?.error) this.why = view.error.message;
    else if (!this.why) this.why = view?.reason ?? '';
    this.downSince ??= now;
    this.tick(now);
  }

  tick(now: number): void {
    if (this.downSince === null || this.outlet.firing || !TRYING.has(this.state)) return;
    const due = this.downSince + this.rule.seconds * 1000;
    if (now >= due) this.outlet.fire(`Not connected for ${seconds(now - this.downSince)}${this.why ? `: ${this.why}` : ''}`, null, now);
    else this.wake(due);
  }
}

const BELOW_SECURE: ReadonlySet<Grade> = new Set(['warning', 'insecure']);

/** The grade below secure; `unknown` (no handshake yet, or reconnecting) says nothing either way. */
export class GradeCondition implements Condition {
  constructor(
    readonly rule: Extract<AlertRule, { kind: 'grade' }>,
    readonly connectionId: string,
    private readonly outlet: Outlet,
  ) {}

  session(view: SessionView | null, now: number): void {
    const grade = view?.security.grade ?? 'unknown';
    if (grade === 'secure' && this.outlet.firing) this.outlet.clear('Graded secure again', null, now);
    if (BELOW_SECURE.has(grade) && !this.outlet.firing) {
      const security = (view as SessionView).security;
      const why = security.reasons.find((r) => r.level === grade) ?? security.reasons.find((r) => r.level !== 'ok');
      this.outlet.fire(`Graded ${grade}${why ? `: ${why.message}` : ''}`, null, now);
    }
  }

  tick(): void {
    // Grades change with handshakes only.
  }
}

/** Certificates are looked at again this often: their days left change slowly. */
export const EXPIRY_CHECK_MS = 3600_000;

/**
 * A certificate in use ending within N days: the connection's client
 * certificate chain as saved, and the broker's chain (and the client
 * certificate it was shown) as the last handshake saw them.
 */
export class ExpiryCondition implements Condition {
  private seen: CertificateSummary[] = [];

  constructor(
    readonly rule: Extract<AlertRule, { kind: 'expiry' }>,
    readonly connectionId: string,
    private readonly saved: readonly CertificateSummary[],
    private readonly outlet: Outlet,
    private readonly wake: Wake,
  ) {}

  session(view: SessionView | null, now: number): void {
    const tls = view?.security.tls;
    // "As last seen": a connection that drops keeps the chain its last handshake showed.
    if (tls && tls.peerChain.length > 0) this.seen = [...tls.peerChain, ...(tls.clientCertificate ? [tls.clientCertificate] : [])];
    this.tick(now);
  }

  tick(now: number): void {
    let soonest: { cert: CertificateSummary; daysLeft: number; phrase: string } | null = null;
    for (const cert of [...this.saved, ...this.seen]) {
      const expiry = expiryOf({ notAfter: cert.notAfter, notBefore: cert.notBefore }, now);
      if (expiry && (!soonest || expiry.daysLeft < soonest.daysLeft)) soonest = { cert, daysLeft: expiry.daysLeft, phrase: expiryPhrase(expiry) };
    }
    const due = soonest !== null && soonest.daysLeft < this.rule.days;
    if (due && !this.outlet.firing && soonest) this.outlet.fire(`${soonest.cert.subject} ${soonest.phrase}`, Math.floor(soonest.daysLeft), now);
    if (!due && this.outlet.firing) this.outlet.clear(`No certificate in use ends within ${this.rule.days === 1 ? '1 day' : `${this.rule.days} days`} now`, null, now);
    this.wake(now + EXPIRY_CHECK_MS);
  }
}
