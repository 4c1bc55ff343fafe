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
  /** Saves not yet answered, per connection: while any is, the store keeps this window's layout. */
  private readonly inFlight = new Map<string, number>();

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
    this.store.holdDashboard(profileId, next);
    this.inFlight.set(profileId, (this.inFlight.get(profileId) ?? 0) + 1);
    const saved = this.queue.then(async () => {
      const result = await this.client.invoke('dashboard.save', { profileId, dashboard: next }).finally(() => this.landed(profileId));
      if (result.ok) return ok(null);
      const profiles = await this.client.invoke('profiles.list', {});
      if (profiles.ok) this.store.set({ profiles: profiles.value });
      else this.show(profileId, before);
      return result;
    });
    this.queue = saved.catch(() => undefined);
    return saved;
  }

  private landed(profileId: string): void {
    const left = (this.inFlight.get(profileId) ?? 1) - 1;
    if (left > 0) return void this.inFlight.set(profileId, left);
    this.inFlight.delete(profileId);
    this.store.holdDashboard(profileId, null);
  }
}
