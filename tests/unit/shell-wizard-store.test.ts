/** The renderer's store against a scripted Transport: which run view wins, reopening a run, input updates. */
import { beforeEach, describe, expect, it } from 'vitest';
import type {
  Channel,
  EventName,
  EventPayload,
  Request,
  Response,
  Result,
  Transport,
} from '../../src/shared/ipc.js';
import type { PlanView, RunView } from '../../src/shared/procedure.js';
import { newerRunView, useWizard } from '../../src/renderer/state/wizard-store.js';

const initial = useWizard.getState();

function view(revision: number, extra: Partial<RunView> = {}): RunView {
  return {
    runId: 'run-1',
    revision,
    procedureId: 'demo.proc',
    title: 'Demo',
    environment: 'sandbox',
    target: 'demo:x',
    state: 'running',
    steps: [],
    startedAt: '2026-11-23T00:00:00.000Z',
    journalPath: '/tmp/j',
    journalHash: 'sha256:0',
    ...extra,
  };
}
const prompt = {
  id: 'p2',
  kind: 'confirm-outage' as const,
  title: 'Outage',
  message: 'Services stop.',
  instructions: [],
  options: ['confirm' as const, 'cancel' as const],
};
const plan = {
  planId: 'plan-1',
  procedureId: 'demo.proc',
  title: 'Demo',
  environment: 'sandbox',
  target: 'demo:x',
  facts: [],
  warnings: [],
  steps: [],
} as PlanView;

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
    reply(channel: string, value: unknown) {
      const resolve = waiting.get(channel);
      if (!resolve) throw new Error(`no pending ${channel}`);
      waiting.delete(channel);
      resolve({ ok: true, value });
    },
    push(run: RunView) {
      for (const listener of listeners) listener({ type: 'state', runId: run.runId, run });
    },
  };
}

async function connected() {
  const script = scriptedTransport();
  useWizard.setState(initial, true);
  const connecting = useWizard.getState().connect(script.transport);
  script.reply('app.info', {
    name: 'breakglass',
    version: '0',
    platform: 'linux',
    transport: 'web',
    dataDir: '/tmp',
    sandboxSuggested: true,
  });
  await Promise.resolve();
  await Promise.resolve();
  script.reply('procedures.list', { procedures: [], systems: [] });
  await connecting;
  useWizard.setState({ plan });
  return script;
}

describe('which run view the wizard shows', () => {
  beforeEach(() => useWizard.setState(initial, true));

  it('keeps an event that arrived before the run.start reply when the reply is older (the prompt stays visible)', async () => {
    const script = await connected();
    const starting = useWizard.getState().startRun();
    script.push(view(5, { state: 'awaiting', prompt }));
    script.reply('run.start', view(3));
    await starting;
    expect(useWizard.getState().screen).toBe('run');
    expect(useWizard.getState().run).toMatchObject({ revision: 5, state: 'awaiting', prompt: { id: 'p2' } });
  });

  it('takes the reply when it is newer than the early event', async () => {
    const script = await connected();
    const starting = useWizard.getState().startRun();
    script.push(view(2));
    script.reply('run.start', view(4, { state: 'awaiting', prompt }));
    await starting;
    expect(useWizard.getState().run?.revision).toBe(4);
  });

  it('ignores an older event, and an older run.respond reply, once a newer view is shown', async () => {
    const script = await connected();
    const starting = useWizard.getState().startRun();
    script.reply('run.start', view(3, { state: 'awaiting', prompt: { ...prompt, id: 'p1' } }));
    await starting;
    script.push(view(2, { state: 'preflight' }));
    expect(useWizard.getState().run?.revision).toBe(3);

    const responding = useWizard.getState().respond('confirm');
    script.push(view(6, { state: 'awaiting', prompt }));
    script.reply('run.respond', view(4));
    await responding;
    expect(useWizard.getState().run).toMatchObject({ revision: 6, prompt: { id: 'p2' } });
    script.push(view(7, { state: 'succeeded' }));
    expect(useWizard.getState().run).toMatchObject({ revision: 7, state: 'succeeded' });
  });

  it("does not let another run's event replace the shown run", async () => {
    const script = await connected();
    const starting = useWizard.getState().startRun();
    script.reply('run.start', view(3));
    await starting;
    script.push(view(9, { runId: 'run-2' }));
    expect(useWizard.getState().run?.runId).toBe('run-1');
  });

  it('newerRunView: the higher revision wins, a tie takes the incoming view', () => {
    const older = view(1);
    const newer = view(2);
    expect(newerRunView(newer, older)).toBe(newer);
    expect(newerRunView(older, newer)).toBe(newer);
    const same = view(2);
    expect(newerRunView(newer, same)).toBe(same);
    expect(newerRunView(undefined, older)).toBe(older);
  });
});

describe('reopening a run that is still going', () => {
  it('openRun fetches it with run.get, shows the run screen, and keeps a newer event that beat the reply', async () => {
    const script = await connected();
    useWizard.getState().restart();
    const opening = useWizard.getState().openRun('run-1');
    expect(script.calls.at(-1)).toEqual({ channel: 'run.get', request: { runId: 'run-1' } });
    script.push(view(8, { state: 'awaiting', prompt }));
    script.reply('run.get', view(7, { state: 'running' }));
    await opening;
    expect(useWizard.getState().screen).toBe('run');
    expect(useWizard.getState().run).toMatchObject({ revision: 8, prompt: { id: 'p2' } });
  });
});

describe('input updates', () => {
  it('setInputs with a function applies to the latest inputs', () => {
    useWizard.setState({ inputs: { a: '1' } });
    useWizard.getState().setInputs({ a: '1', b: '2' });
    useWizard.getState().setInputs((previous) => ({ ...previous, c: '3' }));
    expect(useWizard.getState().inputs).toEqual({ a: '1', b: '2', c: '3' });
  });
});
