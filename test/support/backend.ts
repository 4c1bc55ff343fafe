/**
 * A real backend for tests: profiles in a temporary data folder, secrets in the
 * real keychain (gnome-keyring under test/with-keyring.sh) under a service name
 * of its own, and helpers to wait for pushed session states.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SessionView } from '../../shared/sessions';
import { createBackend, type Backend, type BackendOptions, type Logger } from '../../electron/core/backend';
import { ContractViolation } from '../../electron/core/ipc/dispatcher';
import { keytarBackend } from '../../electron/core/secrets/keytar-backend';
import { SecretStore } from '../../electron/core/secrets/secret-store';

export interface TestBackend {
  backend: Backend;
  dataDir: string;
  secrets: SecretStore;
  logs: string[];
  /** Results and events the contract's schemas refused; cleanup fails the test if there are any. */
  violations: string[];
  cleanup(): Promise<void>;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `mqtts-${prefix}-`));
}

export async function createTestBackend(options: Partial<BackendOptions> = {}): Promise<TestBackend> {
  const dataDir = options.dataDir ?? tempDir('data');
  const secrets = options.secrets ?? new SecretStore(keytarBackend(), `mqtts-dashboard-test-${randomBytes(4).toString('hex')}`);
  const logs: string[] = [];
  const violations: string[] = [];
  const logger: Logger = {
    info: (m) => logs.push(m),
    warn: (m) => logs.push(m),
    error: (m, e) => {
      logs.push(`${m} ${e instanceof Error ? e.stack : String(e ?? '')}`);
      if (e instanceof ContractViolation) violations.push(`${m}: ${e.message}`);
    },
  };
  const backend = await createBackend({
    transport: 'websocket',
    version: '0.0.0-test',
    backoff: { initialMs: 200, maxMs: 1000, factor: 2 },
    connectTimeoutMs: 8000,
    logger,
    // Every handler result and pushed event is checked against the contract in every test.
    checkContract: true,
    ...options,
    dataDir,
    secrets,
  });
  return {
    backend,
    dataDir,
    secrets,
    logs,
    violations,
    cleanup: async () => {
      await backend.dispose();
      for (const account of await secrets.accounts()) {
        const [id, item] = account.split('/');
        if (id && item) await secrets.deleteProfile(id);
      }
      rmSync(dataDir, { recursive: true, force: true });
      if (violations.length) throw new Error(`The core produced values its contract refuses:\n${violations.join('\n')}`);
    },
  };
}

/** Resolves with the first pushed view of session `id` that satisfies `match`. */
export function waitForSession(backend: Backend, id: string, match: (view: SessionView) => boolean, timeoutMs = 15_000): Promise<SessionView> {
  const current = backend.sessions.list().find((v) => v.id === id);
  if (current && match(current)) return Promise.resolve(current);
  return new Promise((resolve, reject) => {
    let last: SessionView | undefined = current;
    const timer = setTimeout(() => {
      detach();
      reject(new Error(`session ${id} did not reach the expected state in ${timeoutMs} ms; last: ${last ? `${last.state} (${last.reason})` : 'none'}`));
    }, timeoutMs);
    const detach = backend.events.attach((name, payload) => {
      if (name !== 'sessions.changed') return;
      const view = payload as SessionView;
      if (view.id !== id) return;
      last = view;
      if (match(view)) {
        clearTimeout(timer);
        detach();
        resolve(view);
      }
    });
  });
}

/** Calls a channel through the backend's dispatcher (validation included) and gives its value, or throws with its error. */
export async function call<T>(t: Pick<TestBackend, 'backend'>, channel: string, payload: unknown): Promise<T> {
  const result = await t.backend.dispatch(channel, payload);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}
