/**
 * The command line: the same core as the app, for operators and scripts.
 *   npm run cli -- probe <url> [options]   connect once, print the security status
 *   npm run cli -- import <path>... [options]   read a certificate bundle, optionally save it
 *   npm run cli -- certs [--data-dir DIR]       every certificate the saved connections rely on
 * With --json, stdout carries exactly one JSON object on every path, failures
 * included (`{error: {code, message, hint}}`); usage text goes to stderr.
 */
import { parseArgs } from 'node:util';
import { AppFailure, type AppError } from '../../shared/result';
import { EXIT_INTERNAL, EXIT_USAGE, UsageError, type CliIo } from './io';
import { runCerts, type CertsArgs } from './certs';
import { runImport, type ImportArgs } from './import';
import { runProbe, type ProbeArgs } from './probe';

export const USAGE = `usage:
  npm run cli -- probe <url> [--ca FILE]... [--cert FILE] [--key FILE] [--pfx FILE]
                 [--passphrase-env VAR] [--username U] [--password-env VAR]
                 [--servername NAME] [--alpn PROTO]... [--min-tls TLSv1.2|TLSv1.3]
                 [--pin sha256:HEX]... [--insecure] [--timeout MS] [--mqtt-version 4|5]
                 [--crl FILE]... [--revocation-hard-fail] [--json]
    exit codes: 0 secure, 1 warning, 2 insecure, 3 could not connect, 64 bad arguments, 70 internal error
  npm run cli -- import <file|folder|zip>... [--passphrase-env VAR] [--json]
                 [--save NAME [--url mqtts://host:8883]] [--data-dir DIR]
    exit codes: 0 usable, 1 usable with warnings, 3 nothing usable, 64 bad arguments, 70 internal error
  npm run cli -- certs [--data-dir DIR] [--json]
    every certificate the saved connections rely on, days left and findings
    exit codes: 0 nothing to act on, 1 a certificate expired, expires within 30 days or was revoked,
                64 bad arguments, 70 internal error
  With --json, every outcome is one JSON object on stdout; a failure is {"error": {"code", "message", "hint"}}.`;

const COMMANDS = ['probe', 'import', 'certs'];
const commandList = `${COMMANDS.slice(0, -1).join(', ')} and ${COMMANDS[COMMANDS.length - 1]}`;

/** A failure of the command itself (not of a probe or an import), as the operator and a script see it. */
export function cliFailure(error: unknown, command: string | undefined): { exit: number; error: AppError; usage: boolean } {
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    const unknown = error instanceof UsageError && error.unknownCommand;
    return {
      exit: EXIT_USAGE,
      usage: true,
      error: {
        code: unknown ? 'unknown_command' : 'bad_arguments',
        message: (error as Error).message,
        hint: unknown ? `The commands are ${commandList}: npm run cli -- help` : `See the usage of ${command ?? 'the command line'}: npm run cli -- help`,
      },
    };
  }
  if (error instanceof AppFailure) return { exit: EXIT_INTERNAL, usage: false, error: error.error };
  const detail = error instanceof Error ? error.message : String(error);
  return {
    exit: EXIT_INTERNAL,
    usage: false,
    error: { code: 'internal', message: `The command failed unexpectedly: ${detail.slice(0, 300)}`, hint: 'This is a bug: report it with the command you ran (without secrets).' },
  };
}

function parseProbe(argv: string[]): ProbeArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ca: { type: 'string', multiple: true, default: [] },
      cert: { type: 'string' },
      key: { type: 'string' },
      pfx: { type: 'string' },
      'passphrase-env': { type: 'string' },
      username: { type: 'string' },
      'password-env': { type: 'string' },
      servername: { type: 'string' },
      alpn: { type: 'string', multiple: true, default: [] },
      'min-tls': { type: 'string' },
      pin: { type: 'string', multiple: true, default: [] },
      insecure: { type: 'boolean', default: false },
      crl: { type: 'string', multiple: true, default: [] },
      'revocation-hard-fail': { type: 'boolean', default: false },
      timeout: { type: 'string', default: '10000' },
      'mqtt-version': { type: 'string', default: '4' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError('probe takes exactly one broker URL.');
  const timeoutMs = Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 600_000) throw new UsageError('--timeout is milliseconds between 100 and 600000.');
  if (values['min-tls'] && !['TLSv1.2', 'TLSv1.3'].includes(values['min-tls'])) throw new UsageError('--min-tls is TLSv1.2 or TLSv1.3.');
  if (!['4', '5'].includes(values['mqtt-version'])) throw new UsageError('--mqtt-version is 4 (3.1.1) or 5.');
  if (values.key && !values.cert) throw new UsageError('--key needs --cert (the certificate of that key).');
  if (values.pfx && (values.key || values.cert)) throw new UsageError('Use either --pfx or --cert/--key, not both.');
  return {
    url: positionals[0] ?? '',
    ca: values.ca,
    cert: values.cert,
    key: values.key,
    pfx: values.pfx,
    passphraseEnv: values['passphrase-env'],
    username: values.username,
    passwordEnv: values['password-env'],
    servername: values.servername,
    alpn: values.alpn,
    minTls: values['min-tls'],
    pins: values.pin,
    insecure: values.insecure,
    crls: values.crl,
    revocationHardFail: values['revocation-hard-fail'],
    timeoutMs,
    protocolVersion: values['mqtt-version'] === '5' ? 5 : 4,
    json: values.json,
  };
}

function parseImport(argv: string[]): ImportArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'passphrase-env': { type: 'string' },
      json: { type: 'boolean', default: false },
      save: { type: 'string' },
      url: { type: 'string' },
      'data-dir': { type: 'string' },
    },
  });
  if (values.url && !values.save) throw new UsageError('--url only makes sense with --save NAME.');
  return { paths: positionals, passphraseEnv: values['passphrase-env'], json: values.json, save: values.save, url: values.url, dataDir: values['data-dir'] };
}

function parseCerts(argv: string[]): CertsArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (positionals.length) throw new UsageError('certs takes no file names: it reads the data folder (--data-dir).');
  return { dataDir: values['data-dir'], json: values.json };
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'probe':
        return await runProbe(parseProbe(rest), io);
      case 'import':
        return await runImport(parseImport(rest), io);
      case 'certs':
        return await runCerts(parseCerts(rest), io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout(USAGE);
        return command ? 0 : EXIT_USAGE;
      default:
        throw new UsageError(`Unknown command "${command}".`, { unknownCommand: true });
    }
  } catch (error) {
    const failure = cliFailure(error, command);
    // Read from the raw arguments: they may be the very thing that failed to parse.
    if (argv.includes('--json')) io.stdout(JSON.stringify({ error: failure.error }));
    io.stderr(failure.usage ? `${failure.error.message}\n${USAGE}` : `${failure.error.message} ${failure.error.hint}`);
    return failure.exit;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2), { stdout: (l) => console.log(l), stderr: (l) => console.error(l), env: process.env })
    .then((code) => process.exit(code))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(EXIT_INTERNAL);
    });
}
