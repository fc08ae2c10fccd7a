/**
 * The OutSystems part of the practice sandbox: the platform tables with realistic users (an admin
 * per tenant, a disabled admin, a legacy MD5 hash, look-alike user names), the AD provider row and
 * the registered servers; the five platform database users as real PostgreSQL roles with
 * passwords, over three databases (Platform = the system's database, Log with the `oslog_Error`
 * views, Session); a server.hsconf + private.key in `<root>/Platform Server` pointing at them;
 * modules under `running\` and both machine.config files holding their connection strings; the
 * OutSystems services and IIS (W3SVC); and the simulated programs (sandbox-programs.ts).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { SandboxSeedContext } from '../../engine/types.js';
import { writeFileAtomic } from '../../platform/files/atomic-write.js';
import { quoteIdentifier } from '../../platform/db/quoting.js';
import { CONFIG_TOOL_PROGRAM } from './config-tool.js';
import { hashOutSystemsPassword, legacyOutSystemsHash } from './hash.js';
import { writeModuleSettings, writeMachineConfigs } from './sandbox-apply.js';
import { SANDBOX_FRONT_END, writeSandboxFrontEnd } from './front-end-sandbox.js';
import { HsConf } from './hsconf.js';
import { APP_SETTINGS_FILE, RUNNING_DIR, renderAppSettings } from './module-configs.js';
import { parsePrivateKey } from './private-key.js';
import { encryptSetting } from './settings-crypto.js';

export const SANDBOX_INSTALL_DIR_NAME = 'Platform Server';
export const SANDBOX_CONFIG_TOOL_LOG = 'ConfigurationTool.log';

/** Passwords the practice users start with, shown to the trainee by the sandbox's discovery. */
export const SANDBOX_PASSWORDS = {
  itAdmin: 'Practice-IT-admin-1',
  endUserAdmin: 'Practice-users-admin-1',
  legacy: 'legacy-dev-password',
} as const;

/** The sandbox's IIS (iisreset stops and starts it). */
export const SANDBOX_IIS_SERVICE = 'W3SVC';
/** Practice knobs a test or trainee writes to rehearse failures (see sandbox-programs.ts). */
export const SANDBOX_PRACTICE_FILE = 'practice.json';
export const SANDBOX_LOG_CATALOG = 'outsystems_log';
export const SANDBOX_SESSION_CATALOG = 'osSession';
export const SANDBOX_SERVER_NAME = 'SANDBOX-CTRL';
/** The Platform Server version the sandbox plays (has /ApplySettingsFactory, logs no credentials). */
export const SANDBOX_PLATFORM_VERSION = '11.31.0';
/** The modules seeded under running\ (CustomerPortal also has an older, stale folder). */
export const SANDBOX_MODULES = ['ServiceCenter', 'Users', 'CustomerPortal'] as const;

const SERVICES = [
  'OutSystems Log Service',
  'OutSystems Deployment Controller Service',
  'OutSystems Deployment Service',
  'OutSystems Scheduler Service',
  'OutSystems SMS Connector Service',
];

const SCHEMA = `
CREATE TABLE ossys_tenant (
  id integer PRIMARY KEY,
  name varchar(50) NOT NULL,
  is_active boolean NOT NULL DEFAULT true
);
CREATE TABLE ossys_user (
  id integer PRIMARY KEY,
  tenant_id integer NOT NULL REFERENCES ossys_tenant(id),
  name varchar(200) NOT NULL,
  username varchar(250) NOT NULL,
  password varchar(256),
  email varchar(250),
  is_active boolean NOT NULL DEFAULT true,
  creation_date timestamp NOT NULL DEFAULT now(),
  last_login timestamp
);
CREATE TABLE ossys_authprovider (
  id integer PRIMARY KEY,
  name varchar(50) NOT NULL,
  isactive boolean NOT NULL
);
CREATE TABLE ossys_server (
  id integer PRIMARY KEY,
  name varchar(250) NOT NULL,
  ip_address varchar(50) NOT NULL,
  is_active boolean NOT NULL
);`;

/** The Log database: the rotating `oslog_Error_<n>` tables behind the current and previous week's views. */
const LOG_SCHEMA = `
CREATE TABLE oslog_error_0 (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  instant timestamptz NOT NULL DEFAULT now(),
  espace_id integer NOT NULL DEFAULT 0,
  tenant_id integer NOT NULL DEFAULT 1,
  message text NOT NULL,
  stack text,
  module_name varchar(50),
  server varchar(250),
  espace_name varchar(250),
  application_name varchar(250)
);
CREATE TABLE oslog_error_1 (LIKE oslog_error_0 INCLUDING ALL);
CREATE VIEW oslog_error AS SELECT * FROM oslog_error_0;
CREATE VIEW oslog_error_previous AS SELECT * FROM oslog_error_1;`;

const SESSION_SCHEMA = `
CREATE TABLE ossys_session (
  session_id varchar(88) PRIMARY KEY,
  created timestamptz NOT NULL DEFAULT now(),
  data bytea
);`;

export async function seedOutSystemsSandbox(sandbox: SandboxSeedContext): Promise<void> {
  const client = new pg.Client({ connectionString: sandbox.databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('DROP TABLE IF EXISTS ossys_user, ossys_authprovider, ossys_tenant, ossys_server');
    await client.query(SCHEMA);
    await client.query(
      `INSERT INTO ossys_tenant (id, name) VALUES (1, 'ServiceCenter'), (2, 'Users'), (3, 'CustomerPortal')`,
    );
    const users: Array<[number, number, string, string, string, boolean]> = [
      [1, 1, 'Administrator', 'admin', hashOutSystemsPassword(SANDBOX_PASSWORDS.itAdmin), true],
      [2, 1, 'Second admin (look-alike)', 'admin2', hashOutSystemsPassword('admin2-practice-pw'), true],
      [3, 1, 'Jane Developer', 'jane.dev', legacyOutSystemsHash(SANDBOX_PASSWORDS.legacy), true],
      [4, 2, 'Users administrator', 'admin', hashOutSystemsPassword(SANDBOX_PASSWORDS.endUserAdmin), false],
      [5, 2, 'Bob End-User', 'bob', hashOutSystemsPassword('bob-practice-pw'), true],
      [
        6,
        2,
        'Administrator (look-alike)',
        'administrator',
        hashOutSystemsPassword('administrator-practice'),
        true,
      ],
      [7, 3, 'Portal admin', 'admin', hashOutSystemsPassword('portal-admin-practice'), true],
    ];
    for (const [id, tenantId, name, username, password, active] of users) {
      await client.query(
        'INSERT INTO ossys_user (id, tenant_id, name, username, password, email, is_active) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [id, tenantId, name, username, password, `${username}@example.invalid`, active],
      );
    }
    await client.query(
      `INSERT INTO ossys_authprovider (id, name, isactive) VALUES (1, 'ADAuthProvider', true), (2, 'InternalAuthProvider', true)`,
    );
    await client.query(
      `INSERT INTO ossys_server (id, name, ip_address, is_active) VALUES (1, '${SANDBOX_SERVER_NAME}', '127.0.0.1', true), (2, $1, $2, true)`,
      [SANDBOX_FRONT_END.name, SANDBOX_FRONT_END.ipAddress],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    await client.end();
  }
  const users = await createDatabaseUsers(sandbox);
  const installDir = path.join(sandbox.root, SANDBOX_INSTALL_DIR_NAME);
  await writeInstallTree(installDir, users);
  await writeSandboxFrontEnd(sandbox.root, installDir);
  const doc = HsConf.parse(fs.readFileSync(path.join(installDir, 'server.hsconf')));
  const { key } = parsePrivateKey(fs.readFileSync(path.join(installDir, 'private.key')));
  await writeModules(installDir, doc, key);
  await writeMachineConfigs(sandbox.root, doc, key);
  for (const name of SERVICES) sandbox.defineService(name, { displayName: name, startType: 'auto' });
  sandbox.defineService(SANDBOX_IIS_SERVICE, {
    displayName: 'World Wide Web Publishing Service',
    startType: 'auto',
  });
}

interface SandboxDbUser {
  name: string;
  password: string;
}

type SandboxDbUsers = Record<
  'platformAdmin' | 'platformRuntime' | 'logAdmin' | 'logRuntime' | 'session',
  SandboxDbUser
>;

/** The five users as login roles, with the rights the Configuration Tool grants (admin: all; runtime: read/write). */
async function createDatabaseUsers(sandbox: SandboxSeedContext): Promise<SandboxDbUsers> {
  const role = async (name: string): Promise<SandboxDbUser> => {
    const password = randomBytes(12).toString('base64url');
    return { name: await sandbox.createRole(name, password), password };
  };
  const users: SandboxDbUsers = {
    platformAdmin: await role('OSADMIN'),
    platformRuntime: await role('OSRUNTIME'),
    logAdmin: await role('OSADMIN_LOG'),
    logRuntime: await role('OSRUNTIME_LOG'),
    session: await role('OSSTATE'),
  };
  const grant = async (url: string, schema: string | undefined, admin: string, runtime?: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      if (schema) await client.query(schema);
      const q = (name: string) => quoteIdentifier('postgres', name);
      await client.query(`GRANT ALL ON ALL TABLES IN SCHEMA public TO ${q(admin)}`);
      if (runtime)
        await client.query(
          `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${q(runtime)}`,
        );
    } finally {
      await client.end();
    }
  };
  await grant(sandbox.databaseUrl, undefined, users.platformAdmin.name, users.platformRuntime.name);
  await grant(
    await sandbox.createDatabase(SANDBOX_LOG_CATALOG),
    LOG_SCHEMA,
    users.logAdmin.name,
    users.logRuntime.name,
  );
  await grant(await sandbox.createDatabase(SANDBOX_SESSION_CATALOG), SESSION_SCHEMA, users.session.name);
  return users;
}

async function writeInstallTree(installDir: string, users: SandboxDbUsers): Promise<void> {
  fs.mkdirSync(installDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(16);
  const privateKey = `-- This key encrypts the settings of the practice sandbox's OutSystems environment.\r\n\r\n${key.toString('base64')}\r\n`;
  await writeFileAtomic(path.join(installDir, 'private.key'), privateKey, { mode: 0o600 });
  const encrypted = (value: string) => encryptSetting(value, key);
  const database = (section: string, catalog: string, lines: string) => `  <${section}>
    <ProviderKey>SqlServer</ProviderKey>
    <Server>SANDBOX-SQL\\OUTSYSTEMS</Server>
    <Catalog>${catalog}</Catalog>
    <UsedAuthenticationMode>Database Authentication</UsedAuthenticationMode>
${lines}
  </${section}>`;
  const hsconf = `<?xml version="1.0" encoding="utf-8"?>
<EnvironmentConfiguration>
${database(
  'PlatformDatabaseConfiguration',
  'outsystems',
  `    <AdminUser>${users.platformAdmin.name}</AdminUser>
    <AdminPassword encrypted="true">${encrypted(users.platformAdmin.password)}</AdminPassword>
    <RuntimeUser>${users.platformRuntime.name}</RuntimeUser>
    <RuntimePassword encrypted="true">${encrypted(users.platformRuntime.password)}</RuntimePassword>`,
)}
${database(
  'LoggingDatabaseConfiguration',
  SANDBOX_LOG_CATALOG,
  `    <AdminUser>${users.logAdmin.name}</AdminUser>
    <AdminPassword encrypted="true">${encrypted(users.logAdmin.password)}</AdminPassword>
    <RuntimeUser>${users.logRuntime.name}</RuntimeUser>
    <RuntimePassword encrypted="true">${encrypted(users.logRuntime.password)}</RuntimePassword>`,
)}
${database(
  'SessionDatabaseConfiguration',
  SANDBOX_SESSION_CATALOG,
  `    <SessionUser>${users.session.name}</SessionUser>
    <SessionPassword encrypted="true">${encrypted(users.session.password)}</SessionPassword>`,
)}
  <ServiceConfiguration>
    <CompilerServerHostname>localhost</CompilerServerHostname>
  </ServiceConfiguration>
  <ServerConfiguration>
    <InternalAddress>127.0.0.1</InternalAddress>
  </ServerConfiguration>
  <NetworkConfiguration>
    <OutgoingIPAddress></OutgoingIPAddress>
  </NetworkConfiguration>
</EnvironmentConfiguration>
`.replace(/\n/g, '\r\n');
  await writeFileAtomic(path.join(installDir, 'server.hsconf'), hsconf, { mode: 0o600 });
  await writeFileAtomic(
    path.join(installDir, CONFIG_TOOL_PROGRAM),
    'Practice sandbox: the Configuration Tool is simulated.\r\n',
    { mode: 0o600 },
  );
}

/**
 * Modules under running\: one folder each, plus an older CustomerPortal folder whose settings
 * hold a password nobody uses any more (only the newest folder is live) and a plain cache file.
 */
async function writeModules(installDir: string, doc: HsConf, key: Buffer): Promise<void> {
  const running = path.join(installDir, RUNNING_DIR);
  fs.mkdirSync(running, { recursive: true, mode: 0o700 });
  const stale = path.join(running, 'CustomerPortal.20240101');
  fs.mkdirSync(stale, { mode: 0o700 });
  const oldValue = encryptSetting(
    'data source=SANDBOX-SQL\\OUTSYSTEMS;initial catalog=outsystems;user id=OSRUNTIME;password=retired-2023',
    key,
  );
  await writeFileAtomic(
    path.join(stale, APP_SETTINGS_FILE),
    renderAppSettings(
      new Map([['OutSystems.DB.Platform.Application.Runtime.ConnectionString (DEFAULT)', oldValue]]),
    ),
    { mode: 0o600 },
  );
  // Folder creation times must differ for "newest" to mean something.
  await new Promise((resolve) => setTimeout(resolve, 20));
  for (const module of SANDBOX_MODULES) {
    fs.mkdirSync(path.join(running, `${module}.${randomBytes(4).toString('hex')}`), { mode: 0o700 });
  }
  await writeModuleSettings(installDir, doc, key, new Set());
  await writeFileAtomic(path.join(running, 'pendingDeployments.ModuleDeployment.cache'), '', { mode: 0o600 });
}
