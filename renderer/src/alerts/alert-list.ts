/**
 * The window's view of the alert list: what the core listed at start
 * (`alerts.list`), kept current by `alerts.changed`. Charts subscribe to the
 * same changes for their marks. Plain class (one per window, in the
 * services), tested with a memory client; `useAlerts` re-renders on change.
 */
import { useSyncExternalStore } from 'react';
import type { AlertChange, AlertView } from '../../../shared/alerts';
import type { ApiClient } from '../../../shared/client';
import { useServices } from '../app/services';

export interface AlertListState {
  /** Firing first, then cleared ones nobody acknowledged, newest first. */
  alerts: AlertView[];
  /** Whether the core records alerts in the history database (false: they live until it closes). */
  recorded: boolean;
}

/** Whether the list shows this alert: firing, or cleared and not acknowledged yet. */
export function listed(alert: AlertView): boolean {
  return alert.state === 'firing' || alert.acknowledgedAt === null;
}

function order(alerts: AlertView[]): AlertView[] {
  const at = (a: AlertView) => Math.max(a.firedAt, a.clearedAt ?? 0);
  return [...alerts].sort((a, b) => (a.state === b.state ? at(b) - at(a) : a.state === 'firing' ? -1 : 1));
}

export class AlertListModel {
  private state: AlertListState = { alerts: [], recorded: true };
  private readonly listeners = new Set<() => void>();
  private readonly changeListeners = new Set<(change: AlertChange) => void>();

  constructor(private readonly client: ApiClient) {}

  get(): AlertListState {
    return this.state;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Every change as it arrives (charts draw fired and cleared ones as marks). */
  onChange(listener: (change: AlertChange) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private set(next: AlertListState): void {
    this.state = next;
    this.listeners.forEach((l) => l());
  }

  async load(): Promise<void> {
    const result = await this.client.invoke('alerts.list', {});
    if (result.ok) this.set({ alerts: order(result.value.alerts), recorded: result.value.recorded });
  }

  /** Applies one pushed change. */
  apply(change: AlertChange): void {
    const others = this.state.alerts.filter((a) => a.key !== change.alert.key);
    const keep = change.change !== 'removed' && listed(change.alert);
    this.set({ ...this.state, alerts: keep ? order([...others, change.alert]) : others });
    this.changeListeners.forEach((l) => l(change));
  }

  /** Follows `alerts.changed`; returns the function that stops. */
  follow(): () => void {
    return this.client.on('alerts.changed', (change) => this.apply(change));
  }
}

export function useAlerts<T>(select: (s: AlertListState) => T): T {
  const { alerts } = useServices();
  return useSyncExternalStore(alerts.subscribe, () => select(alerts.get()));
}
