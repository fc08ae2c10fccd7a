/**
 * Harness for screens.test.ts: the real screens (form generator, password field, plan, run) rendered
 * with the real stores and client over a transport that answers from the test's table.
 */
import { createRoot, type Root } from 'react-dom/client';
import { App } from '../../src/renderer/App.js';
import type {
  Channel,
  EventName,
  EventPayload,
  Request,
  Response,
  Result,
  Transport,
} from '../../src/shared/ipc.js';
import type { RunView } from '../../src/shared/procedure.js';
import { client } from '../../src/renderer/state/client.js';
import { useForm } from '../../src/renderer/state/form-store.js';
import { useRuns } from '../../src/renderer/state/run-store.js';
import { useSession } from '../../src/renderer/state/session-store.js';

type Answer = (request: unknown) => unknown;

let root: Root | undefined;
const calls: Array<{ channel: string; request: unknown }> = [];
const listeners: Array<(payload: EventPayload<'run.event'>) => void> = [];

/** Connects the real client to a transport answering each channel with `answers[channel](request)`; an Error answer is a refusal. */
async function start(answers: Record<string, Answer>): Promise<void> {
  const transport: Transport = {
    async invoke<C extends Channel>(channel: C, request: Request<C>): Promise<Result<Response<C>>> {
      calls.push({ channel, request });
      const answer = answers[channel];
      if (!answer) return { ok: false, code: 'unknown-channel', message: `no answer for ${channel}` };
      const value = await answer(request);
      if (value instanceof Error) return { ok: false, code: 'invalid-input', message: value.message };
      return { ok: true, value: value as Response<C> };
    },
    on<E extends EventName>(_event: E, listener: (payload: EventPayload<E>) => void) {
      listeners.push(listener as (payload: EventPayload<'run.event'>) => void);
      return () => undefined;
    },
  };
  root = createRoot(document.getElementById('root')!);
  root.render(<App />);
  await client.connect(transport);
}

function push(run: RunView): void {
  for (const listener of listeners) listener({ type: 'state', runId: run.runId, run });
}

Object.assign(window, {
  harness: { start, push, calls, client, stores: { useForm, useRuns, useSession } },
});
