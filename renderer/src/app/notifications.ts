/**
 * Desktop notifications in the browser (headless host): the alert engine in
 * the core decides (electron/core/alerts/), this shows what it says to notify
 * (`alerts.changed` with `notify`, certificates nearing their end among
 * them), with the web Notification API once the operator allowed it. In Electron, main shows them instead.
 */
import { notificationText } from '../../../shared/alerts';
import type { ApiClient } from '../../../shared/client';

export function browserNotificationsAvailable(): boolean {
  return !window.api && typeof Notification !== 'undefined';
}

/** Asks for permission (must follow a click); resolves whether notifications may be shown. */
export async function enableBrowserNotifications(): Promise<boolean> {
  if (!browserNotificationsAvailable()) return false;
  if (Notification.permission === 'granted') return true;
  return (await Notification.requestPermission()) === 'granted';
}

export function startBrowserNotifications(client: ApiClient): () => void {
  if (!browserNotificationsAvailable()) return () => undefined;
  const stopAlerts = client.on('alerts.changed', ({ alert, change, notify }) => {
    if (!notify || (change !== 'fired' && change !== 'cleared') || Notification.permission !== 'granted') return;
    const text = notificationText(alert, change);
    // One notification per alert: its clear replaces its firing.
    new Notification(text.title, { body: text.body, tag: `mqtts-alert-${alert.key}` });
  });
  return stopAlerts;
}
