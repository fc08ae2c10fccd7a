/**
 * Seed 002: reset an Authgear user's password. The Portal and the user's own forgot-password come
 * first (explained); then the Admin API's resetPassword; the database only when the Admin API
 * cannot be reached.
 */
import path from 'node:path';
import { loginNameSchema } from '../../../platform/text/login-name.js';
import { z } from 'zod';
import {
  InputError,
  type Environment,
  type Plan,
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
import { describeTls, httpTlsInput, tlsFromInput } from '../../../platform/http/tls-input.js';
import { keySecrets } from '../admin-api.js';
import { DEFAULT_ADMIN_API_URL } from '../discovery.js';
import { adminApiSteps, previewAdminApi } from '../admin-api-path.js';
import {
  privateRsaJwk,
  readAuthgearConfig,
  SANDBOX_CONFIG_DIR,
  type AdminApiJwk,
  type AuthgearConfig,
} from '../config.js';
import { authgearDatabaseSteps, previewAuthgearDatabase } from '../database-path.js';
import { AUTHGEAR_MAX_PASSWORD_BYTES } from '../hash.js';
import type { LoginIdKey } from '../store.js';

export const authgearResetInputs = z.strictObject({
  configDir: z.string().trim().max(4096).optional().meta({
    title: 'Config folder',
    description:
      'The folder holding authgear.yaml and authgear.secrets.yaml. Leave empty in the practice sandbox.',
  }),
  appId: z.string().trim().min(1).max(255).optional().meta({
    title: 'App id',
    description: 'The "id:" of authgear.yaml; read from it when the config folder is given.',
  }),
  loginId: loginNameSchema({ max: 512, minMessage: 'enter the email, username or phone number' }).meta({
    title: 'Login ID (email, username or phone)',
  }),
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
  setPasswordExpired: z.boolean().default(true).meta({ title: 'Force a password change at the next login' }),
  sendPassword: z
    .boolean()
    .default(false)
    .meta({ title: "Email the new password to the user (Authgear's own message)" }),
  revokeSessions: z
    .boolean()
    .default(true)
    .meta({ title: 'End all of the user’s sessions (Admin API path)' }),
  reenable: z.boolean().default(true).meta({ title: 'Re-enable the user if disabled (Admin API path)' }),
  resetLockout: z
    .boolean()
    .default(true)
    .meta({ title: 'Clear a login lockout where the server supports it (Admin API path)' }),
  path: z
    .enum(['admin-api', 'database'])
    .default('admin-api')
    .meta({
      title: 'Path',
      description:
        "admin-api: Authgear's own resetPassword (preferred). database: only when the Admin API cannot be reached.",
      optionLabels: { 'admin-api': 'Admin API (preferred)', database: 'Database (Admin API unreachable)' },
    }),
  adminApiUrl: z
    .url({ protocol: /^https?$/, error: 'give the address as http(s)://host[:port]/_api/admin/graphql' })
    .max(2048)
    .optional()
    .meta({
      title: 'Admin API address',
      description: `Default: ${DEFAULT_ADMIN_API_URL} (ADMIN_LISTEN_ADDR's default port).`,
    }),
  adminApiHost: z
    .string()
    .trim()
    .max(255)
    .regex(
      /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::[0-9]{1,5})?$/,
      'give a host name, optionally with :port (e.g. auth.example.com)',
    )
    .optional()
    .meta({
      title: 'Host header for the Admin API',
      description:
        "For servers whose config is in the database (CONFIG_SOURCE_TYPE=database, no authgear.yaml on disk): one of the app's domains, which the server looks the app up by. Default: the address of adminApiUrl.",
    }),
  adminApiKey: z.string().max(16384).optional().meta({
    title: 'Admin API key (private RSA JWK, JSON)',
    description: 'Read from authgear.secrets.yaml (admin-api.auth) when left out.',
    secret: true,
  }),
  tls: httpTlsInput.optional(),
  database: postgresTargetInput.optional(),
});

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

const PORTAL_AND_FORGOT =
  'First choices: an admin can reset the password in the Portal (User Management > Users > the user > Account Security > Change Password, optionally "Ask to change password on login"); the user can click "Forgot Password" at login to get an OTP or link. Breakglass does not do these for you.';

export const authgearResetPassword: ProcedureDefinition<typeof authgearResetInputs> = {
  id: 'authgear.reset-password',
  system: 'authgear',
  title: "Reset an Authgear user's password",
  summary:
    "Resets a user's password: first points to the Portal and the user's own forgot-password; then through the Admin API (a change forced at the next login, sessions ended, the user re-enabled and unlocked, each its own step), or, when the Admin API cannot be reached, in the app's database the way the server does; and proves it.",
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
    const common = { config, appId, loginIdKey, addSecret };
    const plan =
      inputs.path === 'admin-api'
        ? await planAdminApi(inputs, env, common)
        : await planDatabase(inputs, env, common);
    return {
      ...plan,
      afterwards: [
        `Ask ${inputs.loginId} to sign in with the new password${inputs.setPasswordExpired ? ' (they are asked to choose their own at once)' : ''}, then to change it.`,
      ],
    };
  },
};

interface Common {
  config: AuthgearConfig | undefined;
  appId: string;
  loginIdKey: LoginIdKey;
  addSecret: (value: string) => void;
}

function adminApiKey(inputs: Inputs, config: AuthgearConfig | undefined): AdminApiJwk {
  if (inputs.adminApiKey !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(inputs.adminApiKey);
    } catch {
      throw new InputError(
        'adminApiKey',
        'is not JSON: give the private RSA JWK as authgear.secrets.yaml holds it.',
      );
    }
    const key = privateRsaJwk.safeParse(parsed);
    if (!key.success)
      throw new InputError('adminApiKey', 'is not a private RSA JWK with kid (kty RSA, n, e, d, …).');
    return key.data;
  }
  const [first] = config?.adminApiKeys ?? [];
  if (!first)
    throw new InputError(
      'adminApiKey',
      config
        ? 'authgear.secrets.yaml has no admin-api.auth key: give adminApiKey.'
        : 'give configDir (authgear.secrets.yaml holds the admin-api.auth key) or adminApiKey.',
    );
  return first;
}

async function planAdminApi(
  inputs: Inputs,
  env: Environment,
  { config, appId, loginIdKey, addSecret }: Common,
): Promise<Plan> {
  const key = adminApiKey(inputs, config);
  keySecrets(key).forEach(addSecret);
  const tls = tlsFromInput(inputs.tls);
  const target = {
    endpoint: inputs.adminApiUrl ?? DEFAULT_ADMIN_API_URL,
    appId,
    key,
    tls,
    ...(inputs.adminApiHost !== undefined ? { host: inputs.adminApiHost } : {}),
  };
  const options = {
    target,
    loginIdKey,
    loginId: inputs.loginId,
    newPassword: inputs.newPassword,
    setPasswordExpired: inputs.setPasswordExpired,
    sendPassword: inputs.sendPassword,
    revokeSessions: inputs.revokeSessions,
    reenable: inputs.reenable,
    resetLockout: inputs.resetLockout,
  };
  const preview = await previewAdminApi(env, options);
  return {
    target: `authgear:${appId}:${new URL(target.endpoint).host}`,
    facts: [
      ...(config ? [{ label: 'Config folder', value: config.configDir, status: 'info' as const }] : []),
      { label: 'App id (JWT aud)', value: appId, status: 'info' },
      {
        label: 'Login ID',
        value: `${loginIdKey} "${inputs.loginId}"${inputs.loginIdKey ? '' : ' (kind guessed from the value)'}`,
        status: 'info',
      },
      { label: 'Path', value: 'Admin API (preferred)', status: 'ok' },
      {
        label: 'Admin API',
        value: `${target.endpoint}${target.host !== undefined ? ` (Host: ${target.host})` : ''}; key "${key.kid}" (${inputs.adminApiKey ? 'given' : 'admin-api.auth in authgear.secrets.yaml'}); TLS: ${describeTls(tls)}`,
        status: 'info',
      },
      ...preview.facts,
    ],
    warnings: [
      PORTAL_AND_FORGOT,
      'The password is the one you typed or Breakglass generated: never left to the server, which would only email it.',
      'The reset cannot be undone (Authgear never gives back the old password); re-enabling can.',
      ...(env.kind === 'sandbox'
        ? [
            "Practice sandbox: the Admin API is simulated over the sandbox's PostgreSQL rows (sessions and lockouts in a practice file standing in for Redis).",
          ]
        : []),
      ...preview.warnings,
    ],
    steps: adminApiSteps(options),
  };
}

async function planDatabase(
  inputs: Inputs,
  env: Environment,
  { config, appId, loginIdKey, addSecret }: Common,
): Promise<Plan> {
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
      PORTAL_AND_FORGOT,
      'This database path does not end sessions and does not clear a lockout: both live in Redis. Re-enabling a disabled user must go through the Admin API (the disabled state is derived from several columns).',
      ...(env.kind === 'sandbox'
        ? ["Practice sandbox: the statements run on the sandbox's PostgreSQL."]
        : []),
      ...preview.warnings,
    ],
    steps: authgearDatabaseSteps(options, preview.user),
  };
}
