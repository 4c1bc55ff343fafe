/**
 * Sessions as the operator sees them, for tests that break links: a session
 * manager with a short backoff, every pushed view kept in order, messages
 * counted per connection (the last few kept), and waiting on a condition with
 * a bounded time.
 */
import { createProfile, ProfileSettingsSchema, type Profile, type ProfileSettingsInput } from '../../shared/profiles';
import type { SessionView } from '../../shared/sessions';
import type { BackoffPolicy } from '../../electron/core/sessions/backoff';
import { SessionManager } from '../../electron/core/sessions/manager';
import { createSystemTrust } from '../../electron/core/tls/system-roots';

export interface Received {
  topic: string;
  payload: Buffer;
  at: number;
}

const KEEP = 2000;

export interface SessionHarness {
  manager: SessionManager;
  views: SessionView[];
  /** Messages per connection since the start. */
  count(id: string): number;
  /** The latest messages of a connection (at most 2,000). */
  recent(id: string): Received[];
  latest(id: string): SessionView | undefined;
  /** Views of `id` from index `from` of `views` on. */
  since(id: string, from: number): SessionView[];
  dispose(): Promise<void>;
}

export function sessionHarness(options: { backoff?: BackoffPolicy; connectTimeoutMs?: number } = {}): SessionHarness {
  const views: SessionView[] = [];
  const counts = new Map<string, number>();
  const kept = new Map<string, Received[]>();
  const manager = new SessionManager({
    secrets: async () => ({}),
    systemTrust: createSystemTrust(),
    backoff: options.backoff ?? { initialMs: 100, maxMs: 800, factor: 2 },
    connectTimeoutMs: options.connectTimeoutMs ?? 5000,
    onChange: (view) => views.push(view),
    onMessage: (id, topic, payload) => {
      counts.set(id, (counts.get(id) ?? 0) + 1);
      let list = kept.get(id);
      if (!list) kept.set(id, (list = []));
      list.push({ topic, payload: Buffer.from(payload), at: Date.now() });
      if (list.length > KEEP) list.splice(0, list.length - KEEP);
    },
  });
  return {
    manager,
    views,
    count: (id) => counts.get(id) ?? 0,
    recent: (id) => kept.get(id) ?? [],
    latest: (id) => {
      for (let i = views.length - 1; i >= 0; i--) if (views[i]?.id === id) return views[i];
      return undefined;
    },
    since: (id, from) => views.slice(from).filter((v) => v.id === id),
    dispose: () => manager.dispose(),
  };
}

export function testProfile(id: string, settings: ProfileSettingsInput): Profile {
  return createProfile(ProfileSettingsSchema.parse(settings), id);
}

/** Polls `probe` every 20 ms until it returns a value, for at most `timeoutMs`. */
export async function waitFor<T>(probe: () => T | undefined | false, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
