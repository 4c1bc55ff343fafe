/**
 * Importing a connections file the window read: this app's export (settings
 * only; the connections ask for their secrets), or another tool's file, whose
 * passwords and inline keys go to the keychain through the profile writer
 * (keychain first, then all profiles in one write; nothing is kept if any
 * step fails). The answer says, in sentences, what arrived, which secrets
 * were moved and where, that the source file still holds them in clear text,
 * which files named by path to pick instead, and what did not map.
 */
import { randomUUID } from 'node:crypto';
import { createProfile, type ConnectionsImport, type Profile } from '../../../shared/profiles';
import { readConnectionsFile } from './exchange';
import { FIELD_WORDS, type ForeignConnections } from './importers/imported';
import type { ProfileStore } from './profile-store';
import type { ProfileWriter } from './profile-writer';

const TOOL_NAMES = { mqttx: 'MQTTX', 'mqtt-explorer': 'MQTT Explorer' } as const;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function list(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function countSentence(profiles: Profile[], from: string): string {
  const groups = [...new Set(profiles.map((p) => p.group).filter(Boolean))];
  const into = groups.length ? `, in ${plural(groups.length, 'group')}: ${list(groups)}` : '';
  return `Imported ${plural(profiles.length, 'connection')} from ${from}${into}.`;
}

/** The summary of a foreign import, once its profiles are saved (in the same order as its connections). */
export function foreignImportReport(read: ForeignConnections, saved: Profile[], keptIn: string): ConnectionsImport {
  const tool = TOOL_NAMES[read.source];
  const secretsMoved = read.connections.flatMap((c, i) => {
    const items = (['password', 'clientKey'] as const).filter((item) => c.secrets[item] !== undefined);
    const profile = saved[i] as Profile;
    return items.length ? [{ profileId: profile.id, connection: profile.name, items: [...items] }] : [];
  });
  const filesToPick = read.connections.flatMap((c, i) => c.files.map((file) => ({ profileId: (saved[i] as Profile).id, connection: (saved[i] as Profile).name, ...file })));
  const summary = [countSentence(saved, tool)];
  if (secretsMoved.length) {
    const passwords = secretsMoved.filter((m) => m.items.includes('password')).map((m) => m.connection);
    const keys = secretsMoved.filter((m) => m.items.includes('clientKey')).map((m) => m.connection);
    const what = [passwords.length && `the password${passwords.length === 1 ? '' : 's'} of ${list(passwords)}`, keys.length && `the private key${keys.length === 1 ? '' : 's'} of ${list(keys)}`].filter(Boolean) as string[];
    summary.push(`Moved to ${keptIn}: ${list(what)}.`);
  }
  const sourceWarning = secretsMoved.length
    ? `The file you imported still holds ${secretsMoved.length === 1 && secretsMoved[0]?.items.length === 1 ? 'this secret' : 'these secrets'} in clear text: delete it, or keep it where only you can read it.`
    : null;
  if (filesToPick.length) {
    summary.push(`${tool} names ${plural(filesToPick.length, 'certificate or key file')} by ${filesToPick.length === 1 ? 'its path' : 'their paths'} on its computer; ${filesToPick.length === 1 ? 'it was' : 'they were'} not read. Pick ${filesToPick.length === 1 ? 'it' : 'them'} in each connection\u2019s TLS settings: ${filesToPick.map((f) => `${f.connection}: ${FIELD_WORDS[f.field]} ${f.path}`).join('; ')}.`);
  }
  for (const [i, c] of read.connections.entries()) for (const note of c.notes) summary.push(`${(saved[i] as Profile).name}: ${note}`);
  summary.push(...read.notes);
  return { source: read.source, profiles: saved, secretsMoved, filesToPick, summary, sourceWarning };
}

export async function importConnections(text: string, deps: { profiles: Pick<ProfileStore, 'put'>; writer: ProfileWriter; keptIn: string }): Promise<ConnectionsImport> {
  const read = readConnectionsFile(text);
  if (read.source === 'mqtts-dashboard') {
    await deps.profiles.put(...read.profiles);
    const pending = read.profiles.filter((p) => p.pendingSecrets.length > 0).length;
    const summary = [countSentence(read.profiles, 'this app\u2019s export')];
    if (pending) summary.push(`${plural(pending, 'connection needs', 'connections need')} secrets before connecting: the export carries none.`);
    return { source: read.source, profiles: read.profiles, secretsMoved: [], filesToPick: [], summary, sourceWarning: null };
  }
  const saved = await deps.writer.saveAll(
    read.connections.map((c) => ({
      profile: createProfile(c.settings, randomUUID(), { pendingSecrets: c.pendingSecrets }),
      changes: c.secrets,
    })),
  );
  return foreignImportReport(read, saved, deps.keptIn);
}
