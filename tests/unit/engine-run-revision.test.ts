/**
 * The engine with a tiny procedure of its own (real environment, no adapters used): plan-time
 * secrets are masked everywhere, `RunView.revision` grows across a resume, and a resume that was
 * prepared on a stale record refuses once another resume has finished the run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Engine } from '../../src/main/engine/engine.js';
import { JOURNAL_FILE } from '../../src/main/engine/journal.js';
import {
  ProcedureRefusal,
  StepFailure,
  type ProcedureDefinition,
  type SystemModule,
} from '../../src/main/engine/types.js';
import type { Decision, Prompt, RunEvent } from '../../src/shared/procedure.js';

const PLAN_SECRET = 'Found-In-Config-9f3#kq';

/** Test controls: step run counts, a failure to rehearse, and a gate that holds planning. */
const calls = new Map<string, number>();
const control: { failOnce: Set<string>; planGate?: Promise<void> } = { failOnce: new Set() };

function count(id: string): number {
  return calls.get(id) ?? 0;
}

const inputs = z.object({ configPath: z.string(), target: z.string() });

const procedure: ProcedureDefinition<typeof inputs> = {
  id: 'tiny.rotate',
  system: 'tiny',
  title: 'Tiny rotation',
  summary: 'Reads a password from a config file and uses it.',
  inputs,
  async plan({ inputs: given, addSecret }) {
    const gate = control.planGate;
    if (gate) await gate;
    const secret = fs.readFileSync(given.configPath, 'utf8').trim();
    addSecret(secret);
    const step = (id: string, kind: 'check' | 'change') => ({
      id,
      kind,
      title: `Step ${id}`,
      describe: () => ({ summary: `Uses the password ${secret} from the config.` }),
      async run(ctx: { log(line: string): void }) {
        calls.set(id, count(id) + 1);
        ctx.log(`connected with ${secret}`);
        if (control.failOnce.delete(id))
          throw new StepFailure(`login refused for ${secret}`, `check ${secret}`);
      },
    });
    return {
      target: given.target,
      facts: [{ label: 'Password from config', value: secret, status: 'info' }],
      warnings: [`The config holds ${secret} in plain text.`],
      steps: [step('check', 'check'), step('change-one', 'change'), step('change-two', 'change')],
    };
  },
};

const tinySystem: SystemModule = {
  id: 'tiny',
  title: 'Tiny',
  procedures: [procedure as unknown as ProcedureDefinition],
};

function setup(label: string): { dataDir: string; configPath: string; target: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `breakglass-${label}-`));
  const configPath = path.join(root, 'app.conf');
  fs.writeFileSync(configPath, `${PLAN_SECRET}\n`, { mode: 0o600 });
  return { dataDir: path.join(root, 'data'), configPath, target: `tiny:${root}` };
}

function hooks(answers: Partial<Record<Prompt['kind'], Decision>> = {}) {
  const events: RunEvent[] = [];
  return {
    events,
    onEvent: (event: RunEvent) => events.push(event),
    decide: async (prompt: Prompt): Promise<Decision> => answers[prompt.kind] ?? 'confirm',
  };
}

function journalLines(dataDir: string, runId: string): string[] {
  return fs
    .readFileSync(path.join(dataDir, 'runs', runId, JOURNAL_FILE), 'utf8')
    .trim()
    .split('\n');
}

describe('engine: plan-time secrets, revisions, concurrent resumes', () => {
  it('masks a secret registered while planning in the plan, the journal, the events and the errors', async () => {
    const { dataDir, configPath, target } = setup('plan-secret');
    const engine = new Engine(dataDir, [tinySystem]);
    const prepared = await engine.plan('tiny.rotate', { configPath, target }, 'real');
    expect(JSON.stringify(prepared.view)).not.toContain(PLAN_SECRET);
    expect(prepared.view.facts[0]?.value).toBe('********');
    expect(prepared.view.steps[1]?.description.summary).toBe('Uses the password ******** from the config.');
    control.failOnce.add('change-one');
    const h = hooks({ failure: 'cancel' });
    const view = await engine.start(prepared, h).done;
    expect(view.state).toBe('failed');
    expect(view.error).toContain('login refused for ********');
    const journal = fs.readFileSync(view.journalPath, 'utf8');
    expect(journal).toContain('connected with ********');
    expect(journal).toContain('login refused for ********');
    expect(journal).not.toContain(PLAN_SECRET);
    expect(JSON.stringify(h.events)).not.toContain(PLAN_SECRET);
    expect(engine.report(view.runId, 'md').content).not.toContain(PLAN_SECRET);
  });

  it('gives every view a revision that grows with the journal, across a resume', async () => {
    const { dataDir, configPath, target } = setup('revision');
    const engine = new Engine(dataDir, [tinySystem]);
    control.failOnce.add('change-two');
    const first = hooks({ failure: 'cancel' });
    const stopped = await engine.start(
      await engine.plan('tiny.rotate', { configPath, target }, 'real'),
      first,
    ).done;
    expect(stopped.state).toBe('failed');
    expect(stopped.revision).toBe(journalLines(dataDir, stopped.runId).length);
    expect(engine.view(stopped.runId).revision).toBe(stopped.revision);
    const second = hooks();
    const handle = await engine.resume(stopped.runId, {}, second);
    expect(handle.run.view().revision).toBe(stopped.revision + 1);
    const done = await handle.done;
    expect(done.state).toBe('succeeded');
    expect(done.revision).toBe(journalLines(dataDir, done.runId).length);
    expect(engine.view(done.runId).revision).toBe(done.revision);
    const revisions = [...first.events, ...second.events].map((event) => event.run.revision);
    expect(revisions[0]).toBeGreaterThan(0);
    for (let i = 1; i < revisions.length; i += 1)
      expect(revisions[i]).toBeGreaterThanOrEqual(revisions[i - 1] as number);
    expect(revisions.at(-1)).toBe(done.revision);
  });

  it('refuses a resume prepared on a record that another resume has since finished, running no step again', async () => {
    const { dataDir, configPath, target } = setup('double-resume');
    const engineA = new Engine(dataDir, [tinySystem]);
    const engineB = new Engine(dataDir, [tinySystem]);
    control.failOnce.add('change-one');
    const stopped = await engineA.start(
      await engineA.plan('tiny.rotate', { configPath, target }, 'real'),
      hooks({ failure: 'cancel' }),
    ).done;
    expect(stopped.state).toBe('failed');

    // B reads the stopped record, then plans slowly; meanwhile A resumes and finishes the run.
    let openGate!: () => void;
    control.planGate = new Promise<void>((resolve) => (openGate = resolve));
    const late = engineB.resume(stopped.runId, {}, hooks());
    control.planGate = undefined;
    const finished = await (await engineA.resume(stopped.runId, {}, hooks())).done;
    expect(finished.state).toBe('succeeded');
    const before = { one: count('change-one'), two: count('change-two'), check: count('check') };
    const linesBefore = journalLines(dataDir, stopped.runId).length;

    openGate();
    await expect(late).rejects.toThrow(ProcedureRefusal);
    await expect(late).rejects.toThrow(/is over \(succeeded\)/);
    expect({ one: count('change-one'), two: count('change-two'), check: count('check') }).toEqual(before);
    expect(journalLines(dataDir, stopped.runId)).toHaveLength(linesBefore);
    // The lock was released: a new run on the same target can start.
    const next = await engineB.start(
      await engineB.plan('tiny.rotate', { configPath, target }, 'real'),
      hooks(),
    ).done;
    expect(next.state).toBe('succeeded');
  });
});
