/**
 * Seed 003: reset a SysReptor user's password. The paths in the order a careful admin prefers:
 * the user's own forgot-password (explained, not done), the API, the CLI in the app container,
 * and the database as the last resort. The plan says which apply here and why.
 */
import { loginNameSchema } from '../../../platform/text/login-name.js';
import path from 'node:path';
import { z } from 'zod';
import {
  InputError,
  ProcedureRefusal,
  type Environment,
  type Plan,
  type PlanContext,
  type ProcedureDefinition,
} from '../../../engine/types.js';
import { describeTls, httpTlsInput, tlsFromInput } from '../../../platform/http/tls-input.js';
import { apiPathSteps, apiTarget, previewApiPath } from '../api-path.js';
import { cliPathSteps } from '../cli-path.js';
import { CLI_MIN_PASSWORD_LENGTH, defaultPath, pathFacts, type PathChoice } from '../paths.js';
import { DbInputError } from '../../../platform/db/errors.js';
import { postgresTargetInput, resolvePostgresTarget } from '../../../platform/db/postgres-target.js';
import type { DbSettings } from '../../../platform/db/types.js';
import { databasePathSteps, previewDatabasePath } from '../database-path.js';
import { readSysReptorDeploy, SANDBOX_DEPLOY_DIR, type SysReptorDeploy } from '../deploy.js';
import { deployFacts, forgotPasswordReasons } from '../discovery.js';

/** Django's MinimumLengthValidator default, which SysReptor's AUTH_PASSWORD_VALIDATORS use. */
const DJANGO_MIN_LENGTH = 8;
const MAX_PASSWORD_LENGTH = 4096;

export const sysreptorResetInputs = z
  .strictObject({
    deployDir: z.string().trim().max(4096).optional().meta({
      title: 'Deploy folder',
      description:
        'The sysreptor/deploy folder holding docker-compose.yml, app.env and .env. Leave empty in the practice sandbox.',
    }),
    username: loginNameSchema({
      max: 150,
      trim: false,
      minMessage: 'enter the user name',
      maxMessage: 'a SysReptor user name has at most 150 characters',
    }).meta({ title: 'User name (exact, case-sensitive)' }),
    newPassword: z
      .string()
      .min(DJANGO_MIN_LENGTH, `SysReptor's password rules want at least ${DJANGO_MIN_LENGTH} characters`)
      .max(MAX_PASSWORD_LENGTH, `use at most ${MAX_PASSWORD_LENGTH} characters`)
      .refine((value) => value.trim().length > 0, 'a password of only spaces cannot be typed reliably')
      .refine(
        (value) => !/^[0-9]+$/.test(value),
        "SysReptor's password rules refuse an entirely numeric password",
      )
      .meta({ title: 'New password', secret: true, passwordPolicy: 'typeable' }),
    mustChangePassword: z
      .boolean()
      .default(true)
      .meta({ title: 'The user must change the password at the next login' }),
    reactivate: z
      .boolean()
      .default(true)
      .meta({ title: 'Re-enable the user if it is disabled (and clear the failed-MFA counter)' }),
    path: z
      .enum(['api', 'cli', 'database'])
      .optional()
      .meta({
        title: 'Path',
        description:
          "api: SysReptor's reset endpoint (needs apiToken; chosen when a token is given). cli: a management command in the app container through docker compose exec (see cliCommand; sets only the password). database: write the hash into users_pentestuser (the last resort; chosen when no token is given).",
        optionLabels: {
          api: 'API (preferred)',
          cli: 'CLI in the app container',
          database: 'Database (last resort)',
        },
      }),
    cliCommand: z
      .enum(['createorupdateuser', 'changepassword'])
      .default('createorupdateuser')
      .meta({
        title: 'Command (CLI path)',
        description:
          "createorupdateuser: the password in docker's environment, 15+ characters, no validators. changepassword: Django's own command in a pseudo-terminal, the password typed at its prompts only; Django's validators apply.",
        optionLabels: {
          createorupdateuser: 'createorupdateuser (environment)',
          changepassword: 'changepassword (pseudo-terminal)',
        },
      }),
    apiToken: z
      .string()
      .max(1024)
      .refine(
        (value) => /^sysreptor_[A-Za-z0-9+/=_-]+$/.test(value),
        'a SysReptor API token starts with "sysreptor_" (as createapitoken or the web UI shows it)',
      )
      .optional()
      .meta({
        title: 'API token (Bearer sysreptor_…)',
        description: 'A token of a user manager, or of a superuser created with --admin.',
        secret: true,
      }),
    apiUrl: z
      .url({ protocol: /^https?$/, error: 'give the address as http(s)://host[:port]' })
      .max(2048)
      .optional()
      .meta({
        title: 'API address',
        description: 'Where this machine reaches SysReptor; default: the port .env publishes (BIND_PORT).',
      }),
    tls: httpTlsInput.optional(),
    database: postgresTargetInput.optional(),
  })
  .refine((inputs) => inputs.newPassword.toLowerCase() !== inputs.username.toLowerCase(), {
    path: ['newPassword'],
    message: "SysReptor's password rules refuse a password that is the user name",
  });

type Inputs = z.output<typeof sysreptorResetInputs>;

export async function resolveDeploy(
  deployDir: string | undefined,
  env: Environment,
): Promise<SysReptorDeploy> {
  if (deployDir) return readSysReptorDeploy(path.resolve(deployDir));
  if (env.kind === 'sandbox' && env.sandboxRoot)
    return readSysReptorDeploy(path.join(env.sandboxRoot, SANDBOX_DEPLOY_DIR));
  throw new InputError(
    'deployDir',
    'enter the SysReptor deploy folder (the one holding app.env and docker-compose.yml).',
  );
}

function databaseSettings(deploy: SysReptorDeploy, inputs: Inputs, env: Environment): DbSettings {
  try {
    return resolvePostgresTarget(
      {
        ...deploy.database,
        // In the sandbox the connection goes to the sandbox's own PostgreSQL whatever the files say.
        containerOnlyHosts: env.kind === 'sandbox' ? [] : ['db'],
        source: "The deploy folder's .env",
      },
      inputs.database,
      'database',
    );
  } catch (error) {
    if (error instanceof DbInputError) throw new InputError(error.field, error.message);
    throw error;
  }
}

export const sysreptorResetPassword: ProcedureDefinition<typeof sysreptorResetInputs> = {
  id: 'sysreptor.reset-password',
  system: 'sysreptor',
  title: "Reset a SysReptor user's password",
  summary:
    "Resets a user's password: first points to the user's own forgot-password; then through SysReptor's API with a token, the command line in the app container, or, as the last resort, the database in the form the server expects; and proves it.",
  inputs: sysreptorResetInputs,
  async plan(ctx: PlanContext<Inputs>) {
    const { inputs, env, addSecret } = ctx;
    const deploy = await resolveDeploy(inputs.deployDir, env);
    deploy.secrets.forEach(addSecret);
    const path = inputs.path ?? defaultPath(inputs.apiToken !== undefined);
    const choice = {
      tokenGiven: inputs.apiToken !== undefined,
      passwordLength: [...inputs.newPassword].length,
      mustChangePassword: inputs.mustChangePassword,
      reactivate: inputs.reactivate,
      cliCommand: inputs.cliCommand,
    };
    const plan =
      path === 'api'
        ? await planApiPath(ctx, deploy, choice)
        : path === 'cli'
          ? await planCliPath(ctx, deploy, choice)
          : await planDatabasePath(ctx, deploy, choice);
    return {
      ...plan,
      afterwards: [
        `Sign in to SysReptor as ${inputs.username} with the new password${inputs.mustChangePassword ? ' (SysReptor then asks for a new one)' : ''}, and keep the report with your change record.`,
      ],
    };
  },
};

function sandboxNote(env: Environment, what: string): string[] {
  return env.kind === 'sandbox' ? [`Practice sandbox: ${what}`] : [];
}

async function planApiPath(
  { inputs, env, addSecret }: PlanContext<Inputs>,
  deploy: SysReptorDeploy,
  choice: PathChoice,
): Promise<Plan> {
  if (!inputs.apiToken)
    throw new InputError(
      'apiToken',
      'the API path needs a token of a user manager or of a superuser made with --admin (docker compose exec app python3 manage.py createapitoken <user> --admin).',
    );
  addSecret(inputs.apiToken);
  const tls = tlsFromInput(inputs.tls);
  const target = apiTarget(deploy, inputs.apiUrl, tls);
  const preview = await previewApiPath(env, target, inputs.apiToken, inputs.username, inputs.newPassword);
  const forgot = forgotPasswordReasons(deploy, preview.user ? preview.user.email : undefined);
  return {
    target: `sysreptor:${target.baseUrl}#${inputs.username}`,
    facts: [
      ...deployFacts(deploy),
      {
        label: 'API',
        value: `${target.baseUrl} (Host: ${target.host}); TLS: ${describeTls(tls)}`,
        status: 'info',
      },
      ...pathFacts(deploy, choice, 'api', preview.user?.email ?? undefined),
      ...preview.facts,
    ],
    warnings: [
      forgot.usable
        ? `First choice: the user's own forgot-password is configured here: ask "${inputs.username}" to use "Forgot Password?" on ${deploy.appUrl}/login/. Breakglass does not do this for them.`
        : `The user's own forgot-password does not work here (${forgot.reasons.join('; ')}).`,
      'The reset cannot be undone through the API (SysReptor never gives back the old password); re-enabling can.',
      'Every existing browser session of the user ends (Django ties sessions to the password hash); API tokens keep working.',
      ...(deploy.edition === 'community' && inputs.mustChangePassword
        ? [
            'The Community edition ignores must_change_password: the user will not be asked to change the password.',
          ]
        : []),
      ...sandboxNote(
        env,
        "the requests go to the sandbox's simulated SysReptor API, which works on the sandbox's PostgreSQL rows.",
      ),
      ...preview.warnings,
    ],
    steps: apiPathSteps({
      deploy,
      target,
      token: inputs.apiToken,
      username: inputs.username,
      newPassword: inputs.newPassword,
      mustChangePassword: inputs.mustChangePassword,
      reactivate: inputs.reactivate,
    }),
  };
}

function planCliPath(
  { inputs, env }: PlanContext<Inputs>,
  deploy: SysReptorDeploy,
  choice: PathChoice,
): Plan {
  const command = inputs.cliCommand;
  if (command === 'createorupdateuser' && [...inputs.newPassword].length < CLI_MIN_PASSWORD_LENGTH)
    throw new InputError(
      'newPassword',
      `the CLI path's createorupdateuser wants at least ${CLI_MIN_PASSWORD_LENGTH} characters; use a longer password, cliCommand: changepassword, or another path.`,
    );
  // On changepassword's command line, a leading "-" would be read as an option.
  if (command === 'changepassword' && inputs.username.startsWith('-'))
    throw new InputError(
      'username',
      'a user name that starts with "-" cannot be given to changepassword on its command line: use cliCommand: createorupdateuser, or the api or database path.',
    );
  if (inputs.mustChangePassword)
    throw new InputError(
      'mustChangePassword',
      `the CLI path cannot set must_change_password (${command} sets only the password): set it to false, or use the api or database path.`,
    );
  return {
    target: `sysreptor:${deploy.deployDir}#${inputs.username}`,
    facts: [...deployFacts(deploy), ...pathFacts(deploy, choice, 'cli')],
    warnings: [
      'The CLI path runs docker compose exec in the deploy folder: it needs docker on this machine and the app container running.',
      ...(command === 'createorupdateuser'
        ? [
            'createorupdateuser creates a user whose name it does not find: Breakglass looks the user up in the container first and again right before the change.',
            'It sets only the password (no validators besides its 15-character minimum); the reset cannot be undone. Every browser session of the user ends; API tokens keep working.',
          ]
        : [
            "changepassword runs in a pseudo-terminal (python3's pty module on this machine): the password is typed at its prompts, never on a command line or in an environment.",
            "It sets only the password, after Django's validators; the reset cannot be undone. Every browser session of the user ends; API tokens keep working.",
          ]),
      ...sandboxNote(env, "docker is simulated; it works on the sandbox's PostgreSQL rows."),
    ],
    steps: cliPathSteps({
      deploy,
      username: inputs.username,
      newPassword: inputs.newPassword,
      reactivate: inputs.reactivate,
      command,
    }),
  };
}

async function planDatabasePath(
  { inputs, env, addSecret }: PlanContext<Inputs>,
  deploy: SysReptorDeploy,
  choice: PathChoice,
): Promise<Plan> {
  const settings = databaseSettings(deploy, inputs, env);
  addSecret(settings.password);
  const options = {
    deploy,
    settings,
    username: inputs.username,
    newPassword: inputs.newPassword,
    mustChangePassword: inputs.mustChangePassword,
    reactivate: inputs.reactivate,
  };
  const preview = await previewDatabasePath(options, env);
  if (preview.refusal) throw new ProcedureRefusal(preview.refusal);
  const forgot = forgotPasswordReasons(deploy, preview.user?.email ?? (preview.user ? null : undefined));
  const warnings = [
    forgot.usable
      ? `First choice: the user's own forgot-password. It is configured here: ask "${inputs.username}" to click "Forgot Password?" on ${deploy.appUrl}/login/ and follow the emailed link. Breakglass does not do this for them.`
      : `The user's own forgot-password does not work here (${forgot.reasons.join('; ')}).`,
    'This is the last-resort database path: it bypasses SysReptor (no password validators, no licence user-count check). Prefer the API reset when an admin or user-manager API token is available.',
    'Every existing browser session of the user ends (Django ties sessions to the password hash); API tokens keep working.',
    ...(deploy.edition === 'community' && inputs.mustChangePassword
      ? [
          'The Community edition ignores must_change_password: it is written, but the user will not be asked to change the password.',
        ]
      : []),
    ...sandboxNote(env, "the statements run on the sandbox's PostgreSQL."),
    ...preview.warnings,
  ];
  return {
    target: `sysreptor:postgres://${settings.host}:${settings.port ?? 5432}/${settings.database ?? ''}#${inputs.username}`,
    facts: [
      ...deployFacts(deploy),
      ...pathFacts(deploy, choice, 'database', preview.user?.email ?? undefined),
      ...preview.facts,
    ],
    warnings,
    steps: databasePathSteps(options, preview.user),
  };
}
