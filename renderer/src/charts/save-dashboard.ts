/**
 * Saving a connection's dashboard: the change shows at once (the profile in
 * the store is updated before main answers), saves are sent one after the
 * other so a quick series of edits lands in order, and a refused save puts
 * the saved layout back and returns main's error.
 */
import type { ApiClient } from '../../../shared/client';
import type { Dashboard } from '../../../shared/telemetry';
import { err, ok, type Result } from '../../../shared/result';
import type { AppStore } from '../app/store';

export class DashboardSaver {
  /** Saves in flight, chained so they land in the order they were made. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly client: ApiClient,
    private readonly store: AppStore,
  ) {}

  private current(profileId: string): Dashboard | null {
    return this.store.get().profiles.find((p) => p.id === profileId)?.dashboard ?? null;
  }

  private show(profileId: string, dashboard: Dashboard): void {
    this.store.set((s) => ({ profiles: s.profiles.map((p) => (p.id === profileId ? { ...p, dashboard } : p)) }));
  }

  /** Applies `change` to the dashboard as it is now and saves it. */
  save(profileId: string, change: (dashboard: Dashboard) => Dashboard | { error: string }): Promise<Result<null>> {
    const before = this.current(profileId);
    if (!before) return Promise.resolve(err('not_found', 'That connection does not exist any more.'));
    const next = change(before);
    if ('error' in next) return Promise.resolve(err('invalid_dashboard', next.error));
    this.show(profileId, next);
    const saved = this.queue.then(async () => {
      const result = await this.client.invoke('dashboard.save', { profileId, dashboard: next });
      if (result.ok) return ok(null);
      const profiles = await this.client.invoke('profiles.list', {});
      if (profiles.ok) this.store.set({ profiles: profiles.value });
      else this.show(profileId, before);
      return result;
    });
    this.queue = saved.catch(() => undefined);
    return saved;
  }
}
