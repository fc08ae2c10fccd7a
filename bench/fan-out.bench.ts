/**
 * Fan-out scale (issue 18): a fan-out phase over 10 hosts against the same phase over 1, each host
 * doing the front-end's seven steps with a simulated per-server delay (remoting round trips, a
 * service stop, an apply). Run by the engine with its journal, events and per-host views; the
 * hosts run in parallel at the concurrency the farm procedure uses. Ratio = wall time of 10 ÷ of 1
 * (the goal: ≤ 1.5).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { Engine } from '../src/main/engine/engine.js';
import type { StepDefinition, SystemModule } from '../src/main/engine/types.js';

const STEP_DELAYS_MS = [150, 200, 400, 100, 250, 600, 300];
const CONCURRENCY = 10;

const system: SystemModule = {
  id: 'benchfarm',
  title: 'Bench farm',
  procedures: [
    {
      id: 'benchfarm.reconfigure',
      system: 'benchfarm',
      title: 'Bench farm',
      summary: 'Seven delayed steps per host.',
      inputs: z.object({ hosts: z.number() }),
      async plan({ inputs }) {
        const { hosts } = inputs as { hosts: number };
        const steps: StepDefinition[] = Array.from({ length: hosts }, (_, host) =>
          STEP_DELAYS_MS.map((delay, index): StepDefinition => ({
            id: `fe${host}:${index}`,
            host: `fe${host}`,
            kind: index === 0 ? 'check' : 'change',
            title: `Step ${index} on fe${host}`,
            describe: () => ({ summary: `Waits ${delay} ms, as a remote call would.` }),
            run: async (ctx) => {
              await new Promise((resolve) => setTimeout(resolve, delay));
              ctx.log(`step ${index} done`);
            },
          })),
        ).flat();
        return {
          target: `benchfarm:${Math.random()}`,
          facts: [],
          warnings: [],
          phases: [
            {
              id: 'farm',
              title: 'Front-ends',
              steps,
              fanOut: { concurrency: CONCURRENCY, onHostFailure: 'continue' },
            },
          ],
        };
      },
    },
  ],
};

async function wallMs(hosts: number): Promise<number> {
  const engine = new Engine(fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-bench-farm-')), [system]);
  try {
    const prepared = await engine.plan('benchfarm.reconfigure', { hosts }, 'real');
    const started = process.hrtime.bigint();
    const view = await engine.start(prepared, { decide: async () => 'confirm' }).done;
    if (view.state !== 'succeeded') throw new Error(`bench run ${view.state}: ${view.error ?? ''}`);
    return Number(process.hrtime.bigint() - started) / 1e6;
  } finally {
    await engine.close();
  }
}

export default async function bench() {
  const one = await wallMs(1);
  const ten = await wallMs(10);
  const simulated = STEP_DELAYS_MS.reduce((sum, delay) => sum + delay, 0);
  return [
    { name: 'fan-out: 10 front-ends vs 1 (wall time; goal ≤ 1.5)', baseline: one, subject: ten, unit: 'ms' },
    {
      name: "fan-out: one front-end's wall time vs its simulated server time (engine share = ratio − 1)",
      baseline: simulated,
      subject: one,
      unit: 'ms',
    },
  ];
}
