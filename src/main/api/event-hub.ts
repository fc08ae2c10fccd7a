import type { EventName, EventPayload } from '../../shared/ipc.js';
import type { Emit } from './types.js';

type Listener = (event: EventName, payload: EventPayload<EventName>) => void;

/** Fans events from the API out to every connected renderer; transports subscribe, the API emits. */
export class EventHub {
  private readonly listeners = new Set<Listener>();

  readonly emit: Emit = (event, payload) => {
    for (const listener of this.listeners) listener(event, payload as EventPayload<EventName>);
  };

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
