import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { SandboxExec } from '../../src/main/engine/sandbox/sandbox-exec.js';
import { checkpointedCliCommand, cliCommand } from '../support/cli-process.js';
import { freshDataDir, practiceEngines, scriptedHooks } from '../support/engine-harness.js';
import {
  adProviderActive,
  independentlyVerifiesV1,
  ossysUsers,
  sandboxQuery,
} from '../support/outsystems-sandbox.js';

const PROCEDURE = 'outsystems.ad-workaround';
const CLI = cliCommand();
const { fresh: engine, on: engineOn } = practiceEngines('ad-');

describe('outsystems.ad-workaround on the practice sandbox', () => {
  it('guided: AD is off while the admin applies settings, back on at the end; the disabled admin is activated', async () => {
    const e = engine('guided');
    await sandboxQuery(e, 'UPDATE ossys_user SET is_active = false WHERE id = 1');
    const seen: Array<{ step: string | undefined; adActive: boolean; adminActive: boolean }> = [];
    const hooks = scriptedHooks();
    const decide = hooks.decide;
    hooks.decide = async (prompt) => {
      if (prompt.kind === 'manual') {
        const admin = (await ossysUsers(e)).find((row) => row.id === 1);
        seen.push({
          step: prompt.stepId,
          adActive: await adProviderActive(e),
          adminActive: admin?.is_active === true,
        });
      }
      return decide(prompt);
    };
    const view = await e.start(await e.plan(PROCEDURE, {}, 'sandbox'), hooks).done;
    expect(view.state).toBe('succeeded');
    expect(seen).toEqual([
      { step: 'apply-without-ad', adActive: false, adminActive: false },
      { step: 'apply-settings-without-ad', adActive: false, adminActive: true },
      { step: 'apply-with-ad', adActive: true, adminActive: true },
      { step: 'apply-settings-with-ad', adActive: true, adminActive: true },
    ]);
    expect(await adProviderActive(e)).toBe(true);
  });

  it('run mode: drives the (simulated) Configuration Tool with no password on its command line, and sets the admin password', async () => {
    const e = engine('run');
    const adminPassword = 'Ad-w0rkaround-"pw"<&>';
    const before = await ossysUsers(e);
    const prepared = await e.plan(PROCEDURE, { configurationTool: 'run', adminPassword }, 'sandbox');
    const command = prepared.view.steps.find((step) => step.id === 'apply-without-ad')?.description.command;
    expect(command?.args).toEqual(['/UpgradeInstall', '/InstallServiceCenter']);
    const disable = prepared.view.steps
      .find((step) => step.id === 'disable-ad')
      ?.description.sql.map((block) => block.text);
    expect(disable).toContain('UPDATE [dbo].[OSSYS_AUTHPROVIDER] SET [ISACTIVE] = 0 WHERE [ID] = 1');
    expect(prepared.view.facts).toContainEqual({
      label: 'ADAuthProvider',
      value: 'ID 1, active',
      status: 'ok',
    });
    const view = await e.start(prepared, scriptedHooks()).done;
    expect(view.state).toBe('succeeded');
    const requests = (e.environment('sandbox', 'outsystems').exec as SandboxExec).requests;
    expect(requests.map((request) => request.args.join(' '))).toEqual([
      '/UpgradeInstall /InstallServiceCenter',
      '/UpgradeInstall /InstallServiceCenter',
    ]);
    expect(JSON.stringify(requests)).not.toContain(adminPassword);
    const after = await ossysUsers(e);
    expect(
      after
        .filter((row, index) => JSON.stringify(row) !== JSON.stringify(before[index]))
        .map((row) => row.id),
    ).toEqual([1]);
    expect(independentlyVerifiesV1(adminPassword, after[0]?.password ?? '')).toBe(true);
    const log = fs.readFileSync(
      path.join(e.sandbox.filesRoot('outsystems'), 'ConfigurationTool.log'),
      'utf8',
    );
    expect(log.match(/\/UpgradeInstall \/InstallServiceCenter/g)).toHaveLength(2);
  });

  it('a run stopped after AD was disabled is resumed to the end: AD enabled', async () => {
    const e = engine('resume');
    const stopped = await e.start(await e.plan(PROCEDURE, {}, 'sandbox'), scriptedHooks({ manual: 'cancel' }))
      .done;
    expect(stopped.state).toBe('cancelled');
    expect(await adProviderActive(e)).toBe(false);
    const resumed = await (await e.resume(stopped.runId, {}, scriptedHooks())).done;
    expect(resumed.state).toBe('succeeded');
    expect(await adProviderActive(e)).toBe(true);
  });

  it('a run stopped after AD was disabled and rolled back on the next failure: AD enabled, admin row as before', async () => {
    const e = engine('rollback');
    const adminBefore = (await ossysUsers(e)).find((row) => row.id === 1);
    const stopped = await e.start(
      await e.plan(PROCEDURE, { adminPassword: 'New-admin-pw-1' }, 'sandbox'),
      scriptedHooks({ manual: 'cancel' }),
    ).done;
    expect(await adProviderActive(e)).toBe(false);
    // While the run is stopped a second "admin" appears in the ServiceCenter tenant: the next step fails, the admin rolls back.
    await sandboxQuery(
      e,
      "INSERT INTO ossys_user (id, tenant_id, name, username, password, is_active) VALUES (200, 1, 'dup', 'Admin', 'x', true)",
    );
    const rolled = await (
      await e.resume(
        stopped.runId,
        { adminPassword: 'New-admin-pw-1' },
        scriptedHooks({ failure: 'rollback' }),
      )
    ).done;
    expect(rolled.state).toBe('rolled-back');
    expect(await adProviderActive(e)).toBe(true);
    expect((await ossysUsers(e)).find((row) => row.id === 1)).toEqual(adminBefore);
  });

  it('AD that was already off before the run is put back off by a rollback (and the plan says so)', async () => {
    const e = engine('was-off');
    await sandboxQuery(e, "UPDATE ossys_authprovider SET isactive = false WHERE name = 'ADAuthProvider'");
    const prepared = await e.plan(PROCEDURE, {}, 'sandbox');
    expect(prepared.view.warnings.join('\n')).toMatch(/inactive now.*rollback puts it back as it is now/);
    const stopped = await e.start(prepared, scriptedHooks({ manual: 'cancel' })).done;
    await sandboxQuery(
      e,
      "INSERT INTO ossys_user (id, tenant_id, name, username, password, is_active) VALUES (201, 1, 'dup', 'Admin', 'x', true)",
    );
    const rolled = await (await e.resume(stopped.runId, {}, scriptedHooks({ failure: 'rollback' }))).done;
    expect(rolled.state).toBe('rolled-back');
    expect(await adProviderActive(e)).toBe(false);
  });

  it('run mode checks the Configuration Tool is there before changing anything', async () => {
    const e = engine('no-tool');
    const hooks = scriptedHooks({ failure: 'cancel' });
    const view = await e.start(
      await e.plan(
        PROCEDURE,
        { configurationTool: 'run', installDir: '/nonexistent/Platform Server' },
        'sandbox',
      ),
      hooks,
    ).done;
    expect(view.state).not.toBe('succeeded');
    expect(hooks.prompts.map((prompt) => prompt.kind)).toEqual(['failure']);
    expect(hooks.prompts[0]?.message).toMatch(/ConfigurationTool\.com was not found/);
    expect(await adProviderActive(e)).toBe(true);
  });

  it('refuses when there is no ADAuthProvider row: nothing to work around', async () => {
    const e = engine('no-ad');
    await sandboxQuery(e, "DELETE FROM ossys_authprovider WHERE name = 'ADAuthProvider'");
    const hooks = scriptedHooks({ failure: 'cancel' });
    const view = await e.start(await e.plan(PROCEDURE, {}, 'sandbox'), hooks).done;
    expect(view.state).not.toBe('succeeded');
    expect(hooks.prompts[0]?.message).toMatch(/no ADAuthProvider row/);
  });
});

describe('outsystems.ad-workaround killed by the operating system (kill -9 of the CLI)', () => {
  it('after AD was disabled: `breakglass resume` finishes the run and AD is enabled', async () => {
    const dataDir = freshDataDir('ad-kill');
    const env = {
      ...process.env,
      BREAKGLASS_SANDBOX_PG_URL: inject('pgAdminUrl'),
      BREAKGLASS_DATA_DIR: dataDir,
    };
    const input = path.join(dataDir, 'input.json');
    fs.writeFileSync(input, JSON.stringify({ configurationTool: 'run' }));
    const marker = path.join(dataDir, 'paused');
    const child = spawn(
      process.execPath,
      [...checkpointedCliCommand(), 'run', PROCEDURE, '--input', input, '--sandbox', '--yes'],
      {
        env: { ...env, BREAKGLASS_TEST_PAUSE: 'disable-ad:after', BREAKGLASS_TEST_PAUSE_MARKER: marker },
        stdio: 'ignore',
      },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    for (let waited = 0; !fs.existsSync(marker); waited += 50) {
      if (waited > 60_000) throw new Error('the CLI never reached disable-ad');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill('SIGKILL');
    await exited;

    const runs = JSON.parse(
      execFileSync(process.execPath, [...CLI, 'runs', '--json'], { env, encoding: 'utf8' }),
    ) as { runs: Array<{ runId: string; state: string }> };
    const killed = runs.runs[0];
    expect(killed?.state).toBe('interrupted');
    const check = engineOn(dataDir);
    expect(await adProviderActive(check)).toBe(false);

    // The admin did the two manual Apply Settings steps and says so with --done.
    execFileSync(
      process.execPath,
      [
        ...CLI,
        'resume',
        killed?.runId ?? '',
        '--yes',
        '--done',
        'apply-settings-without-ad',
        '--done',
        'apply-settings-with-ad',
      ],
      {
        env,
        encoding: 'utf8',
      },
    );
    expect(await adProviderActive(check)).toBe(true);
  }, 120_000);
});
