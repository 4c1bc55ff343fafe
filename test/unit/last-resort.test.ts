/**
 * The last-resort handler keeps a process serving after an exception nothing
 * handled: run in a child process, since in this one the test runner owns
 * uncaught errors (and the hostile-input tests arm it to fail instead).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/backend';

const module = path.resolve(__dirname, '../../electron/core/process/last-resort.ts');

describe('the last-resort handler', () => {
  it('logs an uncaught exception and an unhandled rejection, and the process keeps running', () => {
    const script = path.join(tempDir('last-resort'), 'crash.ts');
    writeFileSync(
      script,
      `import { installLastResort } from ${JSON.stringify(module)};
const logged: string[] = [];
installLastResort({ log: (message, error) => logged.push(message + ' ' + (error as Error).message) });
setTimeout(() => { throw new Error('bug in a timer'); }, 1);
void Promise.reject(new Error('forgotten promise'));
setTimeout(() => console.log(JSON.stringify(logged)), 100);
`,
    );
    const out = execFileSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 20_000 });
    const logged = JSON.parse(out.trim()) as string[];
    expect(logged).toHaveLength(2);
    expect(logged.join('\n')).toMatch(/unhandledRejection.*forgotten promise/);
    expect(logged.join('\n')).toMatch(/uncaughtException.*bug in a timer/);
  });
});
