/**
 * `import`: read a certificate bundle (files, folders, zips) with the same
 * importer as the app, print its summary (never a secret), and optionally save
 * it as a connection: certificates to the profiles file, the key to the OS
 * keychain. Where no OS keychain exists, the key can only be held in this
 * process's memory, which ends with the command: the connection is saved and
 * asks for its key when it is next used, and the output says so.
 * Exit code: 0 usable, 1 usable with warnings, 3 nothing usable.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { MAX_BUNDLE_BYTES, type ImportSummary } from '../../shared/certificates';
import { ProfileSettingsSchema } from '../../shared/profiles';
import { AppFailure } from '../../shared/result';
import { defaultDataDir } from '../core/app-paths';
import type { BundleInput } from '../core/certificates/bundle';
import { ImportService } from '../core/certificates/import-service';
import { describeIssues } from '../core/ipc/dispatcher';
import { ProfileStore } from '../core/profiles/profile-store';
import { openSecretStore } from '../core/secrets/open-store';
import { settlePendingSecrets } from '../core/secrets/pending';
import { lastingStore } from '../core/secrets/secret-store';
import { UsageError, type CliIo } from './io';

export interface ImportArgs {
  paths: string[];
  passphraseEnv?: string;
  json: boolean;
  save?: string;
  url?: string;
  dataDir?: string;
}

const MAX_FILES = 500;

async function collect(target: string, inputs: BundleInput[], prefix: string, depth: number): Promise<void> {
  let stat;
  try {
    stat = await fs.lstat(target);
  } catch (error) {
    throw new UsageError(`Cannot read ${target}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    if (depth > 6) return;
    const names = (await fs.readdir(target)).sort();
    for (const name of names) await collect(path.join(target, name), inputs, `${prefix}${path.basename(target)}/`, depth + 1);
    return;
  }
  if (!stat.isFile()) return;
  if (inputs.length >= MAX_FILES) throw new UsageError(`More than ${MAX_FILES} files: point at the bundle's folder, not a whole disk.`);
  if (stat.size > MAX_BUNDLE_BYTES) throw new UsageError(`${target} holds ${(stat.size / 1048576).toFixed(1)} MB; a certificate bundle is far smaller.`);
  inputs.push({ name: `${prefix}${path.basename(target)}`, bytes: await fs.readFile(target) });
}

export function importReport(summary: ImportSummary) {
  return {
    usable: summary.usable,
    items: summary.items.map((i) => ({
      source: i.source,
      kind: i.kind,
      subject: i.subject,
      issuer: i.issuer,
      notAfter: i.notAfter,
      fingerprint256: i.fingerprint256,
      keyType: i.keyBits ? `${i.keyType} ${i.keyBits}` : i.keyType,
      encrypted: i.encrypted,
    })),
    identity: summary.identity,
    ca: summary.ca,
    warnings: summary.warnings,
    errors: summary.errors,
  };
}

/** Where the saved key went: `session` means it died with this command and the app will ask for it. */
export interface SavedConnection {
  id: string;
  name: string;
  created: boolean;
  keyStoredIn: 'os' | 'session' | null;
  note: string;
}

function savedNote(keyStoredIn: SavedConnection['keyStoredIn']): string {
  if (keyStoredIn === 'os') return 'The client key is in the OS keychain.';
  if (keyStoredIn === 'session') {
    return 'No OS keychain found: the client key was held in this command’s memory only and is gone now that it exits; the app asks for the key when you connect.';
  }
  return 'No client key was saved.';
}

function text(report: ReturnType<typeof importReport>, saved: SavedConnection | null): string {
  const lines = [`${report.usable ? 'Usable' : 'NOT usable'}: ${report.items.length} item(s)`];
  for (const i of report.items) lines.push(`  ${i.kind.padEnd(15)} ${i.subject ?? i.keyType ?? ''}  [${i.source}]${i.encrypted ? ' (encrypted)' : ''}${i.notAfter ? ` until ${i.notAfter.slice(0, 10)}` : ''}`);
  if (report.identity) lines.push(`  identity: ${report.identity.certificate.subject}, key ${report.identity.key.keyType} from ${report.identity.key.source}`);
  for (const w of report.warnings) lines.push(`  warning: ${w.message} ${w.hint}`);
  for (const e of report.errors) lines.push(`  error:   ${e.message} ${e.hint}`);
  if (saved) lines.push(`  saved as connection "${saved.name}". ${saved.note}`);
  return lines.join('\n');
}

export async function runImport(args: ImportArgs, io: CliIo): Promise<number> {
  if (args.paths.length === 0) throw new UsageError('import needs at least one file or folder.');
  const inputs: BundleInput[] = [];
  for (const p of args.paths) await collect(p, inputs, '', 0);
  let passphrase: string | undefined;
  if (args.passphraseEnv) {
    passphrase = io.env[args.passphraseEnv];
    if (passphrase === undefined) throw new UsageError(`The environment variable ${args.passphraseEnv} (the passphrase) is not set.`);
  }

  const secrets = await openSecretStore();
  const store = new ProfileStore(args.dataDir ?? defaultDataDir(), { secrets: lastingStore(secrets) });
  await store.load();
  const service = new ImportService(store, secrets);
  const summary = service.inspect(inputs, { passphrase });
  const report = importReport(summary);

  let saved: SavedConnection | null = null;
  const keyStoredIn = summary.identity ? secrets.home.kind : null;
  let saveError = null;
  if (args.save && summary.importId) {
    const existing = store.list().find((p) => p.name === args.save);
    try {
      if (existing) {
        const profile = await service.apply(summary.importId, { profileId: existing.id });
        saved = { id: profile.id, name: profile.name, created: false, keyStoredIn, note: savedNote(keyStoredIn) };
      } else {
        if (!args.url) throw new UsageError(`There is no connection named "${args.save}": give its broker with --url to create it.`);
        const settings = ProfileSettingsSchema.safeParse({ name: args.save, url: args.url });
        if (!settings.success) throw new UsageError(describeIssues(settings.error));
        const profile = await service.apply(summary.importId, { settings: settings.data });
        saved = { id: profile.id, name: profile.name, created: true, keyStoredIn, note: savedNote(keyStoredIn) };
      }
    } catch (error) {
      if (!(error instanceof AppFailure)) throw error;
      saveError = error.error;
    }
  }

  // The memory that held the key ends with this command: the connection asks for it next time.
  if (saved && secrets.home.kind === 'session') await settlePendingSecrets(store, secrets, [saved.id]);

  const output = { ...report, errors: saveError ? [...report.errors, saveError] : report.errors, saved };
  io.stdout(args.json ? JSON.stringify(output) : text(output, saved));
  if (!summary.usable || saveError) return 3;
  return summary.warnings.length ? 1 : 0;
}
