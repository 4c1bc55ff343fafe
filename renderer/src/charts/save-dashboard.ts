/**
 * Saving a connection's dashboard: the change shows at once (the profile in
 * the store is updated before main answers), saves are sent one after the
 * other so a quick series of edits lands in order, and a refused save puts
 * the saved layout back and returns main's error.
 */
import type { Dashboard } from '../../../shared/telemetry';
import type { AppError } from '../../../shared/result';
import { getState, setState } from '../app/store';
import { client } from '../client';

let queue: Promise<unknown> = Promise.resolve();

function currentDashboard(profileId: string): Dashboard | null {
  return getState().profiles.find((p) => p.id === profileId)?.dashboard ?? null;
}

function show(profileId: string, dashboard: Dashboard): void {
  setState((s) => ({ profiles: s.profiles.map((p) => (p.id === profileId ? { ...p, dashboard } : p)) }));
}

/** Applies `change` to the dashboard as it is now and saves it; resolves to null or the error. */
export function saveDashboard(profileId: string, change: (dashboard: Dashboard) => Dashboard | { error: string }): Promise<AppError | null> {
  const before = currentDashboard(profileId);
  if (!before) return Promise.resolve({ code: 'not_found', message: 'That connection does not exist any more.', hint: '' });
  const next = change(before);
  if ('error' in next) return Promise.resolve({ code: 'invalid_dashboard', message: next.error, hint: '' });
  show(profileId, next);
  const saved = queue.then(async () => {
    const result = await client.invoke('dashboard.save', { profileId, dashboard: next });
    if (result.ok) return null;
    const profiles = await client.invoke('profiles.list', {});
    if (profiles.ok) setState({ profiles: profiles.value });
    else show(profileId, before);
    return result.error;
  });
  queue = saved.catch(() => null);
  return saved;
}
