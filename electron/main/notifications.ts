/**
 * Desktop notifications from main (the sandboxed renderer gets no notification
 * permission): told on every session change, decided by shared/alerts.ts.
 */
import { Notification } from 'electron';
import { alertFor } from '../../shared/alerts';
import type { SessionView } from '../../shared/sessions';
import type { EventHub } from '../core/ipc/events';

export function notifyOnAlerts(events: EventHub): () => void {
  const last = new Map<string, SessionView>();
  return events.attach((name, payload) => {
    if (name !== 'sessions.changed') return;
    const view = payload as SessionView;
    const alert = alertFor(last.get(view.id), view);
    last.set(view.id, view);
    if (alert && Notification.isSupported()) new Notification({ title: alert.title, body: alert.body }).show();
  }, 'main:notifications');
}
