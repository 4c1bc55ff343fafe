/**
 * What an importer of another tool's file hands back, whatever the tool: per
 * connection, its settings in this app's terms (checked by the profile
 * schema), the secrets it held in clear (for the keychain), the files it names
 * by path (for the operator to pick: never read), what it still needs before
 * it connects, and what did not map; plus notes about the whole file. Also the
 * pieces every importer needs: turning a draft into settings or a reason to
 * skip it, the subscriptions that are valid filters, refusing a file that is
 * not what it claims with the tool's own fix.
 */
import type { z } from 'zod';
import { brokerUrlProblem, ProfileSettingsSchema, topicFilterValid, type FileToPick, type PendingSecret, type ProfileSettings, type ProfileSettingsInput, type Qos } from '../../../../shared/profiles';
import { AppFailure } from '../../../../shared/result';
import { describeIssues } from '../../ipc/dispatcher';
import { readInlineFile } from './inline-files';

export interface ImportedConnection {
  settings: ProfileSettings;
  /** Secrets the file held in clear text; they go to the keychain with the connection. */
  secrets: { password?: string; clientKey?: string };
  /** Certificate and key files the source names by path on the operator's disk. */
  files: Array<{ field: FileToPick['field']; path: string }>;
  pendingSecrets: PendingSecret[];
  /** Sentences about this connection: what did not map, what to check. */
  notes: string[];
}

export interface ForeignConnections {
  source: 'mqttx' | 'mqtt-explorer';
  connections: ImportedConnection[];
  /** Sentences about the whole file (connections skipped, groups renamed). */
  notes: string[];
}

/** How the certificate and key fields are named in a sentence. */
export const FIELD_WORDS: Record<FileToPick['field'], string> = { ca: 'CA file', clientCertificate: 'client certificate', clientKey: 'client key' };

/** The certificates a connection being imported takes from the files its tool kept inline. */
export interface InlineTls {
  ca: string[];
  clientCertificate: string | null;
}

/**
 * Puts what an inline file holds where it belongs: certificates in the CA
 * list or as the client certificate, a private key apart for the keychain.
 * What could not be read, and a key that needs its passphrase, are noted.
 */
export function takeInlineFile(connection: Pick<ImportedConnection, 'secrets' | 'notes'>, tls: InlineTls, field: FileToPick['field'], bytes: Buffer, label: string): void {
  const read = readInlineFile(bytes);
  if (read.problem) connection.notes.push(`Its ${label} was not fully taken: ${read.problem}.`);
  if (field === 'ca' && read.certificates) tls.ca = [read.certificates];
  if (field === 'clientCertificate' && read.certificates) tls.clientCertificate = read.certificates;
  if (read.key && field !== 'ca' && connection.secrets.clientKey === undefined) {
    connection.secrets.clientKey = read.key;
    if (/ENCRYPTED/.test(read.key)) connection.notes.push('Its private key is encrypted: type its passphrase in the connection\u2019s TLS settings before connecting.');
  }
}

/** More connections than anyone keeps in one tool: a file with more is refused before it is read further. */
export const MAX_IMPORTED_CONNECTIONS = 1000;
/** A connection keeps at most this many subscriptions (the profile's own limit). */
const MAX_SUBSCRIPTIONS = 256;

/** Refuses a file that is not a valid export of `tool`, naming where it fails and the tool's own way to a good one. */
export function parseOrRefuse<S extends z.ZodType>(schema: S, value: unknown, what: string, fix: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AppFailure('profiles_import_invalid', `${what} cannot be read: ${describeIssues(parsed.error)}.`, fix);
  return parsed.data;
}

/** Refuses a list longer than `MAX_IMPORTED_CONNECTIONS` before its items are read. */
export function checkCount(count: number, what: string): void {
  if (count > MAX_IMPORTED_CONNECTIONS) {
    throw new AppFailure('profiles_import_too_large', `${what} holds ${count} connections; an import takes at most ${MAX_IMPORTED_CONNECTIONS}.`, 'Export fewer connections at a time (the tool can export one connection, or a collection).');
  }
}

/** The subscriptions that are valid MQTT filters, at most a profile's worth, and a note on the rest. */
export function subscriptionsFrom(list: Array<{ topic: string; qos: Qos }>, notes: string[]): Array<{ filter: string; qos: Qos }> {
  const valid = list.filter((s) => s.topic.length > 0 && topicFilterValid(s.topic));
  if (valid.length < list.length) notes.push(`${list.length - valid.length} subscription${list.length - valid.length === 1 ? ' is not a valid topic filter and was' : 's are not valid topic filters and were'} left out.`);
  if (valid.length > MAX_SUBSCRIPTIONS) notes.push(`Only the first ${MAX_SUBSCRIPTIONS} of its ${valid.length} subscriptions were kept.`);
  return valid.slice(0, MAX_SUBSCRIPTIONS).map((s) => ({ filter: s.topic, qos: s.qos }));
}

/** The draft as settings, or why the connection cannot be imported (its broker address, mostly). */
export function settingsFrom(draft: ProfileSettingsInput): { settings: ProfileSettings } | { problem: string } {
  const urlProblem = brokerUrlProblem(draft.url);
  if (urlProblem) return { problem: `its broker address ${draft.url} cannot be used (${urlProblem})` };
  const parsed = ProfileSettingsSchema.safeParse(draft);
  return parsed.success ? { settings: parsed.data } : { problem: describeIssues(parsed.error) };
}

/** A name as a profile takes it: trimmed, at most 200 characters, the host when there is none. */
export function connectionName(name: string | null | undefined, host: string): string {
  const trimmed = (name ?? '').trim().slice(0, 200);
  return trimmed || host.slice(0, 200) || 'Imported connection';
}
