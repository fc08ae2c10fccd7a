import os from 'node:os';
import { generatePassword } from '../platform/secrets/generate-password.js';
import { Engine, type RunHandle } from '../engine/engine.js';
import type { RunHooks } from '../engine/runner.js';
import type { PreparedPlan } from '../engine/planning.js';
import { NotFound } from '../engine/registry.js';
import { RunConflict } from '../engine/run-lock.js';
import { JournalEmpty, JournalTampered } from '../engine/journal.js';
import { systems } from '../systems/index.js';
import packageJson from '../../../package.json';
import { ApiError } from './api-error.js';
import { PendingPrompts } from './pending-prompts.js';
import type { Emit, Handlers } from './types.js';

/** Plans kept for `run.start`; older ones are dropped (the wizard makes a new plan). */
const MAX_PLANS = 20;

/** The handlers behind every IPC channel, over one Engine; runs go on in the background and report through `emit`. */
export async function createApi(options: {
  dataDir: string;
  transport: 'electron' | 'web';
  emit: Emit;
}): Promise<{ handlers: Handlers; close(): Promise<void> }> {
  const engine = new Engine(options.dataDir, systems);
  const plans = new Map<string, PreparedPlan>();
  const prompts = new PendingPrompts();
  const running = new Set<Promise<unknown>>();
  const hooks: RunHooks = { onEvent: (event) => options.emit('run.event', event), decide: prompts.decide };
  const startRun = (start: () => RunHandle | Promise<RunHandle>) =>
    mapErrors(async () => {
      const handle = await start();
      const done = handle.done.catch(() => undefined);
      running.add(done);
      void done.finally(() => running.delete(done));
      return handle.run.view();
    });

  const handlers: Handlers = {
    'app.info': async () => ({
      name: 'Breakglass',
      version: packageJson.version,
      platform: `${process.platform}-${process.arch} (${os.release()})`,
      transport: options.transport,
      dataDir: options.dataDir,
      sandboxSuggested: !(await anyRealInstall(engine)),
    }),
    'procedures.list': async () => ({
      procedures: engine.summaries(),
      systems: engine.registry.systemSummaries(),
    }),
    'password.generate': async (request) =>
      generatePassword({ policy: request.policy, length: request.length }),
    'discover.run': (request) =>
      mapErrors(() => engine.discover(request.system, request.options, request.environment)),
    'plan.create': (request) =>
      mapErrors(async () => {
        const prepared = await engine.plan(request.procedureId, request.inputs, request.environment);
        plans.set(prepared.planId, prepared);
        for (const planId of [...plans.keys()].slice(0, Math.max(0, plans.size - MAX_PLANS)))
          plans.delete(planId);
        return prepared.view;
      }),
    'run.start': (request) =>
      startRun(() => {
        const prepared = plans.get(request.planId);
        if (!prepared)
          throw new NotFound(
            `No plan ${request.planId}: plans last until they are run or the app restarts. Create the plan again.`,
          );
        plans.delete(request.planId);
        return engine.start(prepared, hooks);
      }),
    'run.respond': (request) =>
      mapErrors(async () => {
        prompts.answer(
          request.runId,
          request.promptId,
          engine.view(request.runId).prompt?.id,
          request.decision,
        );
        await new Promise((resolve) => setImmediate(resolve));
        return engine.view(request.runId);
      }),
    'run.get': (request) => mapErrors(async () => engine.view(request.runId)),
    'runs.list': (_request) => mapErrors(async () => ({ runs: engine.list() })),
    'run.resume': (request) => startRun(() => engine.resume(request.runId, request.secrets, hooks)),
    'run.rollbackPlan': (request) => mapErrors(() => engine.rollbackPlan(request.runId, request.secrets)),
    'run.rollback': (request) => startRun(() => engine.rollback(request.runId, request.secrets, hooks)),
    'report.export': (request) => mapErrors(async () => engine.report(request.runId, request.format)),
  };

  return {
    handlers,
    async close() {
      prompts.deferAll();
      await Promise.all(running);
      await engine.close();
    },
  };
}

async function anyRealInstall(engine: Engine): Promise<boolean> {
  for (const system of engine.registry.systems) {
    if (!system.detectRealInstall) continue;
    try {
      if (await system.detectRealInstall(engine.environment('real', system.id))) return true;
    } catch {
      // A detector that cannot look (no permission, no such tool) has found nothing.
    }
  }
  return false;
}

/** Engine errors with an IPC code of their own become ApiError; InputError and ProcedureRefusal pass as they are. */
async function mapErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof NotFound) throw new ApiError('not-found', error.message);
    if (error instanceof RunConflict) throw new ApiError('conflict', error.message);
    if (error instanceof JournalTampered || error instanceof JournalEmpty)
      throw new ApiError('refused', error.message);
    throw error;
  }
}
