/**
 * Issue 17, "on resume, the re-plan must match what was confirmed": a resume whose re-plan gives
 * the same step ids but a step that would now do something else (another title, other services)
 * is refused, naming the step and what changed; a change only in what a step reads from the state
 * (its summary, its SQL) does not stop the resume.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Engine } from '../../src/main/engine/engine.js';
import { StepFailure, type ProcedureDefinition, type SystemModule } from '../../src/main/engine/types.js';
import type { Decision, Prompt } from '../../src/shared/procedure.js';

const inputs = z.object({ root: z.string() });

/** Plans from `<root>/state.json` ({ user, summary }); the second step fails while `<root>/fail` exists. */
const procedure: ProcedureDefinition<typeof inputs> = {
  id: 'replan.drop',
  system: 'replan',
  title: 'Re-plan',
  summary: 'Two steps planned from a state file.',
  inputs,
  async plan({ inputs: { root } }) {
    const state = JSON.parse(fs.readFileSync(path.join(root, 'state.json'), 'utf8')) as {
      user: string;
      summary: string;
      service: string;
    };
    return {
      target: `replan:${root}`,
      facts: [],
      warnings: [],
      steps: ['first', 'second'].map((id) => ({
        id,
        kind: 'change' as const,
        title: `Change ${id} for ${state.service}`,
        describe: () => ({
          summary: state.summary,
          sql: [{ dialect: 'postgres', text: `ALTER ROLE "${state.user}" LOGIN` }],
          services: { stop: [state.service], start: [state.service] },
        }),
        async run() {
          if (id === 'second' && fs.existsSync(path.join(root, 'fail'))) throw new StepFailure('not yet');
        },
      })),
    };
  },
};

const system: SystemModule = {
  id: 'replan',
  title: 'Re-plan',
  procedures: [procedure as unknown as ProcedureDefinition],
};

const answers = (failure: Decision) => ({
  decide: async (prompt: Prompt): Promise<Decision> => (prompt.kind === 'failure' ? failure : 'confirm'),
});

async function stoppedRun() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-replan-'));
  fs.writeFileSync(
    path.join(root, 'state.json'),
    JSON.stringify({ user: 'app', summary: 'before', service: 'app' }),
  );
  fs.writeFileSync(path.join(root, 'fail'), '');
  const engine = new Engine(path.join(root, 'data'), [system]);
  const view = await engine.start(await engine.plan('replan.drop', { root }, 'real'), answers('cancel')).done;
  expect(view.state).toBe('failed');
  fs.rmSync(path.join(root, 'fail'));
  return { root, engine, runId: view.runId };
}

describe('resume checks the re-plan against the confirmed plan', () => {
  it('refuses when a step would now stop other services, naming the step and the change', async () => {
    const { root, engine, runId } = await stoppedRun();
    fs.writeFileSync(
      path.join(root, 'state.json'),
      JSON.stringify({ user: 'app', summary: 'before', service: 'web' }),
    );
    await expect(engine.resume(runId, {}, answers('cancel'))).rejects.toThrow(
      /differs from the plan the same inputs give now — "Change first for app" \(first\): its title, services changed; "Change second for app" \(second\): its title, services changed/,
    );
    await engine.close();
  });

  it('resumes when only what a step reads from the state changed (its summary, its SQL)', async () => {
    const { root, engine, runId } = await stoppedRun();
    fs.writeFileSync(
      path.join(root, 'state.json'),
      JSON.stringify({ user: 'admin', summary: 'after', service: 'app' }),
    );
    const view = await (await engine.resume(runId, {}, answers('cancel'))).done;
    expect(view.state).toBe('succeeded');
    await engine.close();
  });
});
