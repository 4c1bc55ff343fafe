/**
 * Desktop notifications from main (the sandboxed renderer gets no notification
 * permission): the alert engine's notifier (electron/core/alerts/engine.ts)
 * in the desktop app, told of every alert that fires or clears and is not
 * muted. One notification per alert: a newer one replaces the older. Also
 * certificates nearing their end (`trust.alert`, decided in the core's trust
 * feature, once per certificate per day).
 */
import { Notification } from 'electron';
import type { CertificateAlert } from '../../shared/trust';
import type { AlertNotifier } from '../core/alerts/engine';
import type { EventHub } from '../core/ipc/events';

export function desktopNotifier(): AlertNotifier {
  const shown = new Map<string, Notification>();
  return (notice) => {
    if (!Notification.isSupported()) return;
    shown.get(notice.key)?.close();
    const notification = new Notification({ title: notice.title, body: notice.body });
    shown.set(notice.key, notification);
    notification.on('close', () => {
      if (shown.get(notice.key) === notification) shown.delete(notice.key);
    });
    notification.show();
  };
}

export function notifyOnCertificates(events: EventHub): () => void {
  return events.attach((name, payload) => {
    if (name !== 'trust.alert') return;
    const alert = payload as CertificateAlert;
    if (Notification.isSupported()) new Notification({ title: alert.title, body: alert.body }).show();
  }, 'main:notifications');
}
