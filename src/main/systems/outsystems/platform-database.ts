/**
 * The Platform database a procedure works on: read from server.hsconf (+ private.key) on the
 * server, or entered by hand. Statements are shown in the real target's dialect; in the practice
 * sandbox they run on its PostgreSQL, and both forms are shown.
 */
import path from 'node:path';
import { z } from 'zod';
import type { Fact } from '../../../shared/procedure.js';
import { InputError, StepFailure, type Environment, type StepDefinition } from '../../engine/types.js';
import { dialectName } from '../../platform/db/quoting.js';
import { parseOracleConnectString } from '../../platform/db/oracle-connect.js';
import { parseSqlServerServer } from '../../platform/db/sqlserver-server.js';
import type { DbSession, DbSettings, Dialect } from '../../platform/db/types.js';
import { loginNameSchema } from '../../platform/text/login-name.js';
import { HsConf } from './hsconf.js';
import { dbSettingsFromHsconf } from './hsconf-db-settings.js';
import { readableHsconfSecrets } from './hsconf-secrets.js';
import { loadPrivateKey } from './private-key.js';
import { DEFAULT_INSTALL_DIR, readInstallFromRegistry } from './registry.js';
import { lockFileBeside, type TargetLockDefinition } from '../../engine/target-lock.js';

const hsconfSource = z
  .object({
    source: z.literal('hsconf'),
    installDir: z
      .string()
      .trim()
      .max(1024)
      .optional()
      .meta({
        title: 'Platform Server folder',
        description: `Leave empty to read it from the registry (default ${DEFAULT_INSTALL_DIR}).`,
      }),
  })
  .meta({ title: 'On this server: read server.hsconf and private.key' });

const manualSource = z
  .object({
    source: z.literal('manual'),
    provider: z
      .enum(['SqlServer', 'Oracle'])
      .meta({ title: 'Database provider', optionLabels: { SqlServer: 'SQL Server', Oracle: 'Oracle' } }),
    server: z.string().trim().min(1, 'enter the database server').max(2048).meta({
      title: 'Server',
      description:
        'SQL Server: HOST, HOST\\INSTANCE or HOST,PORT. Oracle: host:port/service_name or a (DESCRIPTION=...) descriptor.',
    }),
    catalog: z.string().trim().max(128).optional().meta({ title: 'Database (SQL Server catalog)' }),
    schema: z
      .string()
      .trim()
      .max(128)
      .optional()
      .meta({ title: 'Schema (Oracle: owner of the OSSYS tables, if not the user)' }),
    user: loginNameSchema({ max: 128, minMessage: 'enter the database user' }).meta({
      title: 'Database user (e.g. OSADMIN)',
    }),
    password: z
      .string()
      .min(1, 'enter the database password')
      .max(1024)
      .meta({ title: 'Database password', secret: true }),
    encrypt: z.boolean().default(true).meta({ title: 'Encrypt the connection (TLS)' }),
    trustServerCertificate: z
      .boolean()
      .default(false)
      .meta({ title: 'Trust the server certificate without checking it' }),
  })
  .meta({ title: 'Enter the Platform database connection by hand' });

export const platformDatabaseInput = z
  .discriminatedUnion('source', [hsconfSource, manualSource])
  .default({ source: 'hsconf' })
  .meta({ title: 'Platform database' });

export type PlatformDatabaseInput = z.output<typeof platformDatabaseInput>;

export interface PlatformDatabase {
  settings: DbSettings;
  /** The dialect of the real target (SQL Server or Oracle), whatever the sandbox runs on. */
  targetDialect: Dialect;
  /** Oracle: the owner of the OSSYS tables when it is not the login user. */
  schema?: string;
  /** Names the target for the run lock and the report, without secrets. */
  label: string;
  /** The Platform Server folder whose server.hsconf gave the connection (not for a connection typed by hand). */
  installDir?: string;
  facts: Fact[];
  environment: Environment['kind'];
}

export async function resolvePlatformDatabase(
  input: PlatformDatabaseInput,
  env: Environment,
): Promise<PlatformDatabase> {
  const { settings, installDir, keyWarning } =
    input.source === 'hsconf'
      ? await settingsFromServer(input.installDir, env)
      : { settings: settingsFromManualInput(input), installDir: undefined, keyWarning: undefined };
  const where =
    settings.dialect === 'oracle'
      ? settings.connectString || `${settings.host}:${settings.port ?? 1521}/${settings.serviceName ?? ''}`
      : hostLabel(settings);
  const schema =
    settings.dialect === 'oracle' &&
    settings.schema &&
    settings.schema.toUpperCase() !== settings.user.toUpperCase()
      ? settings.schema
      : undefined;
  const label = `${settings.dialect}://${where}/${settings.database ?? schema ?? settings.user}`;
  const facts: Fact[] = [
    {
      label: 'Platform database',
      value: `${dialectName(settings.dialect)} at ${where}${settings.database ? `, database ${settings.database}` : ''}`,
      status: 'info',
    },
    {
      label: 'Connects as',
      value: `${settings.authentication === 'windows-ntlm' ? `${settings.domain ?? ''}\\` : ''}${settings.user}`,
      status: 'info',
    },
  ];
  if (keyWarning) facts.push({ label: 'private.key', value: keyWarning, status: 'warn' });
  if (env.kind === 'sandbox') {
    facts.push({
      label: 'Practice sandbox',
      value: "statements run on the sandbox's PostgreSQL; the real server's form is shown beside them",
      status: 'warn',
    });
  }
  return {
    settings,
    targetDialect: settings.dialect,
    schema,
    label,
    ...(installDir ? { installDir } : {}),
    facts,
    environment: env.kind,
  };
}

function hostLabel(settings: DbSettings): string {
  return `${settings.host}${settings.instance ? `\\${settings.instance}` : ''}${settings.port ? `,${settings.port}` : ''}`;
}

async function settingsFromServer(
  installDirInput: string | undefined,
  env: Environment,
): Promise<{ settings: DbSettings; installDir: string; keyWarning?: string }> {
  const installDir = installDirInput || (await locateInstallDir(env, 'database.installDir'));
  const hsconfPath = path.join(installDir, 'server.hsconf');
  let doc: HsConf;
  try {
    doc = await HsConf.load(hsconfPath);
  } catch (error) {
    throw new InputError(
      'database.installDir',
      `${(error as Error).message} Give the Platform Server folder that holds server.hsconf, or enter the connection by hand.`,
    );
  }
  let key: Buffer | undefined;
  let keyWarning: string | undefined;
  try {
    ({ key, readableByOthers: keyWarning } = await loadPrivateKey(path.join(installDir, 'private.key')));
  } catch {
    // Plaintext passwords need no key; an encrypted one reports the missing key by name below.
    key = undefined;
  }
  try {
    return { settings: dbSettingsFromHsconf(doc, key, 'platform-admin'), installDir, keyWarning };
  } catch (error) {
    throw new InputError('database', `${(error as Error).message} Or enter the connection by hand.`);
  }
}

/** The Platform Server folder: the sandbox's practice tree, else the registry's answer, else the default. `field` names the input to fill when it cannot be found. */
export async function locateInstallDir(env: Environment, field: string): Promise<string> {
  if (env.kind === 'sandbox' && env.sandboxRoot) return path.join(env.sandboxRoot, 'Platform Server');
  if (process.platform !== 'win32') {
    throw new InputError(
      field,
      'This is not Windows, so there is no registry to find the Platform Server in: give its folder.',
    );
  }
  const registry = await readInstallFromRegistry(env.exec);
  return registry.installDir ?? DEFAULT_INSTALL_DIR;
}

function settingsFromManualInput(input: Extract<PlatformDatabaseInput, { source: 'manual' }>): DbSettings {
  const tls = { enabled: input.encrypt, trustServerCertificate: input.trustServerCertificate };
  try {
    if (input.provider === 'SqlServer') {
      const address = parseSqlServerServer(input.server);
      return {
        dialect: 'mssql',
        host: address.host,
        ...(address.instance ? { instance: address.instance } : {}),
        ...(address.port !== undefined ? { port: address.port } : {}),
        ...(input.catalog ? { database: input.catalog } : {}),
        authentication: 'sql',
        user: input.user,
        password: input.password,
        tls,
      };
    }
    const address = parseOracleConnectString(input.server, 'server');
    return {
      dialect: 'oracle',
      host: address.host,
      port: address.port,
      ...(address.serviceName ? { serviceName: address.serviceName } : {}),
      connectString: address.connectString,
      ...(input.schema ? { schema: input.schema } : {}),
      authentication: 'sql',
      user: input.user,
      password: input.password,
      tls: { ...tls, enabled: address.tls },
    };
  } catch (error) {
    throw new InputError('database.server', (error as Error).message);
  }
}

/** Every password the install's server.hsconf holds that can be read: for masking, never for showing. Nothing when it cannot be read. */
export async function readInstallSecrets(installDir: string): Promise<string[]> {
  try {
    const doc = await HsConf.load(path.join(installDir, 'server.hsconf'));
    const key = await loadPrivateKey(path.join(installDir, 'private.key')).then(
      (loaded) => loaded.key,
      () => undefined,
    );
    return readableHsconfSecrets(doc, key);
  } catch {
    return [];
  }
}

/** Opens a session for one unit of work and always closes it. */
export async function withPlatformSession<T>(
  database: PlatformDatabase,
  env: Environment,
  work: (session: DbSession) => Promise<T>,
): Promise<T> {
  const session = await env.db.connect(database.settings);
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}

/** The statement as it runs here, and in the sandbox also as it would run on the real server. */
export function sqlForDisplay(
  database: PlatformDatabase,
  render: (dialect: Dialect) => string,
): Array<{ dialect: string; text: string }> {
  if (database.environment !== 'sandbox')
    return [{ dialect: dialectName(database.targetDialect), text: render(database.targetDialect) }];
  return [
    { dialect: `${dialectName('postgres')} (practice sandbox: runs here)`, text: render('postgres') },
    {
      dialect: `${dialectName(database.targetDialect)} (on the real server)`,
      text: render(database.targetDialect),
    },
  ];
}

export function connectCheckStep(database: PlatformDatabase): StepDefinition {
  return {
    id: 'connect-platform-database',
    kind: 'check',
    title: 'Connect to the Platform database',
    describe: () => ({
      summary: `Opens a connection to the Platform database (${database.label}) as ${database.settings.user} and reads the server version.`,
    }),
    async run(ctx) {
      ctx.addSecret(database.settings.password);
      const result = await ctx.env.db.test(database.settings);
      if (!result.ok) {
        throw new StepFailure(
          `The Platform database cannot be reached (${result.kind}): ${result.message}`,
          'Check the server, the user and its password in server.hsconf or the connection you entered.',
        );
      }
      ctx.log(`Connected: ${result.serverVersion}`);
    },
  };
}

/** The run's lock on the install itself (beside server.hsconf), when the connection came from there. */
export function hsconfLock(database: PlatformDatabase): { targetLock?: TargetLockDefinition } {
  return database.installDir ? { targetLock: lockFileBeside(database.installDir, 'server.hsconf') } : {};
}
