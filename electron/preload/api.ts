/**
 * The object the preload exposes as `window.api`: one function per invoke
 * channel and one subscribe function per event channel, generated from the
 * contract. Never `ipcRenderer` itself. Built from an ipcRenderer-like object
 * so the contract tests can run it against in-memory fakes.
 */
import type { BridgeApi } from '../../shared/client';
import { eventNames, invokeNames, ipcChannel } from '../../shared/contract';

export interface IpcRendererLike {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
}

export function createPreloadApi(ipc: IpcRendererLike): BridgeApi {
  const invoke = {} as Record<string, (request: unknown) => Promise<unknown>>;
  for (const name of invokeNames) {
    const channel = ipcChannel('invoke', name);
    invoke[name] = (request) => ipc.invoke(channel, request);
  }
  const on = {} as Record<string, (listener: (payload: unknown) => void) => () => void>;
  for (const name of eventNames) {
    const channel = ipcChannel('event', name);
    on[name] = (listener) => {
      const wrapped = (_event: unknown, payload: unknown) => listener(payload);
      ipc.on(channel, wrapped);
      return () => {
        ipc.removeListener(channel, wrapped);
      };
    };
  }
  // The maps are filled from the contract's own name lists, so every channel has its function.
  return Object.freeze({ invoke: Object.freeze(invoke), on: Object.freeze(on) }) as unknown as BridgeApi;
}
