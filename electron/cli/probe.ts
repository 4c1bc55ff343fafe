/**
 * `probe`: connect once with the same core the app uses (revocation of the
 * broker's chain checked as in the app), wait for CONNACK (or the failure),
 * disconnect, and report the security status. Exit code by outcome: 0
 * secure, 1 warning, 2 insecure, 3 could not connect.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createProfile, ProfileSettingsDraftSchema, type Profile } from '../../shared/profiles';
import { crlFileText } from '../../shared/revocation';
import { AppFailure } from '../../shared/result';
import type { SessionView } from '../../shared/sessions';
import { inspectBundle } from '../core/certificates/bundle';
import { describeIssues } from '../core/ipc/dispatcher';
import { Session, type SessionSecrets } from '../core/sessions/session';
import type { TransportTrust } from '../core/sessions/transport';
import { checkRevocation, RevocationChecker } from '../core/trust/revocation';
import { Verifier } from '../core/trust/verifier';
import { createSystemTrust, type SystemTrust } from '../core/tls/system-roots';
import { UsageError, type CliIo } from './io';

export interface ProbeArgs {
  url: string;
  ca: string[];
  cert?: string;
  key?: string;
  pfx?: string;
  passphraseEnv?: string;
  username?: string;
  passwordEnv?: string;
  servername?: string;
  alpn: string[];
  minTls?: string;
  pins: string[];
  insecure: boolean;
  /** CRL files of the broker's CA (PEM or DER). */
  crls?: string[];
  revocationHardFail?: boolean;
  timeoutMs: number;
  protocolVersion: 4 | 5;
  json: boolean;
}

const EXIT = { secure: 0, warning: 1, insecure: 2, unknown: 3 } as const;
export const EXIT_NOT_CONNECTED = 3;

function readFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UsageError(`Cannot read the ${what} file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
}

function crlFile(path: string): string {
  const text = crlFileText(readFile(path, 'CRL'));
  if (text === null) throw new UsageError(`${path} is not a certificate revocation list (PEM or DER).`);
  return text;
}

function fromEnv(variable: string | undefined, what: string, env: NodeJS.ProcessEnv): string | undefined {
  if (!variable) return undefined;
  const value = env[variable];
  if (value === undefined) throw new UsageError(`The environment variable ${variable} (the ${what}) is not set.`);
  return value;
}

/** A PKCS#12 file goes through the bundle importer: it reads every encryption Node and Electron cannot. */
function pfxIdentity(args: ProbeArgs, env: NodeJS.ProcessEnv): { certificate: string; key: string } {
  if (!args.pfx) throw new Error('no PKCS#12 file');
  const bytes = readFile(args.pfx, 'PKCS#12');
  const { summary, material } = inspectBundle([{ name: basename(args.pfx), bytes }], { passphrase: fromEnv(args.passphraseEnv, 'passphrase', env) });
  if (material?.clientCertificate && material.key) return { certificate: material.clientCertificate, key: material.key };
  const error = summary.errors[0] ?? { code: 'identity_missing', message: `${args.pfx} holds no client certificate with its key.`, hint: 'Export the PKCS#12 file again with the certificate and its private key.' };
  throw AppFailure.from(error);
}

export function buildProbeProfile(args: ProbeArgs, clientCertificate?: string): Profile {
  // Nothing of a probe is saved, so a --cert file may hold its key too (as with --key pointing at the same file).
  const parsed = ProfileSettingsDraftSchema.safeParse({
    name: 'probe',
    url: args.url,
    protocolVersion: args.protocolVersion,
    username: args.username ?? '',
    tls: {
      trust: args.ca.length ? 'custom' : 'system',
      ca: args.ca.map((file) => readFile(file, 'CA').toString('utf8')),
      clientCertificate: clientCertificate ?? (args.cert ? readFile(args.cert, 'certificate').toString('utf8') : null),
      servername: args.servername ?? '',
      alpn: args.alpn,
      minVersion: args.minTls ?? 'TLSv1.2',
      pins: args.pins,
      verify: !args.insecure,
      revocation: { crls: (args.crls ?? []).map(crlFile), hardFail: args.revocationHardFail ?? false },
    },
  });
  if (!parsed.success) throw new UsageError(describeIssues(parsed.error));
  return createProfile(parsed.data, 'probe', { secrets: { password: !!args.passwordEnv, clientKey: !!args.key || !!args.pfx, passphrase: !!args.passphraseEnv, deviceKey: false } });
}

export function probeSecrets(args: ProbeArgs, env: NodeJS.ProcessEnv): SessionSecrets {
  return {
    password: fromEnv(args.passwordEnv, 'password', env),
    passphrase: fromEnv(args.passphraseEnv, 'passphrase', env),
    key: args.key ? readFile(args.key, 'key').toString('utf8') : undefined,
  };
}

/** Connects once; resolves with the view once the attempt settled (connected or failed). */
export function probeOnce(profile: Profile, secrets: SessionSecrets | AppFailure, options: { timeoutMs: number; systemTrust?: SystemTrust; trust?: (profile: Profile) => TransportTrust }): Promise<SessionView> {
  return new Promise((resolve) => {
    let done = false;
    const session: Session = new Session(profile, {
      secrets: async () => {
        if (secrets instanceof AppFailure) throw secrets;
        return secrets;
      },
      systemTrust: options.systemTrust ?? createSystemTrust(),
      connectTimeoutMs: options.timeoutMs,
      retry: false,
      trust: options.trust,
      onMessage: () => undefined,
      onChange: (view) => {
        if (done || (view.state !== 'connected' && view.state !== 'failed')) return;
        done = true;
        // The view is taken before disconnecting, so it reports the connection as it was.
        void session.disconnect('Probe finished.').then(() => resolve(view));
      },
    });
    session.connect();
  });
}

export function probeReport(view: SessionView) {
  const { security } = view;
  const tls = security.tls;
  return {
    url: view.url,
    connected: view.state === 'connected',
    grade: security.grade,
    reasons: security.reasons,
    transport: security.transport,
    tls: tls
      ? {
          version: tls.version,
          cipher: tls.cipherStandardName ?? tls.cipher,
          forwardSecret: tls.forwardSecret,
          alpnProtocol: tls.alpnProtocol,
          servername: tls.servername,
          verification: tls.verification,
          authorized: tls.authorized,
          authorizationError: tls.authorizationError,
          hostname: tls.hostname,
          pin: tls.pin,
          peerChain: tls.peerChain,
          clientCertificate: tls.clientCertificate,
          revocation: tls.revocation,
        }
      : null,
    error: view.error,
  };
}

export function probeExitCode(view: SessionView): number {
  return view.state === 'connected' ? EXIT[view.security.grade] : EXIT_NOT_CONNECTED;
}

function text(report: ReturnType<typeof probeReport>): string {
  const lines: string[] = [];
  lines.push(`${report.url}: ${report.connected ? 'connected' : 'NOT connected'}, grade ${report.grade.toUpperCase()}`);
  if (report.error) lines.push(`  error: ${report.error.message}`, `  fix:   ${report.error.hint}`, `  code:  ${report.error.code}`);
  if (report.tls) {
    const t = report.tls;
    lines.push(`  TLS ${t.version ?? '?'} ${t.cipher ?? ''}; chain ${t.authorized ? 'verified' : `NOT verified${t.authorizationError ? ` (${t.authorizationError})` : ''}`}; verification ${t.verification ? 'on' : 'OFF'}`);
    t.peerChain.forEach((c, i) => lines.push(`  ${i === 0 ? 'broker' : `ca[${i}]`}: ${c.subject} (issuer ${c.issuer}; until ${c.notAfter?.slice(0, 10) ?? 'unreadable'}; ${c.keyType}${c.keyBits ? ` ${c.keyBits}` : ''}; ${c.fingerprint256})`));
    if (t.clientCertificate) lines.push(`  client: ${t.clientCertificate.subject} (until ${t.clientCertificate.notAfter?.slice(0, 10) ?? 'unreadable'})`);
  }
  for (const r of report.reasons) lines.push(`  [${r.level}] ${r.message}`);
  return lines.join('\n');
}

export async function runProbe(args: ProbeArgs, io: CliIo): Promise<number> {
  let identity: { certificate: string; key: string } | AppFailure | null = null;
  if (args.pfx) {
    try {
      identity = pfxIdentity(args, io.env);
    } catch (error) {
      if (!(error instanceof AppFailure)) throw error;
      identity = error;
    }
  }
  const profile = buildProbeProfile(args, identity && !(identity instanceof AppFailure) ? identity.certificate : undefined);
  const secrets = probeSecrets(args, io.env);
  const failure = identity instanceof AppFailure ? identity : null;
  const key = identity && !(identity instanceof AppFailure) ? identity.key : secrets.key;
  // The decrypted PKCS#12 key needs no passphrase; a failed PKCS#12 read fails the attempt with its own error.
  // Revocation as the app checks it, without its record of chains: a probe keeps nothing.
  const verifier = new Verifier();
  const checker = new RevocationChecker({ verifier });
  const trust = (p: Profile): TransportTrust => ({
    seen: () => undefined,
    check: (chain, stapled) => checkRevocation(checker, { chain, stapled, settings: p.tls.revocation }, (error) => io.stderr(`The revocation check failed: ${String(error)}`), Date.now()),
  });
  let view: SessionView;
  try {
    view = await probeOnce(profile, failure ? failure : { ...secrets, key, passphrase: args.pfx ? undefined : secrets.passphrase }, { timeoutMs: args.timeoutMs, trust });
  } finally {
    verifier.dispose();
  }
  const report = probeReport(view);
  io.stdout(args.json ? JSON.stringify(report) : text(report));
  return probeExitCode(view);
}
