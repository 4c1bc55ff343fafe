/**
 * Fan-out of pushed events from the core to every attached transport sink
 * (an Electron window, a WebSocket client). Sinks detach with the returned disposer.
 */
import type { EventName, EventPayload } from '../../../shared/contract';

export type EventSink = <K extends EventName>(name: K, payload: EventPayload<K>) => void;

/** Told when a client's sink attaches; returns what to do when it detaches. */
export type ClientObserver = (client: string, sink: EventSink) => () => void;

export class EventHub {
  private readonly sinks = new Set<EventSink>();
  private readonly observers: ClientObserver[] = [];

  /** Attaches a transport sink; `client` is the id the transport also passes to every call. */
  attach(sink: EventSink, client = ''): () => void {
    this.sinks.add(sink);
    const cleanups = this.observers.map((observe) => observe(client, sink));
    return () => {
      if (!this.sinks.delete(sink)) return;
      cleanups.forEach((cleanup) => cleanup());
    };
  }

  /** Per-client state (a telemetry feed) lives as long as the client's sink. */
  observeClients(observer: ClientObserver): void {
    this.observers.push(observer);
  }

  /** Broadcast to every client. Telemetry does not come through here: each client's feed sends its own. */
  emit<K extends EventName>(name: K, payload: EventPayload<K>): void {
    for (const sink of this.sinks) sink(name, payload);
  }

  get size(): number {
    return this.sinks.size;
  }
}
