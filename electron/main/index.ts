/**
 * Electron main: app lifecycle, the backend (the same core the headless host
 * runs), IPC bound to the contract, and the window.
 */
import { app, BrowserWindow, ipcMain } from 'electron';
import path from 'node:path';
import { createBackend, type Backend } from '../core/backend';
import { describeCrash, installLastResort } from '../core/process/last-resort';
import { openSecretStore } from '../core/secrets/open-store';
import { chooseExportFile } from './export-dialog';
import { attachWindow, bindInvokeHandlers } from './ipc';
import { desktopNotifier } from './notifications';
import { registerAppScheme, serveRenderer } from './renderer-protocol';
import { APP_PAGE_URL, type TrustedOrigins } from './trust';
import { createMainWindow, hardenContents, hardenSession } from './window';

// A bug must not take every connection down with it (nor show Electron's crash dialog); see last-resort.ts.
installLastResort({ log: (message, error) => console.error(message, describeCrash(error)) });
app.enableSandbox();
registerAppScheme();
if (!app.requestSingleInstanceLock()) app.quit();

const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const trusted: TrustedOrigins = { appUrl: APP_PAGE_URL, devOrigin: devUrl };

let backend: Backend | null = null;

function openWindow(current: Backend): void {
  const window = createMainWindow(trusted, devUrl);
  attachWindow(current.events, window.webContents);
}

app.on('web-contents-created', (_event, contents) => hardenContents(contents, trusted));

app.on('second-instance', () => {
  const [window] = BrowserWindow.getAllWindows();
  if (window) {
    if (window.isMinimized()) window.restore();
    window.focus();
  }
});

void app.whenReady().then(async () => {
  hardenSession();
  serveRenderer(path.join(__dirname, '../renderer'));
  backend = await createBackend({
    dataDir: app.getPath('userData'),
    // The OS keychain whenever one answers; memory for this run only when none exists.
    secrets: await openSecretStore(),
    transport: 'electron',
    version: app.getVersion(),
    chooseExportFile,
    notify: desktopNotifier(),
  });
  bindInvokeHandlers(ipcMain, backend.dispatch, trusted);
  openWindow(backend);
  app.on('activate', () => {
    if (backend && BrowserWindow.getAllWindows().length === 0) openWindow(backend);
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !backend) return;
  event.preventDefault();
  quitting = true;
  void backend.dispose().finally(() => app.quit());
});
