/**
 * The application window, locked down per Electron's security checklist:
 * context isolation, sandbox, no Node integration, no navigation away from our
 * page, no new windows and no external links (the page has none to open), no
 * permission grants, no webviews, served from app:// rather than file://.
 */
import { BrowserWindow, session, type WebContents } from 'electron';
import path from 'node:path';
import { APP_PAGE_URL, isTrustedUrl, type TrustedOrigins } from './trust';

export function hardenSession(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

export function hardenContents(contents: WebContents, trusted: TrustedOrigins): void {
  // No window.open and no link opens anything, in the app or in the system browser.
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!isTrustedUrl(url, trusted)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export function createMainWindow(trusted: TrustedOrigins, devUrl: string | undefined): BrowserWindow {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'MQTTS Dashboard',
    autoHideMenuBar: true,
    webPreferences: {
      preload: path.join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      // A middle click must not open a link in a new window either.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  hardenContents(window.webContents, trusted);
  window.once('ready-to-show', () => window.show());
  if (devUrl) void window.loadURL(devUrl);
  else void window.loadURL(APP_PAGE_URL);
  return window;
}
