/**
 * How connections are told apart: the broker's host:port under each name, and
 * the other connections that already carry a name (compared as an operator
 * reads them: trimmed, whatever the case), so the list, the connection form
 * and the import wizard warn before two look the same.
 */
import type { Profile } from '../../../shared/profiles';

const DEFAULT_PORTS: Record<string, string> = { 'mqtts:': '8883', 'mqtt:': '1883', 'wss:': '443', 'ws:': '80' };

/** `host:port` of a broker URL, the scheme's default port filled in; the URL itself when it does not parse. */
export function brokerAddress(url: string): string {
  try {
    const parsed = new URL(url);
    const port = parsed.port || DEFAULT_PORTS[parsed.protocol] || '';
    return port ? `${parsed.hostname}:${port}` : parsed.hostname || url;
  } catch {
    return url;
  }
}

const key = (name: string) => name.trim().toLocaleLowerCase();

/** The other connections called `name`; `exceptId` is the connection being edited. */
export function sameName(name: string, profiles: readonly Profile[], exceptId?: string | null): Profile[] {
  const wanted = key(name);
  if (!wanted) return [];
  return profiles.filter((p) => p.id !== exceptId && key(p.name) === wanted);
}

/** The sentence a form shows under a name already taken; null when it is free. */
export function duplicateNameWarning(name: string, profiles: readonly Profile[], exceptId?: string | null): string | null {
  const others = sameName(name, profiles, exceptId);
  const first = others[0];
  if (!first) return null;
  const where = others.map((p) => brokerAddress(p.url)).join(', ');
  return `${others.length === 1 ? 'Another connection is' : `${others.length} connections are`} already called ${first.name.trim()} (${where}): choose a name that tells them apart.`;
}
