/**
 * Issue 15, "AD left disabled": a run cancelled (or stopped by a CLI with no terminal) after a
 * step that leaves a state that must not stay is "needs attention", says what it left, and offers
 * the ways back and forward — in the engine's views, `breakglass runs`, the CLI outcome and the report.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { freshDataDir, practiceEngines, scriptedHooks } from '../support/engine-harness.js';
import { runCliProcess } from '../support/cli-process.js';
import { adProviderActive } from '../support/outsystems-sandbox.js';

const PROCEDURE = 'outsystems.ad-workaround';
const { fresh: engine, on: engineOn } = practiceEngines('attention-');

describe('must-run compensation', () => {
  it('cancelling after "Disable ADAuthProvider" asks first, lists what stays, and leaves the run needing attention', async () => {
    const e = engine('cancel');
    const hooks = scriptedHooks({ manual: 'cancel' });
    const stopped = await e.start(await e.plan(PROCEDURE, {}, 'sandbox'), hooks).done;
    expect(stopped.state).toBe('cancelled');
    expect(await adProviderActive(e)).toBe(false);

    const confirm = hooks.prompts.find((prompt) => prompt.kind === 'confirm-cancel');
    expect(confirm?.message).toMatch(/Active Directory logins to Service Center are OFF/);
    expect(confirm?.options).toEqual(['confirm', 'rollback', 'cancel']);
    expect(confirm?.instructions.join('\n')).toMatch(
      /Rollback: Disable ADAuthProvider — Sets ISACTIVE on ADAuthProvider back/,
    );

    expect(stopped.needsAttention).toBe(true);
    expect(stopped.attention?.pending).toEqual([
      {
        stepId: 'disable-ad',
        stepTitle: 'Disable ADAuthProvider',
        leaves: 'Active Directory logins to Service Center are OFF in production',
        restoredBy: { id: 'enable-ad', title: 'Re-enable ADAuthProvider' },
      },
    ]);
    expect(stopped.attention?.rollback.steps.map((step) => step.id)).toEqual(['disable-ad']);
    expect(stopped.attention?.resume.steps.map((step) => step.id)).toContain('enable-ad');

    // The same from the journal: run.get, runs, the report.
    expect(e.view(stopped.runId).needsAttention).toBe(true);
    const summary = e.list().find((run) => run.runId === stopped.runId);
    expect(summary?.needsAttention).toBe(true);
    expect(summary?.attention?.[0]).toMatch(/OFF in production.*"Re-enable ADAuthProvider" brings it back/);
    const report = e.report(stopped.runId, 'md').content;
    expect(report).toMatch(/## NEEDS ATTENTION[\s\S]*OFF in production/);
    expect(report).toMatch(/breakglass rollback/);
  });

  it('"Go back" at the confirmation returns to the question; "Roll back instead" undoes the disable: AD on, run rolled back, no attention', async () => {
    const e = engine('rollback');
    const hooks = scriptedHooks({ manual: ['cancel', 'cancel'], 'confirm-cancel': ['cancel', 'rollback'] });
    const view = await e.start(await e.plan(PROCEDURE, {}, 'sandbox'), hooks).done;
    expect(hooks.prompts.map((prompt) => prompt.kind).slice(-4)).toEqual([
      'manual',
      'confirm-cancel',
      'manual',
      'confirm-cancel',
    ]);
    expect(view.state).toBe('rolled-back');
    expect(view.needsAttention).toBe(false);
    expect(await adProviderActive(e)).toBe(true);
  });

  it('a run resumed past the restoring step no longer needs attention', async () => {
    const e = engine('resume');
    const stopped = await e.start(await e.plan(PROCEDURE, {}, 'sandbox'), scriptedHooks({ manual: 'cancel' }))
      .done;
    expect(stopped.needsAttention).toBe(true);
    const resumed = await (await e.resume(stopped.runId, {}, scriptedHooks())).done;
    expect(resumed.state).toBe('succeeded');
    expect(resumed.needsAttention).toBe(false);
    expect(e.list()[0]?.needsAttention).toBe(false);
  });

  it(
    'the CLI without a terminal stops at the manual step and says loudly that AD is off, with the ways out',
    { timeout: 60_000 },
    async () => {
      const dataDir = freshDataDir('attention-cli');
      const input = path.join(dataDir, 'input.json');
      fs.writeFileSync(input, JSON.stringify({}));
      const env = { BREAKGLASS_SANDBOX_PG_URL: inject('pgAdminUrl') };
      const run = await runCliProcess(
        ['--data-dir', dataDir, 'run', PROCEDURE, '--input', input, '--sandbox', '--yes'],
        env,
      );
      expect(run.code).toBe(4);
      expect(run.stdout).toMatch(
        /NEEDS ATTENTION[^\n]*\n!!! +Active Directory logins to Service Center are OFF in production/,
      );
      expect(run.stdout).toMatch(
        /Way forward:\n {2}breakglass resume \S+ --done apply-without-ad — runs what remains:/,
      );
      expect(run.stdout).toMatch(
        /Way back:\n {2}breakglass rollback \S+ — undoes, newest first:\n {4}- Disable ADAuthProvider: Sets ISACTIVE/,
      );
      const runs = await runCliProcess(['--data-dir', dataDir, 'runs'], env);
      expect(runs.stdout).toMatch(/awaiting .*NEEDS ATTENTION: Active Directory logins/);

      const runId = /Run (\S+): awaiting/.exec(run.stdout)?.[1] ?? '';
      const refused = await runCliProcess(['--data-dir', dataDir, 'rollback', runId], env);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/--yes/);
      const rolled = await runCliProcess(['--data-dir', dataDir, 'rollback', runId, '--yes'], env);
      expect(rolled.code, rolled.stderr).toBe(5);
      expect(rolled.stdout).toMatch(
        /Rolling back run \S+ undoes, newest first:\n {2}- Disable ADAuthProvider/,
      );
      const check = engineOn(dataDir);
      expect(await adProviderActive(check)).toBe(true);
      expect(check.view(runId).needsAttention).toBe(false);
    },
  );
});
