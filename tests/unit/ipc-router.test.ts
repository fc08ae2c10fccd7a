import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { z } from 'zod';
import { createApi } from '../../src/main/api/create-api.js';
import { EventHub } from '../../src/main/api/event-hub.js';
import type { Handlers } from '../../src/main/api/types.js';
import { ApiError } from '../../src/main/api/api-error.js';
import { createRouter, internalErrorLogger } from '../../src/main/api/ipc-router.js';
import { InputError, ProcedureRefusal, StepFailure } from '../../src/main/engine/types.js';
import { channelNames, channels, type Channel } from '../../src/shared/ipc.js';
import { createFixtureHandlers, fixtureProcedure } from './ipc-handlers-fixture.js';

const validInputs = {
  environmentName: 'Production',
  newPassword: 'correct horse battery',
  source: { kind: 'discover' },
};

/** Valid requests that build on each other (plan → run → respond → report), one per channel. */
async function validRequests(route: ReturnType<typeof createRouter>): Promise<Record<Channel, unknown>> {
  const plan = await route('plan.create', {
    procedureId: fixtureProcedure.id,
    inputs: validInputs,
    environment: 'sandbox',
  });
  if (!plan.ok) throw new Error(plan.message);
  const planId = (plan.value as { planId: string }).planId;
  const run = await route('run.start', { planId });
  if (!run.ok) throw new Error(run.message);
  const runId = (run.value as { runId: string }).runId;
  return {
    'app.info': {},
    'procedures.list': {},
    'password.generate': { policy: 'sqlserver', length: 20 },
    'discover.run': { system: 'outsystems' },
    'plan.create': { procedureId: fixtureProcedure.id, inputs: validInputs, environment: 'real' },
    'run.start': { planId },
    'run.respond': { runId, promptId: 'p1', decision: 'cancel' },
    'run.get': { runId },
    'runs.list': {},
    'run.resume': { runId },
    'run.rollbackPlan': { runId },
    'run.rollback': { runId, secrets: {} },
    'report.export': { runId, format: 'md' },
  };
}

function routerWith(overrides: Partial<Handlers>) {
  const { handlers } = createFixtureHandlers(new EventHub().emit);
  const internal: unknown[] = [];
  return { route: createRouter({ ...handlers, ...overrides }, (error) => internal.push(error)), internal };
}

describe('IPC router contract', () => {
  it('round-trips every channel of the contract with a valid request, and the answer matches the response schema', async () => {
    const { route } = routerWith({});
    const requests = await validRequests(route);
    expect(Object.keys(requests).sort()).toEqual([...channelNames].sort());
    for (const channel of channelNames) {
      const result = await route(channel, requests[channel]);
      expect(result, channel).toMatchObject({ ok: true });
      if (result.ok) expect(channels[channel].response.safeParse(result.value).success, channel).toBe(true);
    }
  });

  it('applies request defaults before the handler sees the request', async () => {
    let seen: unknown;
    const { route } = routerWith({
      'password.generate': async (request) => (
        (seen = request),
        { password: 'x'.repeat(16), entropyBits: 1 }
      ),
    });
    await route('password.generate', {});
    expect(seen).toEqual({ policy: 'default' });
  });

  it('refuses an unknown channel with unknown-channel and never calls a handler', async () => {
    const { route } = routerWith({});
    for (const channel of ['fs.readFile', '__proto__', 'constructor', 42, undefined]) {
      const result = await route(channel, {});
      expect(result).toMatchObject({ ok: false, code: 'unknown-channel' });
    }
  });

  it('refuses invalid input with invalid-input naming the field path, and never calls the handler', async () => {
    let called = false;
    const { route } = routerWith({
      'password.generate': async () => ((called = true), { password: 'p', entropyBits: 1 }),
    });
    const result = await route('password.generate', { policy: 'nonsense', length: 3 });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.code).toBe('invalid-input');
      expect(result.message).toContain('policy');
      expect(result.message).toContain('length');
    }
    expect(called).toBe(false);
    const missing = await route('run.respond', { runId: 'r', promptId: 'p', decision: 'explode' });
    expect(missing).toMatchObject({ ok: false, code: 'invalid-input' });
    if (!missing.ok) expect(missing.message).toContain('decision');
  });

  it('maps the engine errors to typed codes and keeps their (already redacted) messages', async () => {
    const cases: Array<[Error, string, string]> = [
      [
        new InputError('inputs.port', 'must be 1-65535; use the SQL Server port.'),
        'invalid-input',
        'inputs.port: must be 1-65535',
      ],
      [
        new ProcedureRefusal('This is an OutSystems Cloud environment; ask OutSystems support.'),
        'refused',
        'OutSystems Cloud',
      ],
      [
        new StepFailure('The service did not stop.', 'Stop it in services.msc.'),
        'refused',
        'Fix: Stop it in services.msc.',
      ],
      [new ApiError('not-found', 'No run r; pick one from runs.list.'), 'not-found', 'No run r'],
      [
        new ApiError('conflict', 'Another run holds the lock on outsystems:db01.'),
        'conflict',
        'holds the lock',
      ],
    ];
    for (const [error, code, text] of cases) {
      const { route } = routerWith({ 'run.get': async () => Promise.reject(error) });
      const result = await route('run.get', { runId: 'r' });
      expect(result).toMatchObject({ ok: false, code });
      if (!result.ok) expect(result.message).toContain(text);
    }
  });

  it('answers an unexpected error with internal and a generic message: no error text, no stack trace', async () => {
    const leaked = new Error('connect failed for sa:Hunter2-Secret@db01');
    const { route, internal } = routerWith({ 'runs.list': async () => Promise.reject(leaked) });
    const result = await route('runs.list', {});
    expect(result).toMatchObject({ ok: false, code: 'internal' });
    const text = JSON.stringify(result);
    expect(text).not.toContain('Hunter2');
    expect(text).not.toMatch(/\bat .*\.(ts|js):\d+/);
    expect(internal).toEqual([leaked]);
  });

  it('answers a handler response that breaks its schema with internal, not with the bad value', async () => {
    const { route, internal } = routerWith({
      'app.info': async () => ({ name: 'breakglass', secretLeak: 'x' }) as never,
    });
    const result = await route('app.info', {});
    expect(result).toMatchObject({ ok: false, code: 'internal' });
    expect(JSON.stringify(result)).not.toContain('secretLeak');
    expect(internal).toHaveLength(1);
  });

  it('strips fields a handler adds beyond the response schema', async () => {
    const { route } = routerWith({
      'password.generate': async () =>
        ({ password: 'abcdefghijkl', entropyBits: 60, debug: 'internal state' }) as never,
    });
    const result = await route('password.generate', {});
    expect(result).toEqual({ ok: true, value: { password: 'abcdefghijkl', entropyBits: 60 } });
  });
});

describe('the internal-error logger both transports use', () => {
  it("writes the error's class and the surface, never its message", () => {
    const lines: string[] = [];
    const log = internalErrorLogger('the web wizard', (line) => lines.push(line));
    log(new TypeError('password=hunter2'));
    log('raw string with a secret');
    expect(lines).toEqual([
      'breakglass: internal error (TypeError) while answering the web wizard\n',
      'breakglass: internal error (string) while answering the web wizard\n',
    ]);
  });
});

describe('IPC router over the real API (practice sandbox)', () => {
  let dataDir: string;
  let api: Awaited<ReturnType<typeof createApi>>;
  let route: ReturnType<typeof createRouter>;
  const internal: unknown[] = [];

  beforeAll(async () => {
    process.env.BREAKGLASS_SANDBOX_PG_URL = inject('pgAdminUrl');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bg-router-api-'));
    api = await createApi({ dataDir, transport: 'electron', emit: () => undefined });
    route = createRouter(api.handlers, (error) => internal.push(error));
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function ok<C extends Channel>(channel: C, request: unknown) {
    const result = await route(channel, request);
    if (!result.ok) throw new Error(`${channel}: ${result.code}: ${result.message}`);
    expect(channels[channel].response.safeParse(result.value).success, channel).toBe(true);
    return result.value as z.output<(typeof channels)[C]['response']>;
  }

  it('answers every channel with a value of its response schema or a typed, non-internal error', async () => {
    expect(await ok('app.info', {})).toMatchObject({ transport: 'electron', dataDir });
    expect((await ok('procedures.list', {})).procedures.map((procedure) => procedure.id)).toContain(
      'practice.drill',
    );
    expect((await ok('password.generate', { policy: 'sqlserver' })).password.length).toBeGreaterThanOrEqual(
      12,
    );
    expect((await ok('discover.run', { system: 'outsystems' })).system).toBe('outsystems');

    const password = (await ok('password.generate', {})).password;
    const plan = await ok('plan.create', {
      procedureId: 'practice.drill',
      inputs: { newPassword: password },
      environment: 'sandbox',
    });
    const started = await ok('run.start', { planId: plan.planId });
    await expect
      .poll(async () => (await ok('run.get', { runId: started.runId })).prompt?.kind, { timeout: 30_000 })
      .toBe('confirm-changes');
    const waiting = await ok('run.get', { runId: started.runId });
    await ok('run.respond', { runId: started.runId, promptId: waiting.prompt?.id, decision: 'cancel' });
    await expect
      .poll(async () => (await ok('run.get', { runId: started.runId })).state, { timeout: 30_000 })
      .toBe('cancelled');
    expect((await ok('runs.list', {})).runs.map((run) => run.runId)).toContain(started.runId);
    expect((await ok('report.export', { runId: started.runId, format: 'json' })).content).not.toContain(
      password,
    );

    const resumed = await route('run.resume', { runId: started.runId });
    if (!resumed.ok) expect(resumed.code).not.toBe('internal');
    expect(internal).toEqual([]);
  }, 120_000);

  it("turns the engine's own errors into typed results: unknown procedure, bad inputs, refusal, unknown run", async () => {
    expect(
      await route('plan.create', { procedureId: 'nope.nothing', inputs: {}, environment: 'sandbox' }),
    ).toMatchObject({ ok: false, code: 'not-found' });
    const weak = await route('plan.create', {
      procedureId: 'practice.drill',
      inputs: { newPassword: 'short' },
      environment: 'sandbox',
    });
    expect(weak).toMatchObject({ ok: false, code: 'invalid-input' });
    if (!weak.ok) expect(weak.message).toContain('newPassword');
    const real = await route('plan.create', {
      procedureId: 'practice.drill',
      inputs: { newPassword: 'a-long-enough-password' },
      environment: 'real',
    });
    expect(real).toMatchObject({ ok: false, code: 'refused' });
    expect(await route('run.get', { runId: 'no-such-run' })).toMatchObject({ ok: false });
    expect(internal).toEqual([]);
  }, 120_000);
});
