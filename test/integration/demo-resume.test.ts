/**
 * An installed demo after a restart: it resumes once a window has read its
 * charts' first views, which come from the recorded history while the demo is
 * still down (so starting its broker and devices does not hold those answers
 * up); and a demo the operator removed before then stays removed. Real
 * backends over one data folder and the real keychain; the demo's own TLS
 * broker and devices.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Profile } from '../../shared/profiles';
import { seriesKey, type ChartViewData } from '../../shared/telemetry';
import { createTestBackend, waitForSession, type TestBackend } from '../support/backend';
import { failIfLastResortReached } from '../support/last-resort';

failIfLastResortReached();

/** A browser window's requests carry its transport client; the demo waits for those, not for in-process callers. */
const WINDOW = { client: 'ws:1' };
/** The backend's fallback: an installed demo resumes this long after start without a window's chart reads. */
const RESUME_FALLBACK_MS = 1500;

let restarted: TestBackend | null = null;

afterEach(async () => {
  await restarted?.cleanup();
  restarted = null;
});

async function value<T>(result: Promise<{ ok: true; value: unknown } | { ok: false; error: { message: string } }>): Promise<T> {
  const r = await result;
  if (!r.ok) throw new Error(r.error.message);
  return r.value as T;
}

/** A first run that installs the demo and records at least two oven readings, then a restart over the same folder and keychain. */
async function restartWithDemo(): Promise<{ backend: TestBackend; demo: Profile; ovenKey: string }> {
  const first = await createTestBackend();
  const demo = await value<Profile>(first.backend.dispatch('demo.start', {}));
  const oven = demo.dashboard.charts.find((c) => c.id === 'ovens')?.series[0];
  if (!oven) throw new Error('the demo has no oven chart');
  const ovenKey = seriesKey(oven);
  const deadline = Date.now() + 20_000;
  while ((await value<ChartViewData>(first.backend.dispatch('telemetry.view', { key: ovenKey, window: '1m', width: 400 }))).samples < 2) {
    if (Date.now() > deadline) throw new Error('the demo recorded fewer than two oven readings in 20 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // Stopped, not cleaned up: the restart keeps the data folder and the demo's key in the keychain.
  await first.backend.dispose();
  const backend = await createTestBackend({ dataDir: first.dataDir, secrets: first.secrets });
  restarted = backend;
  return { backend, demo, ovenKey };
}

describe('an installed demo after a restart', () => {
  it('resumes once a window has read its charts, which come from the recorded history meanwhile', async () => {
    const { backend: restart, demo, ovenKey } = await restartWithDemo();
    const { backend } = restart;
    // The window's first requests: the demo is not started for those.
    const profiles = await value<Profile[]>(backend.dispatch('profiles.list', {}, WINDOW));
    expect(profiles.map((p) => p.id)).toEqual([demo.id]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(backend.demo.status()).toEqual({ running: false, profileId: demo.id });
    expect(backend.sessions.list()).toEqual([]);

    // Its chart reads are answered from the history, the demo still down.
    const view = await value<ChartViewData>(backend.dispatch('telemetry.view', { key: ovenKey, window: '1m', width: 400 }, WINDOW));
    expect(view.samples).toBeGreaterThanOrEqual(2);
    expect(view.recorded).toBe(view.samples);
    expect(backend.demo.status().running).toBe(false);

    // Then the demo resumes: same connection, connected to its new broker.
    await waitForSession(backend, demo.id, (v) => v.state === 'connected');
    expect(backend.demo.status()).toEqual({ running: true, profileId: demo.id });
    expect(backend.profiles.list().map((p) => p.id)).toEqual([demo.id]);
  });

  it('stays removed when the operator removed it before it resumed', async () => {
    const { backend: restart, ovenKey } = await restartWithDemo();
    const { backend } = restart;
    await value(backend.dispatch('demo.remove', {}, WINDOW));
    // A chart read after it, and the fallback's moment past: neither brings the demo back.
    await backend.dispatch('telemetry.view', { key: ovenKey, window: '1m', width: 400 }, WINDOW);
    await new Promise((resolve) => setTimeout(resolve, RESUME_FALLBACK_MS + 300));
    expect(backend.demo.status()).toEqual({ running: false, profileId: null });
    expect(backend.profiles.list()).toEqual([]);
    expect(backend.sessions.list()).toEqual([]);
  });
});
