import { describe, expect, it } from 'vitest';
import { EventHub } from '../../src/main/api/event-hub.js';
import type { Handlers } from '../../src/main/api/types.js';
import { ApiError } from '../../src/main/api/api-error.js';
import { createRouter } from '../../src/main/app/ipc-router.js';
import { InputError, ProcedureRefusal, StepFailure } from '../../src/main/engine/types.js';
import { channelNames, channels, type Channel } from '../../src/shared/ipc.js';
import { createFixtureHandlers, fixtureProcedure } from './ipc-handlers-fixture.js';

const validInputs = { environmentName: 'Production', newPassword: 'correct horse battery', source: { kind: 'discover' } };

/** Valid requests that build on each other (plan → run → respond → report), one per channel. */
async function validRequests(route: ReturnType<typeof createRouter>): Promise<Record<Channel, unknown>> {
  const plan = await route('plan.create', { procedureId: fixtureProcedure.id, inputs: validInputs, environment: 'sandbox' });
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
    const { route } = routerWith({ 'password.generate': async (request) => ((seen = request), { password: 'x'.repeat(16), entropyBits: 1 }) });
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
    const { route } = routerWith({ 'password.generate': async () => ((called = true), { password: 'p', entropyBits: 1 }) });
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
      [new InputError('inputs.port', 'must be 1-65535; use the SQL Server port.'), 'invalid-input', 'inputs.port: must be 1-65535'],
      [new ProcedureRefusal('This is an OutSystems Cloud environment; ask OutSystems support.'), 'refused', 'OutSystems Cloud'],
      [new StepFailure('The service did not stop.', 'Stop it in services.msc.'), 'refused', 'Fix: Stop it in services.msc.'],
      [new ApiError('not-found', 'No run r; pick one from runs.list.'), 'not-found', 'No run r'],
      [new ApiError('conflict', 'Another run holds the lock on outsystems:db01.'), 'conflict', 'holds the lock'],
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
    const { route, internal } = routerWith({ 'app.info': async () => ({ name: 'breakglass', secretLeak: 'x' }) as never });
    const result = await route('app.info', {});
    expect(result).toMatchObject({ ok: false, code: 'internal' });
    expect(JSON.stringify(result)).not.toContain('secretLeak');
    expect(internal).toHaveLength(1);
  });

  it('strips fields a handler adds beyond the response schema', async () => {
    const { route } = routerWith({ 'password.generate': async () => ({ password: 'abcdefghijkl', entropyBits: 60, debug: 'internal state' }) as never });
    const result = await route('password.generate', {});
    expect(result).toEqual({ ok: true, value: { password: 'abcdefghijkl', entropyBits: 60 } });
  });
});
