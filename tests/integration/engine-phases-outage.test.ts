import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/cli/run-cli.js';
import { preparePlan } from '../../src/main/engine/planning.js';
import type { Environment, ProcedureDefinition, StepDefinition } from '../../src/main/engine/types.js';
import { z } from 'zod';
import { memoryIo } from '../support/cli-io.js';
import {
  freshDataDir,
  practiceEngines,
  practiceState,
  scriptedHooks,
  readRunJournal,
} from '../support/engine-harness.js';

const NEW_PASSWORD = 'Phases-Pässword-42!"<&>';
const { fresh: engine } = practiceEngines('phases-');
const OUTAGE_STEPS = ['stop-app', 'set-password', 'switch-password-store', 'start-app'];

function entries(journalPath: string) {
  return readRunJournal(journalPath).map((entry) => ({ at: entry.at, type: entry.type, data: entry.data }));
}

describe('phases and the outage window (practice drill, real PostgreSQL and files)', () => {
  it('plans three phases, runs them in order with one outage confirmation, and measures the time down', async () => {
    const e = engine('full');
    const prepared = await e.plan('practice.drill', { newPassword: NEW_PASSWORD }, 'sandbox');
    expect(prepared.view.phases?.map((phase) => [phase.id, phase.stepIds])).toEqual([
      ['preflight', ['check-account', 'check-service']],
      ['outage', OUTAGE_STEPS],
      ['follow-up', ['record-password', 'verify-login']],
    ]);
    expect(prepared.view.steps.map((step) => step.phase)).toEqual([
      'preflight',
      'preflight',
      'outage',
      'outage',
      'outage',
      'outage',
      'follow-up',
      'follow-up',
    ]);
    expect(prepared.view.outage).toMatchObject({
      stepIds: OUTAGE_STEPS,
      expectedMinutes: 1,
      phase: 'outage',
    });

    const hooks = scriptedHooks();
    const view = await e.start(prepared, hooks).done;
    expect(view.state).toBe('succeeded');
    const outagePrompts = hooks.prompts.filter((prompt) => prompt.kind === 'confirm-outage');
    expect(outagePrompts).toHaveLength(1);
    expect(outagePrompts[0]).toMatchObject({ stepId: 'stop-app' });
    expect(outagePrompts[0]?.message).toContain('asked once for the whole window');
    expect(outagePrompts[0]?.instructions).toHaveLength(4);

    const journal = entries(view.journalPath);
    const types = journal.map(
      (entry) => `${entry.type}:${String(entry.data.phaseId ?? entry.data.stepId ?? '')}`,
    );
    const at = (key: string) => types.indexOf(key);
    expect(at('phase-started:preflight')).toBeLessThan(at('step-started:check-account'));
    expect(at('phase-finished:preflight')).toBeGreaterThan(at('step-done:check-service'));
    expect(at('gate-confirmed:')).toBeGreaterThan(at('phase-finished:preflight'));
    expect(at('outage-opened:')).toBeLessThan(at('step-started:stop-app'));
    expect(at('outage-opened:')).toBeGreaterThan(at('phase-started:outage'));
    expect(at('outage-closed:')).toBe(at('step-done:start-app') + 1);
    expect(at('phase-started:follow-up')).toBeGreaterThan(at('phase-finished:outage'));
    expect(types.filter((type) => type.startsWith('phase-finished'))).toHaveLength(3);
    const opened = journal.find((entry) => entry.type === 'outage-opened');
    const closed = journal.find((entry) => entry.type === 'outage-closed');
    expect(closed?.data).toMatchObject({ by: 'forward' });
    expect(closed?.data.downMs).toBe(Date.parse(closed?.at ?? '') - Date.parse(opened?.at ?? ''));

    expect(view.phases?.map((phase) => phase.state)).toEqual(['done', 'done', 'done']);
    expect(view.outage).toMatchObject({
      state: 'closed',
      openedAt: opened?.at,
      closedAt: closed?.at,
      downMs: closed?.data.downMs,
    });
    // The stored view (from the journal) says the same as the live one.
    expect(e.view(view.runId).outage).toEqual(view.outage);
    expect(e.view(view.runId).phases).toEqual(view.phases);

    const md = e.report(view.runId, 'md').content;
    expect(md).toContain('## Outage window');
    expect(md).toMatch(/- \*\*Time down:\*\* \d+ s \(expected about 1 min\)/);
    expect(md).toContain('### Phase 2: Outage — done');
    expect(md.indexOf('### Phase 1: Preflight')).toBeLessThan(md.indexOf('#### 1. '));
    const html = e.report(view.runId, 'html').content;
    expect(html).toContain('<h2>Outage window</h2>');
    expect(html).toContain('Phase 3: Follow-up');
    const json = JSON.parse(e.report(view.runId, 'json').content) as {
      phases: Array<{ id: string; state: string }>;
      outage: { state: string; downMs: number };
      steps: Array<{ id: string; phase: string }>;
    };
    expect(json.phases.map((phase) => phase.id)).toEqual(['preflight', 'outage', 'follow-up']);
    expect(json.outage).toMatchObject({ state: 'closed', downMs: closed?.data.downMs });
    expect(json.steps.find((step) => step.id === 'set-password')?.phase).toBe('outage');
  });

  it('a run stopped inside the window shows it open; resume does not ask again and closes it, measuring from the first opening', async () => {
    const e = engine('stop-resume');
    const prepared = await e.plan(
      'practice.drill',
      { newPassword: NEW_PASSWORD, rehearseFailureAt: 'switch-password-store' },
      'sandbox',
    );
    const stopped = await e.start(prepared, scriptedHooks({ failure: 'cancel', 'confirm-cancel': 'confirm' }))
      .done;
    expect(stopped.state).toBe('failed');
    expect(stopped.outage?.state).toBe('open');
    expect(stopped.phases?.map((phase) => phase.state)).toEqual(['done', 'failed', 'pending']);
    const stored = e.view(stopped.runId);
    expect(stored.outage).toMatchObject({ state: 'open', openedAt: stopped.outage?.openedAt });
    expect(e.report(stopped.runId, 'md').content).toContain('**Time down so far (still open):**');
    await new Promise((resolve) => setTimeout(resolve, 1100));

    const hooks = scriptedHooks({ failure: 'retry' });
    const resumed = await (await e.resume(stopped.runId, { newPassword: NEW_PASSWORD }, hooks)).done;
    expect(resumed.state).toBe('succeeded');
    expect(hooks.prompts.map((prompt) => prompt.kind)).not.toContain('confirm-outage');
    expect(resumed.outage?.state).toBe('closed');
    expect(resumed.outage?.openedAt).toBe(stopped.outage?.openedAt);
    expect(resumed.outage?.downMs).toBeGreaterThanOrEqual(1100);
    const journal = entries(resumed.journalPath);
    expect(journal.filter((entry) => entry.type === 'outage-opened')).toHaveLength(1);
    expect(journal.filter((entry) => entry.type === 'outage-closed')).toHaveLength(1);
    expect(
      journal.filter((entry) => entry.type === 'phase-started' && entry.data.phaseId === 'outage'),
    ).toHaveLength(1);
  });

  it('a rollback inside the window closes it when the rollback is over', async () => {
    const e = engine('rollback');
    const before = await practiceState(e);
    const view = await e.start(
      await e.plan(
        'practice.drill',
        { newPassword: NEW_PASSWORD, rehearseFailureAt: 'set-password' },
        'sandbox',
      ),
      scriptedHooks({ failure: 'rollback' }),
    ).done;
    expect(view.state).toBe('rolled-back');
    expect(await practiceState(e)).toEqual(before);
    expect(view.outage?.state).toBe('closed');
    const closed = entries(view.journalPath).find((entry) => entry.type === 'outage-closed');
    expect(closed?.data).toMatchObject({ by: 'rollback' });
    expect(entries(view.journalPath).at(-2)?.type).toBe('outage-closed');
  });

  it('the CLI prints the phases, the window, its opening and closing and the time down', async () => {
    const dataDir = freshDataDir('phases-cli');
    const inputPath = `${dataDir}-in.json`;
    fs.writeFileSync(inputPath, JSON.stringify({ newPassword: { env: 'DRILL_SECRET' } }));
    const cli = async (args: string[]) => {
      const memory = memoryIo({ env: { DRILL_SECRET: NEW_PASSWORD } });
      const code = await runCli(['--data-dir', dataDir, ...args], memory.io);
      return { code, stdout: memory.stdout(), stderr: memory.stderr() };
    };
    const plan = await cli(['plan', 'practice.drill', '--input', inputPath, '--sandbox']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('Outage window: about 1 min, 4 steps (stop-app … start-app)');
    expect(plan.stdout).toMatch(/ Phase 1: Preflight[^\n]*\n {2}1\. /);
    expect(plan.stdout).toContain(' Phase 3: Follow-up');
    const run = await cli([
      'run',
      'practice.drill',
      '--input',
      inputPath,
      '--sandbox',
      '--yes',
      '--done',
      'record-password',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('== Phase 2/3: Outage');
    expect(run.stdout).toMatch(/!! Outage window open \(expected about 1 min\)[^\n]*\n▶ Stop /);
    expect(run.stdout).toMatch(/✔ Start [^\n]*\n!! Outage window closed: down \d+ s/);
    expect(run.stdout).toMatch(/Time down: \d+ s \(expected about 1 min\)/);
    expect(run.stdout).not.toContain(NEW_PASSWORD);
    fs.rmSync(inputPath);
  });
});

describe('phases in the procedure model', () => {
  const env = { kind: 'sandbox' } as Environment;
  const step = (id: string): StepDefinition => ({
    id,
    kind: 'change',
    title: id,
    describe: () => ({ summary: id }),
    run: async () => undefined,
  });
  const procedure = (plan: Awaited<ReturnType<ProcedureDefinition['plan']>>): ProcedureDefinition => ({
    id: 'test.phases',
    system: 'test',
    title: 'Phases',
    summary: 'test',
    inputs: z.object({}),
    plan: async () => plan,
  });
  const base = { target: 't', facts: [], warnings: [] };

  it('a plan without phases has one default phase holding every step', async () => {
    const prepared = await preparePlan(procedure({ ...base, steps: [step('a'), step('b')] }), {}, env);
    expect(prepared.view.phases).toEqual([{ id: 'steps', title: 'Steps', stepIds: ['a', 'b'] }]);
    expect(prepared.view.outage).toBeUndefined();
  });

  it('a window by first and last step spans the steps between, across phases', async () => {
    const prepared = await preparePlan(
      procedure({
        ...base,
        phases: [
          { id: 'p1', title: 'One', steps: [step('a'), step('b')] },
          { id: 'p2', title: 'Two', steps: [step('c'), step('d')] },
        ],
        outage: { firstStep: 'b', lastStep: 'c', expectedMinutes: 5, impact: 'Down' },
      }),
      {},
      env,
    );
    expect(prepared.view.outage).toEqual({ stepIds: ['b', 'c'], expectedMinutes: 5, impact: 'Down' });
    expect(prepared.steps.map((s) => s.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('refuses a window that names no step of the plan, steps in the wrong order, or both steps and phases', async () => {
    const phases = [{ id: 'p1', title: 'One', steps: [step('a'), step('b')] }];
    await expect(
      preparePlan(
        procedure({
          ...base,
          phases,
          outage: { firstStep: 'x', lastStep: 'b', expectedMinutes: 1, impact: 'i' },
        }),
        {},
        env,
      ),
    ).rejects.toThrow(/outage window runs from "x" to "b"/);
    await expect(
      preparePlan(
        procedure({
          ...base,
          phases,
          outage: { firstStep: 'b', lastStep: 'a', expectedMinutes: 1, impact: 'i' },
        }),
        {},
        env,
      ),
    ).rejects.toThrow(/not steps of the plan in that order/);
    await expect(
      preparePlan(
        procedure({ ...base, phases, outage: { phase: 'nope', expectedMinutes: 1, impact: 'i' } }),
        {},
        env,
      ),
    ).rejects.toThrow(/phase "nope" has no steps/);
    await expect(preparePlan(procedure({ ...base, phases, steps: [step('c')] }), {}, env)).rejects.toThrow(
      /either steps or phases/,
    );
    await expect(
      preparePlan(
        procedure({ ...base, phases: [...phases, { id: 'p1', title: 'again', steps: [step('c')] }] }),
        {},
        env,
      ),
    ).rejects.toThrow(/two phases with the id p1/);
  });
});
