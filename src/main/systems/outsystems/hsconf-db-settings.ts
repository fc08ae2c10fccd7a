/** The database connection settings of each of the five OutSystems database users, from server.hsconf. */
import { DbInputError } from '../../platform/db/errors.js';
import { oracleAddress, parseOracleConnectString } from '../../platform/db/oracle-connect.js';
import type { DbSettings } from '../../platform/db/types.js';
import { HsConf, HsConfError } from './hsconf.js';
import { requireHsconfSecret } from './hsconf-secrets.js';
import { parseSqlServerServer } from '../../platform/db/sqlserver-server.js';

export type OutSystemsDbRole =
  'platform-admin' | 'platform-runtime' | 'log-admin' | 'log-runtime' | 'session';

export interface DbRoleDefinition {
  role: OutSystemsDbRole;
  label: string;
  section: string;
  userKey: string;
  passwordKey: string;
  /** The default user name the Configuration Tool suggests. */
  defaultUser: string;
  /** The user that owns the tables on Oracle (the section's admin user). */
  ownerKey: string;
}

export const OUTSYSTEMS_DB_ROLES: readonly DbRoleDefinition[] = [
  {
    role: 'platform-admin',
    label: 'Platform admin',
    section: 'PlatformDatabaseConfiguration',
    userKey: 'AdminUser',
    passwordKey: 'AdminPassword',
    defaultUser: 'OSADMIN',
    ownerKey: 'AdminUser',
  },
  {
    role: 'platform-runtime',
    label: 'Platform runtime',
    section: 'PlatformDatabaseConfiguration',
    userKey: 'RuntimeUser',
    passwordKey: 'RuntimePassword',
    defaultUser: 'OSRUNTIME',
    ownerKey: 'AdminUser',
  },
  {
    role: 'log-admin',
    label: 'Log admin',
    section: 'LoggingDatabaseConfiguration',
    userKey: 'AdminUser',
    passwordKey: 'AdminPassword',
    defaultUser: 'OSADMIN_LOG',
    ownerKey: 'AdminUser',
  },
  {
    role: 'log-runtime',
    label: 'Log runtime',
    section: 'LoggingDatabaseConfiguration',
    userKey: 'RuntimeUser',
    passwordKey: 'RuntimePassword',
    defaultUser: 'OSRUNTIME_LOG',
    ownerKey: 'AdminUser',
  },
  {
    role: 'session',
    label: 'Session',
    section: 'SessionDatabaseConfiguration',
    userKey: 'SessionUser',
    passwordKey: 'SessionPassword',
    defaultUser: 'OSSTATE',
    ownerKey: 'SessionUser',
  },
];

export function dbRoleDefinition(role: OutSystemsDbRole): DbRoleDefinition {
  const definition = OUTSYSTEMS_DB_ROLES.find((candidate) => candidate.role === role);
  if (!definition) throw new Error(`Unknown OutSystems database role ${role}`);
  return definition;
}

export type DatabaseProvider = 'SqlServer' | 'Oracle';

/** The section's ProviderKey; anything but SqlServer/Oracle is an error naming it. */
export function databaseProvider(doc: HsConf, section: string): DatabaseProvider {
  const provider = doc.require(section, 'ProviderKey').value.trim();
  if (provider === 'SqlServer' || provider === 'Oracle') return provider;
  throw new HsConfError(
    `${section}/ProviderKey is "${provider}"; Breakglass knows SqlServer and Oracle. Check the database provider in the Configuration Tool.`,
  );
}

/**
 * Whether the section uses Windows (integrated) authentication. The stored wording is not
 * documented: anything that names neither Windows/integrated nor database/SQL authentication is refused.
 */
export function usesWindowsAuthentication(doc: HsConf, section: string): boolean {
  const mode = doc.get(section, 'UsedAuthenticationMode')?.value.trim() ?? '';
  if (mode === '' || /database|sql/i.test(mode)) return false;
  if (/windows|integrated/i.test(mode)) return true;
  throw new HsConfError(
    `${section}/UsedAuthenticationMode is "${mode}", which Breakglass does not recognise. Check the authentication mode in the Configuration Tool.`,
  );
}

/**
 * The connection settings for one database user. `$2$` passwords are decrypted with `key`;
 * plaintext ones (`encrypted="false"` or no attribute) are taken as they are.
 */
export function dbSettingsFromHsconf(
  doc: HsConf,
  key: Buffer | undefined,
  role: OutSystemsDbRole,
): DbSettings {
  const definition = dbRoleDefinition(role);
  const { section } = definition;
  const provider = databaseProvider(doc, section);
  const user = doc.require(section, definition.userKey).value.trim();
  if (!user)
    throw new HsConfError(
      `${section}/${definition.userKey} is empty. Set the ${definition.label} user in the Configuration Tool.`,
    );
  const password = requireHsconfSecret(doc, section, definition.passwordKey, key);

  if (provider === 'Oracle') return oracleSettings(doc, definition, user, password);

  const server = parseServer(doc.require(section, 'Server').value, `${section}/Server`);
  const windows = usesWindowsAuthentication(doc, section);
  const [domain, account] = windows && user.includes('\\') ? user.split('\\', 2) : [undefined, user];
  return {
    dialect: 'mssql',
    host: server.host,
    ...(server.port !== undefined ? { port: server.port } : {}),
    ...(server.instance ? { instance: server.instance } : {}),
    database: doc.require(section, 'Catalog').value.trim(),
    authentication: windows ? 'windows-ntlm' : 'sql',
    user: account ?? user,
    ...(domain ? { domain } : {}),
    password,
    ...tlsFromAdvanced(doc.get(section, 'AdvancedConfiguration')?.value ?? ''),
  };
}

function oracleSettings(
  doc: HsConf,
  definition: DbRoleDefinition,
  user: string,
  password: string,
): DbSettings {
  const { section } = definition;
  const value = (key: string) => doc.get(section, key)?.value.trim() ?? '';
  const schema = value(definition.ownerKey) || user;
  const base = { dialect: 'oracle' as const, authentication: 'sql' as const, user, password, schema };
  const tnsName = value('TNSName');
  if (value('NamingType').toLowerCase().startsWith('tns') || (tnsName && !value('Host'))) {
    if (!tnsName)
      throw new HsConfError(
        `${section}/TNSName is empty while NamingType is TNS. Set the TNS name in the Configuration Tool.`,
      );
    const address = asHsConfError(() => parseOracleConnectString(tnsName, `${section}/TNSName`));
    return {
      ...base,
      host: address.host,
      port: address.port,
      ...(address.serviceName ? { serviceName: address.serviceName } : {}),
      connectString: address.connectString,
    };
  }
  const host = value('Host');
  const serviceName = value('ServiceName');
  if (!host || !serviceName) {
    throw new HsConfError(
      `${section} has no Host or ServiceName. Set the Oracle host and service name in the Configuration Tool.`,
    );
  }
  const portText = value('Port') || '1521';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new HsConfError(
      `${section}/Port is "${portText}", not a port number. Fix it in the Configuration Tool.`,
    );
  }
  asHsConfError(() => oracleAddress({ host, port, serviceName }));
  return { ...base, host, port, serviceName };
}

/** The database layer's parsers name the field and the fix; in server.hsconf terms they are HsConf errors. */
function asHsConfError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const field = error instanceof DbInputError ? `${error.field}: ` : '';
    throw new HsConfError(
      `${field}${(error as Error).message} Fix it in the Configuration Tool, or enter the connection by hand.`,
    );
  }
}

function parseServer(value: string, field: string) {
  try {
    return parseSqlServerServer(value);
  } catch (error) {
    throw new HsConfError(`${field}: ${(error as Error).message} Fix it in the Configuration Tool.`);
  }
}

/** Encrypt / TrustServerCertificate from the section's AdvancedConfiguration (extra connection-string options). */
function tlsFromAdvanced(advanced: string): Pick<DbSettings, 'tls'> {
  const options = new Map<string, string>();
  for (const part of advanced.split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0)
      options.set(
        part.slice(0, separator).trim().toLowerCase(),
        part
          .slice(separator + 1)
          .trim()
          .toLowerCase(),
      );
  }
  const encrypt = options.get('encrypt');
  if (encrypt === undefined) return {};
  return {
    tls: {
      enabled: ['true', 'yes', 'mandatory', 'strict'].includes(encrypt),
      trustServerCertificate: ['true', 'yes'].includes(options.get('trustservercertificate') ?? ''),
    },
  };
}
