/**
 * The renderer's state, fed by backend events and request results. Components
 * read it with `useStore`; nothing else holds backend data.
 */
import { useSyncExternalStore } from 'react';
import type { AppInfo } from '../../../shared/contract';
import type { DemoStatus } from '../../../shared/contract';
import type { Profile } from '../../../shared/profiles';
import type { SessionView } from '../../../shared/sessions';
import { client } from '../client';

export interface State {
  info: AppInfo | null;
  profiles: Profile[];
  sessions: Record<string, SessionView>;
  selectedId: string | null;
  loadError: string | null;
  demo: DemoStatus;
}

let state: State = { info: null, profiles: [], sessions: {}, selectedId: null, loadError: null, demo: { running: false, profileId: null } };
const listeners = new Set<() => void>();

export function getState(): State {
  return state;
}

export function setState(change: Partial<State> | ((s: State) => Partial<State>)): void {
  const patch = typeof change === 'function' ? change(state) : change;
  state = { ...state, ...patch };
  listeners.forEach((l) => l());
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useStore<T>(select: (s: State) => T): T {
  return useSyncExternalStore(subscribe, () => select(state));
}

export async function loadInitialState(): Promise<void> {
  const [info, profiles, sessions, demo] = await Promise.all([
    client.invoke('app.info', {}),
    client.invoke('profiles.list', {}),
    client.invoke('sessions.list', {}),
    client.invoke('demo.status', {}),
  ]);
  const failed = [info, profiles, sessions].find((r) => !r.ok);
  setState((s) => ({
    info: info.ok ? info.value : s.info,
    profiles: profiles.ok ? profiles.value : s.profiles,
    sessions: sessions.ok ? Object.fromEntries(sessions.value.map((v) => [v.id, v])) : s.sessions,
    selectedId: s.selectedId ?? (profiles.ok ? (profiles.value[0]?.id ?? null) : null),
    loadError: failed && !failed.ok ? `${failed.error.message} ${failed.error.hint}` : null,
    demo: demo.ok ? demo.value : s.demo,
  }));
}

/** The demo's state changes only through its two buttons and restarts; read it again after either. */
export async function refreshDemo(): Promise<void> {
  const demo = await client.invoke('demo.status', {});
  if (demo.ok) setState({ demo: demo.value });
}

export function startEventFeed(): () => void {
  const offs = [
    client.on('sessions.changed', (view) => setState((s) => ({ sessions: { ...s.sessions, [view.id]: view } }))),
    client.on('profiles.changed', (profiles) =>
      setState((s) => {
        const ids = new Set(profiles.map((p) => p.id));
        const sessions = Object.fromEntries(Object.entries(s.sessions).filter(([id]) => ids.has(id)));
        const demo = s.demo.profileId && !ids.has(s.demo.profileId) ? { running: false, profileId: null } : s.demo;
        return { profiles, sessions, demo, selectedId: s.selectedId && ids.has(s.selectedId) ? s.selectedId : (profiles[0]?.id ?? null) };
      }),
    ),
  ];
  return () => offs.forEach((off) => off());
}
