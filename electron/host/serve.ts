/**
 * `npm run serve`: runs the dashboard without Electron, for a gateway with no
 * desktop and for the browser tests. Prints the URL (with its access token) to
 * open in a browser on this machine.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../core/app-paths';
import { createBackend } from '../core/backend';
import { describeCrash, installLastResort } from '../core/process/last-resort';
import { openSecretStore } from '../core/secrets/open-store';
import { SESSION_KEYCHAIN_NOTICE } from '../../shared/contract';
import { startHost } from './server';

const root = path.resolve(__dirname, '../..');

function usage(): never {
  console.error('usage: npm run serve -- [--port N] [--data-dir DIR] [--demo]');
  console.error('  --demo   on a first start (no connections yet), start the demo fleet');
  process.exit(64);
}

async function main(): Promise<void> {
  // A bug must not take every connection down with it; see last-resort.ts for why it is never relied on.
  installLastResort({ log: (message, error) => console.error(message, describeCrash(error)) });
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        'data-dir': { type: 'string' },
        'static-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        demo: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    console.error((error as Error).message);
    usage();
  }
  if (values.help) usage();
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) usage();

  const staticDir = values['static-dir'] ?? path.join(root, 'out', 'renderer');
  if (!existsSync(path.join(staticDir, 'index.html'))) {
    console.log('Building the user interface (first run)…');
    const build = spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const secrets = await openSecretStore();
  if (secrets.home.kind === 'session') console.log(`${SESSION_KEYCHAIN_NOTICE} (${secrets.home.reason}).`);
  const backend = await createBackend({ dataDir, secrets, transport: 'websocket', version });
  const host = await startHost({ backend, staticDir, port, log: (message) => console.warn(message) });
  // A demo already installed resumes by itself; --demo installs it only on a first start.
  if (values.demo && backend.profiles.list().length === 0) {
    const started = await backend.dispatch('demo.start', {});
    if (!started.ok) console.error(`The demo could not start: ${started.error.message} ${started.error.hint}`);
    else console.log('Demo fleet started: an embedded TLS broker with simulated devices.');
  }
  console.log(`MQTTS Dashboard is running. Data folder: ${dataDir}`);
  console.log(`Open ${host.url}`);
  const stop = async () => {
    await host.close();
    await backend.dispose();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

void main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
