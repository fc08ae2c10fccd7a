/**
 * Seed 002: reset an Authgear user's password. The Portal and the user's own forgot-password come
 * first (explained); then the Admin API's resetPassword; the database only when the Admin API
 * cannot be reached.
 */
import path from 'node:path';
import { z } from 'zod';
import {
  InputError,
  type Environment,
  type PlanContext,
  type ProcedureDefinition,
} from '../../../engine/types.js';
import { DbInputError } from '../../../platform/db/errors.js';
import {
  postgresDefaultsFromUrl,
  postgresTargetInput,
  resolvePostgresTarget,
  type PostgresDefaults,
} from '../../../platform/db/postgres-target.js';
import type { DbSettings } from '../../../platform/db/types.js';
import { readAuthgearConfig, SANDBOX_CONFIG_DIR, type AuthgearConfig } from '../config.js';
import { authgearDatabaseSteps, previewAuthgearDatabase } from '../database-path.js';
import { AUTHGEAR_MAX_PASSWORD_BYTES } from '../hash.js';
import type { LoginIdKey } from '../store.js';

export const authgearResetInputs = z
  .object({
    configDir: z.string().trim().max(4096).optional().meta({
      title: 'Config folder',
      description:
        'The folder holding authgear.yaml and authgear.secrets.yaml. Leave empty in the practice sandbox.',
    }),
    appId: z.string().trim().min(1).max(255).optional().meta({
      title: 'App id',
      description: 'The "id:" of authgear.yaml; read from it when the config folder is given.',
    }),
    loginId: z
      .string()
      .trim()
      .min(1, 'enter the email, username or phone number')
      .max(512)
      .meta({ title: 'Login ID (email, username or phone)' }),
    loginIdKey: z.enum(['email', 'username', 'phone']).optional().meta({
      title: 'Kind of login ID',
      description: 'Guessed from the value when left out (an @ → email, a leading + → phone).',
    }),
    newPassword: z
      .string()
      .min(1, 'enter the new password')
      .refine((value) => value.trim().length > 0, 'a password of only spaces cannot be typed reliably')
      .refine(
        (value) => Buffer.byteLength(value, 'utf8') <= AUTHGEAR_MAX_PASSWORD_BYTES,
        `Authgear refuses passwords over ${AUTHGEAR_MAX_PASSWORD_BYTES} bytes`,
      )
      .meta({ title: 'New password', secret: true, passwordPolicy: 'typeable' }),
    setPasswordExpired: z
      .boolean()
      .default(true)
      .meta({ title: 'Force a password change at the next login' }),
    path: z
      .enum(['database'])
      .default('database')
      .meta({
        title: 'Path',
        description: 'database: only when the Admin API cannot be reached.',
        optionLabels: { database: 'Database (Admin API unreachable)' },
      }),
    database: postgresTargetInput.optional(),
  })
  .strict();

type Inputs = z.output<typeof authgearResetInputs>;

export function guessLoginIdKey(loginId: string): LoginIdKey {
  if (loginId.includes('@')) return 'email';
  if (/^\+[0-9]{6,15}$/.test(loginId)) return 'phone';
  return 'username';
}

async function resolveConfig(
  configDir: string | undefined,
  env: Environment,
): Promise<AuthgearConfig | undefined> {
  if (configDir) return readAuthgearConfig(path.resolve(configDir));
  if (env.kind === 'sandbox' && env.sandboxRoot)
    return readAuthgearConfig(path.join(env.sandboxRoot, SANDBOX_CONFIG_DIR));
  return undefined;
}

function databaseSettings(config: AuthgearConfig | undefined, inputs: Inputs): DbSettings {
  try {
    const defaults: PostgresDefaults = config?.database
      ? postgresDefaultsFromUrl(config.database.url, "authgear.secrets.yaml's db item", 'configDir')
      : { source: 'No config folder was given, so nothing' };
    return resolvePostgresTarget(defaults, inputs.database, 'database');
  } catch (error) {
    if (error instanceof DbInputError) throw new InputError(error.field, error.message);
    throw error;
  }
}

export const authgearResetPassword: ProcedureDefinition<typeof authgearResetInputs> = {
  id: 'authgear.reset-password',
  system: 'authgear',
  title: "Reset an Authgear user's password",
  summary:
    "Resets a user's password: first points to the Portal and the user's own forgot-password; when the Admin API cannot be reached, sets the password in the app's database the way the server does, and proves it.",
  inputs: authgearResetInputs,
  async plan({ inputs, env, addSecret }: PlanContext<Inputs>) {
    const config = await resolveConfig(inputs.configDir, env);
    config?.secrets.forEach(addSecret);
    const appId = inputs.appId ?? config?.appId;
    if (!appId)
      throw new InputError('appId', 'enter the app id (the "id:" of authgear.yaml), or give configDir.');
    if (config?.appId && inputs.appId && config.appId !== inputs.appId)
      throw new InputError(
        'appId',
        `authgear.yaml in configDir is app "${config.appId}", not "${inputs.appId}": give the matching pair.`,
      );
    const loginIdKey = inputs.loginIdKey ?? guessLoginIdKey(inputs.loginId);
    const settings = databaseSettings(config, inputs);
    addSecret(settings.password);
    const options = {
      settings,
      schema: config?.database?.schema ?? 'public',
      appId,
      loginIdKey,
      loginId: inputs.loginId,
      newPassword: inputs.newPassword,
      setPasswordExpired: inputs.setPasswordExpired,
      secrets: [...(config?.secrets ?? []), settings.password],
    };
    const preview = await previewAuthgearDatabase(options, env);
    return {
      target: `authgear:${appId}:postgres://${settings.host}:${settings.port ?? 5432}/${settings.database ?? ''}`,
      facts: [
        ...(config ? [{ label: 'Config folder', value: config.configDir, status: 'info' as const }] : []),
        { label: 'App id', value: appId, status: 'info' },
        {
          label: 'Login ID',
          value: `${loginIdKey} "${inputs.loginId}"${inputs.loginIdKey ? '' : ' (kind guessed from the value)'}`,
          status: 'info',
        },
        { label: 'Path', value: 'database (only when the Admin API cannot be reached)', status: 'warn' },
        ...preview.facts,
      ],
      warnings: [
        'First choices: an admin can reset the password in the Portal (User Management > Users > the user > Account Security > Change Password, optionally "Ask to change password on login"); the user can click "Forgot Password" at login to get an OTP or link. Breakglass does not do these for you.',
        'This database path does not end sessions and does not clear a lockout: both live in Redis. Re-enabling a disabled user must go through the Admin API (the disabled state is derived from several columns).',
        ...(env.kind === 'sandbox'
          ? ["Practice sandbox: the statements run on the sandbox's PostgreSQL."]
          : []),
        ...preview.warnings,
      ],
      steps: authgearDatabaseSteps(options, preview.user),
    };
  },
};
