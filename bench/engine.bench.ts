/**
 * Engine overhead per step: a plan of N steps run by the engine (journal intent + outcome, each
 * fsync'd, events with the whole run view, redaction) against a bare loop doing the same step work.
 * Two kinds of step work: an atomic config-file write (what a real step does) and a tiny hash (so
 * the ratio shows the engine's own cost). Ratio = engine steps/s ÷ bare steps/s.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { Engine } from '../src/main/engine/engine.js';
import type { StepDefinition, SystemModule } from '../src/main/engine/types.js';
import { writeFileAtomic } from '../src/main/platform/files/atomic-write.js';

const STEPS = 200;

type StepWork = (index: number) => Promise<void>;

function benchSystem(work: StepWork): SystemModule {
  return {
    id: 'bench',
    title: 'Bench',
    procedures: [
      {
        id: 'bench.steps',
        system: 'bench',
        title: 'Bench steps',
        summary: 'N change steps',
        inputs: z.object({ secret: z.string().meta({ secret: true }) }),
        async plan() {
          const steps: StepDefinition[] = Array.from({ length: STEPS }, (_, index) => ({
            id: `step-${index}`,
            kind: 'change',
            title: `Step ${index}`,
            describe: () => ({ summary: `Does step ${index}` }),
            run: async (ctx) => {
              await work(index);
              ctx.log(`step ${index} done`);
            },
          }));
          return { target: `bench:${Math.random()}`, facts: [], warnings: [], steps };
        },
      },
    ],
  };
}

async function stepsPerSecond(run: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  return STEPS / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function compare(
  name: string,
  work: StepWork,
): Promise<{ name: string; baseline: number; subject: number; unit: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-bench-'));
  const engine = new Engine(dataDir, [benchSystem(work)]);
  let events = 0;
  const runEngine = async () => {
    const prepared = await engine.plan('bench.steps', { secret: 'bench-secret-value' }, 'real');
    const view = await engine.start(prepared, { onEvent: () => (events += 1), decide: async () => 'confirm' })
      .done;
    if (view.state !== 'succeeded') throw new Error(`bench run ended ${view.state}: ${view.error ?? ''}`);
  };
  const bare = async () => {
    for (let index = 0; index < STEPS; index += 1) await work(index);
  };
  await bare();
  await runEngine();
  const baseline = await stepsPerSecond(bare);
  const subject = await stepsPerSecond(runEngine);
  await engine.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (events === 0) throw new Error('no events were emitted');
  return { name, baseline, subject, unit: 'steps/s' };
}

export default async function () {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-bench-files-'));
  const config = path.join(scratch, 'app.conf');
  const payload = 'key = value\n'.repeat(200);
  const results = [
    await compare(
      `engine run vs bare loop, step = atomic write of a ${payload.length}-byte config file (${STEPS} steps)`,
      (index) => writeFileAtomic(config, `${payload}# ${index}\n`),
    ),
    await compare(
      `engine run vs bare loop, step = SHA-256 of 1 KiB (${STEPS} steps; the engine's own cost)`,
      async (index) => {
        createHash('sha256').update(Buffer.alloc(1024, index)).digest();
      },
    ),
  ];
  fs.rmSync(scratch, { recursive: true, force: true });
  return results;
}
