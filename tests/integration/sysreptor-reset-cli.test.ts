// sysreptor.reset-password, CLI path (docker compose exec … createorupdateuser) on the practice
// sandbox's simulated docker over the real sandbox rows: the password only in docker's
// environment, never on argv; an unknown name refused before anything runs (the command would
// create that user); the stored value checked with Debian's Django check_password.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SandboxExec } from '../../src/main/engine/sandbox/sandbox-exec.js';
import { InputError } from '../../src/main/engine/types.js';
import { SANDBOX_USER_IDS } from '../../src/main/systems/sysreptor/sandbox.js';
import { DJANGO_PYTHON, djangoProjectCheck, makeDjangoProject } from '../support/django-project.js';
import { practiceEngines, scriptedHooks } from '../support/engine-harness.js';
import { findSecret } from '../support/leak-scan.js';
import {
  djangoCheck,
  keysOfAppEnv,
  pentestUsers,
  sandboxDeployDir,
  type PentestUserRow,
} from '../support/sysreptor-sandbox.js';

const PROCEDURE = 'sysreptor.reset-password';
const NEW_PASSWORD = `Cli'Reset"-<&>-ü-😀-long-pw`;
const { fresh: engine } = practiceEngines('sr-cli-');
const ARGON2_TEST_TIMEOUT_MS = 180_000;

function changedIds(before: PentestUserRow[], after: PentestUserRow[]): string[] {
  return after
    .filter((row, index) => JSON.stringify(row) !== JSON.stringify(before[index]))
    .map((row) => row.id);
}

describe('sysreptor.reset-password, CLI path', () => {
  it(
    'sets the password through docker compose exec with the password only in the environment',
    { timeout: ARGON2_TEST_TIMEOUT_MS },
    async () => {
      const e = engine('ok');
      const before = await pentestUsers(e);
      const prepared = await e.plan(
        PROCEDURE,
        { username: 'admin', newPassword: NEW_PASSWORD, mustChangePassword: false, path: 'cli' },
        'sandbox',
      );
      expect(prepared.view.steps.map((step) => step.id)).toEqual([
        'check-user-cli',
        'set-password-cli',
        'verify-password-cli',
      ]);
      expect(prepared.view.facts.map((fact) => fact.label)).toContain(
        '3. CLI in the app container ← this run',
      );
      const view = await e.start(prepared, scriptedHooks()).done;
      expect(view.state).toBe('succeeded');

      const requests = (e.environment('sandbox', 'sysreptor').exec as SandboxExec).requests;
      const shown = (args: string[]) =>
        args.map((arg) => (arg.startsWith('import json') ? '<python>' : arg)).join(' ');
      expect(requests.map((request) => `${request.program} ${shown(request.args)}`)).toEqual([
        'docker compose exec -T -e DJANGO_SUPERUSER_USERNAME app python3 manage.py shell -c <python>',
        'docker compose exec -T -e DJANGO_SUPERUSER_USERNAME app python3 manage.py shell -c <python>',
        'docker compose exec -T -e DJANGO_SUPERUSER_USERNAME -e DJANGO_SUPERUSER_PASSWORD app python3 manage.py createorupdateuser',
        'docker compose exec -T -e DJANGO_SUPERUSER_USERNAME -e DJANGO_SUPERUSER_PASSWORD app python3 manage.py shell -c <python>',
      ]);
      expect(requests[2]?.args.at(-1)).toBe('createorupdateuser');
      expect(requests[2]?.envKeys.sort()).toEqual(['DJANGO_SUPERUSER_PASSWORD', 'DJANGO_SUPERUSER_USERNAME']);
      expect(findSecret(NEW_PASSWORD, { texts: { argv: JSON.stringify(requests) } })).toEqual([]);
      expect(findSecret(NEW_PASSWORD, { dirs: [path.join(e.dataDir, 'runs')] })).toEqual([]);

      const after = await pentestUsers(e);
      expect(changedIds(before, after)).toEqual([SANDBOX_USER_IDS.admin]);
      const admin = after.find((row) => row.id === SANDBOX_USER_IDS.admin) as PentestUserRow;
      const keys = keysOfAppEnv(path.join(sandboxDeployDir(e), 'app.env'));
      expect(djangoCheck(NEW_PASSWORD, admin.password, keys)).toMatchObject({
        form: 'encrypted',
        accepted: true,
      });
    },
  );

  it('an unknown name is refused before createorupdateuser runs (it would create that user)', async () => {
    const e = engine('unknown');
    const before = await pentestUsers(e);
    const hooks = scriptedHooks({ failure: 'cancel' });
    const view = await e.start(
      await e.plan(
        PROCEDURE,
        { username: 'ADMIN', newPassword: NEW_PASSWORD, mustChangePassword: false, path: 'cli' },
        'sandbox',
      ),
      hooks,
    ).done;
    expect(view.state).not.toBe('succeeded');
    expect(hooks.prompts[0]?.message).toMatch(
      /No SysReptor user is named exactly "ADMIN": createorupdateuser would create a new account/,
    );
    const requests = (e.environment('sandbox', 'sysreptor').exec as SandboxExec).requests;
    expect(requests.some((request) => request.args.includes('createorupdateuser'))).toBe(false);
    expect(await pentestUsers(e)).toEqual(before);
  });

  it('what the CLI cannot do is refused with the field named; a disabled user is not silently left disabled', async () => {
    const e = engine('limits');
    const plan = (inputs: Record<string, unknown>) =>
      e.plan(PROCEDURE, { username: 'admin', path: 'cli', mustChangePassword: false, ...inputs }, 'sandbox');
    await expect(plan({ newPassword: 'Short-pw-12' })).rejects.toThrow(InputError);
    await expect(plan({ newPassword: 'Short-pw-12' })).rejects.toThrow(
      /newPassword: .*at least 15 characters/,
    );
    // 13 characters as Python's len() counts them, though 19 UTF-16 units.
    await expect(plan({ newPassword: 'Pw-😀😀😀😀😀😀-abc' })).rejects.toThrow(/at least 15 characters/);
    await expect(plan({ newPassword: NEW_PASSWORD, mustChangePassword: true })).rejects.toThrow(
      /mustChangePassword: the CLI path cannot set must_change_password/,
    );
    const before = await pentestUsers(e);
    const hooks = scriptedHooks({ failure: 'cancel' });
    await e.start(await plan({ username: 'jane.doe', newPassword: NEW_PASSWORD }), hooks).done;
    expect(hooks.prompts[0]?.message).toMatch(
      /"jane\.doe" is disabled, and the CLI path cannot re-enable it/,
    );
    expect(await pentestUsers(e)).toEqual(before);
  });

  it('real child process: a docker on PATH gets the password in its environment, never in its argv', async () => {
    const e = engine('real');
    await e.sandbox.databaseUrl(e.registry.system('sysreptor'));
    const deployDir = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-sr-cli-deploy-'));
    fs.cpSync(sandboxDeployDir(e), deployDir, { recursive: true });
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-sr-cli-bin-'));
    // A recorded stand-in for docker: logs its argv, keeps the password it got from the environment.
    fs.writeFileSync(
      path.join(bin, 'docker'),
      [
        '#!/bin/sh',
        `for arg in "$@"; do printf '%s\\n' "$arg" >> "${bin}/argv.log"; done`,
        'case "$*" in',
        `  *createorupdateuser*) printf '%s' "$DJANGO_SUPERUSER_PASSWORD" > "${bin}/received"; echo 'Updated user';;`,
        `  *check_password*) echo 'BREAKGLASS:{"accepted": true}';;`,
        `  *) echo 'BREAKGLASS:{"id": "0b6c2a0e-3f51-4c7e-9d1a-6f2a1c9e0a01", "is_active": true, "is_superuser": true, "is_system_user": false}';;`,
        'esac',
        '',
      ].join('\n'),
      { mode: 0o700 },
    );
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}${path.delimiter}${savedPath ?? ''}`;
    try {
      const view = await e.start(
        await e.plan(
          PROCEDURE,
          { deployDir, username: 'admin', newPassword: NEW_PASSWORD, mustChangePassword: false, path: 'cli' },
          'real',
        ),
        scriptedHooks(),
      ).done;
      expect(view.state).toBe('succeeded');
    } finally {
      process.env.PATH = savedPath;
    }
    expect(fs.readFileSync(path.join(bin, 'received'), 'utf8')).toBe(NEW_PASSWORD);
    const argv = fs.readFileSync(path.join(bin, 'argv.log'), 'utf8');
    expect(argv).toContain('createorupdateuser');
    expect(findSecret(NEW_PASSWORD, { texts: { argv } })).toEqual([]);
  });

  it(
    "changepassword: Django's own command in a pseudo-terminal, the password only at its prompts",
    { timeout: ARGON2_TEST_TIMEOUT_MS },
    async () => {
      const e = engine('tty');
      const before = await pentestUsers(e);
      const prepared = await e.plan(
        PROCEDURE,
        {
          username: 'admin',
          newPassword: 'Short-pw-12',
          mustChangePassword: false,
          path: 'cli',
          cliCommand: 'changepassword',
        },
        'sandbox',
      );
      expect(prepared.view.facts.find((fact) => fact.label.startsWith('3. CLI'))?.value).toMatch(
        /changepassword in a pseudo-terminal, the password typed at Django's prompts/,
      );
      expect(prepared.view.warnings.join('\n')).toMatch(
        /typed at its prompts, never on a command line or in an environment/,
      );
      const view = await e.start(prepared, scriptedHooks()).done;
      expect(view.state).toBe('succeeded');
      const requests = (e.environment('sandbox', 'sysreptor').exec as SandboxExec).requests;
      const shown = (args: string[]) =>
        args.map((arg) => (arg.startsWith('import ') ? '<python>' : arg)).join(' ');
      expect(requests.map((request) => `${request.program} ${shown(request.args)}`)).toEqual([
        'docker compose exec -T -e DJANGO_SUPERUSER_USERNAME app python3 manage.py shell -c <python>',
        'docker compose exec -T -e DJANGO_SUPERUSER_USERNAME app python3 manage.py shell -c <python>',
        'docker compose exec app python3 manage.py changepassword admin',
        'docker compose exec -e DJANGO_SUPERUSER_USERNAME app python3 manage.py shell -c <python>',
      ]);
      expect(requests.flatMap((request) => request.envKeys)).not.toContain('DJANGO_SUPERUSER_PASSWORD');
      expect(findSecret('Short-pw-12', { texts: { argv: JSON.stringify(requests) } })).toEqual([]);
      expect(findSecret('Short-pw-12', { dirs: [path.join(e.dataDir, 'runs')] })).toEqual([]);
      const after = await pentestUsers(e);
      expect(changedIds(before, after)).toEqual([SANDBOX_USER_IDS.admin]);
      const admin = after.find((row) => row.id === SANDBOX_USER_IDS.admin) as PentestUserRow;
      const keys = keysOfAppEnv(path.join(sandboxDeployDir(e), 'app.env'));
      expect(djangoCheck('Short-pw-12', admin.password, keys)).toMatchObject({ accepted: true });
    },
  );

  it("changepassword: a password Django's validators refuse is explained, and nothing changes", async () => {
    const e = engine('tty-weak');
    const before = await pentestUsers(e);
    const hooks = scriptedHooks({ failure: 'cancel' });
    const view = await e.start(
      await e.plan(
        PROCEDURE,
        {
          username: 'admin',
          newPassword: 'Password1',
          mustChangePassword: false,
          path: 'cli',
          cliCommand: 'changepassword',
        },
        'sandbox',
      ),
      hooks,
    ).done;
    expect(view.state).not.toBe('succeeded');
    expect(hooks.prompts.map((prompt) => prompt.message).join('\n')).toMatch(
      /Django's changepassword refused the new password: This password is too common\. Fix: Choose a password/,
    );
    expect(await pentestUsers(e)).toEqual(before);
    await expect(
      e.plan(
        PROCEDURE,
        {
          username: '-admin',
          newPassword: NEW_PASSWORD,
          mustChangePassword: false,
          path: 'cli',
          cliCommand: 'changepassword',
        },
        'sandbox',
      ),
    ).rejects.toThrow(/^username: a user name that starts with "-"/);
  });

  it(
    "real child processes: a docker stand-in runs a real Django project's changepassword; Django's getpass reads the password from the terminal",
    { timeout: ARGON2_TEST_TIMEOUT_MS },
    async () => {
      const e = engine('tty-real');
      await e.sandbox.databaseUrl(e.registry.system('sysreptor'));
      const deployDir = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-sr-tty-deploy-'));
      fs.cpSync(sandboxDeployDir(e), deployDir, { recursive: true });
      const project = makeDjangoProject({ admin: 'Old-password-1!x', other: 'Old-password-1!x' });
      const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-sr-tty-bin-'));
      // docker compose exec [-T] [-e NAME]… app python3 manage.py …, run on this machine: compose's
      // -e NAME passes NAME from docker's own environment, which the stand-in simply inherits.
      fs.writeFileSync(
        path.join(bin, 'docker'),
        [
          '#!/bin/sh',
          `for arg in "$@"; do printf '%s\\n' "$arg" >> "${bin}/argv.log"; done`,
          `env >> "${bin}/env.log"`,
          'shift 2',
          'while [ "$1" != app ]; do shift; done',
          'shift 3',
          `cd "${project}" && exec ${DJANGO_PYTHON} manage.py "$@"`,
          '',
        ].join('\n'),
        { mode: 0o700 },
      );
      const NEW = `Tty-real-pässword-😀-'"`;
      const savedPath = process.env.PATH;
      process.env.PATH = `${bin}${path.delimiter}${savedPath ?? ''}`;
      try {
        const view = await e.start(
          await e.plan(
            PROCEDURE,
            {
              deployDir,
              username: 'admin',
              newPassword: NEW,
              mustChangePassword: false,
              path: 'cli',
              cliCommand: 'changepassword',
            },
            'real',
          ),
          scriptedHooks(),
        ).done;
        expect(view.state).toBe('succeeded');
        expect(view.steps.find((step) => step.id === 'verify-password-cli')?.state).toBe('done');
      } finally {
        process.env.PATH = savedPath;
      }
      expect(djangoProjectCheck(project, 'admin', NEW)).toEqual({ accepted: true, algorithm: 'argon2' });
      expect(djangoProjectCheck(project, 'other', 'Old-password-1!x').accepted).toBe(true);
      const argv = fs.readFileSync(path.join(bin, 'argv.log'), 'utf8');
      expect(argv).toContain('changepassword');
      expect(
        findSecret(NEW, { texts: { argv, env: fs.readFileSync(path.join(bin, 'env.log'), 'utf8') } }),
      ).toEqual([]);
    },
  );
});
