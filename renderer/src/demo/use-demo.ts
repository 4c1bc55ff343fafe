/**
 * Starting and removing the demo fleet, for every place that offers it (the
 * empty first screen, the connection list, the demo's own banner). Removing
 * says afterwards what went, in the window's notice.
 */
import { useServices } from '../app/services';
import { useAction } from '../feedback/use-action';
import { showTab } from '../connections/ConnectionView';
import { removedText } from './removed';

export function useStartDemo() {
  const { client, store } = useServices();
  const action = useAction();
  async function start(): Promise<void> {
    const started = await action.run(() => client.invoke('demo.start', {}));
    if (!started.ok) return;
    showTab(started.value.id, 'dashboard');
    store.set({ selectedId: started.value.id, notice: null });
    await store.refreshDemo();
  }
  return { start, busy: action.busy, error: action.error };
}

export function useRemoveDemo() {
  const { client, store } = useServices();
  const action = useAction();
  async function remove(): Promise<void> {
    const { profiles, demo } = store.get();
    const profile = profiles.find((p) => p.id === demo.profileId);
    if (!(await action.run(() => client.invoke('demo.remove', {}))).ok) return;
    await store.refreshDemo();
    store.set({ notice: removedText(profile?.name ?? 'Demo fleet', profile?.dashboard.charts.length ?? 0, !!profile?.secrets.clientKey) });
  }
  return { remove, busy: action.busy, error: action.error };
}
