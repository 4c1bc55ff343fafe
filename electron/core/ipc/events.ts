/**
 * Fan-out of pushed events from the core to every attached transport sink
 * (an Electron window, a WebSocket client). Sinks detach with the returned disposer.
 * With `checkPayloads` (the tests), every event, broadcast or sent by a client's
 * own feed, is checked against the contract's event schema before it leaves.
 */
import { contract, type EventName, type EventPayload } from '../../../shared/contract';
import { describeIssues, ContractViolation } from './dispatcher';

export type EventSink = <K extends EventName>(name: K, payload: EventPayload<K>) => void;

/** Told when a client's sink attaches; returns what to do when it detaches. */
export type ClientObserver = (client: string, sink: EventSink) => () => void;

export interface EventHubOptions {
  checkPayloads?: boolean;
  /** Told about an event the contract refuses; it is not delivered. */
  onViolation?: (name: EventName, violation: ContractViolation) => void;
}

export class EventHub {
  private readonly sinks = new Set<EventSink>();
  private readonly observers: ClientObserver[] = [];

  constructor(private readonly options: EventHubOptions = {}) {}

  /** Attaches a transport sink; `client` is the id the transport also passes to every call. */
  attach(transportSink: EventSink, client = ''): () => void {
    const sink = this.options.checkPayloads ? this.checked(transportSink) : transportSink;
    this.sinks.add(sink);
    const cleanups = this.observers.map((observe) => observe(client, sink));
    return () => {
      if (!this.sinks.delete(sink)) return;
      cleanups.forEach((cleanup) => cleanup());
    };
  }

  private checked(sink: EventSink): EventSink {
    return (name, payload) => {
      const checked = contract.events[name].safeParse(payload);
      if (checked.success) return sink(name, payload);
      this.options.onViolation?.(name, new ContractViolation(`The ${name} event carries a payload its schema refuses: ${describeIssues(checked.error)}.`));
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
