/**
 * Desktop notifications in the browser (headless host): the same decisions as
 * the desktop app's (shared/alerts.ts, and the core's `trust.alert` for
 * certificates nearing their end), shown with the web Notification API
 * once the operator allowed it. In Electron, main shows them instead.
 */
import { alertFor } from '../../../shared/alerts';
import type { SessionView } from '../../../shared/sessions';
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
  const last = new Map<string, SessionView>();
  const stopSessions = client.on('sessions.changed', (view) => {
    const alert = alertFor(last.get(view.id), view);
    last.set(view.id, view);
    if (alert && Notification.permission === 'granted') new Notification(alert.title, { body: alert.body, tag: `mqtts-${view.id}` });
  });
  // Certificates nearing their end: the core decides (once per certificate per day), the window only shows.
  const stopCertificates = client.on('trust.alert', (alert) => {
    if (Notification.permission === 'granted') new Notification(alert.title, { body: alert.body, tag: `mqtts-cert-${alert.fingerprint256}` });
  });
  return () => {
    stopSessions();
    stopCertificates();
  };
}
