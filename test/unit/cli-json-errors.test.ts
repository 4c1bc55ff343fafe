/**
 * `--json` means one JSON object on stdout on every path, failures included:
 * bad arguments, an unknown command, an internal error. Usage text stays on
 * stderr, and the exit codes are the documented ones (64 usage, 70 internal).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cliFailure, runCli, USAGE } from '../../electron/cli/index';

async function run(argv: string[]): Promise<{ exit: number; stdout: string[]; stderr: string[] }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const exit = await runCli(argv, { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l), env: {} });
  return { exit, stdout, stderr };
}

/** The one JSON document a script reads from stdout. */
function document(lines: string[]): { error: { code: string; message: string; hint: string } } {
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] ?? '');
}

describe('CLI failures with --json', () => {
  it.each([
    ['a URL that is not one', ['probe', 'not-a-url', '--json'], /^url: Enter a broker URL such as mqtts:\/\//],
    ['an unknown option', ['probe', 'mqtts://127.0.0.1:8883', '--colour', '--json'], /Unknown option '--colour'/],
    ['two URLs', ['probe', 'mqtts://a:8883', 'mqtts://b:8883', '--json'], /^probe takes exactly one broker URL\.$/],
    ['a timeout out of range', ['probe', 'mqtts://a:8883', '--timeout', '5', '--json'], /^--timeout is milliseconds/],
    ['import with nothing to read', ['import', '--json'], /^import needs at least one file or folder\.$/],
    ['a file that is not there', ['import', path.join(__dirname, 'no-such-bundle.pem'), '--json'], /^Cannot read .*no-such-bundle\.pem: ENOENT\.$/],
  ])('bad arguments (%s): bad_arguments on stdout, usage on stderr, exit 64', async (_what, argv, message) => {
    const { exit, stdout, stderr } = await run(argv);
    expect(exit).toBe(64);
    const { error } = document(stdout);
    expect(error.code).toBe('bad_arguments');
    expect(error.message).toMatch(message);
    expect(error.hint).toBe(`See the usage of ${argv[0]}: npm run cli -- help`);
    expect(stderr.join('\n')).toContain(USAGE);
  });

  it('an unknown command: unknown_command naming the commands there are, exit 64', async () => {
    const { exit, stdout, stderr } = await run(['frobnicate', '--json']);
    expect(exit).toBe(64);
    expect(document(stdout).error).toEqual({ code: 'unknown_command', message: 'Unknown command "frobnicate".', hint: 'The commands are probe, import and certs: npm run cli -- help' });
    expect(stderr.join('\n')).toContain(USAGE);
  });

  it('an internal error: internal, with what failed and what to do, exit 70', () => {
    // What a bug throws: not a usage error, not an AppFailure.
    const failure = cliFailure(new TypeError("Cannot read properties of undefined (reading 'peerChain')"), 'probe');
    expect(failure).toEqual({
      exit: 70,
      usage: false,
      error: {
        code: 'internal',
        message: "The command failed unexpectedly: Cannot read properties of undefined (reading 'peerChain')",
        hint: 'This is a bug: report it with the command you ran (without secrets).',
      },
    });
  });

  it('without --json, stdout stays empty and the reason goes to stderr', async () => {
    const { exit, stdout, stderr } = await run(['probe', 'not-a-url']);
    expect(exit).toBe(64);
    expect(stdout).toEqual([]);
    expect(stderr[0]).toMatch(/^url: Enter a broker URL/);
  });

  it('as a process: exactly one JSON line on stdout for a script to parse, usage on stderr', async () => {
    const cli = path.resolve(__dirname, '../../electron/cli/index.ts');
    const result = await promisify(execFile)(process.execPath, ['--import', 'tsx', cli, 'probe', 'not-a-url', '--json'], { timeout: 30_000 }).catch(
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect('code' in result ? result.code : 0).toBe(64);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(result.stdout).error.code).toBe('bad_arguments');
    expect(result.stderr).toContain('usage:');
  });
});
