/**
 * Seed 003: reset a SysReptor user's password. The paths in the order a careful admin prefers:
 * the user's own forgot-password (explained, not done), the API, the CLI in the app container,
 * and the database as the last resort. The plan says which apply here and why.
 */
import path from 'node:path';
import { z } from 'zod';
import {
  InputError,
  ProcedureRefusal,
  type Environment,
  type PlanContext,
  type ProcedureDefinition,
} from '../../../engine/types.js';
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
  .object({
    deployDir: z.string().trim().max(4096).optional().meta({
      title: 'Deploy folder',
      description:
        'The sysreptor/deploy folder holding docker-compose.yml, app.env and .env. Leave empty in the practice sandbox.',
    }),
    username: z
      .string()
      .min(1, 'enter the user name')
      .max(150, 'a SysReptor user name has at most 150 characters')
      // eslint-disable-next-line no-control-regex
      .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), 'a user name holds no control characters')
      .meta({ title: 'User name (exact, case-sensitive)' }),
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
      .enum(['database'])
      .optional()
      .meta({
        title: 'Path',
        description: 'database: write the hash into users_pentestuser (the last resort).',
        optionLabels: { database: 'Database (last resort)' },
      }),
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
    "Resets a user's password: first points to the user's own forgot-password, then sets the password in the database in the form the server expects, and proves it.",
  inputs: sysreptorResetInputs,
  async plan({ inputs, env, addSecret }: PlanContext<Inputs>) {
    const deploy = await resolveDeploy(inputs.deployDir, env);
    deploy.secrets.forEach(addSecret);
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
      ...(env.kind === 'sandbox'
        ? ["Practice sandbox: the statements run on the sandbox's PostgreSQL."]
        : []),
      ...preview.warnings,
    ];
    return {
      target: `sysreptor:postgres://${settings.host}:${settings.port ?? 5432}/${settings.database ?? ''}#${inputs.username}`,
      facts: [
        ...deployFacts(deploy),
        { label: 'Path', value: 'database (last resort)', status: 'warn' },
        ...preview.facts,
      ],
      warnings,
      steps: databasePathSteps(options, preview.user),
    };
  },
};
