/**
 * Seed 004: reset a Matrix Synapse user's password. Reads homeserver.yaml, builds the MXID, finds
 * how Synapse runs, then takes the path that works here — the admin API when an admin token is
 * at hand (Synapse hashes and logs the user out itself), else the database — and says why. Behind
 * Matrix Authentication Service the Synapse paths silently do nothing, so they are refused.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Fact } from '../../../../shared/procedure.js';
import {
  InputError,
  ProcedureRefusal,
  type Environment,
  type Plan,
  type PlanContext,
  type ProcedureDefinition,
} from '../../../engine/types.js';
import { DbInputError } from '../../../platform/db/errors.js';
import { postgresTargetInput, resolvePostgresTarget } from '../../../platform/db/postgres-target.js';
import type { DbSettings } from '../../../platform/db/types.js';
import { BCRYPT_MAX_KEY_BYTES } from '../../../platform/hashing/bcrypt-bytes.js';
import { hasLoneSurrogate } from '../../../platform/hashing/password-rules.js';
import { httpTlsInput, tlsFromInput } from '../../../platform/http/tls-input.js';
import { adminApiSteps, previewAdminApi, verifyLoginStep } from '../admin-api-path.js';
import { playbookCommand, playbookSteps } from '../playbook-path.js';
import { databasePathSteps, previewDatabasePath } from '../database-path.js';
import {
  PLAYBOOK_HOMESERVER_PATH,
  readHomeserverYaml,
  sqliteRefusal,
  type Homeserver,
} from '../homeserver.js';
import { masRefusal } from '../mas.js';
import { PLAYBOOK_MAS_CONFIG_PATH, readMasConfig } from '../mas-config.js';
import { masDatabaseSteps, previewMasDatabase } from '../mas-database-path.js';
import { resolveMxid, type Mxid } from '../mxid.js';
import { homeserverFacts } from '../discovery.js';
import { detectSynapseRuntime, describeRuntime } from '../runtime.js';
import {
  SANDBOX_ADMIN_TOKEN_FILE,
  SANDBOX_HOMESERVER,
  SANDBOX_MAS_ADMIN_TOKEN_FILE,
  SANDBOX_MAS_CONFIG,
  SANDBOX_PLAYBOOK_DIR,
} from '../sandbox.js';
import { masAdminApiSteps } from '../mas-admin-api.js';
import { loginNameSchema } from '../../../platform/text/login-name.js';

const PATHS = ['admin-api', 'database', 'playbook', 'mas-database', 'mas-admin-api'] as const;
type SynapsePath = (typeof PATHS)[number];
const MAX_PASSWORD_LENGTH = 4096;

export const synapseResetInputs = z.strictObject({
  homeserver: z
    .string()
    .trim()
    .max(4096)
    .optional()
    .meta({
      title: 'homeserver.yaml',
      description: `Path of Synapse's homeserver.yaml (default: the playbook's ${PLAYBOOK_HOMESERVER_PATH}; in the practice sandbox its own).`,
    }),
  user: loginNameSchema({
    max: 255,
    minMessage: 'enter the localpart or the full MXID',
    maxMessage: 'a Matrix user ID has at most 255 characters',
  }).meta({ title: 'User (localpart or @user:server)' }),
  newPassword: z
    .string()
    .min(1, 'enter the new password')
    .max(MAX_PASSWORD_LENGTH, `use at most ${MAX_PASSWORD_LENGTH} characters`)
    .refine((value) => value.trim().length > 0, 'a password of only spaces cannot be typed reliably')
    .refine(
      (value) => !hasLoneSurrogate(value),
      'the password holds a broken Unicode character (a lone surrogate), which UTF-8 cannot encode',
    )
    .meta({ title: 'New password', secret: true, passwordPolicy: 'typeable' }),
  path: z
    .enum(PATHS)
    .optional()
    .meta({
      title: 'Path',
      description: 'Leave empty to take the recommended one.',
      optionLabels: {
        'admin-api': 'Admin API (recommended with an admin token)',
        database: 'Database (offline hash, guarded UPDATE)',
        playbook: 'Playbook (ansible --tags=update-user-password)',
        'mas-database': 'MAS database',
        'mas-admin-api': 'MAS admin API',
      },
    }),
  adminToken: z.string().trim().min(1).max(4096).optional().meta({
    title: 'Admin access token',
    description:
      "A server admin's access token, for the admin API path. Sent only in the Authorization header.",
    secret: true,
  }),
  baseUrl: z
    .string()
    .trim()
    .max(2048)
    .optional()
    .refine(
      (value) => value === undefined || /^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/.test(value),
      'give an http:// or https:// URL without query or fragment',
    )
    .meta({
      title: 'Client API URL',
      description:
        "Where Synapse's client and admin API answer (default: public_baseurl of homeserver.yaml).",
    }),
  tls: httpTlsInput.optional().meta({ title: 'TLS (https only)' }),
  logoutDevices: z.boolean().default(true).meta({ title: 'Log the user out everywhere (admin API)' }),
  revokeSessions: z.boolean().default(false).meta({
    title:
      "End the user's sessions (database path: deletes access and refresh tokens, needs a restart; MAS paths: finishes the MAS sessions)",
  }),
  unlock: z.boolean().default(false).meta({ title: 'Unlock the user if it is locked' }),
  reactivate: z.boolean().default(false).meta({ title: 'Reactivate the user if it is deactivated' }),
  pepperFile: z.string().trim().min(1).max(4096).optional().meta({
    title: 'Pepper file',
    description:
      'A file holding password_config.pepper, when it is kept outside homeserver.yaml (one trailing newline is ignored).',
  }),
  playbookDir: z.string().trim().min(1).max(4096).optional().meta({
    title: 'Playbook checkout (playbook path)',
    description:
      'The matrix-docker-ansible-deploy folder holding inventory/hosts and setup.yml (in the practice sandbox its own).',
  }),
  runPlaybook: z.boolean().default(false).meta({
    title: 'Run ansible-playbook from here (playbook path)',
    description: 'Off: Breakglass writes the vars file and shows the command for you to run.',
  }),
  masConfig: z
    .string()
    .trim()
    .min(1)
    .max(4096)
    .optional()
    .meta({
      title: 'MAS config.yaml (MAS database path)',
      description: `Matrix Authentication Service's config.yaml (default: the playbook's ${PLAYBOOK_MAS_CONFIG_PATH}; in the practice sandbox its own).`,
    }),
  database: postgresTargetInput.optional(),
});

type Inputs = z.output<typeof synapseResetInputs>;

function homeserverPath(inputs: Inputs, env: Environment): string {
  if (inputs.homeserver) return path.resolve(inputs.homeserver);
  if (env.kind === 'sandbox' && env.sandboxRoot) return path.join(env.sandboxRoot, SANDBOX_HOMESERVER);
  return PLAYBOOK_HOMESERVER_PATH;
}

async function readSecretFile(file: string, field: string, what: string): Promise<string> {
  try {
    const text = await fs.readFile(file, 'utf8');
    return text.endsWith('\n') ? text.slice(0, -1) : text;
  } catch (error) {
    throw new InputError(
      field,
      `the ${what} file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
    );
  }
}

/** The admin token given, or in the sandbox the practice one (Synapse's, or MAS's behind MAS). */
async function resolveAdminToken(
  inputs: Inputs,
  env: Environment,
  behindMas = false,
): Promise<{ token?: string; source?: string }> {
  if (inputs.adminToken) return { token: inputs.adminToken, source: 'given' };
  if (env.kind === 'sandbox' && env.sandboxRoot) {
    const file = path.join(
      env.sandboxRoot,
      behindMas ? SANDBOX_MAS_ADMIN_TOKEN_FILE : SANDBOX_ADMIN_TOKEN_FILE,
    );
    return {
      token: await readSecretFile(file, 'adminToken', 'practice admin token'),
      source: `the practice ${behindMas ? 'MAS ' : ''}admin's, from ${file}`,
    };
  }
  return {};
}

async function planMasAdminApi(
  inputs: Inputs,
  homeserver: Homeserver,
  mxid: Mxid,
  facts: Fact[],
  why: string,
  token: { token?: string; source?: string },
): Promise<Plan> {
  if (!token.token)
    throw new InputError(
      'adminToken',
      'the MAS admin API path needs a MAS access token with the urn:mas:admin scope (from the form, stdin, an env var or a file).',
    );
  const masUrl = (inputs.baseUrl ?? homeserver.mas?.endpoint)?.replace(/\/+$/, '');
  if (!masUrl || !/^https?:\/\//.test(masUrl))
    throw new InputError(
      'baseUrl',
      "homeserver.yaml names no MAS endpoint: enter baseUrl, MAS's URL with the adminapi resource.",
    );
  const tls = tlsFromInput(inputs.tls);
  const options = {
    baseUrl: masUrl,
    tls,
    adminToken: token.token,
    mxid,
    newPassword: inputs.newPassword,
    unlock: inputs.unlock,
    reactivate: inputs.reactivate,
    revokeSessions: inputs.revokeSessions,
    secrets: homeserver.secrets,
  };
  return {
    target: `synapse:${homeserver.serverName}#${mxid.full}`,
    facts: [
      ...facts,
      { label: 'User', value: `${mxid.full} (MAS username "${mxid.localpart}")`, status: 'info' },
      { label: 'Path', value: `MAS admin API — ${why}`, status: 'ok' },
      {
        label: 'MAS admin API',
        value: `${masUrl}/api/admin/v1 (token in the Authorization header)`,
        status: 'info',
      },
      { label: 'Admin token', value: token.source ?? 'given', status: 'info' },
    ],
    warnings: [
      ...passwordWarningsFor(inputs.newPassword),
      'Synapse delegates logins to MAS here: the password is set through MAS, which hashes it with its current scheme and applies its password policy.',
      inputs.revokeSessions
        ? "The user's MAS sessions are then finished through the admin API: every client of the user logs in again."
        : 'Setting a MAS password ends no session: sessions that may be compromised stay logged in. Set revokeSessions: true to finish them through the admin API.',
    ],
    steps: [
      ...masAdminApiSteps(options),
      verifyLoginStep({
        homeserver,
        mxid,
        baseUrl: resolveBaseUrl({ ...inputs, baseUrl: undefined }, homeserver),
        tls,
        adminToken: '',
        newPassword: inputs.newPassword,
      }),
    ],
  };
}

const CONTAINER_ONLY_HOSTS = ['matrix-postgres', 'postgres', 'db'];

function masConfigPath(inputs: Inputs, env: Environment): string {
  if (inputs.masConfig) return path.resolve(inputs.masConfig);
  if (env.kind === 'sandbox' && env.sandboxRoot) return path.join(env.sandboxRoot, SANDBOX_MAS_CONFIG);
  return PLAYBOOK_MAS_CONFIG_PATH;
}

async function planMasDatabase(
  inputs: Inputs,
  env: Environment,
  homeserver: Homeserver,
  mxid: Mxid,
  facts: Fact[],
  why: string,
  addSecret: (value: string) => void,
): Promise<Plan> {
  const config = await readMasConfig(masConfigPath(inputs, env));
  config.secrets.forEach(addSecret);
  if (!config.passwordsEnabled)
    throw new ProcedureRefusal(
      `${config.file} has passwords.enabled: false: MAS accepts no password logins (users sign in through an upstream identity provider). Reset the password there.`,
    );
  let settings: DbSettings;
  try {
    settings = resolvePostgresTarget(
      { ...config.database, containerOnlyHosts: env.kind === 'sandbox' ? [] : CONTAINER_ONLY_HOSTS },
      inputs.database,
      'database',
    );
  } catch (error) {
    if (error instanceof DbInputError) throw new InputError(error.field, error.message);
    throw error;
  }
  addSecret(settings.password);
  const options = {
    config,
    settings,
    mxid,
    newPassword: inputs.newPassword,
    revokeSessions: inputs.revokeSessions,
    unlock: inputs.unlock,
    reactivate: inputs.reactivate,
  };
  const preview = await previewMasDatabase(options, env);
  if (preview.problem) throw new InputError(preview.problem.field, preview.problem.message);
  return {
    target: `synapse:${homeserver.serverName}#${mxid.full}`,
    facts: [
      ...facts,
      { label: 'User', value: `${mxid.full} (MAS username "${mxid.localpart}")`, status: 'info' },
      { label: 'Path', value: `MAS database — ${why}`, status: 'warn' },
      ...preview.facts,
    ],
    warnings: [
      ...passwordWarningsFor(inputs.newPassword),
      'Synapse delegates logins to MAS here: the Synapse admin API, the users table and the playbook tag would change nothing anyone logs in with, so the password is set in MAS.',
      ...(env.kind === 'sandbox'
        ? ["Practice sandbox: the statements run on the sandbox's MAS database."]
        : []),
      ...preview.warnings,
    ],
    steps: masDatabaseSteps(options),
  };
}

async function planPlaybook(
  inputs: Inputs,
  env: Environment,
  homeserver: Homeserver,
  mxid: Mxid,
  facts: Fact[],
  target: string,
  warnings: string[],
): Promise<Plan> {
  const playbookDir = inputs.playbookDir
    ? path.resolve(inputs.playbookDir)
    : env.kind === 'sandbox' && env.sandboxRoot
      ? path.join(env.sandboxRoot, SANDBOX_PLAYBOOK_DIR)
      : undefined;
  if (!playbookDir)
    throw new InputError(
      'playbookDir',
      'the playbook path needs the matrix-docker-ansible-deploy folder (holding inventory/hosts and setup.yml).',
    );
  for (const needed of ['setup.yml', path.join('inventory', 'hosts')])
    if (
      !(await fs.stat(path.join(playbookDir, needed)).then(
        (stat) => stat.isFile(),
        () => false,
      ))
    )
      throw new InputError(
        'playbookDir',
        `${playbookDir} has no ${needed}: is this the matrix-docker-ansible-deploy checkout?`,
      );
  const options = { playbookDir, mxid, newPassword: inputs.newPassword, runPlaybook: inputs.runPlaybook };
  const command = playbookCommand(options);
  return {
    target,
    facts: [
      ...facts,
      { label: 'User', value: mxid.full, status: 'info' },
      { label: 'Path', value: 'playbook — chosen in the inputs.', status: 'warn' },
      {
        label: 'Command',
        value: `${command.program} ${command.args.join(' ')} (in ${playbookDir})`,
        status: 'info',
      },
    ],
    warnings: [
      ...warnings,
      "The playbook tag works only with the playbook's integrated PostgreSQL, logs no one out, and inside the container passes the password to hash_password -p (briefly visible in the server's process list). The admin API path avoids all three.",
      'The vars file holding the password exists only between its write and its removal step; a stopped run shows it as needing attention until resume or rollback removes it.',
    ],
    steps: [
      ...playbookSteps(options),
      verifyLoginStep({
        homeserver,
        mxid,
        baseUrl: resolveBaseUrl(inputs, homeserver),
        tls: tlsFromInput(inputs.tls),
        adminToken: '',
        newPassword: inputs.newPassword,
      }),
    ],
  };
}

function databaseSettings(homeserver: Homeserver, inputs: Inputs, env: Environment): DbSettings {
  const database = homeserver.database;
  if (database.engine !== 'postgres') throw new ProcedureRefusal(sqliteRefusal(database));
  const sslmode = database.sslmode ?? 'prefer';
  try {
    return resolvePostgresTarget(
      {
        host: database.host,
        port: database.port,
        name: database.name,
        user: database.user,
        password: database.password,
        // In the sandbox the connection goes to the sandbox's own PostgreSQL whatever the file says.
        containerOnlyHosts: env.kind === 'sandbox' ? [] : CONTAINER_ONLY_HOSTS,
        source: "homeserver.yaml's database.args",
        tls: ['disable', 'allow', 'prefer'].includes(sslmode)
          ? { enabled: false }
          : { enabled: true, trustServerCertificate: sslmode === 'require' },
      },
      inputs.database,
      'database',
    );
  } catch (error) {
    if (error instanceof DbInputError) throw new InputError(error.field, error.message);
    throw error;
  }
}

/** Whether Synapse checks local password hashes at all; when not, no Synapse path changes what anyone logs in with. */
function passwordLoginRefusal(homeserver: Homeserver): string | undefined {
  const config = homeserver.passwordConfig;
  if (config.enabled !== true)
    return `password_config.enabled is ${String(config.enabled)} in ${homeserver.file}: Synapse accepts no password logins${config.enabled === 'only_for_reauth' ? ' (passwords only confirm actions of a logged-in user)' : ''}, and its admin API answers 403 "Password change disabled". Users log in through SSO or a provider: reset the password there.`;
  if (!config.localdbEnabled)
    return `password_config.localdb_enabled is false in ${homeserver.file}: Synapse never checks its own password hashes, only password-provider modules (e.g. LDAP). Reset the password in that provider; a Synapse reset would change nothing anyone logs in with.`;
  return undefined;
}

function recommend(homeserver: Homeserver, hasToken: boolean): { path: SynapsePath; why: string } {
  if (hasToken)
    return {
      path: 'admin-api',
      why: 'an admin token is at hand: Synapse hashes the password itself with its own pepper and rounds and logs the user out everywhere, and nothing needs a restart.',
    };
  if (homeserver.database.engine === 'postgres')
    return {
      path: 'database',
      why: 'no admin token was given, so the admin API cannot be used; the database path writes the hash Synapse would make (its pepper and rounds) with a guarded one-row UPDATE, but logs no one out unless revokeSessions is set.',
    };
  throw new ProcedureRefusal(sqliteRefusal(homeserver.database));
}

function passwordWarningsFor(password: string): string[] {
  return password.normalize('NFKC') !== password
    ? [
        'The new password changes under Unicode NFKC normalisation, which Synapse (and MAS with unicode_normalization) apply before hashing: the user can type either form, and both are the same password.',
      ]
    : [];
}

function passwordWarnings(password: string, homeserver: Homeserver): string[] {
  const warnings = passwordWarningsFor(password);
  const normalized = password.normalize('NFKC');
  const bytes =
    Buffer.byteLength(normalized, 'utf8') + Buffer.byteLength(homeserver.passwordConfig.pepper, 'utf8');
  if (bytes > BCRYPT_MAX_KEY_BYTES)
    warnings.push(
      `The new password plus the pepper is ${bytes} bytes: bcrypt (and Synapse) use only the first ${BCRYPT_MAX_KEY_BYTES}, so anything typed after that is ignored. Choose a shorter password if that matters.`,
    );
  return warnings;
}

function resolveBaseUrl(inputs: Inputs, homeserver: Homeserver): string {
  const url = inputs.baseUrl ?? homeserver.publicBaseUrl ?? homeserver.localClientUrl;
  if (!url)
    throw new InputError(
      'baseUrl',
      'homeserver.yaml has no public_baseurl and no plain-HTTP client listener: enter baseUrl (e.g. http://127.0.0.1:8008).',
    );
  if (!/^https?:\/\//.test(url))
    throw new InputError('baseUrl', `"${url}" is not an http:// or https:// URL.`);
  return url.replace(/\/+$/, '');
}

export const synapseResetPassword: ProcedureDefinition<typeof synapseResetInputs> = {
  id: 'synapse.reset-password',
  system: 'synapse',
  title: "Reset a Matrix Synapse user's password",
  summary:
    "Resets a Matrix user's password: reads the server's settings, then resets through the admin API (logging the user out everywhere), the playbook, or, without an admin token, directly in the database; behind the Matrix Authentication Service, through it instead; and proves the new password works.",
  inputs: synapseResetInputs,
  async plan(ctx: PlanContext<Inputs>) {
    return {
      ...(await planReset(ctx)),
      afterwards: [
        `Ask ${ctx.inputs.user} to sign in with the new password from a client, then to change it there (Settings → Security).`,
      ],
    };
  },
};

async function planReset({ inputs, env, addSecret }: PlanContext<Inputs>): Promise<Plan> {
  let homeserver = await readHomeserverYaml(homeserverPath(inputs, env));
  let pepperSource = 'homeserver.yaml password_config.pepper';
  if (inputs.pepperFile) {
    const pepper = await readSecretFile(path.resolve(inputs.pepperFile), 'pepperFile', 'pepper');
    homeserver = {
      ...homeserver,
      passwordConfig: { ...homeserver.passwordConfig, pepper },
      secrets: [...homeserver.secrets, pepper],
    };
    pepperSource = `from ${path.resolve(inputs.pepperFile)}`;
  }
  homeserver.secrets.forEach(addSecret);
  const mxid = resolveMxid(inputs.user, homeserver.serverName);
  const runtime = await detectSynapseRuntime(homeserver.file, env);
  const facts = homeserverFacts(homeserver, pepperSource, describeRuntime(runtime));

  if (homeserver.mas) {
    if (inputs.path !== undefined && inputs.path !== 'mas-database' && inputs.path !== 'mas-admin-api')
      throw new ProcedureRefusal(masRefusal(homeserver, mxid, inputs.path));
    const masToken = inputs.path === 'mas-database' ? {} : await resolveAdminToken(inputs, env, true);
    if (masToken.token) addSecret(masToken.token);
    if (inputs.path === 'mas-admin-api' || (inputs.path === undefined && masToken.token))
      return planMasAdminApi(
        inputs,
        homeserver,
        mxid,
        facts,
        inputs.path
          ? 'chosen in the inputs.'
          : 'Matrix Authentication Service is in front, so the password must be set in MAS; with a MAS admin token its own API sets it, hashing with its current scheme and applying its password policy.',
        masToken,
      );
    return planMasDatabase(
      inputs,
      env,
      homeserver,
      mxid,
      facts,
      inputs.path
        ? 'chosen in the inputs.'
        : 'Matrix Authentication Service is in front, so the password must be set in MAS; without a MAS admin token, its database path writes the password row MAS checks at login.',
      addSecret,
    );
  }
  if (inputs.path === 'mas-database' || inputs.path === 'mas-admin-api')
    throw new InputError(
      'path',
      `${inputs.path} is for homeservers behind Matrix Authentication Service, and ${homeserver.file} does not delegate to MAS (no matrix_authentication_service.enabled or msc3861).`,
    );
  const refusal = passwordLoginRefusal(homeserver);
  if (refusal) throw new ProcedureRefusal(refusal);

  const { token, source: tokenSource } = await resolveAdminToken(inputs, env);
  if (token) addSecret(token);
  const chosen = inputs.path
    ? { path: inputs.path, why: 'chosen in the inputs.' }
    : recommend(homeserver, token !== undefined);
  const warnings = [
    ...passwordWarnings(inputs.newPassword, homeserver),
    ...(env.kind === 'sandbox'
      ? [
          'Practice sandbox: the simulated Synapse and its tables live in the sandbox; nothing reaches the network.',
        ]
      : []),
  ];
  const target = `synapse:${homeserver.serverName}#${mxid.full}`;

  if (chosen.path === 'playbook') return planPlaybook(inputs, env, homeserver, mxid, facts, target, warnings);
  if (chosen.path === 'admin-api') {
    if (!token)
      throw new InputError(
        'adminToken',
        "the admin API path needs a server admin's access token (from the form, stdin, an env var or a file).",
      );
    const options = {
      homeserver,
      mxid,
      baseUrl: resolveBaseUrl(inputs, homeserver),
      tls: tlsFromInput(inputs.tls),
      adminToken: token,
      newPassword: inputs.newPassword,
      logoutDevices: inputs.logoutDevices,
      unlock: inputs.unlock,
      reactivate: inputs.reactivate,
    };
    const preview = await previewAdminApi(options, env);
    if (preview.missing)
      throw new InputError(
        'user',
        `Synapse has no user ${mxid.full} (checked with GET /_synapse/admin/v2/users).`,
      );
    if (preview.record?.deactivated && !inputs.reactivate)
      throw new InputError(
        'reactivate',
        `${mxid.full} is deactivated: its login stays refused whatever the password. Set reactivate: true to reactivate it too.`,
      );
    if (preview.record?.locked && !inputs.unlock)
      throw new InputError(
        'unlock',
        `${mxid.full} is locked: its login stays refused whatever the password. Set unlock: true to unlock it too.`,
      );
    if (!inputs.logoutDevices)
      warnings.push('logoutDevices is off: sessions of the user that may be compromised stay logged in.');
    return {
      target,
      facts: [
        ...facts,
        { label: 'User', value: mxid.full, status: 'info' },
        { label: 'Path', value: `admin API — ${chosen.why}`, status: 'ok' },
        { label: 'Admin token', value: tokenSource ?? 'given', status: 'info' },
        ...preview.facts,
      ],
      warnings: [
        ...warnings,
        ...(homeserver.database.engine === 'postgres'
          ? []
          : [
              `The database is SQLite: the database path is not offered (${sqliteRefusal(homeserver.database)})`,
            ]),
      ],
      steps: adminApiSteps(options),
    };
  }

  const settings = databaseSettings(homeserver, inputs, env);
  addSecret(settings.password);
  const options = {
    homeserver,
    settings,
    mxid,
    newPassword: inputs.newPassword,
    revokeSessions: inputs.revokeSessions,
    unlock: inputs.unlock,
    reactivate: inputs.reactivate,
    runtime,
  };
  const preview = await previewDatabasePath(options, env);
  if (preview.problem) throw new InputError(preview.problem.field, preview.problem.message);
  return {
    target,
    facts: [
      ...facts,
      { label: 'User', value: mxid.full, status: 'info' },
      { label: 'Path', value: `database — ${chosen.why}`, status: 'warn' },
      ...preview.facts,
    ],
    warnings: [
      ...warnings,
      ...(token
        ? []
        : [
            "With a server admin's access token (adminToken), the admin API path would log the user out everywhere and need no restart.",
          ]),
      ...(options.revokeSessions || options.unlock || options.reactivate
        ? [
            'Synapse caches token lookups and the locked / deactivated flags in every process: the plan restarts Synapse after those changes (the new password itself works at once).',
          ]
        : []),
      ...preview.warnings,
    ],
    steps: databasePathSteps(options, preview.user),
  };
}
