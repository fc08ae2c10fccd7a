/**
 * The OutSystems part of the practice sandbox: the platform tables with realistic users (an admin
 * per tenant, a disabled admin, a legacy MD5 hash, look-alike user names), the AD provider row,
 * a server.hsconf + private.key in `<root>/Platform Server`, the OutSystems services, and a
 * simulated Configuration Tool.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { SandboxSeedContext, SimulatedProgram } from '../../engine/types.js';
import { writeFileAtomic } from '../../platform/files/atomic-write.js';
import { CONFIG_TOOL_PROGRAM } from './config-tool.js';
import { hashOutSystemsPassword, legacyOutSystemsHash } from './hash.js';
import { encryptSetting } from './settings-crypto.js';

export const SANDBOX_INSTALL_DIR_NAME = 'Platform Server';
export const SANDBOX_CONFIG_TOOL_LOG = 'ConfigurationTool.log';

/** Passwords the practice users start with, shown to the trainee by the sandbox's discovery. */
export const SANDBOX_PASSWORDS = {
  itAdmin: 'Practice-IT-admin-1',
  endUserAdmin: 'Practice-users-admin-1',
  legacy: 'legacy-dev-password',
} as const;

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
);`;

export async function seedOutSystemsSandbox(sandbox: SandboxSeedContext): Promise<void> {
  const client = new pg.Client({ connectionString: sandbox.databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('DROP TABLE IF EXISTS ossys_user, ossys_authprovider, ossys_tenant');
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
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    await client.end();
  }
  await writeInstallTree(path.join(sandbox.root, SANDBOX_INSTALL_DIR_NAME));
  for (const name of SERVICES) sandbox.defineService(name, { displayName: name, startType: 'auto' });
}

async function writeInstallTree(installDir: string): Promise<void> {
  fs.mkdirSync(installDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(16);
  const privateKey = `-- This key encrypts the settings of the practice sandbox's OutSystems environment.\r\n\r\n${key.toString('base64')}\r\n`;
  await writeFileAtomic(path.join(installDir, 'private.key'), privateKey, { mode: 0o600 });
  const encrypted = (value: string) => encryptSetting(value, key);
  const database = (section: string, users: string) => `  <${section}>
    <ProviderKey>SqlServer</ProviderKey>
    <Server>SANDBOX-SQL\\OUTSYSTEMS</Server>
    <Catalog>${section === 'SessionDatabaseConfiguration' ? 'osSession' : section === 'LoggingDatabaseConfiguration' ? 'outsystems_log' : 'outsystems'}</Catalog>
    <UsedAuthenticationMode>Database Authentication</UsedAuthenticationMode>
${users}
  </${section}>`;
  const hsconf = `<?xml version="1.0" encoding="utf-8"?>
<EnvironmentConfiguration>
${database(
  'PlatformDatabaseConfiguration',
  `    <AdminUser>OSADMIN</AdminUser>
    <AdminPassword encrypted="true">${encrypted(randomBytes(12).toString('base64url'))}</AdminPassword>
    <RuntimeUser>OSRUNTIME</RuntimeUser>
    <RuntimePassword encrypted="true">${encrypted(randomBytes(12).toString('base64url'))}</RuntimePassword>`,
)}
${database(
  'LoggingDatabaseConfiguration',
  `    <AdminUser>OSADMIN_LOG</AdminUser>
    <AdminPassword encrypted="true">${encrypted(randomBytes(12).toString('base64url'))}</AdminPassword>
    <RuntimeUser>OSRUNTIME_LOG</RuntimeUser>
    <RuntimePassword encrypted="true">${encrypted(randomBytes(12).toString('base64url'))}</RuntimePassword>`,
)}
${database(
  'SessionDatabaseConfiguration',
  `    <SessionUser>OSSTATE</SessionUser>
    <SessionPassword encrypted="true">${encrypted(randomBytes(12).toString('base64url'))}</SessionPassword>`,
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

const KNOWN_SWITCHES = new Set([
  '/SetupInstall',
  '/UpgradeInstall',
  '/RebuildSession',
  '/InstallServiceCenter',
  '/InstallSystemComponents',
  '/UpgradeEnvironment',
  '/ApplySettingsFactory',
]);

/** Accepts the documented switches, logs what a real run would do, and succeeds; an unknown switch fails as the tool does. */
const simulatedConfigurationTool: SimulatedProgram = async (request, sandbox) => {
  const started = Date.now();
  const switches = request.args.filter((arg) => arg.startsWith('/'));
  const unknown = switches.filter((name) => !KNOWN_SWITCHES.has(name));
  const logLines = [`${new Date().toISOString()} [sandbox] ConfigurationTool.com ${switches.join(' ')}`];
  let exitCode = 0;
  if (switches.length === 0 || unknown.length > 0) {
    exitCode = 1;
    logLines.push(`ERROR: unknown or missing switch ${unknown.join(' ') || '(none)'}`);
  } else {
    for (const name of switches) logLines.push(`[sandbox] ${name}: done (simulated).`);
  }
  fs.appendFileSync(path.join(sandbox.root, SANDBOX_CONFIG_TOOL_LOG), `${logLines.join('\r\n')}\r\n`, {
    mode: 0o600,
  });
  return {
    exitCode,
    signal: null,
    stdout: exitCode === 0 ? `Practice sandbox: ${switches.join(' ')} simulated successfully.\r\n` : '',
    stderr: exitCode === 0 ? '' : logLines.slice(1).join('\r\n'),
    timedOut: false,
    durationMs: Date.now() - started,
  };
};

export const outsystemsSandboxPrograms: Record<string, SimulatedProgram> = {
  [CONFIG_TOOL_PROGRAM]: simulatedConfigurationTool,
};
