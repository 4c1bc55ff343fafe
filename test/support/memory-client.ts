/**
 * The renderer's client interface (shared/client.ts) in memory, for unit tests
 * of the window's logic: each request goes through the core's dispatcher, so
 * it is validated against the contract exactly as over either transport, and
 * reaches the handlers the test gives; events are pushed with `emit`. Calls
 * are recorded in order. A channel the test gave no handler answers
 * `unknown_channel`.
 */
import { EventEmitter } from 'node:events';
import type { ApiClient } from '../../shared/client';
import { invokeNames, type EventName, type EventPayload, type InvokeName, type InvokeRequest, type InvokeResponse } from '../../shared/contract';
import { AppFailure, type Result } from '../../shared/result';
import { createDispatcher, type Handlers } from '../../electron/core/ipc/dispatcher';

export interface MemoryClient extends ApiClient {
  /** Every request made, in order, as sent. */
  readonly calls: Array<{ name: InvokeName; request: unknown }>;
  /** The requests made to one channel. */
  requests<K extends InvokeName>(name: K): Array<InvokeRequest<K>>;
  /** Pushes an event to the listeners, as main would. */
  emit<K extends EventName>(name: K, payload: EventPayload<K>): void;
  /** Resolves once no request is pending, counting those the answers and deferred work start (up to 100 rounds). */
  settled(): Promise<void>;
}

export function createMemoryClient(handlers: Partial<Handlers>): MemoryClient {
  const missing = Object.fromEntries(
    invokeNames.map((name) => [
      name,
      () => {
        throw new AppFailure('unknown_channel', `This test gave no handler for ${name}.`);
      },
    ]),
  ) as unknown as Handlers;
  const dispatch = createDispatcher({ ...missing, ...handlers }, { onInternalError: (name, error) => console.error(`handler ${name} threw`, error) });
  const calls: Array<{ name: InvokeName; request: unknown }> = [];
  const pending = new Set<Promise<unknown>>();
  const events = new EventEmitter();

  return {
    calls,
    invoke<K extends InvokeName>(name: K, request: InvokeRequest<K>): Promise<Result<InvokeResponse<K>>> {
      calls.push({ name, request });
      // A structured copy, as a transport would make: the handler never shares objects with the window.
      const answer = dispatch(name, structuredClone(request)) as Promise<Result<InvokeResponse<K>>>;
      pending.add(answer);
      void answer.finally(() => pending.delete(answer));
      return answer;
    },
    on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void {
      events.on(name, listener);
      return () => events.off(name, listener);
    },
    requests<K extends InvokeName>(name: K): Array<InvokeRequest<K>> {
      return calls.filter((c) => c.name === name).map((c) => c.request as InvokeRequest<K>);
    },
    emit<K extends EventName>(name: K, payload: EventPayload<K>): void {
      events.emit(name, payload);
    },
    async settled(): Promise<void> {
      for (let round = 0; round < 100; round++) {
        // A task boundary first: the window defers some requests with setTimeout(0).
        await new Promise((resolve) => setTimeout(resolve, 0));
        if (pending.size === 0) return;
        await Promise.allSettled([...pending]);
      }
    },
  };
}
