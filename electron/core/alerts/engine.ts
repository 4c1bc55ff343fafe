/**
 * The alert engine, in the core so alerts fire with no window open. It turns
 * the saved rules of every connection into conditions (conditions.ts), feeds
 * them what they watch, and owns what they raise: one alert per rule (or per
 * `raise`d source item), each change recorded (journal.ts), notified (the
 * injected notifier: Electron's desktop notification in main; the browser's
 * own from the `alerts.changed` event), pushed to windows and listed.
 *
 * Cost on the message loop: telemetry asks once per series and once per
 * topic whether anything watches it (`sampleSink`, `topicWatch`); a series or
 * topic no rule watches costs nothing more, a watched one a call per sample or
 * message. Everything that depends on time alone runs on one timer, set to
 * the next moment a condition could change (silence, down, "for N seconds"),
 * never per message.
 */
import { notificationText, ruleTitle, watchedKey, type AlertChange, type AlertChangeKind, type AlertHistory, type AlertHistoryRequest, type AlertKind, type AlertList, type AlertRecord, type AlertRule, type AlertView, type WatchedSeries } from '../../../shared/alerts';
import { topicMatchesFilter } from '../../../shared/mqtt';
import type { Profile } from '../../../shared/profiles';
import { AppFailure } from '../../../shared/result';
import type { CertificateSummary } from '../../../shared/security';
import type { SessionView } from '../../../shared/sessions';
import { describeCertificate, parsePemCertificates } from '../certificates/x509';
import type { Logger } from '../logger';
import type { TelemetryWatcher, TopicWatch } from '../telemetry/service';
import { systemClock, type AlertClock } from './clock';
import { DownCondition, ExpiryCondition, GradeCondition, SilenceCondition, ThresholdCondition, type Condition, type Outlet } from './conditions';
import { recordMatches, type AlertJournal, type AlertMeta, type SavedAlert } from './journal';

/** What reaches the operator's desktop for a fired or cleared alert. */
export interface AlertNotice {
  title: string;
  body: string;
  key: string;
  change: 'fired' | 'cleared';
}
export type AlertNotifier = (notice: AlertNotice) => void;

/** An alert raised by another part of the app (the certificate inventory), kept until it is resolved. */
export interface RaisedAlert {
  /** Who raises it (`certificates`): with `id`, the alert's identity. */
  source: string;
  id: string;
  /** `expiry` for a certificate, `raised` for anything else. */
  kind?: Extract<AlertKind, 'expiry' | 'raised'>;
  connectionId?: string | null;
  title: string;
  detail: string;
  value?: number | null;
}

export interface AlertEngineOptions {
  clock?: AlertClock;
  notify?: AlertNotifier;
  /** Where changes are recorded and states kept across restarts; without one, alerts are live-only. */
  journal?: AlertJournal | null;
  /** Every change, for the windows (`alerts.changed`). */
  emit?: (change: AlertChange) => void;
  logger?: Logger;
}

/** Records kept in memory (all there is when the database is not available). */
export const MEMORY_RECORDS = 1000;

/** The engine's side of one alert: its identity, the current alert, the mute. */
class Slot implements Outlet {
  alert: AlertView | null = null;
  mutedUntil: number | null = null;
  /** Fired before the saved states were read back: settled against them once they are (see `restore`). */
  deferred = false;

  constructor(
    private readonly engine: AlertEngine,
    public meta: AlertMeta,
  ) {}

  get firing(): boolean {
    return this.alert?.state === 'firing';
  }

  fire(detail: string, value: number | null, at: number): void {
    this.engine.fired(this, detail, value, at);
  }

  clear(detail: string, value: number | null, at: number, quiet = false): void {
    this.engine.cleared(this, detail, value, at, quiet);
  }

  saved(): SavedAlert {
    return { key: this.meta.key, meta: this.meta, alert: this.alert, mutedUntil: this.mutedUntil };
  }
}

export function ruleKey(connectionId: string, ruleId: string): string {
  return `rule:${connectionId}:${ruleId}`;
}

/** The client certificate chain saved with a connection, for its expiry rule; unreadable means none to watch. */
function savedChain(profile: Profile): CertificateSummary[] {
  if (!profile.tls.clientCertificate) return [];
  try {
    return parsePemCertificates(profile.tls.clientCertificate).map(describeCertificate);
  } catch {
    return [];
  }
}

interface Built {
  signature: string;
  condition: Condition;
}

export class AlertEngine implements TelemetryWatcher {
  private readonly clock: AlertClock;
  private readonly slots = new Map<string, Slot>();
  private conditions = new Map<string, Built>();
  private thresholds = new Map<string, ThresholdCondition[]>();
  private silences = new Map<string, SilenceCondition[]>();
  private watchers = new Map<string, Condition[]>();
  private readonly views = new Map<string, SessionView>();
  private readonly recent: AlertRecord[] = [];
  private watched: WatchedSeries[] = [];
  private restoring: boolean;
  private timerAt = Number.POSITIVE_INFINITY;
  private cancelTimer: (() => void) | null = null;
  private disposed = false;

  constructor(private readonly options: AlertEngineOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.restoring = !!options.journal;
  }

  // ---- rules

  /** Applies the rules of every saved profile; conditions of unchanged rules keep their state. */
  configure(profiles: readonly Profile[]): void {
    const now = this.clock.now();
    const next = new Map<string, Built>();
    const keep = new Set<string>();
    for (const profile of profiles) {
      for (const rule of profile.alerts) {
        if (!rule.enabled) continue;
        const key = ruleKey(profile.id, rule.id);
        keep.add(key);
        const meta: AlertMeta = {
          key,
          connectionId: profile.id,
          ruleId: rule.id,
          chartId: rule.chartId,
          seriesKey: rule.kind === 'threshold' ? watchedKey(rule) : null,
          kind: rule.kind,
          source: 'rules',
          title: `${profile.name}: ${ruleTitle(rule)}`,
        };
        const slot = this.slot(meta);
        const signature = JSON.stringify([rule, rule.kind === 'expiry' ? profile.tls.clientCertificate : null]);
        const before = this.conditions.get(key);
        if (before && before.signature === signature) {
          next.set(key, before);
          continue;
        }
        const condition = this.build(profile, rule, slot);
        next.set(key, { signature, condition });
        condition.session(this.views.get(condition.connectionId) ?? null, now);
      }
    }
    for (const [key, slot] of this.slots) {
      if (keep.has(key) || slot.meta.source !== 'rules') continue;
      this.retire(slot, profiles.some((p) => p.id === slot.meta.connectionId) ? 'The rule was removed or turned off' : 'The connection was deleted', now);
    }
    // Raised alerts about a deleted connection go with it.
    for (const slot of [...this.slots.values()]) {
      if (slot.meta.source !== 'rules' && slot.meta.connectionId !== null && !profiles.some((p) => p.id === slot.meta.connectionId)) this.retire(slot, 'The connection was deleted', now);
    }
    this.conditions = next;
    this.index();
  }

  private slot(meta: AlertMeta): Slot {
    let slot = this.slots.get(meta.key);
    if (!slot) this.slots.set(meta.key, (slot = new Slot(this, meta)));
    else if (JSON.stringify(slot.meta) !== JSON.stringify(meta)) {
      slot.meta = meta;
      if (slot.alert) slot.alert = { ...slot.alert, title: meta.title, chartId: meta.chartId };
    }
    return slot;
  }

  private build(profile: Profile, rule: AlertRule, slot: Slot): Condition {
    const wake = (at: number) => this.wake(at);
    switch (rule.kind) {
      case 'threshold':
        return new ThresholdCondition(rule, slot, wake);
      case 'silence':
        return new SilenceCondition(rule, rule.connectionId ?? profile.id, slot, wake);
      case 'down':
        return new DownCondition(rule, profile.id, slot, wake);
      case 'grade':
        return new GradeCondition(rule, profile.id, slot);
      case 'expiry':
        return new ExpiryCondition(rule, profile.id, savedChain(profile), slot, wake);
    }
  }

  /** The lookups the hot paths use: series key → thresholds, connection → silences and session watchers. */
  private index(): void {
    const thresholds = new Map<string, ThresholdCondition[]>();
    const silences = new Map<string, SilenceCondition[]>();
    const watchers = new Map<string, Condition[]>();
    const series = new Map<string, WatchedSeries>();
    for (const { condition } of this.conditions.values()) {
      if (condition instanceof ThresholdCondition) {
        const key = watchedKey(condition.rule);
        thresholds.set(key, [...(thresholds.get(key) ?? []), condition]);
        series.set(key, condition.rule.series);
      } else {
        if (condition instanceof SilenceCondition) silences.set(condition.connectionId, [...(silences.get(condition.connectionId) ?? []), condition]);
        watchers.set(condition.connectionId, [...(watchers.get(condition.connectionId) ?? []), condition]);
      }
    }
    this.thresholds = thresholds;
    this.silences = silences;
    this.watchers = watchers;
    this.watched = [...series.values()];
  }

  /** A slot whose rule (or connection) is gone: a firing alert is closed on the record, quietly, and the slot forgotten. */
  private retire(slot: Slot, why: string, now: number): void {
    if (slot.firing) this.cleared(slot, why, null, now, true);
    this.slots.delete(slot.meta.key);
    if (slot.alert) this.options.emit?.({ alert: slot.alert, change: 'removed', notify: false });
    if (!this.restoring) this.options.journal?.write([], [], [slot.meta.key]);
  }

  /** The series threshold rules watch: telemetry extracts and keeps them like charted ones. */
  series(): WatchedSeries[] {
    return this.watched;
  }

  // ---- what the conditions watch (called by telemetry and the sessions)

  sampleSink(key: string): ((time: number, value: number) => void) | null {
    const list = this.thresholds.get(key);
    if (!list) return null;
    const [only] = list;
    if (list.length === 1 && only) return (t, v) => only.sample(t, v);
    return (t, v) => {
      for (const c of list) c.sample(t, v);
    };
  }

  topicWatch(connectionId: string, topic: string): TopicWatch | null {
    const matched = (this.silences.get(connectionId) ?? []).filter((c) => topicMatchesFilter(c.rule.filter, topic));
    if (matched.length === 0) return null;
    return (time, retain) => {
      // A retained message replayed on subscribing says nothing about the device now.
      if (retain) return;
      for (const c of matched) c.heard(time, topic);
    };
  }

  session(view: SessionView): void {
    this.views.set(view.id, view);
    const now = this.clock.now();
    for (const c of this.watchers.get(view.id) ?? []) c.session(view, now);
  }

  /** A connection that is gone (deleted): its session says nothing any more. */
  forgetSession(id: string): void {
    this.views.delete(id);
  }

  // ---- the timer

  private wake(at: number): void {
    if (this.disposed || at >= this.timerAt) return;
    this.cancelTimer?.();
    this.timerAt = at;
    this.cancelTimer = this.clock.setTimer(() => this.onTimer(), at - this.clock.now());
  }

  private onTimer(): void {
    this.timerAt = Number.POSITIVE_INFINITY;
    this.cancelTimer = null;
    const now = this.clock.now();
    for (const { condition } of this.conditions.values()) condition.tick(now);
  }

  // ---- alerts raised by other parts of the app

  /** Fires (or keeps firing) an alert about something the app found elsewhere; `resolve` clears it. */
  raise(input: RaisedAlert): AlertView {
    const key = `${input.source.slice(0, 40)}:${input.id.slice(0, 150)}`;
    const slot = this.slot({ key, connectionId: input.connectionId ?? null, ruleId: null, chartId: null, seriesKey: null, kind: input.kind ?? 'raised', source: input.source, title: input.title });
    if (!slot.firing) slot.fire(input.detail, input.value ?? null, this.clock.now());
    return slot.alert as AlertView;
  }

  /** Clears a raised alert (nothing happens when it is not firing). */
  resolve(source: string, id: string, detail = 'Resolved'): void {
    const slot = this.slots.get(`${source.slice(0, 40)}:${id.slice(0, 150)}`);
    if (slot?.firing) slot.clear(detail, null, this.clock.now());
  }

  // ---- changes

  fired(slot: Slot, detail: string, value: number | null, at: number): void {
    // Shutting down: sessions closing now say nothing about the connections.
    if (this.disposed) return;
    slot.alert = { ...slot.meta, state: 'firing', detail, value, firedAt: at, clearedAt: null, acknowledgedAt: null, mutedUntil: slot.mutedUntil };
    if (this.restoring) {
      slot.deferred = true;
      return;
    }
    this.publish(slot, 'fired', at, false);
  }

  cleared(slot: Slot, detail: string, value: number | null, at: number, quiet: boolean): void {
    const alert = slot.alert;
    if (this.disposed || !alert || alert.state !== 'firing') return;
    if (slot.deferred) {
      // Fired and cleared before the saved states came back: nothing to tell.
      slot.deferred = false;
      slot.alert = null;
      return;
    }
    slot.alert = { ...alert, state: 'cleared', clearedAt: at, detail, value };
    this.publish(slot, 'cleared', at, quiet);
  }

  private publish(slot: Slot, change: AlertChangeKind, at: number, quiet: boolean): void {
    const alert = slot.alert as AlertView;
    const { key, connectionId, ruleId, chartId, seriesKey, kind, title, detail, value } = alert;
    const record: AlertRecord = { at, key, connectionId, ruleId, chartId, seriesKey, kind, change, title, detail, value };
    this.recent.push(record);
    if (this.recent.length > MEMORY_RECORDS) this.recent.splice(0, this.recent.length - MEMORY_RECORDS);
    this.options.journal?.write([record], [slot.saved()], []);
    const now = this.clock.now();
    const notify = (change === 'fired' || change === 'cleared') && !quiet && !(slot.mutedUntil !== null && slot.mutedUntil > now);
    if (notify && this.options.notify) {
      try {
        this.options.notify({ ...notificationText(alert, change as 'fired' | 'cleared'), key: alert.key, change: change as 'fired' | 'cleared' });
      } catch (error) {
        this.options.logger?.warn(`A notification could not be shown: ${(error as Error).message}`);
      }
    }
    this.options.emit?.({ alert, change, notify });
  }

  // ---- what the operator does

  private slotWithAlert(key: string): Slot & { alert: AlertView } {
    const slot = this.slots.get(key);
    if (!slot?.alert) throw new AppFailure('not_found', 'That alert is not listed any more.', 'Its rule may have been removed; the alert list shows what is current.');
    return slot as Slot & { alert: AlertView };
  }

  acknowledge(key: string): AlertView {
    const slot = this.slotWithAlert(key);
    if (slot.alert.acknowledgedAt !== null) return slot.alert;
    const now = this.clock.now();
    slot.alert = { ...slot.alert, acknowledgedAt: now };
    this.publish(slot, 'acknowledged', now, true);
    return slot.alert;
  }

  mute(key: string, minutes: number): AlertView {
    const slot = this.slotWithAlert(key);
    const now = this.clock.now();
    slot.mutedUntil = minutes > 0 ? now + minutes * 60_000 : null;
    slot.alert = { ...slot.alert, mutedUntil: slot.mutedUntil };
    this.publish(slot, minutes > 0 ? 'muted' : 'unmuted', now, true);
    return slot.alert;
  }

  list(): AlertList {
    const alerts = [...this.slots.values()]
      .map((s) => s.alert)
      .filter((a): a is AlertView => a !== null && (a.state === 'firing' || a.acknowledgedAt === null) && !(this.restoring && this.slots.get(a.key)?.deferred))
      .sort((a, b) => (a.state === b.state ? Math.max(b.firedAt, b.clearedAt ?? 0) - Math.max(a.firedAt, a.clearedAt ?? 0) : a.state === 'firing' ? -1 : 1));
    return { alerts, recorded: this.options.journal?.recording() ?? false };
  }

  async history(query: AlertHistoryRequest): Promise<AlertHistory> {
    const stored = await this.options.journal?.history(query).catch((error: unknown) => {
      this.options.logger?.warn(`Alert history could not be read from the database: ${(error as Error).message}`);
      return null;
    });
    if (stored) return { records: stored, from: 'database' };
    const records: AlertRecord[] = [];
    for (let i = this.recent.length - 1; i >= 0 && records.length < query.limit; i--) {
      const r = this.recent[i] as AlertRecord;
      if (recordMatches(r, query)) records.push(r);
    }
    return { records, from: 'memory' };
  }

  // ---- restart

  /**
   * Reads back the states saved before a restart. Until then, alerts that fire
   * are held (not notified, not recorded); afterwards an alert that was
   * already firing before the restart stays the same alert, unannounced, and
   * acknowledgements and mutes hold. Conditions then look again at what they
   * know, so one whose cause went away meanwhile clears.
   */
  async restore(): Promise<void> {
    if (!this.restoring) return;
    let saved: SavedAlert[] | null = null;
    try {
      saved = (await this.options.journal?.load()) ?? null;
    } catch (error) {
      this.options.logger?.warn(`Saved alert states could not be read: ${(error as Error).message}`);
    }
    this.restoring = false;
    if (this.disposed) return;
    const now = this.clock.now();
    const forget: string[] = [];
    for (const s of saved ?? []) {
      let slot = this.slots.get(s.key);
      if (!slot && s.meta.source !== 'rules') this.slots.set(s.key, (slot = new Slot(this, s.meta)));
      if (!slot) {
        forget.push(s.key);
        continue;
      }
      slot.mutedUntil = s.mutedUntil !== null && s.mutedUntil > now ? s.mutedUntil : null;
      const restored = s.alert ? { ...s.alert, title: slot.meta.title, chartId: slot.meta.chartId, mutedUntil: slot.mutedUntil } : null;
      if (slot.deferred && restored?.state !== 'firing') continue;
      // The same episode as before the restart, or nothing happened since: the saved alert stands.
      slot.deferred = false;
      slot.alert = restored;
    }
    if (forget.length) this.options.journal?.write([], [], forget);
    for (const slot of this.slots.values()) {
      if (!slot.deferred) continue;
      slot.deferred = false;
      if (slot.alert) slot.alert = { ...slot.alert, mutedUntil: slot.mutedUntil };
      this.publish(slot, 'fired', slot.alert?.firedAt ?? now, false);
    }
    for (const { condition } of this.conditions.values()) {
      condition.session(this.views.get(condition.connectionId) ?? null, now);
      condition.tick(now);
    }
  }

  dispose(): void {
    this.disposed = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
  }
}
