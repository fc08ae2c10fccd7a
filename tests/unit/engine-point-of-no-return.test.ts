/**
 * The point of no return and per-step failure decisions, with a tiny procedure of the test's own
 * (real environment, no adapters): once a `pointOfNoReturn` step has run, rollback is offered
 * nowhere (failure prompt, confirm-cancel, the stopped run's ways out, `Engine.rollback`), and a
 * step's `onFailure` is exactly what its failure prompt offers, plus stopping.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Engine } from '../../src/main/engine/engine.js';
import {
  StepFailure,
  type ProcedureDefinition,
  type StepDefinition,
  type SystemModule,
} from '../../src/main/engine/types.js';
import type { Decision, Prompt } from '../../src/shared/procedure.js';

const inputs = z.object({ target: z.string(), failAt: z.string(), pointOfNoReturn: z.boolean() });
const undone: string[] = [];

const procedure: ProcedureDefinition<typeof inputs> = {
  id: 'tiny.cutover',
  system: 'tiny',
  title: 'Tiny cut-over',
  summary: 'Three changes; the second is the cut-over.',
  inputs,
  async plan({ inputs: given }) {
    const step = (id: string, extra: Partial<StepDefinition> = {}): StepDefinition => ({
      id,
      kind: 'change',
      title: `Step ${id}`,
      describe: () => ({ summary: `Does ${id}.`, undo: `Undoes ${id}.` }),
      async run() {
        if (given.failAt === id) throw new StepFailure(`${id} failed`);
      },
      async undo() {
        undone.push(id);
      },
      ...extra,
    });
    return {
      target: given.target,
      facts: [],
      warnings: [],
      steps: [
        step('prepare'),
        step('cut-over', { pointOfNoReturn: given.pointOfNoReturn }),
        step('tidy', { onFailure: ['retry', 'continue'] }),
      ],
    };
  },
};

const tiny: SystemModule = {
  id: 'tiny',
  title: 'Tiny',
  procedures: [procedure as unknown as ProcedureDefinition],
};

function engine(): { engine: Engine; target: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-ponr-'));
  return { engine: new Engine(path.join(root, 'data'), [tiny]), target: `tiny:${root}` };
}

function hooks(answers: Partial<Record<Prompt['kind'], Decision>>) {
  const prompts: Prompt[] = [];
  return {
    prompts,
    decide: async (prompt: Prompt): Promise<Decision> => (
      prompts.push(prompt),
      answers[prompt.kind] ?? 'confirm'
    ),
  };
}

describe('point of no return', () => {
  it('past it, a failure offers only forward choices and the stopped run cannot be rolled back', async () => {
    const { engine: e, target } = engine();
    const h = hooks({ failure: 'cancel' });
    const stopped = await e.start(
      await e.plan('tiny.cutover', { target, failAt: 'tidy', pointOfNoReturn: true }, 'real'),
      h,
    ).done;
    expect(stopped.state).toBe('failed');
    expect(h.prompts.find((prompt) => prompt.kind === 'failure')?.options).toEqual([
      'retry',
      'continue',
      'cancel',
    ]);
    expect(h.prompts.find((prompt) => prompt.kind === 'confirm-cancel')?.options).toEqual([
      'confirm',
      'cancel',
    ]);
    expect(stopped.attention?.rollback).toMatchObject({
      available: false,
      reason: expect.stringMatching(/point of no return: "Step cut-over"/),
    });
    expect(stopped.attention?.resume.steps.map((step) => step.id)).toEqual(['tidy']);
    expect(() => e.rollbackWay(stopped.runId)).not.toThrow();
    await expect(e.rollback(stopped.runId, {}, h)).rejects.toThrow(
      /cannot be rolled back: Past the point of no return/,
    );
  });

  it("before it, a failure offers the step's decisions with rollback, and the rollback undoes newest first", async () => {
    const { engine: e, target } = engine();
    undone.length = 0;
    const h = hooks({ failure: 'rollback' });
    const view = await e.start(
      await e.plan('tiny.cutover', { target, failAt: 'cut-over', pointOfNoReturn: true }, 'real'),
      h,
    ).done;
    expect(h.prompts.find((prompt) => prompt.kind === 'failure')?.options).toEqual([
      'retry',
      'rollback',
      'continue',
      'cancel',
    ]);
    expect(h.prompts.find((prompt) => prompt.kind === 'confirm-rollback')?.instructions).toEqual([
      'Step cut-over — Undoes cut-over.',
      'Step prepare — Undoes prepare.',
    ]);
    expect(view.state).toBe('rolled-back');
    expect(undone).toEqual(['cut-over', 'prepare']);
  });

  it('without a point of no return, a failure of a step limited to retry/continue still offers no rollback', async () => {
    const { engine: e, target } = engine();
    const h = hooks({ failure: 'cancel' });
    await e.start(await e.plan('tiny.cutover', { target, failAt: 'tidy', pointOfNoReturn: false }, 'real'), h)
      .done;
    expect(h.prompts.find((prompt) => prompt.kind === 'failure')?.options).toEqual([
      'retry',
      'continue',
      'cancel',
    ]);
    expect(h.prompts.find((prompt) => prompt.kind === 'confirm-cancel')?.options).toEqual([
      'confirm',
      'rollback',
      'cancel',
    ]);
  });
});
