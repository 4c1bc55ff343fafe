/**
 * Desktop notifications from main (the sandboxed renderer gets no notification
 * permission): the alert engine's notifier (electron/core/alerts/engine.ts)
 * in the desktop app, told of every alert that fires or clears and is not
 * muted (certificates nearing their end among them). One notification per
 * alert: a newer one replaces the older.
 */
import { Notification } from 'electron';
import type { AlertNotifier } from '../core/alerts/engine';

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
