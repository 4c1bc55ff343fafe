/**
 * What the built headless host (out/main/serve.js, as `npm start` runs it;
 * global-setup builds) loads before it prints its address: zod comes inside
 * the bundle (no file of the package is read at start), and mqtt.js is loaded
 * by the first connection attempt, from beside the bundle, not at start. A
 * probe preloaded into the host's Node prints each of the two packages the
 * moment it is first required.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Profile } from '../../shared/profiles';
import { tempDir } from '../support/backend';
import { startHostProcess, withoutDesktop, type HostProcess } from '../support/host-process';
import { until } from '../support/until';

const PROBE = `const Module = require('node:module');
const load = Module._load;
const seen = new Set();
Module._load = function (request) {
  for (const name of ['mqtt', 'zod']) {
    if ((request === name || request.startsWith(name + '/')) && !seen.has(name)) {
      seen.add(name);
      process.stdout.write('LOADED ' + name + '\\n');
    }
  }
  return load.apply(this, arguments);
};
`;

const probeDir = mkdtempSync(path.join(os.tmpdir(), 'mqtts-probe-'));
const dataDir = tempDir('built-start');
let host: HostProcess | null = null;

afterAll(async () => {
  await host?.stop();
  rmSync(probeDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the built headless host at start', () => {
  it('reads no file of zod and loads mqtt.js only for the first connection attempt', async () => {
    const probe = path.join(probeDir, 'probe.cjs');
    writeFileSync(probe, PROBE);
    host = await startHostProcess({ dataDir, built: true, env: { ...withoutDesktop(), NODE_OPTIONS: `--require ${probe}` } });
    expect(host.output.filter((l) => l.startsWith('LOADED'))).toEqual([]);

    const client = await host.connect();
    const saved = await client.invoke('profiles.save', { settings: { name: 'Nowhere', url: 'mqtt://127.0.0.1:1' } });
    if (!saved.ok) throw new Error(saved.error.message);
    expect(host.output.filter((l) => l.startsWith('LOADED'))).toEqual([]);
    // Refused at once (nothing listens on port 1), but the attempt needed mqtt.js, found from the built bundle.
    const connected = await client.invoke('sessions.connect', { id: (saved.value as Profile).id });
    expect(connected.ok).toBe(true);
    await until(() => (host!.output.includes('LOADED mqtt') ? true : undefined), 'mqtt.js loaded by the attempt');
    expect(host.output.filter((l) => l.startsWith('LOADED'))).toEqual(['LOADED mqtt']);
  });
});
