/**
 * Issue 15, "two admins, one database": the run lock lives in each data folder, so two admins (or
 * two --data-dir values) could run on the same target at once. A plan's lock on the target itself
 * (here a lock file beside the target's config file, as beside server.hsconf) stops the second.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Engine } from '../../src/main/engine/engine.js';
import { lockFileBeside } from '../../src/main/engine/target-lock.js';
import type { ProcedureDefinition, SystemModule } from '../../src/main/engine/types.js';
import { freshDataDir, practiceEngines, scriptedHooks } from '../support/engine-harness.js';
import type { Decision, Prompt } from '../../src/shared/procedure.js';

const targetDir = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-shared-target-'));
const configFile = path.join(targetDir, 'app.conf');
fs.writeFileSync(configFile, 'value=old\n');

const editConfig: ProcedureDefinition = {
  id: 'locktest.edit',
  system: 'locktest',
  title: 'Edit the shared config',
  summary: 'A manual step, then a change to a file every admin edits in place.',
  inputs: z.strictObject({}),
  plan: async () => ({
    target: `locktest:${targetDir}`,
    facts: [],
    warnings: [],
    targetLock: lockFileBeside(targetDir, 'app.conf'),
    steps: [
      {
        id: 'look',
        kind: 'check',
        title: 'Read the config',
        describe: () => ({ summary: 'Reads it.' }),
        run: async () => undefined,
      },
      {
        id: 'announce',
        kind: 'manual',
        title: 'Tell the users',
        describe: () => ({ summary: 'Tell the users the app restarts.' }),
        run: async () => undefined,
      },
      {
        id: 'write',
        kind: 'change',
        title: 'Write the config',
        describe: () => ({ summary: 'Writes value=new.' }),
        run: async () => fs.appendFileSync(configFile, 'value=new\n'),
      },
    ],
  }),
};
const lockTestSystem: SystemModule = { id: 'locktest', title: 'Lock test', procedures: [editConfig] };

/** Hooks that hold the run at its manual step until `release()` is called. */
function heldAtManualStep() {
  let release: () => void = () => undefined;
  let markReached: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  const reached = new Promise<void>((resolve) => (markReached = resolve));
  const scripted = scriptedHooks();
  const hooks = {
    ...scripted,
    decide: async (prompt: Prompt): Promise<Decision> => {
      if (prompt.kind !== 'manual') return scripted.decide(prompt);
      markReached();
      await released;
      return 'confirm';
    },
  };
  return { hooks, reached, release: () => release() };
}

describe('the lock on the target itself', () => {
  it('a second admin with another data folder is stopped before any check, and resumes once the first is done', async () => {
    const first = new Engine(freshDataDir('target-lock-a'), [lockTestSystem]);
    const second = new Engine(freshDataDir('target-lock-b'), [lockTestSystem]);
    const plan = await first.plan('locktest.edit', {}, 'real');
    expect(plan.view.facts).toContainEqual(expect.objectContaining({ label: 'Lock on the target' }));

    const held = heldAtManualStep();
    const running = first.start(plan, held.hooks);
    await held.reached;
    const lockDir = path.join(targetDir, '.breakglass-locks');
    expect(fs.readdirSync(lockDir)).toHaveLength(1);

    const blocked = await second.start(await second.plan('locktest.edit', {}, 'real'), scriptedHooks()).done;
    expect(blocked.state).toBe('failed');
    expect(blocked.error).toContain('Another Breakglass run holds the lock on this target');
    expect(blocked.error).toContain(running.run.runId);
    expect(blocked.steps.every((step) => step.state === 'pending')).toBe(true);
    expect(fs.readFileSync(configFile, 'utf8')).toBe('value=old\n');

    held.release();
    expect((await running.done).state).toBe('succeeded');
    // Released, and the admin's folder is as it was.
    expect(fs.existsSync(lockDir)).toBe(false);

    const resumed = await second.resume(blocked.runId, {}, scriptedHooks());
    expect((await resumed.done).state).toBe('succeeded');
    expect(fs.readFileSync(configFile, 'utf8')).toBe('value=old\nvalue=new\nvalue=new\n');
  });

  it('the practice drill declares it beside its config (the crash matrix resumes through it after kill -9)', async () => {
    const { fresh } = practiceEngines('target-lock-drill-');
    const engine = fresh('drill');
    const prepared = await engine.plan('practice.drill', { newPassword: 'Target-Lock-Pw-42!' }, 'sandbox');
    expect(prepared.view.facts.find((fact) => fact.label === 'Lock on the target')?.value).toMatch(
      /lock file beside the practice app’s config/,
    );
    const view = await engine.start(prepared, scriptedHooks()).done;
    expect(view.state).toBe('succeeded');
  });

  it('OutSystems runs whose connection comes from server.hsconf take it beside that file', async () => {
    const { fresh } = practiceEngines('target-lock-os-');
    const engine = fresh('reset');
    const prepared = await engine.plan(
      'outsystems.reset-admin-password',
      { tenants: 'it-users', newPassword: 'Target-Lock-Os-42!' },
      'sandbox',
    );
    const where = prepared.view.facts.find((fact) => fact.label === 'Lock on the target')?.value ?? '';
    expect(where).toMatch(/^a lock file beside server\.hsconf \(.*Platform Server.*\.breakglass-locks\)$/);
    expect((await engine.start(prepared, scriptedHooks()).done).state).toBe('succeeded');
  });
});
