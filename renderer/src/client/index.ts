/**
 * The one module through which the renderer reaches the backend: the Electron
 * bridge when the preload exposed it, otherwise the headless host's WebSocket
 * (token from the URL fragment, kept for reloads in this tab only). Made once
 * at startup (main.tsx) and handed down with the other services
 * (app/services.ts); nothing imports a client instance.
 */
import type { ApiClient, BridgeApi } from '../../../shared/client';
import { exportSignatureInput } from '../../../shared/history';
import { WS_PATH } from '../../../shared/wire';
import { createBridgeClient } from './bridge-client';
import { createWebSocketClient } from './websocket-client';

declare global {
  interface Window {
    api?: BridgeApi;
  }
}

function hostToken(): string {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash) {
    sessionStorage.setItem('mqtts-token', fromHash);
    history.replaceState(null, '', location.pathname + location.search);
    return fromHash;
  }
  return sessionStorage.getItem('mqtts-token') ?? '';
}

export function createClient(): ApiClient {
  if (window.api) return createBridgeClient(window.api);
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${WS_PATH}?token=${encodeURIComponent(hostToken())}`;
  return createWebSocketClient(url, (u) => new WebSocket(u));
}

/**
 * Fetches an export the core prepared as a browser download (headless host):
 * the URL carries an HMAC of the export id keyed with the host token, never
 * the token itself. The browser streams the file to disk as it arrives.
 */
export async function downloadExport(path: string, exportId: string): Promise<void> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', encoder.encode(hostToken()), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(exportSignatureInput(exportId))));
  const sig = Array.from(signature, (b) => b.toString(16).padStart(2, '0')).join('');
  const link = document.createElement('a');
  link.href = `${path}?sig=${sig}`;
  link.download = '';
  document.body.append(link);
  link.click();
  link.remove();
}
