import type { z } from 'zod';
import type { Channel, EventName, EventPayload, Response, channels } from '../../shared/ipc.js';

/** One handler per channel; the request is already validated by the transport (router or web host). */
export type Handlers = {
  [C in Channel]: (request: z.output<(typeof channels)[C]['request']>) => Promise<Response<C>>;
};

/** Pushes an event to every connected renderer (the Electron window, or each web host client). */
export type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;
