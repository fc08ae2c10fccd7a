/**
 * SysReptor's CLI path, in the deploy folder's app container through `docker compose exec`, one of
 * two commands:
 * - `createorupdateuser`, the documented non-interactive way: the user name and the password in
 *   docker's environment (`-e NAME` passes the value through; never argv). It creates the user
 *   when the name is not found, so a read-only lookup runs first and again right before the change.
 * - Django's `changepassword <username>`, which reads the password twice from a tty (getpass): run
 *   in a pseudo-terminal (`terminal` of the exec request), the password typed at its prompts only.
 *   It runs Django's password validators and refuses an unknown user itself.
 * The proof is Django's check_password in the container (the password from the environment, or
 * with changepassword typed at a getpass prompt too).
 */
import { StepFailure, type StepContext, type StepDefinition } from '../../engine/types.js';
import { ExecStartError } from '../../platform/exec/child-process.js';
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
export const CHECK_PROMPT = 'Password to check: ';
/** The same check with the password typed at a getpass prompt in a pseudo-terminal. */
export const CHECK_TTY_CODE = `import getpass, json, os; from sysreptor.users.models import PentestUser; u = PentestUser.objects.get(username=os.environ['${CLI_USERNAME_ENV}']); print('${OUTPUT_PREFIX}' + json.dumps({'accepted': u.check_password(getpass.getpass('${CHECK_PROMPT}'))}))`;
/** Django's changepassword prompts (django/contrib/auth/management/commands/changepassword.py). */
export const CHANGEPASSWORD_PROMPTS = ['Password: ', 'Password (again): '] as const;

export type CliCommand = 'createorupdateuser' | 'changepassword';

export interface CliPathOptions {
  deploy: SysReptorDeploy;
  username: string;
  newPassword: string;
  reactivate: boolean;
  command: CliCommand;
}

interface CliUser {
  id: string;
  is_active: boolean;
  is_superuser: boolean;
  is_system_user: boolean;
}

/**
 * `docker compose exec [-T] -e NAME… app python3 manage.py …`: values only in docker's environment.
 * With a terminal, no -T: compose then gives the command a tty in the container too.
 */
export function composeExecArgs(
  envNames: readonly string[],
  manage: readonly string[],
  terminal = false,
): string[] {
  return [
    'compose',
    'exec',
    ...(terminal ? [] : ['-T']),
    ...envNames.flatMap((name) => ['-e', name]),
    'app',
    'python3',
    'manage.py',
    ...manage,
  ];
}

/** Terminal output without colour codes and carriage returns. */
const COLOUR_CODE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g');
const plain = (text: string) => text.replace(COLOUR_CODE, '').replace(/\r/g, '');

/** What changepassword printed between the second prompt and asking again: the validators' verdict. */
function refusedPassword(result: ExecResult): StepFailure {
  const text = plain(result.stdout);
  const said = text
    .slice(text.lastIndexOf(CHANGEPASSWORD_PROMPTS[1]) + CHANGEPASSWORD_PROMPTS[1].length)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !CHANGEPASSWORD_PROMPTS.some((prompt) => line === prompt.trim()));
  return new StepFailure(
    `Django's changepassword refused the new password: ${said.join(' ') || 'it asked for it again'}`,
    'Choose a password that meets these rules, then plan again. Nothing was changed.',
  );
}

function explainExecFailure(result: ExecResult, action: string, deployDir: string): StepFailure {
  if (result.unansweredPrompt !== undefined) return refusedPassword(result);
  const text = plain(`${result.stderr}\n${result.stdout}`);
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
  if (/the input device is not a TTY/i.test(text))
    return new StepFailure(`docker gave the command no terminal (${last}).`);
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
    prompts: readonly string[] = [],
  ): Promise<ExecResult> => {
    ctx.addSecret(options.newPassword);
    const env: Record<string, string> = { [CLI_USERNAME_ENV]: username };
    if (envNames.includes(CLI_PASSWORD_ENV)) env[CLI_PASSWORD_ENV] = options.newPassword;
    const terminal = prompts.length > 0;
    let result: ExecResult;
    try {
      result = await ctx.env.exec.run({
        program: 'docker',
        args: composeExecArgs(envNames, manage, terminal),
        cwd: deploy.deployDir,
        env,
        timeoutMs: TIMEOUT_MS,
        secrets: [options.newPassword],
        ...(terminal
          ? { terminal: { answers: prompts.map((prompt) => ({ prompt, reply: options.newPassword })) } }
          : {}),
      });
    } catch (error) {
      if (error instanceof ExecStartError)
        throw new StepFailure(
          `${terminal ? 'docker (in a pseudo-terminal from python3)' : 'docker'} cannot be started on this machine: ${error.message}`,
          'Run Breakglass on the host that runs SysReptor, or use the API path.',
        );
      throw error;
    }
    if (result.exitCode !== 0 || result.unansweredPrompt !== undefined)
      throw explainExecFailure(result, action, deploy.deployDir);
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
        options.command === 'createorupdateuser'
          ? `No SysReptor user is named exactly "${username}": createorupdateuser would create a new account with that name, so Breakglass stops here.`
          : `No SysReptor user is named exactly "${username}".`,
        'Check the user name as SysReptor shows it under Users (the login is case-sensitive).',
      );
    return user;
  };

  const check: StepDefinition = {
    id: 'check-user-cli',
    kind: 'check',
    title: `Check in the app container that "${username}" exists`,
    describe: () => ({
      summary:
        options.command === 'createorupdateuser'
          ? `Runs a read-only lookup with Django's shell in ${deploy.deployDir}, because createorupdateuser creates a user whose name it does not find.`
          : `Runs a read-only lookup with Django's shell in ${deploy.deployDir}.`,
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

  const setPassword: StepDefinition =
    options.command === 'createorupdateuser'
      ? {
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
            await exec(
              ctx,
              [CLI_USERNAME_ENV, CLI_PASSWORD_ENV],
              ['createorupdateuser'],
              'setting the password',
            );
            ctx.log(`createorupdateuser set the password of "${username}".`);
          },
        }
      : {
          id: 'set-password-cli',
          kind: 'change',
          title: `Set "${username}"'s password with Django's changepassword`,
          describe: () => ({
            summary: `Runs Django's changepassword for "${username}" in the app container, in a pseudo-terminal: the password is typed at its two prompts, never on a command line or in an environment.`,
            details: [
              `docker ${composeExecArgs([], ['changepassword', username], true).join(' ')}`,
              "Django's password validators run (SysReptor's AUTH_PASSWORD_VALIDATORS); a refused password is asked for again, so Breakglass stops it there and shows why. An unknown user is refused by the command itself.",
              'It sets only the password: must_change_password, is_active and the failed-MFA counter stay as they are.',
              'Every browser session of this user ends (Django ties sessions to the password hash); API tokens keep working.',
            ],
            undo: 'None: the old password is not known, so a rollback leaves the new one in place.',
          }),
          async run(ctx) {
            await lookup(ctx);
            await exec(ctx, [], ['changepassword', username], 'setting the password', CHANGEPASSWORD_PROMPTS);
            ctx.log(`Django's changepassword set the password of "${username}".`);
          },
        };

  const verify: StepDefinition = {
    id: 'verify-password-cli',
    kind: 'verify',
    title: 'Prove the new password with Django in the app container',
    describe: () => ({
      summary: `Runs Django's check_password for "${username}" in the app container, the password again ${options.command === 'createorupdateuser' ? 'only in the environment' : 'typed at a getpass prompt in a pseudo-terminal'}.`,
    }),
    async run(ctx) {
      const answer = output(
        options.command === 'createorupdateuser'
          ? await exec(
              ctx,
              [CLI_USERNAME_ENV, CLI_PASSWORD_ENV],
              ['shell', '-c', CHECK_CODE],
              'checking the password',
            )
          : await exec(ctx, [CLI_USERNAME_ENV], ['shell', '-c', CHECK_TTY_CODE], 'checking the password', [
              CHECK_PROMPT,
            ]),
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
