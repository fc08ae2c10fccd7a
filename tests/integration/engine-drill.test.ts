import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { ProcedureRefusal } from '../../src/main/engine/types.js';
import { RunConflict, RunLock } from '../../src/main/engine/run-lock.js';
import { InputError } from '../../src/main/engine/types.js';
import { verifyPracticePassword } from '../../src/main/systems/practice/password-hash.js';
import { practiceEngines, practiceState, scriptedHooks } from '../support/engine-harness.js';

const NEW_PASSWORD = 'Drill-Pässword-42!"<&>';
const { fresh: engine } = practiceEngines('');

describe('practice.drill on the engine (real PostgreSQL, real files)', () => {
  it('runs every step, journals them, and leaves the new password, the edited config and the service running', async () => {
    const e = engine('full');
    const before = await practiceState(e);
    const prepared = await e.plan('practice.drill', { newPassword: NEW_PASSWORD }, 'sandbox');
    const hooks = scriptedHooks();
    const view = await e.start(prepared, hooks).done;
    expect(view.state).toBe('succeeded');
    expect(view.steps.map((step) => step.state)).toEqual(Array(8).fill('done'));
    expect(hooks.prompts.map((prompt) => prompt.kind)).toEqual([
      'confirm-changes',
      'confirm-outage',
      'manual',
    ]);
    const after = await practiceState(e);
    expect(verifyPracticePassword(NEW_PASSWORD, after.hash ?? '')).toBe(true);
    expect(after.service).toBe('running');
    const config = Buffer.from(after.config, 'base64').toString('utf8');
    expect(config).toContain('password_store = scrypt\r\n');
    expect(
      Buffer.from(before.config, 'base64')
        .toString('utf8')
        .replace('password_store = legacy', 'password_store = scrypt'),
    ).toBe(config);
    expect(fs.statSync(view.journalPath).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(view.journalPath)).mode & 0o777).toBe(0o700);
    expect(e.list()[0]).toMatchObject({ runId: view.runId, state: 'succeeded' });
    const events = hooks.events.map((event) => event.type);
    expect(events).toContain('step-started');
    expect(events).toContain('log');
    expect(events.at(-1)).toBe('finished');
  });

  it('plans without changing anything (DB row, file bytes, service)', async () => {
    const e = engine('dry');
    const before = await practiceState(e);
    const prepared = await e.plan('practice.drill', { newPassword: NEW_PASSWORD }, 'sandbox');
    expect(prepared.view.steps.map((step) => step.id)).toEqual([
      'check-account',
      'check-service',
      'stop-app',
      'set-password',
      'switch-password-store',
      'start-app',
      'record-password',
      'verify-login',
    ]);
    expect(prepared.view.steps[4]?.description.diff?.unified).toContain('+password_store = scrypt');
    expect(JSON.stringify(prepared.view)).not.toContain(NEW_PASSWORD);
    expect(await practiceState(e)).toEqual(before);
  });

  it('rolls back on request: DB row, file bytes and service state are exactly as before', async () => {
    const e = engine('rollback');
    const before = await practiceState(e);
    const prepared = await e.plan(
      'practice.drill',
      { newPassword: NEW_PASSWORD, rehearseFailureAt: 'verify-login' },
      'sandbox',
    );
    const hooks = scriptedHooks({ failure: 'rollback' });
    const view = await e.start(prepared, hooks).done;
    expect(view.state).toBe('rolled-back');
    expect(view.steps.filter((step) => step.state === 'undone').map((step) => step.id)).toEqual([
      'stop-app',
      'set-password',
      'switch-password-store',
      'start-app',
    ]);
    expect(await practiceState(e)).toEqual(before);
    const journal = fs
      .readFileSync(view.journalPath, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; data: { stepId?: string } });
    expect(journal.filter((entry) => entry.type === 'undo-done').map((entry) => entry.data.stepId)).toEqual([
      'start-app',
      'switch-password-store',
      'set-password',
      'stop-app',
    ]);
  });

  it('retries a failed step and succeeds; "continue" marks a step fixed by hand', async () => {
    const e = engine('retry');
    const retried = await e.start(
      await e.plan(
        'practice.drill',
        { newPassword: NEW_PASSWORD, rehearseFailureAt: 'start-app' },
        'sandbox',
      ),
      scriptedHooks({ failure: 'retry' }),
    ).done;
    expect(retried.state).toBe('succeeded');
    const e2 = engine('continue');
    const continued = await e2.start(
      await e2.plan(
        'practice.drill',
        { newPassword: NEW_PASSWORD, rehearseFailureAt: 'record-password' },
        'sandbox',
      ),
      scriptedHooks({ failure: 'continue' }),
    ).done;
    expect(continued.state).toBe('succeeded');
    expect(continued.steps.find((step) => step.id === 'record-password')).toMatchObject({ state: 'skipped' });
  });

  it('stops on a failed check before changing anything, saying how to fix it', async () => {
    const e = engine('preflight');
    const url = await e.sandbox.databaseUrl(e.registry.system('practice'));
    const before = await practiceState(e);
    const prepared = await e.plan(
      'practice.drill',
      { account: 'nobody', newPassword: NEW_PASSWORD },
      'sandbox',
    );
    const hooks = scriptedHooks({ failure: 'cancel' });
    const view = await e.start(prepared, hooks).done;
    expect(view.state).toBe('failed');
    expect(view.error).toMatch(/Preflight failed.*no account "nobody".*Fix: .*Nothing was changed/);
    expect(hooks.prompts.map((prompt) => [prompt.kind, prompt.options])).toEqual([
      ['failure', ['retry', 'cancel']],
    ]);
    expect(await practiceState(e)).toEqual(before);
    expect(url).toContain('sandbox_practice_');
  });

  it('refuses the real environment, bad input (naming the field), and a second run on the same target', async () => {
    const e = engine('refusals');
    await expect(e.plan('practice.drill', { newPassword: NEW_PASSWORD }, 'real')).rejects.toThrow(
      ProcedureRefusal,
    );
    const bad = await e
      .plan('practice.drill', { newPassword: 'short' }, 'sandbox')
      .catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(InputError);
    expect((bad as InputError).field).toBe('newPassword');
    expect((bad as Error).message).not.toContain('short');
    await expect(
      e.plan('practice.drill', { newPassword: NEW_PASSWORD, extra: 1 }, 'sandbox'),
    ).rejects.toThrow(/extra/);

    let release: () => void = () => undefined;
    const held = new Promise<'confirm'>((resolve) => (release = () => resolve('confirm')));
    const first = e.start(await e.plan('practice.drill', { newPassword: NEW_PASSWORD }, 'sandbox'), {
      decide: () => held,
    });
    const second = await e.plan('practice.drill', { newPassword: NEW_PASSWORD }, 'sandbox');
    const conflict = (() => {
      try {
        e.start(second, scriptedHooks());
      } catch (error) {
        return error;
      }
    })();
    expect(conflict).toBeInstanceOf(RunConflict);
    expect((conflict as Error).message).toContain(first.run.runId);
    release();
    expect((await first.done).state).toBe('succeeded');
  });

  it('resumes a stopped run only with the same secret', async () => {
    const e = engine('resume');
    const prepared = await e.plan(
      'practice.drill',
      { newPassword: NEW_PASSWORD, rehearseFailureAt: 'set-password' },
      'sandbox',
    );
    const stopped = await e.start(prepared, scriptedHooks({ failure: 'cancel' })).done;
    expect(stopped.state).toBe('failed');
    expect(e.resumeNeeds(stopped.runId)).toEqual({
      procedureId: 'practice.drill',
      secretFields: ['newPassword'],
    });
    await expect(e.resume(stopped.runId, {}, scriptedHooks())).rejects.toThrow(/newPassword: .*re-enter/);
    await expect(
      e.resume(stopped.runId, { newPassword: 'a different password' }, scriptedHooks()),
    ).rejects.toThrow(/does not match/);
    const hooks = scriptedHooks({ failure: 'retry' });
    const resumed = await (await e.resume(stopped.runId, { newPassword: NEW_PASSWORD }, hooks)).done;
    expect(resumed.state).toBe('succeeded');
    // The rehearsed failure happens again once after a resume; gates already confirmed are not asked again.
    expect(hooks.prompts.map((prompt) => prompt.kind)).toEqual(['failure', 'manual']);
    const report = e.report(stopped.runId, 'json');
    expect(JSON.parse(report.content)).toMatchObject({
      outcome: 'succeeded',
      journal: { finalHash: resumed.journalHash },
    });
    await expect(e.resume(stopped.runId, { newPassword: NEW_PASSWORD }, scriptedHooks())).rejects.toThrow(
      /over \(succeeded\)/,
    );
  });

  it('refuses to resume a tampered journal, naming the line; lists it as not verifying', async () => {
    const e = engine('tamper');
    const stopped = await e.start(
      await e.plan(
        'practice.drill',
        { newPassword: NEW_PASSWORD, rehearseFailureAt: 'start-app' },
        'sandbox',
      ),
      scriptedHooks({ failure: 'cancel' }),
    ).done;
    const lines = fs.readFileSync(stopped.journalPath, 'utf8').split('\n');
    const edited = lines.findIndex((line) => line.includes('"attempt":1'));
    expect(edited).toBeGreaterThan(0);
    lines[edited] = (lines[edited] as string).replace('"attempt":1', '"attempt":2');
    fs.writeFileSync(stopped.journalPath, lines.join('\n'));
    await expect(e.resume(stopped.runId, { newPassword: NEW_PASSWORD }, scriptedHooks())).rejects.toThrow(
      new RegExp(`altered at line ${edited + 1}: its content does not match its hash`),
    );
    expect(e.list()[0]).toMatchObject({
      runId: stopped.runId,
      title: expect.stringMatching(/^Journal does not verify/),
    });
  });

  it('asks before taking over a stale lock left by a dead process, and journals the takeover', async () => {
    const e = engine('stale');
    const prepared = await e.plan('practice.drill', { newPassword: NEW_PASSWORD }, 'sandbox');
    const dead = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString();
    const lockPath = RunLock.pathFor(path.join(e.dataDir, 'locks'), prepared.plan.target);
    fs.mkdirSync(path.dirname(lockPath), { recursive: true });
    fs.writeFileSync(
      lockPath,
      JSON.stringify({
        runId: 'ghost-run',
        target: prepared.plan.target,
        host: os.hostname(),
        user: 'ghost',
        pid: Number(dead),
        startedAt: 'earlier',
      }),
    );
    const declined = await e.start(prepared, scriptedHooks({ 'confirm-changes': 'cancel' })).done;
    expect(declined.state).toBe('cancelled');
    expect(JSON.parse(fs.readFileSync(lockPath, 'utf8'))).toMatchObject({ runId: 'ghost-run' });
    const hooks = scriptedHooks();
    const view = await e.start(
      await e.plan('practice.drill', { newPassword: NEW_PASSWORD }, 'sandbox'),
      hooks,
    ).done;
    expect(hooks.prompts[0]).toMatchObject({
      title: 'Take over a stale run lock?',
      message: expect.stringContaining('ghost-run'),
    });
    expect(view.state).toBe('succeeded');
    expect(fs.readFileSync(view.journalPath, 'utf8')).toContain('"type":"lock-taken-over"');
    expect(fs.existsSync(lockPath)).toBe(false);
  });

  it('resets the sandbox: the next use seeds it afresh', async () => {
    const e = engine('reset');
    const before = await practiceState(e);
    await e.start(await e.plan('practice.drill', { newPassword: NEW_PASSWORD }, 'sandbox'), scriptedHooks())
      .done;
    expect((await practiceState(e)).config).not.toBe(before.config);
    await e.sandbox.reset('practice');
    const after = await practiceState(e);
    expect(after.config).toBe(before.config);
    expect(after.hash).not.toBe(before.hash);
    const client = new pg.Client({
      connectionString: await e.sandbox.databaseUrl(e.registry.system('practice')),
    });
    await client.connect();
    const marker = await client.query('SELECT system FROM breakglass_sandbox_seed');
    await client.end();
    expect(marker.rows).toEqual([{ system: 'practice' }]);
  });
});
