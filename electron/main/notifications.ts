/**
 * Desktop notifications from main (the sandboxed renderer gets no notification
 * permission): told on every session change, decided by shared/alerts.ts, and
 * of certificates nearing their end (`trust.alert`, decided in the core).
 */
import { Notification } from 'electron';
import { alertFor } from '../../shared/alerts';
import type { SessionView } from '../../shared/sessions';
import type { CertificateAlert } from '../../shared/trust';
import type { EventHub } from '../core/ipc/events';

export function notifyOnAlerts(events: EventHub): () => void {
  const last = new Map<string, SessionView>();
  return events.attach((name, payload) => {
    if (name === 'trust.alert') {
      const alert = payload as CertificateAlert;
      if (Notification.isSupported()) new Notification({ title: alert.title, body: alert.body }).show();
      return;
    }
    if (name !== 'sessions.changed') return;
    const view = payload as SessionView;
    const alert = alertFor(last.get(view.id), view);
    last.set(view.id, view);
    if (alert && Notification.isSupported()) new Notification({ title: alert.title, body: alert.body }).show();
  }, 'main:notifications');
}
