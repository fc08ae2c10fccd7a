/**
 * Issue 15, "Undo after success": a succeeded run can be undone — its rollback plan lists each
 * undo with a check that the state has not moved on since the run (refused, with the reason,
 * where it has); the undo itself puts the sandbox back; the engine, `run.rollbackPlan` /
 * `run.rollback`, `breakglass rollback`, `runs` and the report all say it was undone after success.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApi } from '../../src/main/api/create-api.js';
import { runCli } from '../../src/main/cli/run-cli.js';
import { CONFIG_RELATIVE_PATH } from '../../src/main/systems/practice/app-config.js';
import type { RunView } from '../../src/shared/procedure.js';
import { memoryIo } from '../support/cli-io.js';
import { freshDataDir, practiceEngines, practiceState, scriptedHooks } from '../support/engine-harness.js';
import { ossysUsers, sandboxQuery } from '../support/outsystems-sandbox.js';

const SECRET = 'Undo-After-Success-42';
const { fresh: engine, on: engineOn } = practiceEngines('undo-');

async function succeededDrill(label: string) {
  const e = engine(label);
  const before = await practiceState(e);
  const view = await e.start(
    await e.plan('practice.drill', { newPassword: SECRET }, 'sandbox'),
    scriptedHooks(),
  ).done;
  expect(view.state).toBe('succeeded');
  return { e, before, runId: view.runId };
}

describe('undo after success', () => {
  it('plans the undos of a succeeded drill, each checked, then undoes it: the sandbox is as before and every view says so', async () => {
    const { e, before, runId } = await succeededDrill('drill');
    expect(await practiceState(e)).not.toEqual(before);

    const plan = await e.rollbackPlan(runId, { newPassword: SECRET });
    expect(plan).toMatchObject({ runId, state: 'succeeded', available: true });
    expect(plan.steps.map((step) => [step.id, step.status])).toEqual([
      ['start-app', 'ok'],
      ['switch-password-store', 'ok'],
      ['set-password', 'ok'],
      ['stop-app', 'unchecked'],
    ]);
    await expect(e.rollbackPlan(runId, {})).rejects.toThrow(
      /newPassword: this run was started with a secret/,
    );

    const undone = await (await e.rollback(runId, { newPassword: SECRET }, scriptedHooks())).done;
    expect(undone.state).toBe('rolled-back');
    expect(undone.succeededAt).toEqual(expect.any(String));
    expect(undone.steps.filter((step) => step.state === 'undone').map((step) => step.id)).toEqual([
      'stop-app',
      'set-password',
      'switch-password-store',
      'start-app',
    ]);
    expect(await practiceState(e)).toEqual(before);

    expect(e.view(runId)).toMatchObject({ state: 'rolled-back', succeededAt: undone.succeededAt });
    expect(e.list().find((run) => run.runId === runId)).toMatchObject({
      state: 'rolled-back',
      succeededAt: undone.succeededAt,
    });
    const report = e.report(runId, 'md').content;
    expect(report).toMatch(
      /\*\*Outcome:\*\* rolled-back after success \(it succeeded at .*, then was undone\)/,
    );
    expect(report).toMatch(/\*\*Undone after success by:\*\*/);
    expect(JSON.parse(e.report(runId, 'json').content)).toMatchObject({
      outcome: 'rolled-back',
      succeededAt: undone.succeededAt,
    });
    await expect(e.rollback(runId, { newPassword: SECRET }, scriptedHooks())).rejects.toThrow(
      /is over \(rolled-back\)/,
    );
  });

  it('refuses, naming the step and why, when the state moved on since the run (the config file edited), and changes nothing', async () => {
    const { e, runId } = await succeededDrill('moved');
    const configPath = path.join(e.sandbox.filesRoot('practice'), CONFIG_RELATIVE_PATH);
    fs.appendFileSync(configPath, 'edited_by = someone else\n');
    const after = await practiceState(e);
    const journalBefore = fs.readFileSync(e.view(runId).journalPath, 'utf8');

    const plan = await e.rollbackPlan(runId, { newPassword: SECRET });
    expect(plan.available).toBe(false);
    expect(plan.steps.find((step) => step.id === 'switch-password-store')).toMatchObject({
      status: 'moved-on',
      reason: expect.stringMatching(/no longer the file this run wrote/),
    });
    expect(plan.steps.find((step) => step.id === 'set-password')?.status).toBe('ok');
    expect(plan.reason).toMatch(/moved on.*"Switch the app to the scrypt password store"/);
    await expect(e.rollback(runId, { newPassword: SECRET }, scriptedHooks())).rejects.toThrow(
      /cannot be rolled back: The state has moved on/,
    );
    expect(await practiceState(e)).toEqual(after);
    expect(fs.readFileSync(e.view(runId).journalPath, 'utf8')).toBe(journalBefore);
    expect(e.view(runId).state).toBe('succeeded');
  });

  it('refuses when the row no longer holds the hash the run wrote (the OutSystems admin reset, password changed since)', async () => {
    const e = engine('os-moved');
    const inputs = { tenants: 'it-users', newPassword: 'Reset-Then-Undo-9' };
    const view = await e.start(
      await e.plan('outsystems.reset-admin-password', inputs, 'sandbox'),
      scriptedHooks(),
    ).done;
    expect(view.state, view.error).toBe('succeeded');
    const secrets = { newPassword: 'Reset-Then-Undo-9' };
    expect((await e.rollbackPlan(view.runId, secrets)).steps).toEqual([
      expect.objectContaining({ id: 'set-password-it-users', status: 'ok' }),
    ]);
    await sandboxQuery(e, "UPDATE ossys_user SET password = 'changed-by-someone' WHERE id = 1");
    const plan = await e.rollbackPlan(view.runId, secrets);
    expect(plan.available).toBe(false);
    expect(plan.steps[0]).toMatchObject({
      status: 'moved-on',
      reason: 'User ID 1 changed since the run: its password value is no longer the one this run wrote.',
    });
    expect((await ossysUsers(e)).find((row) => row.id === 1)?.password).toBe('changed-by-someone');
  });

  it('run.rollbackPlan and run.rollback over the API; breakglass rollback shows the plan, needs --yes, and runs says "undo after success"', async () => {
    const dataDir = freshDataDir('undo-api');
    const events: RunView[] = [];
    const api = await createApi({
      dataDir,
      transport: 'web',
      emit: (_event, payload) => events.push(payload.run),
    });
    const e = engineOn(dataDir);
    const before = await practiceState(e);
    const view = await e.start(
      await e.plan('practice.drill', { newPassword: SECRET }, 'sandbox'),
      scriptedHooks(),
    ).done;

    const cli = async (args: string[]) => {
      const memory = memoryIo({ env: { UNDO_SECRET: SECRET } });
      const code = await runCli(['--data-dir', dataDir, ...args], memory.io);
      return { code, stdout: memory.stdout(), stderr: memory.stderr() };
    };
    const inputPath = path.join(dataDir, '..', `${path.basename(dataDir)}-in.json`);
    fs.writeFileSync(inputPath, JSON.stringify({ newPassword: { env: 'UNDO_SECRET' } }));
    const asked = await cli(['rollback', view.runId, '--input', inputPath]);
    expect(asked.code).toBe(2);
    expect(asked.stdout).toMatch(
      /Rolling back run \S+ \(undo after success\) undoes, newest first:\n {2}- Start PracticeApp: Stops PracticeApp again\. \[checked: unchanged since the run\]/,
    );
    expect(asked.stdout).toMatch(/- Stop PracticeApp: .*\[not checked: This step has no check/);
    expect(asked.stderr).toMatch(/--yes/);

    const plan = await api.handlers['run.rollbackPlan']({
      runId: view.runId,
      secrets: { newPassword: SECRET },
    });
    expect(plan.available).toBe(true);
    const started = await api.handlers['run.rollback']({
      runId: view.runId,
      secrets: { newPassword: SECRET },
    });
    expect(started.runId).toBe(view.runId);
    await api.close();
    expect(events.at(-1)).toMatchObject({ state: 'rolled-back', succeededAt: expect.any(String) });
    expect(await practiceState(e)).toEqual(before);

    const runs = await cli(['runs']);
    expect(runs.stdout).toMatch(new RegExp(`${view.runId}  rolled-back .*\\(undo after success; succeeded `));
    const again = await cli(['rollback', view.runId, '--input', inputPath, '--yes']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/is over \(rolled-back\)/);
  });
});
