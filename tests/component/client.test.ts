/**
 * The renderer's client and stores in real Chromium against a scripted Transport: which run view
 * wins, reopening a run, input updates, the route in the address (Back, reload, plan → form), the
 * form kept without its secrets, and the banner for runs waiting on a decision.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProcedureSummary, RunView } from '../../src/shared/procedure.js';
import { openComponentPage, type ComponentPage } from '../support/component-page.js';

type H = {
  boot: (options?: { procedures?: unknown[]; runs?: unknown[]; runView?: RunView }) => Promise<{
    calls: Array<{ channel: string; request: unknown }>;
    pending(): string[];
    reply(channel: string, value: unknown): void;
    fail(channel: string, message: string): void;
    push(run: RunView): void;
  }>;
  settle(): Promise<void>;
  client: (typeof import('../../src/renderer/state/client.js'))['client'];
  navigate: (typeof import('../../src/renderer/state/navigation.js'))['navigate'];
  newerRunView: (typeof import('../../src/renderer/state/run-store.js'))['newerRunView'];
  stores: {
    useForm: (typeof import('../../src/renderer/state/form-store.js'))['useForm'];
    useNavigation: (typeof import('../../src/renderer/state/navigation.js'))['useNavigation'];
    useRuns: (typeof import('../../src/renderer/state/run-store.js'))['useRuns'];
    useSession: (typeof import('../../src/renderer/state/session-store.js'))['useSession'];
  };
  FORM_STORAGE_KEY: string;
};
declare const harness: H;

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
};
const procedure: ProcedureSummary = {
  id: 'demo.proc',
  system: 'demo',
  title: 'Demo',
  summary: 'A demo.',
  inputSchema: {
    type: 'object',
    properties: {
      user: { type: 'string', default: 'admin' },
      password: { type: 'string', secret: true },
      source: {
        oneOf: [
          { type: 'object', properties: { kind: { const: 'file' }, path: { type: 'string' } } },
          {
            type: 'object',
            properties: { kind: { const: 'db' }, dbPassword: { type: 'string', secret: true } },
          },
        ],
      },
      nodes: {
        type: 'array',
        items: {
          type: 'object',
          properties: { host: { type: 'string' }, key: { type: 'string', secret: true } },
        },
      },
    },
  },
};

let component: ComponentPage;
beforeAll(async () => {
  component = await openComponentPage('tests/component/client.entry.ts');
}, 120_000);
afterAll(() => component?.close());
beforeEach(async () => {
  await component.page.goto(component.url);
  await component.page.evaluate(() => sessionStorage.clear());
  await component.page.waitForFunction(() => 'harness' in window);
});

const run = <T>(
  body: (args: {
    view: typeof view;
    prompt: typeof prompt;
    plan: typeof plan;
    procedure: ProcedureSummary;
  }) => Promise<T>,
) =>
  component.page.evaluate(
    async ({ source, data }) => {
      const viewOf = (revision: number, extra = {}) => ({ ...data.base, revision, ...extra });
      return (new Function('args', `return (${source})(args)`) as (args: unknown) => Promise<T>)({
        view: viewOf,
        prompt: data.prompt,
        plan: data.plan,
        procedure: data.procedure,
      });
    },
    { source: body.toString(), data: { base: view(0), prompt, plan, procedure } },
  );

describe('which run view the wizard shows', () => {
  it('keeps an event that arrived before the run.start reply when the reply is older (the prompt stays visible)', async () => {
    const shown = await run(async ({ view, prompt, plan }) => {
      const script = await harness.boot();
      harness.stores.useForm.setState({ plan: plan as never, procedureId: 'demo.proc' });
      const starting = harness.client.startRun();
      await harness.settle();
      script.push(view(5, { state: 'awaiting', prompt }));
      script.reply('run.start', view(3));
      await starting;
      const route = harness.stores.useNavigation.getState().route;
      return { route, hash: location.hash, run: harness.stores.useRuns.getState().views['run-1'] };
    });
    expect(shown.route).toEqual({ screen: 'run', runId: 'run-1' });
    expect(shown.hash).toBe('#/run/run-1');
    expect(shown.run).toMatchObject({ revision: 5, state: 'awaiting', prompt: { id: 'p2' } });
  });

  it('ignores an older event, and an older run.respond reply, once a newer view is shown', async () => {
    const revisions = await run(async ({ view, prompt, plan }) => {
      const script = await harness.boot();
      harness.stores.useForm.setState({ plan: plan as never, procedureId: 'demo.proc' });
      const starting = harness.client.startRun();
      await harness.settle();
      script.reply('run.start', view(3, { state: 'awaiting', prompt: { ...prompt, id: 'p1' } }));
      await starting;
      script.push(view(2, { state: 'preflight' }));
      const afterOld = harness.stores.useRuns.getState().views['run-1']?.revision;
      const responding = harness.client.respond('confirm');
      await harness.settle();
      const respondRequest = script.calls.at(-1);
      script.push(view(6, { state: 'awaiting', prompt }));
      script.reply('run.respond', view(4));
      await responding;
      const afterRespond = harness.stores.useRuns.getState().views['run-1'];
      script.push(view(7, { state: 'succeeded' }));
      return {
        afterOld,
        respondRequest,
        afterRespond,
        last: harness.stores.useRuns.getState().views['run-1'],
      };
    });
    expect(revisions.afterOld).toBe(3);
    expect(revisions.respondRequest).toEqual({
      channel: 'run.respond',
      request: { runId: 'run-1', promptId: 'p1', decision: 'confirm' },
    });
    expect(revisions.afterRespond).toMatchObject({ revision: 6, prompt: { id: 'p2' } });
    expect(revisions.last).toMatchObject({ revision: 7, state: 'succeeded' });
  });

  it('newerRunView: the higher revision wins, a tie takes the incoming view', async () => {
    const results = await run(async ({ view }) => {
      const older = view(1);
      const newer = view(2);
      const same = view(2);
      return [
        harness.newerRunView(newer, older) === newer,
        harness.newerRunView(older, newer) === newer,
        harness.newerRunView(newer, same) === same,
        harness.newerRunView(undefined, older) === older,
      ];
    });
    expect(results).toEqual([true, true, true, true]);
  });
});

describe('the route in the address', () => {
  it('openRun fetches the run with run.get and shows it at #/run/<id>, keeping a newer event that beat the reply', async () => {
    const result = await run(async ({ view, prompt }) => {
      const script = await harness.boot();
      const opening = harness.client.openRun('run-1');
      await harness.settle();
      const request = script.calls.at(-1);
      script.push(view(8, { state: 'awaiting', prompt }));
      script.reply('run.get', view(7, { state: 'running' }));
      await opening;
      return { request, hash: location.hash, run: harness.stores.useRuns.getState().views['run-1'] };
    });
    expect(result.request).toEqual({ channel: 'run.get', request: { runId: 'run-1' } });
    expect(result.hash).toBe('#/run/run-1');
    expect(result.run).toMatchObject({ revision: 8, prompt: { id: 'p2' } });
  });

  it('a reload at #/run/<id> loads that run (run.get) and shows it', async () => {
    await component.page.goto(`${component.url}#/run/run-1`);
    await component.page.reload();
    await component.page.waitForFunction(() => 'harness' in window);
    const result = await run(async ({ view, prompt }) => {
      const script = await harness.boot({ runView: view(4, { state: 'awaiting', prompt }) as never });
      return {
        route: harness.stores.useNavigation.getState().route,
        asked: script.calls.map((call) => call.channel),
        run: harness.stores.useRuns.getState().views['run-1'],
      };
    });
    expect(result.route).toEqual({ screen: 'run', runId: 'run-1' });
    expect(result.asked).toContain('run.get');
    expect(result.run?.revision).toBe(4);
  });

  it('browser Back goes from the plan to the form with every value, secrets included, and Back again to the first screen', async () => {
    const result = await run(async ({ plan, procedure }) => {
      const script = await harness.boot({ procedures: [procedure] });
      harness.client.choose(procedure as never);
      harness.client.setInputs((previous) => ({ ...previous, password: 'S3cret!pw' }));
      const planning = harness.client.createPlan();
      await harness.settle();
      script.reply('plan.create', plan);
      await planning;
      const atPlan = location.hash;
      const back = new Promise((resolve) => window.addEventListener('popstate', resolve, { once: true }));
      history.back();
      await back;
      await harness.settle();
      const afterBack = {
        hash: location.hash,
        route: harness.stores.useNavigation.getState().route,
        inputs: harness.stores.useForm.getState().inputs,
      };
      const again = new Promise((resolve) => window.addEventListener('popstate', resolve, { once: true }));
      history.back();
      await again;
      return { atPlan, afterBack, last: harness.stores.useNavigation.getState().route };
    });
    expect(result.atPlan).toBe('#/plan/demo.proc');
    expect(result.afterBack.hash).toBe('#/inputs/demo.proc');
    expect(result.afterBack.route).toEqual({ screen: 'inputs', procedureId: 'demo.proc' });
    expect(result.afterBack.inputs).toMatchObject({ user: 'admin', password: 'S3cret!pw' });
    expect(result.last).toEqual({ screen: 'choose' });
  });

  it('keeps the form in sessionStorage without any secret (top level, in a variant, inside an array) and restores it after a reload, saying so', async () => {
    const stored = await run(async ({ procedure }) => {
      await harness.boot({ procedures: [procedure] });
      harness.client.choose(procedure as never);
      harness.client.setInputs({
        user: 'root',
        password: 'Top-secret-1',
        source: { kind: 'db', dbPassword: 'Db-secret-2' },
        nodes: [{ host: 'a.example', key: 'Key-secret-3' }],
      });
      return sessionStorage.getItem(harness.FORM_STORAGE_KEY) ?? '';
    });
    expect(stored).not.toMatch(/secret-\d/);
    expect(JSON.parse(stored)).toEqual({
      procedureId: 'demo.proc',
      environment: 'sandbox',
      inputs: { user: 'root', source: { kind: 'db' }, nodes: [{ host: 'a.example' }] },
    });

    // A reload at the plan: the plan is made again from the form, so the admin lands on the form, told why.
    await component.page.goto(`${component.url}#/plan/demo.proc`);
    await component.page.reload();
    await component.page.waitForFunction(() => 'harness' in window);
    const restored = await run(async ({ procedure }) => {
      await harness.boot({ procedures: [procedure] });
      return {
        hash: location.hash,
        inputs: harness.stores.useForm.getState().inputs,
        notice: harness.stores.useSession.getState().notice,
      };
    });
    expect(restored.hash).toBe('#/inputs/demo.proc');
    expect(restored.inputs).toEqual({ user: 'root', source: { kind: 'db' }, nodes: [{ host: 'a.example' }] });
    expect(restored.notice).toContain('type them again');
  });

  it('an unknown procedure in the address goes to the first screen', async () => {
    await component.page.goto(`${component.url}#/inputs/gone.proc`);
    await component.page.reload();
    await component.page.waitForFunction(() => 'harness' in window);
    const hash = await run(async ({ procedure }) => {
      await harness.boot({ procedures: [procedure] });
      return location.hash;
    });
    expect(hash).toBe('#/choose');
  });
});

describe('runs waiting on a decision', () => {
  it('lists awaiting runs from runs.list at start-up, and follows events (a prompt adds, its answer removes)', async () => {
    const result = await run(async ({ view, prompt }) => {
      const script = await harness.boot({
        runs: [
          {
            runId: 'old-1',
            procedureId: 'demo.proc',
            title: 'Waiting one',
            state: 'awaiting',
            startedAt: '2026-11-23T00:00:00.000Z',
            host: 'h',
            user: 'u',
            secretFields: [],
          },
          {
            runId: 'done-1',
            procedureId: 'demo.proc',
            title: 'Done one',
            state: 'succeeded',
            startedAt: '2026-11-23T00:00:00.000Z',
            host: 'h',
            user: 'u',
            secretFields: [],
          },
        ],
      });
      const atStart = Object.keys(harness.stores.useRuns.getState().waiting);
      script.push(view(2, { state: 'awaiting', prompt }));
      const withPrompt = Object.keys(harness.stores.useRuns.getState().waiting).sort();
      script.push(view(3, { state: 'running' }));
      return { atStart, withPrompt, after: Object.keys(harness.stores.useRuns.getState().waiting) };
    });
    expect(result.atStart).toEqual(['old-1']);
    expect(result.withPrompt).toEqual(['old-1', 'run-1']);
    expect(result.after).toEqual(['old-1']);
  });
});

describe('input updates', () => {
  it('setInputs with a function applies to the latest inputs, and a change drops the plan made from the old ones', async () => {
    const result = await run(async ({ plan }) => {
      await harness.boot();
      harness.stores.useForm.setState({ inputs: { a: '1' }, plan: plan as never });
      harness.client.setInputs({ a: '1', b: '2' });
      harness.client.setInputs((previous) => ({ ...previous, c: '3' }));
      return {
        inputs: harness.stores.useForm.getState().inputs,
        plan: harness.stores.useForm.getState().plan,
      };
    });
    expect(result.inputs).toEqual({ a: '1', b: '2', c: '3' });
    expect(result.plan).toBeUndefined();
  });
});
