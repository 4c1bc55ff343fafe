/**
 * One connection to one broker: an mqtt.js client per attempt over our own
 * transport, the state machine with the reason of every transition, reconnects
 * with backoff, resubscription, and the security verdict of the latest
 * handshake. Retries network trouble and protocol errors of the broker; gives
 * up on what retrying cannot fix. A link watch between the socket and mqtt.js
 * refuses oversized and forbidden packets and notices a silent link; faults
 * are counted in the view. Publishing needs a live connection: nothing is
 * queued, and a QoS 1/2 message still unacknowledged when the link drops is
 * reported as unconfirmed, never dropped silently. The verdict of the last
 * handshake that completed is kept with its time, so an outage shows what was
 * last verified instead of erasing it. A connection that signs in with a SAS
 * token gets a fresh token at every attempt and reconnects with a new one
 * before the current one expires.
 */
import { randomBytes } from 'node:crypto';
import type { IClientOptions, IPublishPacket, MqttClient } from 'mqtt';
import type { Profile, Qos, Subscription } from '../../../shared/profiles';
import { AppFailure } from '../../../shared/result';
import type { SecurityStatus, TlsDetails } from '../../../shared/security';
import { NO_LINK_FAULTS, type LastVerdict, type LinkFaults, type SessionState, type SessionView, type Transition } from '../../../shared/sessions';
import { describeCertificate, parsePemCertificates } from '../certificates/x509';
import { gradeConnection, isEncrypted, isUntrustedPeer } from '../tls/grade';
import { translateError, type ErrorContext, type TranslatedError } from '../tls/errors';
import { withRefusal } from '../tls/inspect';
import { buildTlsOptions, checkIdentity, CodedError, serverName, type ClientIdentity } from '../tls/options';
import type { SystemTrust } from '../tls/system-roots';
import { backoffDelay, DEFAULT_BACKOFF, wasStable, type BackoffPolicy } from './backoff';
import { causeOfClientError, causeOfLinkFault, causeOfReasonCode, isProtocolError } from './faults';
import { LinkWatch } from './link-watch';
import { mqttJs } from './mqtt-library';
import { attemptPassword } from './sas-token';
import { parseTarget, type Target } from './target';
import { openStream, type TransportTrust } from './transport';

/**
 * mqtt.js logs through `debug` several times per message (a rest-argument
 * array each, and an `enabled` check): about 0.25 µs of every message's
 * time in the ingest benchmark, for output nobody sees. Unless `DEBUG` asks
 * for any logging at start, the client gets a no-op logger instead; with
 * `DEBUG=mqttjs*` it keeps its own.
 */
const MQTT_LOG: IClientOptions['log'] = process.env.DEBUG ? undefined : () => undefined;

export interface SessionSecrets extends ClientIdentity {
  password?: string;
  /** Signs the SAS token of each attempt (profiles with `sasToken`); never sent itself. */
  deviceKey?: string;
}

export interface SessionDeps {
  /** Reads the profile's secrets (from the keychain) at the start of each attempt. */
  secrets: (profile: Profile) => Promise<SessionSecrets>;
  systemTrust: SystemTrust;
  onChange: (view: SessionView) => void;
  /** Called once per MQTT message, with plain arguments: nothing is allocated for it. */
  onMessage: (sessionId: string, topic: string, payload: Buffer, qos: Qos, retain: boolean) => void;
  backoff?: BackoffPolicy;
  /** Handshake plus CONNACK must finish within this time. */
  connectTimeoutMs?: number;
  /** false: one attempt only, any failure is final (the CLI's probe). */
  retry?: boolean;
  /** Revocation checks and the record of the broker's chain, per attempt (electron/core/trust/); absent: neither. */
  trust?: (profile: Profile) => TransportTrust | null;
  now?: () => number;
}

const HISTORY_LIMIT = 50;
const ACTIVE: readonly SessionState[] = ['connecting', 'connected', 'reconnecting'];

/** A message published from the dashboard, sent and not yet acknowledged (or, for QoS 0, not yet written). */
interface InFlight {
  topic: string;
  qos: Qos;
  reject: (failure: AppFailure) => void;
}

export class Session {
  private profile: Profile;
  private target: Target;
  private state: SessionState = 'idle';
  private reason = 'Not connected yet.';
  private error: TranslatedError | null = null;
  private tls: TlsDetails | null = null;
  /** The verdict of the last completed handshake (accepted, or refused for the broker's identity). */
  private lastVerdict: LastVerdict | null = null;
  private history: Transition[] = [];
  private attempt = 0;
  /** Failed attempts in a row, connections that did not last counted in: drives the backoff. */
  private failures = 0;
  private connectedAt = 0;
  private faults: LinkFaults = { ...NO_LINK_FAULTS };
  private readonly inFlight = new Set<InFlight>();
  private nextRetryAt: number | null = null;
  private client: MqttClient | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Reconnects with a fresh SAS token before the one in use expires. */
  private renewTimer: NodeJS.Timeout | null = null;
  /** Bumped whenever an attempt is superseded, so late events of old clients are ignored. */
  private generation = 0;
  private subscribed = new Map<string, Qos>();
  private readonly deps: SessionDeps;

  constructor(profile: Profile, deps: SessionDeps) {
    this.profile = profile;
    this.target = parseTarget(profile.url);
    this.deps = deps;
  }

  get id(): string {
    return this.profile.id;
  }

  get currentState(): SessionState {
    return this.state;
  }

  /** Replaces the profile. Connection settings apply at the next attempt; subscriptions at once. */
  update(profile: Profile): void {
    // A verdict is about one broker as reached with these settings; another URL or TLS setup starts afresh.
    if (profile.url !== this.profile.url || JSON.stringify(profile.tls) !== JSON.stringify(this.profile.tls)) this.lastVerdict = null;
    this.profile = profile;
    if (this.state === 'idle' || this.state === 'closed' || this.state === 'failed') this.target = parseTarget(profile.url);
    if (this.state === 'connected') this.syncSubscriptions();
    this.emit();
  }

  view(): SessionView {
    return {
      id: this.profile.id,
      name: this.profile.name,
      url: this.profile.url,
      state: this.state,
      reason: this.reason,
      error: this.error ? { code: this.error.code, message: this.error.message, hint: this.error.hint } : null,
      attempt: this.attempt,
      nextRetryAt: this.nextRetryAt,
      history: [...this.history],
      faults: { ...this.faults },
      security: this.security(),
      lastVerdict: this.lastVerdict,
    };
  }

  private security(): SecurityStatus {
    return gradeConnection({
      transport: this.target.transport,
      tls: this.tls,
      error: this.error,
      // A SAS token is a password too: it grants the device's access to whoever reads it.
      usesPassword: this.profile.secrets.password || this.profile.sasToken !== null,
      now: this.now(),
    });
  }

  private keepVerdict(): void {
    const { grade, reasons } = this.security();
    this.lastVerdict = { grade, reasons, at: this.now() };
  }

  connect(): void {
    if (ACTIVE.includes(this.state)) return;
    this.target = parseTarget(this.profile.url);
    this.tls = null;
    this.error = null;
    this.attempt = 0;
    this.failures = 0;
    this.faults = { ...NO_LINK_FAULTS };
    this.transition('connecting', 'Connect requested by the operator.');
    void this.runAttempt();
  }

  /** Operator-initiated: stops retrying and closes the connection. */
  async disconnect(reason = 'Disconnected by the operator.'): Promise<void> {
    this.generation++;
    this.clearRetry();
    this.clearRenewal();
    const client = this.client;
    this.client = null;
    if (this.state !== 'idle' && this.state !== 'closed') this.transition('closed', reason);
    // A graceful end still lets acknowledgements in flight arrive; whatever is left was not confirmed.
    if (client) await endClient(client);
    this.dropInFlight('the connection was closed');
  }

  /**
   * Sends now or refuses: nothing is queued for later. A command an operator
   * sends is meant for the moment it is sent; delivered minutes later, after a
   * reconnect, it may do harm, and the operator has moved on. Resolves when
   * the broker acknowledged it (QoS 1/2) or it was written (QoS 0).
   */
  publish(topic: string, payload: Buffer, options: { qos: Qos; retain: boolean; properties?: IClientOptions['properties'] }): Promise<void> {
    const client = this.client;
    if (!client || this.state !== 'connected') return Promise.reject(this.refusal());
    return new Promise<void>((resolve, reject) => {
      const entry: InFlight = { topic, qos: options.qos, reject };
      this.inFlight.add(entry);
      client.publish(topic, payload, { qos: options.qos, retain: options.retain, properties: options.properties as never }, (error) => {
        if (!this.inFlight.delete(entry)) return;
        if (error) reject(unconfirmed(entry, `sending failed (${error.message})`));
        else resolve();
      });
    });
  }

  private refusal(): AppFailure {
    const name = this.profile.name;
    if (this.state === 'connecting' || this.state === 'reconnecting') {
      return new AppFailure('not_connected', `${name} is ${this.state}: the message was not sent, and nothing is queued.`, 'Send it again once the connection shows connected.');
    }
    return new AppFailure('not_connected', `${name} is not connected: the message was not sent.`, 'Connect first, then publish.');
  }

  private dropInFlight(why: string): void {
    for (const entry of this.inFlight) entry.reject(unconfirmed(entry, why));
    this.inFlight.clear();
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private transition(to: SessionState, reason: string): void {
    const from = this.state;
    this.state = to;
    this.reason = reason;
    this.history.push({ from, to, at: this.now(), reason });
    if (this.history.length > HISTORY_LIMIT) this.history.splice(0, this.history.length - HISTORY_LIMIT);
    this.emit();
  }

  private emit(): void {
    this.deps.onChange(this.view());
  }

  private errorContext(): ErrorContext {
    return {
      host: this.target.host,
      port: this.target.port,
      hasClientCertificate: !!this.profile.tls.clientCertificate,
      peerLeaf: this.tls?.peerChain[0] ?? null,
      peerChain: this.tls?.peerChain ?? [],
      trusted: { system: this.profile.tls.trust !== 'custom', subjects: trustedSubjects(this.profile.tls.trust === 'system' ? [] : this.profile.tls.ca) },
      minVersion: this.profile.tls.minVersion,
    };
  }

  private clearRenewal(): void {
    if (this.renewTimer) clearTimeout(this.renewTimer);
    this.renewTimer = null;
  }

  /**
   * The SAS token of this connection is about to expire (the hub would drop the
   * connection then): close it politely and connect again with a fresh token.
   * Not a lost connection: no alert, no fault counted, no backoff.
   */
  private renew(generation: number): void {
    this.renewTimer = null;
    if (generation !== this.generation || this.state !== 'connected') return;
    const renewing = ++this.generation;
    const client = this.client;
    this.client = null;
    this.transition('connecting', 'Renewing the SAS token before it expires: reconnecting with a fresh token.');
    void (async () => {
      if (client) await endClient(client);
      this.dropInFlight('the connection was renewed with a fresh SAS token');
      // The operator may have disconnected meanwhile.
      if (renewing === this.generation) await this.runAttempt();
    })();
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.nextRetryAt = null;
  }

  private async runAttempt(): Promise<void> {
    const generation = ++this.generation;
    this.attempt++;
    const profile = this.profile;
    const target = this.target;
    let secrets: SessionSecrets;
    let credentials: ReturnType<typeof attemptPassword>;
    try {
      secrets = await this.deps.secrets(profile);
      if (isEncrypted(target.transport)) {
        checkIdentity(profile.tls.clientCertificate, secrets);
        if (profile.tls.trust !== 'custom') await this.deps.systemTrust.load();
      }
      // Made per attempt from what the keychain gave: a SAS token is never kept beyond its connection.
      credentials = attemptPassword(profile, secrets, this.now());
    } catch (error) {
      if (generation !== this.generation) return;
      const translated: TranslatedError =
        error instanceof AppFailure ? { ...error.error, retryable: false, cause: null } : translateError(error, this.errorContext());
      this.settle(generation, translated, false);
      return;
    }
    if (generation !== this.generation) return;

    const encrypted = isEncrypted(target.transport);
    const hostname = serverName(profile.tls, target.host) ?? target.host;
    const tlsOptions = encrypted ? buildTlsOptions(profile.tls, target.host, profile.tls.clientCertificate, secrets, this.deps.systemTrust) : null;
    let handshakeDone = false;
    let connected = false;
    let cause: Error | null = null;
    let oversized: number | null = null;
    const watch = new LinkWatch({
      protocolVersion: profile.protocolVersion,
      maxPacketSize: profile.maxPacketSize,
      now: this.deps.now,
      onFault: (fault) => {
        if (fault.kind === 'too_large') oversized = fault.size;
        abort(causeOfLinkFault(fault));
      },
    });
    const observer = {
      onHandshake: (details: TlsDetails) => {
        if (generation !== this.generation) return;
        handshakeDone = true;
        this.tls = details;
      },
      onVerified: (details: TlsDetails) => {
        if (generation !== this.generation) return;
        this.tls = details;
        this.emit();
      },
    };
    const client = new mqttJs.MqttClient(
      () => watch.attach(openStream({ target, tls: tlsOptions, expect: { hostname, verify: profile.tls.verify, pins: profile.tls.pins }, observer, trust: encrypted ? this.deps.trust?.(profile) : null })),
      {
        protocolVersion: profile.protocolVersion,
        clientId: profile.clientId || `mqtts-dash-${randomBytes(4).toString('hex')}`,
        username: profile.username || undefined,
        password: credentials.password,
        keepalive: profile.keepalive,
        clean: profile.clean,
        will: profile.will ? { ...profile.will, payload: Buffer.from(profile.will.payload) } : undefined,
        reconnectPeriod: 0,
        connectTimeout: 24 * 3600_000,
        resubscribe: false,
        queueQoSZero: false,
        // MQTT 5 tells the broker our limit, so it drops larger messages instead of sending them.
        properties: profile.protocolVersion === 5 ? { maximumPacketSize: profile.maxPacketSize } : undefined,
        log: MQTT_LOG,
      },
    );
    this.client = client;
    /** Ends this attempt at once: the cause is kept and the socket closed, which settles the attempt. */
    const abort = (reason: Error) => {
      cause ??= reason;
      client.removeAllListeners('message');
      client.stream?.destroy();
    };
    const timeout = setTimeout(() => {
      cause = new CodedError(handshakeDone || !encrypted ? 'CONNACK_TIMEOUT' : 'TLS_HANDSHAKE_TIMEOUT', 'timed out');
      client.stream?.destroy();
    }, this.deps.connectTimeoutMs ?? 20_000);

    client.once('packetreceive', (packet) => {
      // The link watch made sure the first packet is a CONNACK; its code must be one MQTT defines.
      if (packet.cmd !== 'connack') return;
      const code = profile.protocolVersion === 5 ? packet.reasonCode : packet.returnCode;
      if (!code) return;
      const refused = causeOfReasonCode('CONNACK', code, profile.protocolVersion);
      if (isProtocolError(refused)) abort(refused);
      else cause ??= refused;
    });
    client.on('connect', () => {
      clearTimeout(timeout);
      // A fault found in the same chunk as the CONNACK: this attempt is already ending.
      if (generation !== this.generation || cause) return;
      connected = true;
      this.connectedAt = this.now();
      watch.startLiveness(client.keepalive);
      this.attempt = 0;
      this.error = null;
      this.keepVerdict();
      this.subscribed.clear();
      this.transition('connected', 'The broker accepted the connection.');
      this.syncSubscriptions();
      if (credentials.renewAt !== null) {
        this.clearRenewal();
        this.renewTimer = setTimeout(() => this.renew(generation), Math.max(0, credentials.renewAt - this.now()));
      }
    });
    const onMessage = this.deps.onMessage;
    const id = profile.id;
    client.on('message', (topic: string, payload: Buffer, packet: IPublishPacket) => onMessage(id, topic, payload, packet.qos, packet.retain));
    client.on('error', (error: Error) => {
      if (cause) return;
      const found = causeOfClientError(error);
      // Whatever the error, this connection is done: close it now rather than wait for a keepalive.
      if (found) abort(found);
    });
    client.on('disconnect', (packet) => {
      abort(causeOfReasonCode('DISCONNECT', packet.reasonCode ?? 0, profile.protocolVersion));
    });
    client.on('close', () => {
      clearTimeout(timeout);
      watch.stop();
      if (generation !== this.generation) return;
      this.clearRenewal();
      void endClient(client);
      this.client = null;
      this.dropInFlight('the connection was lost');
      this.count(cause, connected, oversized);
      const context = { ...this.errorContext(), connected };
      const translated = translateError(cause ?? new CodedError(connected ? 'ECONNRESET' : 'CLOSED_BEFORE_CONNACK', 'closed'), context);
      this.settle(generation, translated, connected);
    });
  }

  private count(cause: Error | null, wasConnected: boolean, oversized: number | null): void {
    const f = this.faults;
    if (wasConnected) f.lost++;
    if (isProtocolError(cause)) f.protocolErrors++;
    const code = (cause as { code?: unknown } | null)?.code;
    if (code === 'LINK_STALLED') f.stalls++;
    if (oversized !== null) {
      f.oversizedPackets++;
      f.lastOversizedBytes = oversized;
    }
  }

  /** After an attempt ends: retry with backoff, or give up. */
  private settle(generation: number, error: TranslatedError, wasConnected: boolean): void {
    if (generation !== this.generation) return;
    this.error = error;
    if (this.tls && isUntrustedPeer(error.code)) {
      // Node aborted the handshake on this verification error; the snapshot taken before it could not know.
      this.tls = withRefusal(this.tls, error.cause);
      this.keepVerdict();
    }
    if (!error.retryable || this.deps.retry === false) {
      this.transition('failed', `${error.message} ${error.hint}`.trim());
      return;
    }
    const policy = this.deps.backoff ?? DEFAULT_BACKOFF;
    if (wasConnected && wasStable(this.now() - this.connectedAt, policy)) this.failures = 0;
    this.failures++;
    const delay = backoffDelay(this.failures, policy);
    this.nextRetryAt = this.now() + delay;
    const lead = wasConnected ? 'Connection lost' : 'Connection attempt failed';
    this.transition('reconnecting', `${lead}: ${error.message} Retrying in ${Math.ceil(delay / 1000)} s (attempt ${this.attempt + 1}).`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.nextRetryAt = null;
      if (generation !== this.generation) return;
      this.transition('connecting', `Retry ${this.attempt + 1} after: ${error.code}.`);
      void this.runAttempt();
    }, delay);
  }

  private syncSubscriptions(): void {
    const client = this.client;
    if (!client || this.state !== 'connected') return;
    const wanted = new Map<string, Qos>(this.profile.subscriptions.map((s: Subscription) => [s.filter, s.qos]));
    const removed = [...this.subscribed.keys()].filter((f) => !wanted.has(f));
    const added = [...wanted].filter(([f, q]) => this.subscribed.get(f) !== q);
    if (removed.length) client.unsubscribe(removed);
    for (const f of removed) this.subscribed.delete(f);
    if (added.length) {
      client.subscribe(Object.fromEntries(added.map(([f, qos]) => [f, { qos }])), (error, granted) => {
        if (error) return;
        for (const grant of granted ?? []) {
          if (grant.qos === 128) this.subscribed.delete(grant.topic);
        }
      });
      for (const [f, q] of added) this.subscribed.set(f, q);
    }
  }
}

/** The subjects of a connection's own CA certificates, for a failure to name next to the CA the broker needs. */
function trustedSubjects(ca: readonly string[]): string[] {
  return ca.flatMap((pem) => {
    try {
      return parsePemCertificates(pem).map((cert) => describeCertificate(cert).subject);
    } catch {
      return [];
    }
  });
}

function unconfirmed(entry: InFlight, why: string): AppFailure {
  if (entry.qos === 0) {
    return new AppFailure('publish_unconfirmed', `The message to ${entry.topic} was still being sent when ${why}. QoS 0 has no acknowledgement: it may or may not have reached the broker.`, 'Check whether it arrived; use QoS 1 to be told.');
  }
  return new AppFailure(
    'publish_unconfirmed',
    `The message to ${entry.topic} was sent, but ${why} before the broker acknowledged it (QoS ${entry.qos}): it may or may not have reached the broker.`,
    entry.qos === 1 ? 'Check whether it arrived before sending it again: sending again may deliver it twice.' : 'Check whether it arrived before sending it again: exactly-once delivery cannot be promised across a lost connection.',
  );
}

/**
 * Closes a client: politely (DISCONNECT, so the broker drops the will message)
 * when it is connected, at once otherwise; never waits more than a second.
 */
function endClient(client: MqttClient): Promise<void> {
  client.removeAllListeners('message');
  client.on('error', () => undefined);
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      client.stream?.destroy();
      resolve();
    }, 1000);
    client.end(!client.connected, {}, () => {
      clearTimeout(force);
      resolve();
    });
  });
}
