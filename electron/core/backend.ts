/**
 * The composition root of the core: it builds the services, wires what follows
 * the saved profiles to the profile store's change announcements, and puts the
 * per-feature handler maps together (each feature's channels live in its own
 * folder's `handlers.ts`). Both transports (Electron IPC, the WebSocket host)
 * and the tests build exactly this; nothing here knows which transport is in use.
 */
import type { AppInfo } from '../../shared/contract';
import { AppFailure } from '../../shared/result';
import type { AlertClock } from './alerts/clock';
import { AlertEngine, type AlertNotifier } from './alerts/engine';
import { alertHandlers } from './alerts/handlers';
import { databaseJournal } from './alerts/journal';
import { appHandlers } from './app/handlers';
import { certificateHandlers } from './certificates/handlers';
import { ImportService } from './certificates/import-service';
import { Demo } from './demo/demo';
import { decoderHandlers } from './decoders/handlers';
import { demoHandlers } from './demo/handlers';
import { composeHandlers } from './ipc/compose';
import { createDispatcher, type Dispatch, type Handlers } from './ipc/dispatcher';
import { EventHub } from './ipc/events';
import { Exports, type ChooseExportFile } from './history/exports';
import { historyHandlers } from './history/handlers';
import { Recorder } from './history/recorder';
import { ChartViews } from './history/views';
import { consoleLogger, type Logger } from './logger';
import { dashboardHandlers, profileHandlers } from './profiles/handlers';
import { ProfileStore, type ProfileStoreOptions } from './profiles/profile-store';
import { settlePendingSecrets } from './secrets/pending';
import { lastingStore, type SecretStore } from './secrets/secret-store';
import type { BackoffPolicy } from './sessions/backoff';
import { sessionHandlers } from './sessions/handlers';
import { SessionManager } from './sessions/manager';
import { readSessionSecrets } from './sessions/profile-secrets';
import { SettingsStore } from './settings';
import { ClientFeeds } from './telemetry/client-feeds';
import { telemetryHandlers, topicHandlers } from './telemetry/handlers';
import { Telemetry } from './telemetry/service';
import { createSystemTrust, type SystemTrust } from './tls/system-roots';
import { trustHandlers } from './trust/handlers';
import { TrustService, type TrustServiceOptions } from './trust/service';

export { consoleLogger, type Logger } from './logger';

export interface BackendOptions {
  dataDir: string;
  secrets: SecretStore;
  transport: AppInfo['transport'];
  version: string;
  systemTrust?: SystemTrust;
  logger?: Logger;
  backoff?: BackoffPolicy;
  connectTimeoutMs?: number;
  profileStore?: ProfileStoreOptions;
  /** Overrides the saved sample budget (tests, benchmark). */
  sampleBudgetMB?: number;
  /** false: an installed demo is not restarted with the backend (tests that inspect it first). */
  resumeDemo?: boolean;
  /**
   * Check every handler result and pushed event against the contract's schemas
   * (violations are logged as errors and not delivered). The tests turn it on;
   * the app leaves it off: the results are typed from the same schemas, so it
   * only catches what types cannot (a NaN, a string too long), which the tests
   * exercise on every channel, while in the app it would parse every telemetry
   * batch and view (megabytes a second) on the thread that takes in MQTT
   * messages, and turn a slightly-off value into a failed call for the operator.
   */
  checkContract?: boolean;
  /** false: nothing is recorded (no history database is opened). */
  recordHistory?: boolean;
  /** Test hook: the history database's page limit, to reach a real "disk full". */
  historyMaxPageCount?: number;
  /** Desktop: main's save dialog for exports. Without it, exports are offered as browser downloads. */
  chooseExportFile?: ChooseExportFile;
  /** Desktop: shows an alert that fired or cleared (Electron's notification in main). The browser shows its own from `alerts.changed`. */
  notify?: AlertNotifier;
  /** Test hook: the alert engine's clock. */
  alertClock?: AlertClock;
  /** Test hooks of the trust feature (its clock, the revocation checker's fetch and deadline, its timers). */
  trust?: Pick<TrustServiceOptions, 'now' | 'checker' | 'expiryTimers'>;
}

export interface Backend {
  handlers: Handlers;
  dispatch: Dispatch;
  events: EventHub;
  profiles: ProfileStore;
  sessions: SessionManager;
  telemetry: Telemetry;
  /** The recorder (null when history is off) and the exports it serves. */
  history: { recorder: Recorder | null; exports: Exports; views: ChartViews };
  /** The alert engine; other parts of the app raise their own alerts through it (`raise`, `resolve`). */
  alerts: AlertEngine;
  demo: Demo;
  /** Certificates across every connection, revocation checks, the trust report. */
  trust: TrustService;
  dispose(): Promise<void>;
}

/** How long an installed demo waits for a window before it resumes anyway. */
const RESUME_DEMO_MS = 1500;

export async function createBackend(options: BackendOptions): Promise<Backend> {
  const logger = options.logger ?? consoleLogger;
  const events = new EventHub({
    checkPayloads: options.checkContract,
    onViolation: (name, violation) => logger.error(`Event ${name} refused`, violation),
  });
  const secrets = options.secrets;
  const profiles = new ProfileStore(options.dataDir, { secrets: lastingStore(secrets), onListenerError: (error) => logger.error('A profile change listener failed', error), ...options.profileStore });
  await profiles.load();
  if (profiles.notice) logger.warn(`${profiles.notice.code}: ${profiles.notice.message}`);
  // Connections whose secrets this run's store cannot give back ask for them instead of failing.
  await settlePendingSecrets(profiles, secrets).catch((error: unknown) => logger.warn(`Saved connections were not checked for lost secrets: ${(error as Error).message}`));

  const settings = new SettingsStore(options.dataDir);
  await settings.load();
  const recorder =
    options.recordHistory === false ? null : new Recorder({ dataDir: options.dataDir, logger, maxPageCount: options.historyMaxPageCount, onHealth: (health) => events.emit('history.changed', health) });
  const alerts = new AlertEngine({
    clock: options.alertClock,
    notify: options.notify,
    journal: recorder ? databaseJournal(recorder) : null,
    emit: (change) => events.emit('alerts.changed', change),
    logger,
  });
  const telemetry = new Telemetry({ budgetBytes: (options.sampleBudgetMB ?? settings.current.sampleBudgetMB) * 1024 * 1024, recorder: recorder ?? undefined, watcher: alerts });
  const views = new ChartViews(telemetry, recorder);
  const exports = new Exports({ recorder, profiles, emit: (progress) => events.emit('history.export', progress), chooseFile: options.chooseExportFile });
  const feeds = new ClientFeeds(telemetry, events, logger);
  const trust = new TrustService({
    dataDir: options.dataDir,
    profiles,
    // Into the alert list: the engine notifies (desktop or browser window) and records it like any alert.
    raiseAlert: (alert) => alerts.raise({ source: 'certificates', id: alert.fingerprint256, kind: 'expiry', title: alert.title, detail: alert.body }),
    onChanged: () => events.emit('trust.changed', { at: Date.now() }),
    logger,
    ...options.trust,
  });
  await trust.start();
  if (trust.state.notice) logger.warn(`${trust.state.notice.code}: ${trust.state.notice.message}`);
  const sessions = new SessionManager({
    secrets: (profile) => readSessionSecrets(secrets, profile),
    systemTrust: options.systemTrust ?? createSystemTrust(),
    backoff: options.backoff,
    connectTimeoutMs: options.connectTimeoutMs,
    onChange: (view) => {
      events.emit('sessions.changed', view);
      alerts.session(view);
    },
    onMessage: (id, topic, payload, qos, retain) => telemetry.ingest(id, topic, payload, qos, retain),
    trust: (profile) => trust.transportTrust(profile),
  });
  // The demo drives the same channels an operator's actions do, validation included
  // (`dispatch` is defined below; the demo only calls it once the backend is up).
  const demo = new Demo(
    async (name, request) => {
      const result = await dispatch(name, request);
      if (!result.ok) throw AppFailure.from(result.error);
      return result.value as never;
    },
    profiles,
    settings,
  );

  // What follows the saved profiles learns of every change from the store itself.
  // Decoder rules before the charts: a newly charted series is seeded from its topic's kept messages as they decode.
  const decodersSaved = () => profiles.list().forEach((p) => telemetry.setDecoders(p.id, p.decoders));
  decodersSaved();
  profiles.onChange(decodersSaved);
  // The alert rules first: telemetry asks the engine which series and topics it watches.
  const chartSaved = () => {
    alerts.configure(profiles.list());
    telemetry.setCharted([...profiles.list().flatMap((p) => p.dashboard.charts.flatMap((c) => c.series)), ...alerts.series().map((s) => ({ ...s, label: '' }))]);
  };
  telemetry.configureHistory(profiles.list());
  chartSaved();
  // Alerts that fired before a restart resume from the history database (not announced again).
  void alerts.restore();
  recorder?.configure(profiles.list());
  profiles.onChange(({ removed }) => {
    for (const id of removed) {
      telemetry.removeConnection(id);
      alerts.forgetSession(id);
    }
    telemetry.configureHistory(profiles.list());
    chartSaved();
  });
  profiles.onChange(() => recorder?.configure(profiles.list()));
  profiles.onChange(({ saved }) => saved.forEach((profile) => sessions.updated(profile)));
  profiles.onChange(() => events.emit('profiles.changed', profiles.list()));

  const imports = new ImportService(profiles, secrets);
  const handlers = composeHandlers(
    appHandlers({ version: options.version, transport: options.transport, secrets, profiles }),
    profileHandlers({ profiles, secrets, sessions, afterDelete: (id) => demo.connectionDeleted(id) }),
    dashboardHandlers({ profiles }),
    certificateHandlers({ imports, events }),
    sessionHandlers({ profiles, sessions, secrets }),
    topicHandlers({ telemetry, sessions, profiles }),
    decoderHandlers({ telemetry, sessions }),
    telemetryHandlers({ telemetry, views, feeds, settings }),
    historyHandlers({ recorder, exports, profiles }),
    alertHandlers({ alerts, profiles }),
    demoHandlers({ demo }),
    trustHandlers({ trust, sessions, exports, version: options.version }),
  );
  const dispatchNow = createDispatcher(handlers, {
    onInternalError: (name, error) => logger.error(`Handler ${name} failed`, error),
    checkResults: options.checkContract,
  });

  // A demo installed before a restart resumes: its broker lived in the previous process.
  // Not at once: starting its broker and devices takes this thread a few hundred milliseconds,
  // which a window opening now needs more. It resumes once a window has read its charts' first
  // views (answered from the recorded history, so the charts draw without waiting for the demo,
  // and the demo's start no longer delays those answers), or after RESUME_DEMO_MS without any
  // (a window that shows no chart, or no window at all).
  let resumeDemo: (() => void) | null = null;
  let resumeTimer: NodeJS.Timeout | null = null;
  /** Chart reads of windows under way while the demo waits: it resumes when the first ones are all answered. */
  let viewsReading = 0;
  if (demo.status().profileId && options.resumeDemo !== false) {
    resumeDemo = () => {
      resumeDemo = null;
      if (resumeTimer) clearTimeout(resumeTimer);
      void demo.resume().catch((error: unknown) => logger.error('The demo could not be resumed', error));
    };
    resumeTimer = setTimeout(() => resumeDemo?.(), RESUME_DEMO_MS);
  }
  const dispatch: Dispatch = (name, payload, context) => {
    const result = dispatchNow(name, payload, context);
    if (context && resumeDemo && name === 'telemetry.view') {
      viewsReading++;
      // After the answer is on its way (the transport sends it from its own reaction to the same promise).
      // Both ways: a chained promise of its own would be an unhandled rejection if the dispatch ever failed.
      const answered = () => {
        if (--viewsReading === 0) setImmediate(() => resumeDemo?.());
      };
      void result.then(answered, answered);
    }
    return result;
  };

  return {
    handlers,
    dispatch,
    events,
    profiles,
    sessions,
    telemetry,
    history: { recorder, exports, views },
    alerts,
    demo,
    trust,
    dispose: async () => {
      resumeDemo = null;
      if (resumeTimer) clearTimeout(resumeTimer);
      imports.cancelAll();
      alerts.dispose();
      telemetry.dispose();
      await sessions.dispose();
      await demo.stop();
      await trust.dispose();
      // Last: whatever arrived until the sessions closed is written before the file is closed.
      await recorder?.dispose();
    },
  };
}
