import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const eslint = new ESLint({ cwd: root });

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer boundaries (ESLint)', () => {
  it('refuses the core importing electron', async () => {
    const messages = await restricted('electron/core/sessions/bad.ts', "import { app } from 'electron';\nexport const x = app;\n");
    expect(messages.join('\n')).toMatch(/without Electron/);
  });

  it('refuses the core importing the Electron shell', async () => {
    expect(await restricted('electron/core/bad.ts', "import { bindInvokeHandlers } from '../main/ipc';\nexport const x = bindInvokeHandlers;\n")).not.toHaveLength(0);
  });

  it('refuses shared/ importing electron or Node', async () => {
    expect(await restricted('shared/bad.ts', "import { ipcMain } from 'electron';\nexport const x = ipcMain;\n")).not.toHaveLength(0);
    expect(await restricted('shared/bad.ts', "import fs from 'node:fs';\nexport const x = fs;\n")).not.toHaveLength(0);
  });

  it('refuses the renderer importing Node modules or the core', async () => {
    expect(await restricted('renderer/src/bad.ts', "import fs from 'fs';\nexport const x = fs;\n")).not.toHaveLength(0);
    expect(await restricted('renderer/src/bad.ts', "import { createBackend } from '../../electron/core/backend';\nexport const x = createBackend;\n")).not.toHaveLength(0);
  });

  it('lets each layer import what it may', async () => {
    expect(await restricted('electron/core/ok.ts', "import tls from 'node:tls';\nimport { contract } from '../../shared/contract';\nexport const x = [tls, contract];\n")).toHaveLength(0);
    expect(await restricted('electron/main/ok.ts', "import { app } from 'electron';\nimport { createBackend } from '../core/backend';\nexport const x = [app, createBackend];\n")).toHaveLength(0);
    expect(await restricted('renderer/src/ok.ts', "import { contract } from '../../shared/contract';\nexport const x = contract;\n")).toHaveLength(0);
  });
});
