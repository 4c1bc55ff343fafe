/**
 * ApiClient over the headless host's WebSocket. Requests made while the socket
 * is (re)connecting wait for it; if the socket drops, pending requests resolve
 * to a `transport_closed` error and the client reconnects with backoff. Takes
 * the WebSocket constructor as a parameter so the contract tests can run it in
 * Node with the `ws` package.
 */
import type { ApiClient } from '../../../shared/client';
import type { EventName, EventPayload, InvokeName, InvokeRequest, InvokeResponse } from '../../../shared/contract';
import { err, type Result } from '../../../shared/result';

export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

export type WebSocketFactory = (url: string) => WebSocketLike;

export interface WebSocketClient extends ApiClient {
  /** Resolves once the socket is open (the first time). */
  ready: Promise<void>;
  /** Whether the socket is open now. */
  connected(): boolean;
  onConnectionChange(listener: (open: boolean) => void): () => void;
  close(): void;
}

const OPEN = 1;

export function createWebSocketClient(url: string, factory: WebSocketFactory): WebSocketClient {
  let socket: WebSocketLike;
  let nextId = 1;
  let closedByUser = false;
  let retry = 0;
  const pending = new Map<number, (result: Result<unknown>) => void>();
  const queue: string[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const connectionListeners = new Set<(open: boolean) => void>();
  let resolveReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));

  const open = () => {
    socket = factory(url);
    socket.addEventListener('open', () => {
      retry = 0;
      resolveReady();
      for (const frame of queue.splice(0)) socket.send(frame);
      connectionListeners.forEach((l) => l(true));
    });
    socket.addEventListener('message', (event) => {
      let frame: { id?: number; result?: Result<unknown>; event?: string; payload?: unknown };
      try {
        frame = JSON.parse(String(event.data)) as typeof frame;
      } catch {
        return;
      }
      if (typeof frame.event === 'string') {
        listeners.get(frame.event)?.forEach((l) => l(frame.payload));
      } else if (typeof frame.id === 'number') {
        const resolve = pending.get(frame.id);
        pending.delete(frame.id);
        resolve?.(frame.result ?? err('transport_failed', 'The host sent an empty answer.', 'Reload the page.'));
      }
    });
    socket.addEventListener('close', () => {
      for (const resolve of pending.values()) {
        resolve(err('transport_closed', 'The connection to the dashboard host was lost.', 'Check that `npm run serve` is still running; the page reconnects by itself.'));
      }
      pending.clear();
      connectionListeners.forEach((l) => l(false));
      if (!closedByUser) {
        retry++;
        setTimeout(open, Math.min(10_000, 250 * 2 ** Math.min(retry, 6)));
      }
    });
  };
  open();

  return {
    ready,
    connected: () => socket.readyState === OPEN,
    onConnectionChange(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    close() {
      closedByUser = true;
      socket.close();
    },
    invoke<K extends InvokeName>(name: K, request: InvokeRequest<K>): Promise<Result<InvokeResponse<K>>> {
      const id = nextId++;
      const frame = JSON.stringify({ id, channel: name, payload: request });
      return new Promise((resolve) => {
        pending.set(id, resolve as (result: Result<unknown>) => void);
        if (socket.readyState === OPEN) socket.send(frame);
        else queue.push(frame);
      });
    },
    on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      return () => set.delete(wrapped);
    },
  };
}
