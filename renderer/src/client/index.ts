/**
 * The one module through which the renderer reaches the backend: the Electron
 * bridge when the preload exposed it, otherwise the headless host's WebSocket
 * (token from the URL fragment, kept for reloads in this tab only). Made once
 * at startup (main.tsx) and handed down with the other services
 * (app/services.ts); nothing imports a client instance.
 */
import type { ApiClient, BridgeApi } from '../../../shared/client';
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
