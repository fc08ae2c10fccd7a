/**
 * Restarting Synapse after direct database changes that its per-process caches hide (token
 * lookups, locked / deactivated flags): through the service controller where Breakglass knows how
 * Synapse runs, else a manual step with the commands for the usual setups.
 */
import { StepFailure, type StepDefinition } from '../../engine/types.js';
import { describeRuntime, restartTarget, type SynapseRuntime } from './runtime.js';

const RESTART_TIMEOUT_MS = 3 * 60_000;

export function restartSteps(runtime: SynapseRuntime, why: string): StepDefinition[] {
  const title = `Restart Synapse so that it sees ${why}`;
  if (runtime.kind === 'unknown')
    return [
      {
        id: 'restart-synapse',
        kind: 'manual',
        title,
        describe: () => ({
          summary: `Synapse caches these per process (main and every worker): restart all of them now.`,
          instructions: [
            'matrix-docker-ansible-deploy: systemctl restart matrix-synapse (and matrix-synapse-worker-* if you run workers).',
            'Debian package: systemctl restart matrix-synapse.',
            'docker compose: docker compose restart <synapse service>, in the project folder.',
          ],
        }),
        async run(ctx) {
          ctx.log('Confirmed by the admin: Synapse was restarted.');
        },
      },
    ];
  return [
    {
      id: 'restart-synapse',
      kind: 'change',
      title,
      describe: () => ({
        summary: `Stops and starts Synapse (${describeRuntime(runtime)}): it caches these per process. Logins fail for the few seconds it is down.`,
        services: {
          stop: [runtime.kind === 'docker-compose' ? runtime.service : runtime.unit],
          start: [runtime.kind === 'docker-compose' ? runtime.service : runtime.unit],
        },
        details: ['Workers, if any, must be restarted too (matrix-synapse-worker-* units).'],
      }),
      async run(ctx) {
        const target = restartTarget(runtime, ctx.env);
        if (!target) throw new StepFailure('Breakglass does not know how to restart this Synapse.');
        const onProgress = (line: string) => ctx.log(line);
        await target.controller.stop(target.name, { timeoutMs: RESTART_TIMEOUT_MS, onProgress });
        await target.controller.start(target.name, { timeoutMs: RESTART_TIMEOUT_MS, onProgress });
        ctx.log(`Restarted ${target.name}.`);
      },
      async check(ctx) {
        const target = restartTarget(runtime, ctx.env);
        const status = target ? await target.controller.status(target.name) : undefined;
        if (status?.state !== 'running')
          throw new StepFailure(
            `${target?.name ?? 'Synapse'} is ${status?.state ?? 'unknown'} after the restart.`,
            'Start it and look at its log (journalctl -u matrix-synapse).',
          );
      },
    },
  ];
}
