/**
 * Where the app keeps its data when Electron is not there to say: the same
 * folder Electron's `app.getPath('userData')` uses, so the desktop app and the
 * headless host share profiles.
 */
import os from 'node:os';
import path from 'node:path';

export const APP_NAME = 'MQTTS Dashboard';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_NAME);
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_NAME);
}
