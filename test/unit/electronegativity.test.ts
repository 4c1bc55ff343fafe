/**
 * The Electronegativity gate of `npm test` (scripts/electronegativity/run.mjs)
 * can fail: an app with the mistakes it exists to catch is refused, with each
 * finding named, offline and in seconds. (The real app is scanned by
 * test/run-all.sh after the build.)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/backend';

const script = path.resolve(__dirname, '../../scripts/electronegativity/run.mjs');

describe('the electronegativity gate', () => {
  it('refuses an app that turns the sandbox and isolation off or opens any URL, naming each finding', () => {
    const dir = tempDir('electronegativity');
    mkdirSync(path.join(dir, 'main'));
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'bad', devDependencies: { electron: '45.6.0' } }));
    writeFileSync(
      path.join(dir, 'main', 'index.js'),
      `const { BrowserWindow, shell } = require('electron');
const win = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });
win.webContents.setWindowOpenHandler(({ url }) => { shell.openExternal(url); return { action: 'deny' }; });
win.loadURL('http://example.com/');
`,
    );
    const run = spawnSync(process.execPath, [script, '--input', dir], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stdout + run.stderr).toBe(1);
    for (const id of ['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'OPEN_EXTERNAL_JS_CHECK', 'AUXCLICK_JS_CHECK', 'HTTP_RESOURCES_JS_CHECK']) expect(run.stdout).toContain(`FINDING  ${id}`);
    expect(run.stdout).toMatch(/\d+ not allowed/);
  });
});
