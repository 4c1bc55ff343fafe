/**
 * ApiClient over the Electron preload bridge (`window.api`).
 */
import type { ApiClient, BridgeApi } from '../../../shared/client';
import type { EventName, EventPayload, InvokeName, InvokeRequest, InvokeResponse } from '../../../shared/contract';
import { err, type Result } from '../../../shared/result';

export function createBridgeClient(api: BridgeApi): ApiClient {
  return {
    async invoke<K extends InvokeName>(name: K, request: InvokeRequest<K>): Promise<Result<InvokeResponse<K>>> {
      const fn = api.invoke[name] as (r: InvokeRequest<K>) => Promise<Result<InvokeResponse<K>>>;
      try {
        return await fn(request);
      } catch (error) {
        return err('transport_failed', `The request to ${name} did not reach the application core.`, String((error as Error)?.message ?? error));
      }
    },
    on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void {
      const subscribe = api.on[name] as (l: (payload: EventPayload<K>) => void) => () => void;
      return subscribe(listener);
    },
  };
}
