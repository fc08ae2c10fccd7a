/**
 * A small, real Handlers object for exercising the transports (router, web host, renderer)
 * independently of the engine: one procedure with a real zod input schema (a secret field, an
 * enum, a boolean, a discriminated choice), a plan, and a run that asks to confirm, logs and finishes.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Emit, Handlers } from '../../src/main/api/types.js';
import { InputError } from '../../src/main/engine/types.js';
import type { PlanView, RunView } from '../../src/shared/procedure.js';

export const fixtureInputs = z.object({
  environmentName: z
    .string()
    .min(1)
    .meta({ title: 'Environment name', description: 'As shown in Service Center.' }),
  adminUser: z.string().default('admin'),
  newPassword: z.string().min(12).meta({ secret: true, passwordPolicy: 'typeable', title: 'New password' }),
  dialect: z.enum(['sqlserver', 'oracle']).default('sqlserver'),
  restartServices: z.boolean().default(true),
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('discover'), installDir: z.string().optional() }),
    z.object({ kind: z.literal('manual'), server: z.string().min(1), port: z.number().int().default(1433) }),
  ]),
});

export const fixtureProcedure = {
  id: 'demo.reset-admin-password',
  system: 'outsystems',
  title: 'Reset the admin password',
  summary: 'Sets a new password for the platform admin user.',
  inputSchema: z.toJSONSchema(fixtureInputs, { io: 'input' }) as Record<string, unknown>,
};

export const fixtureSecondProcedure = {
  id: 'demo.rotate',
  system: 'synapse',
  title: 'Rotate the database password',
  summary: 'Changes the password Synapse uses for PostgreSQL.',
  inputSchema: z.toJSONSchema(z.object({ password: z.string().meta({ secret: true }) }), {
    io: 'input',
  }) as Record<string, unknown>,
};

export function createFixtureHandlers(
  emit: Emit,
  options: { transport?: 'electron' | 'web' } = {},
): { handlers: Handlers; lastInputs(): unknown } {
  const plans = new Map<string, PlanView>();
  const runs = new Map<string, RunView>();
  const state: { lastInputs?: unknown } = {};
  /** RunView.revision: grows with every change to any run, as a journal's entry count would. */
  let revision = 0;
  const nextRevision = (): number => (revision += 1);

  const handlers: Handlers = {
    'app.info': async () => ({
      name: 'breakglass',
      version: '0.1.0',
      platform: process.platform,
      transport: options.transport ?? 'web',
      dataDir: '/tmp/fixture',
      sandboxSuggested: true,
    }),
    'procedures.list': async () => ({
      procedures: [fixtureProcedure, fixtureSecondProcedure],
      systems: [
        { id: 'outsystems', title: 'OutSystems 11', hasDiscovery: true },
        { id: 'synapse', title: 'Matrix Synapse', hasDiscovery: false },
      ],
    }),
    'password.generate': async ({ policy, length }) => ({
      password: `${policy}-${randomBytes(12).toString('base64url')}`.slice(0, length ?? 28),
      entropyBits: 96,
    }),
    'discover.run': async ({ system }) => ({
      system,
      title: `Discovery: ${system}`,
      sections: [{ title: 'Install', facts: [{ label: 'Found', value: 'no', status: 'warn' }] }],
    }),
    'plan.create': async ({ procedureId, inputs, environment }) => {
      if (procedureId !== fixtureProcedure.id)
        throw new InputError(
          'procedureId',
          `unknown procedure ${procedureId}; choose one from procedures.list.`,
        );
      const parsed = fixtureInputs.safeParse(inputs);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new InputError(
          issue?.path.join('.') || 'inputs',
          `${issue?.message ?? 'invalid'}; correct it and review the plan again.`,
        );
      }
      state.lastInputs = parsed.data;
      const plan: PlanView = {
        planId: `plan-${plans.size + 1}`,
        procedureId,
        title: fixtureProcedure.title,
        environment,
        target: `outsystems:${parsed.data.environmentName}`,
        facts: [
          { label: 'Platform Server', value: '11.31.0', status: 'ok' },
          { label: 'Admin user', value: parsed.data.adminUser, status: 'info' },
          { label: 'Session database', value: 'not reachable from here', status: 'warn' },
        ],
        warnings: ['Users are signed out while the services restart.'],
        steps: [
          {
            id: 'check-db',
            kind: 'check',
            title: 'Connect to the platform database',
            undoable: false,
            description: {
              summary: 'Logs in as the admin login.',
              details: [],
              sql: [],
              outage: false,
              instructions: [],
              warnings: [],
            },
          },
          {
            id: 'set-password',
            kind: 'change',
            title: 'Set the new password',
            undoable: true,
            description: {
              summary: 'Updates the admin user row.',
              details: ['Exactly one row must change.'],
              sql: [
                {
                  dialect: 'sqlserver',
                  text: "UPDATE ossys_User SET Password = '********' WHERE Username = @p1",
                },
              ],
              diff: {
                path: 'C:\\Program Files\\OutSystems\\Platform Server\\server.hsconf',
                unified:
                  '--- a/server.hsconf\n+++ b/server.hsconf\n@@ -1,2 +1,2 @@\n <Password>\n-old\n+********\n',
              },
              command: { program: 'ConfigurationTool.com', args: ['/SetPlatformServerAdmin', 'admin'] },
              services: {
                stop: ['OutSystems Deployment Controller Service'],
                start: ['OutSystems Deployment Controller Service'],
              },
              outage: true,
              instructions: [],
              warnings: [],
            },
          },
          {
            id: 'tell-admin',
            kind: 'manual',
            title: 'Sign in to Service Center',
            undoable: false,
            description: {
              summary: 'Check the new password works.',
              details: [],
              sql: [],
              outage: false,
              instructions: ['Open Service Center.', 'Sign in as admin.'],
              warnings: [],
            },
          },
        ],
      };
      plans.set(plan.planId, plan);
      return plan;
    },
    'run.start': async ({ planId }) => {
      const plan = plans.get(planId);
      if (!plan) throw new InputError('planId', 'no such plan; create the plan again.');
      const run: RunView = {
        runId: `run-${runs.size + 1}`,
        revision: nextRevision(),
        procedureId: plan.procedureId,
        title: plan.title,
        environment: plan.environment,
        target: plan.target,
        state: 'awaiting',
        steps: plan.steps.map((step) => ({
          id: step.id,
          kind: step.kind,
          title: step.title,
          state: step.kind === 'check' ? 'done' : 'pending',
          logs: step.kind === 'check' ? ['Connected as sa.'] : [],
        })),
        prompt: {
          id: 'p1',
          kind: 'confirm-changes',
          title: 'Ready to change the server',
          message: 'All checks passed.',
          instructions: [],
          options: ['confirm', 'cancel'],
        },
        startedAt: new Date().toISOString(),
        journalPath: '/tmp/fixture/runs/run-1/journal.jsonl',
        journalHash: 'sha256:0f1e2d',
      };
      runs.set(run.runId, run);
      return run;
    },
    'run.respond': async ({ runId, promptId, decision }) => {
      const run = runs.get(runId);
      if (!run || run.prompt?.id !== promptId)
        throw new InputError('promptId', 'that question is no longer open; reload the run.');
      const next: RunView =
        decision === 'cancel'
          ? {
              ...run,
              revision: nextRevision(),
              state: 'cancelled',
              prompt: undefined,
              finishedAt: new Date().toISOString(),
            }
          : { ...run, revision: nextRevision(), state: 'running', prompt: undefined };
      runs.set(runId, next);
      if (decision !== 'cancel') setTimeout(() => finish(runId), 50);
      return next;
    },
    'run.get': async ({ runId }) => {
      const run = runs.get(runId);
      if (!run) throw new InputError('runId', 'no such run.');
      return run;
    },
    'runs.list': async () => ({
      runs: [...runs.values()].map((run) => ({
        runId: run.runId,
        procedureId: run.procedureId,
        title: run.title,
        state: run.state,
        startedAt: run.startedAt,
        finishedAt: run.finishedAt,
        host: 'fixture-host',
        user: 'admin',
        secretFields: ['newPassword'],
      })),
    }),
    'run.resume': async ({ runId }) => {
      const run = runs.get(runId);
      if (!run) throw new InputError('runId', 'no such run.');
      return run;
    },
    'run.rollbackPlan': async ({ runId }) => {
      const run = runs.get(runId);
      if (!run) throw new InputError('runId', 'no such run.');
      const steps = run.steps
        .filter((step) => step.kind !== 'check' && step.state === 'done')
        .reverse()
        .map((step) => ({
          id: step.id,
          title: step.title,
          does: `Undoes "${step.title}".`,
          status: 'ok' as const,
        }));
      return steps.length > 0
        ? { runId, state: run.state, available: true, steps }
        : {
            runId,
            state: run.state,
            available: false,
            reason: 'Nothing this run changed can be undone.',
            steps,
          };
    },
    'run.rollback': async ({ runId }) => {
      const run = runs.get(runId);
      if (!run) throw new InputError('runId', 'no such run.');
      const next: RunView = {
        ...run,
        revision: nextRevision(),
        state: 'rolled-back',
        steps: run.steps.map((step) =>
          step.kind !== 'check' && step.state === 'done' ? { ...step, state: 'undone' } : step,
        ),
        ...(run.state === 'succeeded' && run.finishedAt ? { succeededAt: run.finishedAt } : {}),
        finishedAt: new Date().toISOString(),
      };
      runs.set(runId, next);
      return next;
    },
    'report.export': async ({ runId, format }) => {
      const run = runs.get(runId);
      if (!run) throw new InputError('runId', 'no such run.');
      const mimeType = { md: 'text/markdown', html: 'text/html', json: 'application/json' }[format];
      return {
        filename: `${runId}.${format}`,
        mimeType,
        content: format === 'json' ? JSON.stringify(run) : `# ${run.title}\n\nState: ${run.state}\n`,
      };
    },
  };

  function finish(runId: string): void {
    const run = runs.get(runId);
    if (!run) return;
    const steps = run.steps.map((step) => ({
      ...step,
      state: 'done' as const,
      logs: step.id === 'set-password' ? [...step.logs, '1 row updated.'] : step.logs,
    }));
    const running: RunView = { ...run, revision: nextRevision(), steps };
    emit('run.event', { type: 'log', runId, stepId: 'set-password', line: '1 row updated.', run: running });
    const done: RunView = {
      ...running,
      revision: nextRevision(),
      state: 'succeeded',
      finishedAt: new Date().toISOString(),
    };
    runs.set(runId, done);
    emit('run.event', { type: 'finished', runId, run: done });
  }

  return { handlers, lastInputs: () => state.lastInputs };
}
