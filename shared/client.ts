/**
 * The one interface the renderer talks to the backend through. Implemented by
 * the Electron preload bridge and by the WebSocket client; the same contract
 * test suite runs against both.
 */
import type { EventName, EventPayload, InvokeName, InvokeRequest, InvokeResponse } from './contract';
import type { Result } from './result';

export interface ApiClient {
  invoke<K extends InvokeName>(name: K, request: InvokeRequest<K>): Promise<Result<InvokeResponse<K>>>;
  /** Subscribes to a pushed event; returns the unsubscribe function. */
  on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void;
}

/** The shape the Electron preload exposes as `window.api`: one function per channel. */
export interface BridgeApi {
  invoke: { [K in InvokeName]: (request: InvokeRequest<K>) => Promise<Result<InvokeResponse<K>>> };
  on: { [K in EventName]: (listener: (payload: EventPayload<K>) => void) => () => void };
}
