/**
 * A broker URL taken apart into what the transports need.
 */
import type { Transport } from '../../../shared/security';

export interface Target {
  transport: Transport;
  host: string;
  port: number;
  /** Path of a WebSocket endpoint (`/mqtt` unless the URL names one). */
  path: string;
  href: string;
}

const DEFAULT_PORT: Record<Transport, number> = { mqtt: 1883, mqtts: 8883, ws: 80, wss: 443 };

export function parseTarget(raw: string): Target {
  const url = new URL(raw);
  const transport = url.protocol.slice(0, -1) as Transport;
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port ? Number(url.port) : DEFAULT_PORT[transport];
  const path = transport === 'ws' || transport === 'wss' ? (url.pathname && url.pathname !== '/' ? url.pathname : '/mqtt') + url.search : '';
  return { transport, host, port, path, href: `${transport}://${url.host}${path}` };
}
