/**
 * `certs`: every certificate the saved connections rely on (client
 * certificates, the CAs the operator added, each broker's chain as last
 * seen by the app), as the window's certificates overview shows them: the
 * same inventory function, read from the data folder, nothing changed and no
 * broker contacted. Exit code 1 when a certificate has expired, expires
 * within the warning window or was found revoked, for scripts and
 * monitoring; 0 otherwise.
 */
import { promises as fs } from 'node:fs';
import { ROLE_WORDS, type CertificateInventory } from '../../shared/trust';
import { defaultDataDir } from '../core/app-paths';
import type { Logger } from '../core/logger';
import { ProfileStore } from '../core/profiles/profile-store';
import { buildInventory } from '../core/trust/inventory';
import { TrustStateStore } from '../core/trust/state-store';
import { UsageError, type CliIo } from './io';

export interface CertsArgs {
  dataDir?: string;
  json: boolean;
}

/** Exit 1: something needs the operator (expired, expiring within the window, revoked). */
export function certsExitCode(inventory: CertificateInventory): number {
  const { expired, expiring, revoked } = inventory.counts;
  return expired + expiring + revoked > 0 ? 1 : 0;
}

function text(inventory: CertificateInventory): string {
  const { counts } = inventory;
  const lines = [
    `${counts.certificates} certificate(s): ${counts.expired} expired, ${counts.expiring} expiring within ${inventory.warningDays} days, ${counts.revoked} revoked, ${counts.withFindings} with findings.`,
  ];
  for (const c of inventory.certificates) {
    const days = c.daysLeft === null ? '   ?' : String(c.daysLeft).padStart(4);
    lines.push(`${days} days  ${c.subject}  [${c.keyType}${c.keyBits && !/\d/.test(c.keyType) ? ` ${c.keyBits}` : ''}, ${c.signatureAlgorithm}]`);
    for (const u of c.uses) lines.push(`            used by ${u.connectionName} as ${ROLE_WORDS[u.role]}`);
    for (const f of c.findings) lines.push(`            ${f.level}: ${f.message}`);
  }
  if (inventory.unseen.length) lines.push(`Not connected yet, broker chains unknown: ${inventory.unseen.map((u) => u.connectionName).join(', ')}.`);
  return lines.join('\n');
}

export async function runCerts(args: CertsArgs, io: CliIo): Promise<number> {
  const dir = args.dataDir ?? defaultDataDir();
  const stat = await fs.stat(dir).catch(() => null);
  if (!stat?.isDirectory()) throw new UsageError(`The data folder ${dir} does not exist: give the app's data folder with --data-dir.`);
  const profiles = new ProfileStore(dir);
  await profiles.load();
  // Whatever the stores have to say goes to stderr: with --json, stdout carries the one document.
  const logger: Logger = { info: () => undefined, warn: (message) => io.stderr(message), error: (message) => io.stderr(message) };
  const state = new TrustStateStore(dir, logger);
  await state.load();
  if (profiles.notice) io.stderr(`${profiles.notice.message} ${profiles.notice.hint}`);
  const inventory = buildInventory({ profiles: profiles.list(), chains: state.all(), now: Date.now() });
  io.stdout(args.json ? JSON.stringify(inventory) : text(inventory));
  return certsExitCode(inventory);
}
