/** Harness for client.test.ts: the renderer's client and stores against a scripted Transport. */
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
import { FORM_STORAGE_KEY, useForm } from '../../src/renderer/state/form-store.js';
import { navigate, useNavigation } from '../../src/renderer/state/navigation.js';
import { newerRunView, useRuns } from '../../src/renderer/state/run-store.js';
import { useSession } from '../../src/renderer/state/session-store.js';

/** A transport whose replies the test hands out one by one, and whose events it pushes. */
function scriptedTransport() {
  const waiting = new Map<string, (result: Result<unknown>) => void>();
  const calls: Array<{ channel: string; request: unknown }> = [];
  const listeners: Array<(payload: EventPayload<'run.event'>) => void> = [];
  const transport: Transport = {
    invoke<C extends Channel>(channel: C, request: Request<C>): Promise<Result<Response<C>>> {
      calls.push({ channel, request });
      return new Promise((resolve) => waiting.set(channel, resolve as (result: Result<unknown>) => void));
    },
    on<E extends EventName>(_event: E, listener: (payload: EventPayload<E>) => void) {
      listeners.push(listener as (payload: EventPayload<'run.event'>) => void);
      return () => undefined;
    },
  };
  return {
    transport,
    calls,
    pending: () => [...waiting.keys()],
    reply(channel: string, value: unknown) {
      const resolve = waiting.get(channel);
      if (!resolve) throw new Error(`no pending ${channel}`);
      waiting.delete(channel);
      resolve({ ok: true, value });
    },
    fail(channel: string, message: string) {
      const resolve = waiting.get(channel);
      if (!resolve) throw new Error(`no pending ${channel}`);
      waiting.delete(channel);
      resolve({ ok: false, code: 'invalid-input', message });
    },
    push(run: RunView) {
      for (const listener of listeners) listener({ type: 'state', runId: run.runId, run });
    },
  };
}

/** Lets the client's awaits run up to its next call. */
async function settle(): Promise<void> {
  for (let index = 0; index < 10; index += 1) await Promise.resolve();
}

const APP_INFO = {
  name: 'breakglass',
  version: '0',
  platform: 'linux',
  transport: 'web',
  dataDir: '/tmp',
  sandboxSuggested: true,
};

/** Connects the client over a scripted transport, answering the start-up calls (and run.get when the route names a run). */
async function boot(options: { procedures?: unknown[]; runs?: unknown[]; runView?: RunView } = {}) {
  const script = scriptedTransport();
  const connecting = client.connect(script.transport);
  const answers: Record<string, unknown> = {
    'app.info': APP_INFO,
    'procedures.list': { procedures: options.procedures ?? [], systems: [] },
    'runs.list': { runs: options.runs ?? [] },
    'run.get': options.runView,
  };
  let done = false;
  void connecting.then(() => (done = true));
  for (let turn = 0; turn < 20 && !done; turn += 1) {
    await settle();
    for (const channel of script.pending())
      if (answers[channel] !== undefined) script.reply(channel, answers[channel]);
  }
  await connecting;
  return script;
}

Object.assign(window, {
  harness: {
    boot,
    scriptedTransport,
    settle,
    client,
    navigate,
    newerRunView,
    stores: { useForm, useNavigation, useRuns, useSession },
    FORM_STORAGE_KEY,
  },
});
