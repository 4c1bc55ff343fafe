/**
 * In the browser (headless host), a button in the top bar to allow desktop
 * notifications of alerts (a connection down, a grade that falls, the rules of each connection). The desktop app
 * notifies from main and shows nothing here.
 */
import { useState } from 'react';
import { browserNotificationsAvailable, enableBrowserNotifications } from './notifications';

export function NotifyToggle() {
  const [state, setState] = useState(() => (browserNotificationsAvailable() ? Notification.permission : 'unavailable'));
  if (state === 'unavailable' || state === 'granted') return null;
  if (state === 'denied') return <span className="muted small">Notifications blocked in this browser</span>;
  return (
    <button type="button" className="link small" onClick={() => void enableBrowserNotifications().then((ok) => setState(ok ? 'granted' : Notification.permission))}>
      Notify me of alerts
    </button>
  );
}
