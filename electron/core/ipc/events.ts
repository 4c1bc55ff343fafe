/**
 * Fan-out of pushed events from the core to every attached transport sink
 * (an Electron window, a WebSocket client). Sinks detach with the returned disposer.
 */
import type { EventName, EventPayload } from '../../../shared/contract';

export type EventSink = <K extends EventName>(name: K, payload: EventPayload<K>) => void;

export class EventHub {
  private readonly sinks = new Set<EventSink>();

  attach(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  emit<K extends EventName>(name: K, payload: EventPayload<K>): void {
    for (const sink of this.sinks) sink(name, payload);
  }

  get size(): number {
    return this.sinks.size;
  }
}
