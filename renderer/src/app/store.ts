/**
 * The renderer's state, fed by backend events and request results. Components
 * read it with `useStore`; nothing else holds backend data. One store per
 * window, made at startup with the window's client (compose.ts).
 */
import { useSyncExternalStore } from 'react';
import type { ApiClient } from '../../../shared/client';
import type { AppInfo } from '../../../shared/contract';
import type { DemoStatus } from '../../../shared/contract';
import type { Profile } from '../../../shared/profiles';
import type { Dashboard } from '../../../shared/telemetry';
import type { SessionView } from '../../../shared/sessions';
import { useServices } from './services';

export interface State {
  info: AppInfo | null;
  profiles: Profile[];
  sessions: Record<string, SessionView>;
  selectedId: string | null;
  loadError: string | null;
  demo: DemoStatus;
  /** A sentence for the operator after something finished out of sight (the demo removed), until dismissed. */
  notice: string | null;
}

export class AppStore {
  private state: State = { info: null, profiles: [], sessions: {}, selectedId: null, loadError: null, demo: { running: false, profileId: null }, notice: null };
  private readonly listeners = new Set<() => void>();
  /**
   * Dashboards edited here whose saves main has not answered yet. A
   * `profiles.changed` pushed for an earlier save carries an older layout;
   * these win over it until their own save lands (save-dashboard.ts).
   */
  private readonly unsaved = new Map<string, Dashboard>();

  constructor(private readonly client: ApiClient) {}

  /** Holds (or with null, releases) a dashboard edited in this window and not saved yet. */
  holdDashboard(profileId: string, dashboard: Dashboard | null): void {
    if (dashboard) this.unsaved.set(profileId, dashboard);
    else this.unsaved.delete(profileId);
  }

  private withUnsaved(profiles: Profile[]): Profile[] {
    if (this.unsaved.size === 0) return profiles;
    return profiles.map((p) => {
      const dashboard = this.unsaved.get(p.id);
      return dashboard ? { ...p, dashboard } : p;
    });
  }

  get(): State {
    return this.state;
  }

  set(change: Partial<State> | ((s: State) => Partial<State>)): void {
    const patch = typeof change === 'function' ? change(this.state) : change;
    this.state = { ...this.state, ...patch };
    this.listeners.forEach((l) => l());
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  async load(): Promise<void> {
    const [info, profiles, sessions, demo] = await Promise.all([
      this.client.invoke('app.info', {}),
      this.client.invoke('profiles.list', {}),
      this.client.invoke('sessions.list', {}),
      this.client.invoke('demo.status', {}),
    ]);
    const failed = [info, profiles, sessions].find((r) => !r.ok);
    this.set((s) => ({
      info: info.ok ? info.value : s.info,
      profiles: profiles.ok ? profiles.value : s.profiles,
      sessions: sessions.ok ? Object.fromEntries(sessions.value.map((v) => [v.id, v])) : s.sessions,
      selectedId: s.selectedId ?? (profiles.ok ? (profiles.value[0]?.id ?? null) : null),
      loadError: failed && !failed.ok ? `${failed.error.message} ${failed.error.hint}` : null,
      demo: demo.ok ? demo.value : s.demo,
    }));
  }

  /** The demo's state changes only through its two buttons and restarts; read it again after either. */
  async refreshDemo(): Promise<void> {
    const demo = await this.client.invoke('demo.status', {});
    if (demo.ok) this.set({ demo: demo.value });
  }

  /** Follows the backend's session and profile events; returns the function that stops. */
  follow(): () => void {
    const offs = [
      this.client.on('sessions.changed', (view) => this.set((s) => ({ sessions: { ...s.sessions, [view.id]: view } }))),
      this.client.on('profiles.changed', (pushed) =>
        this.set((s) => {
          const profiles = this.withUnsaved(pushed);
          const ids = new Set(profiles.map((p) => p.id));
          const sessions = Object.fromEntries(Object.entries(s.sessions).filter(([id]) => ids.has(id)));
          const demo = s.demo.profileId && !ids.has(s.demo.profileId) ? { running: false, profileId: null } : s.demo;
          return { profiles, sessions, demo, selectedId: s.selectedId && ids.has(s.selectedId) ? s.selectedId : (profiles[0]?.id ?? null) };
        }),
      ),
    ];
    return () => offs.forEach((off) => off());
  }
}

export function useStore<T>(select: (s: State) => T): T {
  const { store } = useServices();
  return useSyncExternalStore(store.subscribe, () => select(store.get()));
}
