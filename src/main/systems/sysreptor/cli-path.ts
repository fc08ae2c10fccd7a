/**
 * SysReptor's CLI path: `docker compose exec app python3 manage.py createorupdateuser` in the
 * deploy folder, the documented non-interactive way, with the user name and the password in the
 * environment of docker (`-e NAME` passes the value through; never argv). createorupdateuser
 * creates the user when the name is not found, so a read-only lookup in the container runs first
 * and again right before the change; the proof is Django's check_password in the container.
 */
import { StepFailure, type StepContext, type StepDefinition } from '../../engine/types.js';
import { ExecStartError } from '../../platform/exec/node-exec.js';
import type { ExecResult } from '../../platform/exec/types.js';
import type { SysReptorDeploy } from './deploy.js';

export const CLI_USERNAME_ENV = 'DJANGO_SUPERUSER_USERNAME';
export const CLI_PASSWORD_ENV = 'DJANGO_SUPERUSER_PASSWORD';
const OUTPUT_PREFIX = 'BREAKGLASS:';
const TIMEOUT_MS = 120_000;

/** Read-only: the user with exactly this name (from the environment), or null. */
export const LOOKUP_CODE = `import json, os; from sysreptor.users.models import PentestUser; u = PentestUser.objects.filter(username=os.environ['${CLI_USERNAME_ENV}']).first(); print('${OUTPUT_PREFIX}' + json.dumps(None if u is None else {'id': str(u.id), 'is_active': u.is_active, 'is_superuser': u.is_superuser, 'is_system_user': u.is_system_user}))`;
/** Read-only: does the stored hash accept the password (both from the environment)? */
export const CHECK_CODE = `import json, os; from sysreptor.users.models import PentestUser; u = PentestUser.objects.get(username=os.environ['${CLI_USERNAME_ENV}']); print('${OUTPUT_PREFIX}' + json.dumps({'accepted': u.check_password(os.environ['${CLI_PASSWORD_ENV}'])}))`;

export interface CliPathOptions {
  deploy: SysReptorDeploy;
  username: string;
  newPassword: string;
  reactivate: boolean;
}

interface CliUser {
  id: string;
  is_active: boolean;
  is_superuser: boolean;
  is_system_user: boolean;
}

/** `docker compose exec -T -e NAME… app python3 manage.py …`: values only in docker's environment. */
export function composeExecArgs(envNames: readonly string[], manage: readonly string[]): string[] {
  return [
    'compose',
    'exec',
    '-T',
    ...envNames.flatMap((name) => ['-e', name]),
    'app',
    'python3',
    'manage.py',
    ...manage,
  ];
}

function explainExecFailure(result: ExecResult, action: string, deployDir: string): StepFailure {
  const text = `${result.stderr}\n${result.stdout}`;
  const last = text.trim().split('\n').filter(Boolean).slice(-1)[0] ?? '';
  if (result.timedOut)
    return new StepFailure(`docker compose did not finish ${action} within ${TIMEOUT_MS / 1000} s.`);
  if (/is not running/i.test(text))
    return new StepFailure(
      `The SysReptor app container is not running (${last}).`,
      `Start it in ${deployDir}: docker compose up -d, then retry.`,
    );
  if (/no such service/i.test(text))
    return new StepFailure(
      `The compose project in ${deployDir} has no "app" service (${last}).`,
      'Check deployDir: it must be the sysreptor/deploy folder.',
    );
  if (/permission denied/i.test(text) && /docker/i.test(text))
    return new StepFailure(
      `docker refused access (${last}).`,
      'Run Breakglass as root or as a member of the docker group.',
    );
  if (/CommandError/.test(text))
    return new StepFailure(`SysReptor's management command refused ${action}: ${last}`);
  return new StepFailure(
    `docker compose exec failed ${action} (exit ${result.exitCode ?? result.signal}): ${last}`,
    `Run docker compose ps in ${deployDir} to see the containers' state.`,
  );
}

export function cliPathSteps(options: CliPathOptions): StepDefinition[] {
  const { deploy, username } = options;
  const exec = async (
    ctx: StepContext,
    envNames: string[],
    manage: string[],
    action: string,
  ): Promise<ExecResult> => {
    ctx.addSecret(options.newPassword);
    const env: Record<string, string> = { [CLI_USERNAME_ENV]: username };
    if (envNames.includes(CLI_PASSWORD_ENV)) env[CLI_PASSWORD_ENV] = options.newPassword;
    let result: ExecResult;
    try {
      result = await ctx.env.exec.run({
        program: 'docker',
        args: composeExecArgs(envNames, manage),
        cwd: deploy.deployDir,
        env,
        timeoutMs: TIMEOUT_MS,
        secrets: [options.newPassword],
      });
    } catch (error) {
      if (error instanceof ExecStartError)
        throw new StepFailure(
          `docker cannot be started on this machine: ${error.message}`,
          'Run Breakglass on the host that runs SysReptor, or use the API path.',
        );
      throw error;
    }
    if (result.exitCode !== 0) throw explainExecFailure(result, action, deploy.deployDir);
    return result;
  };
  const output = (result: ExecResult): unknown => {
    const line = result.stdout
      .split('\n')
      .reverse()
      .find((text) => text.startsWith(OUTPUT_PREFIX));
    if (!line) throw new StepFailure('The lookup in the app container printed no answer.');
    return JSON.parse(line.slice(OUTPUT_PREFIX.length)) as unknown;
  };
  const lookup = async (ctx: StepContext): Promise<CliUser> => {
    const user = output(
      await exec(ctx, [CLI_USERNAME_ENV], ['shell', '-c', LOOKUP_CODE], `looking up "${username}"`),
    ) as CliUser | null;
    if (!user)
      throw new StepFailure(
        `No SysReptor user is named exactly "${username}": createorupdateuser would create a new account with that name, so Breakglass stops here.`,
        'Check the user name as SysReptor shows it under Users (the login is case-sensitive).',
      );
    return user;
  };

  const check: StepDefinition = {
    id: 'check-user-cli',
    kind: 'check',
    title: `Check in the app container that "${username}" exists`,
    describe: () => ({
      summary: `Runs a read-only lookup with Django's shell in ${deploy.deployDir}, because createorupdateuser creates a user whose name it does not find.`,
      details: [
        `docker ${composeExecArgs([CLI_USERNAME_ENV], ['shell', '-c']).join(' ')} '<lookup by name>'`,
      ],
    }),
    async run(ctx) {
      const user = await lookup(ctx);
      if (!user.is_active && options.reactivate)
        throw new StepFailure(
          `"${username}" is disabled, and the CLI path cannot re-enable it.`,
          'Use the API path (re-enable through PATCH) or the database path, or set reactivate: false.',
        );
      ctx.log(`Found id ${user.id} (${user.is_active ? 'active' : 'disabled'}).`);
    },
  };

  const setPassword: StepDefinition = {
    id: 'set-password-cli',
    kind: 'change',
    title: `Set "${username}"'s password with createorupdateuser`,
    describe: () => ({
      summary: `Looks the user up again, then runs createorupdateuser in the app container with the user name and the password in docker's environment (${CLI_USERNAME_ENV}, ${CLI_PASSWORD_ENV}); nothing secret is on the command line.`,
      details: [
        `docker ${composeExecArgs([CLI_USERNAME_ENV, CLI_PASSWORD_ENV], ['createorupdateuser']).join(' ')}`,
        'It sets only the password: must_change_password, is_active and the failed-MFA counter stay as they are; no Django password validators run (its own rule: at least 15 characters).',
        'Every browser session of this user ends (Django ties sessions to the password hash); API tokens keep working.',
      ],
      undo: 'None: the old password is not known, so a rollback leaves the new one in place.',
    }),
    async run(ctx) {
      await lookup(ctx);
      await exec(ctx, [CLI_USERNAME_ENV, CLI_PASSWORD_ENV], ['createorupdateuser'], 'setting the password');
      ctx.log(`createorupdateuser set the password of "${username}".`);
    },
  };

  const verify: StepDefinition = {
    id: 'verify-password-cli',
    kind: 'verify',
    title: 'Prove the new password with Django in the app container',
    describe: () => ({
      summary: `Runs Django's check_password for "${username}" in the app container, the password again only in the environment.`,
    }),
    async run(ctx) {
      const answer = output(
        await exec(
          ctx,
          [CLI_USERNAME_ENV, CLI_PASSWORD_ENV],
          ['shell', '-c', CHECK_CODE],
          'checking the password',
        ),
      ) as { accepted?: unknown };
      if (answer.accepted !== true)
        throw new StepFailure(
          'Django in the app container does not accept the new password for this user.',
          'Retry the password step.',
        );
      ctx.log('Django in the app container accepts the new password.');
    },
  };

  return [check, setPassword, verify];
}
