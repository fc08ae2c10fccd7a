/**
 * What the simulated Configuration Tool does to the practice sandbox, as the real one does to a
 * server: applying the configuration writes the platform's connection strings (from server.hsconf)
 * into both machine.config files; Apply Settings (and installing Service Center, for its own
 * module) rewrites modules' appSettings.config; when the services come back, every live module
 * logs in with the connection strings it holds, and a module still holding an old password fails
 * its login into the Log database's error table, as it would on a real server.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { SandboxSeedContext } from '../../engine/types.js';
import { writeFileAtomic } from '../../platform/files/atomic-write.js';
import {
  connectionKeyRole,
  connectionStringFor,
  encryptConnectionString,
  MACHINE_CONNECTION_KEYS,
  MODULE_CONNECTION_KEYS,
  parseConnectionString,
} from './connection-strings.js';
import type { HsConf } from './hsconf.js';
import {
  APP_SETTINGS_FILE,
  liveModules,
  machineConfigPaths,
  parseAppSettings,
  renderAppSettings,
  renderMachineConfig,
} from './module-configs.js';
import { decryptSetting } from './settings-crypto.js';

const SANDBOX_SETTINGS_KEY_PATH = 'OutSystems.HubEdition.SettingsKeyPath(DEFAULT)';

/** Rewrites the connection strings of every live module whose name is not in `skip` (other keys kept). */
export async function writeModuleSettings(
  installDir: string,
  doc: HsConf,
  key: Buffer,
  skip: ReadonlySet<string>,
  only?: ReadonlySet<string>,
): Promise<string[]> {
  const written: string[] = [];
  for (const module of await liveModules(installDir)) {
    if (skip.has(module.module) || (only && !only.has(module.module))) continue;
    const file = path.join(module.folder, APP_SETTINGS_FILE);
    const entries = fs.existsSync(file)
      ? parseAppSettings(fs.readFileSync(file, 'utf8'), file)
      : new Map([[SANDBOX_SETTINGS_KEY_PATH, path.join(installDir, 'private.key')]]);
    for (const name of MODULE_CONNECTION_KEYS) {
      const role = connectionKeyRole(name);
      if (role) entries.set(name, encryptConnectionString(connectionStringFor(doc, key, role), key));
    }
    await writeFileAtomic(file, renderAppSettings(entries), { mode: 0o600 });
    written.push(module.module);
  }
  return written;
}

export async function writeMachineConfigs(sandboxRoot: string, doc: HsConf, key: Buffer): Promise<void> {
  const entries = new Map<string, string>();
  for (const name of MACHINE_CONNECTION_KEYS) {
    const role = connectionKeyRole(name);
    if (role) entries.set(name, encryptConnectionString(connectionStringFor(doc, key, role), key));
  }
  for (const file of machineConfigPaths({ kind: 'sandbox', sandboxRoot })) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    await writeFileAtomic(file, renderMachineConfig(entries), { mode: 0o600 });
  }
}

/** Each live module logs in with each connection string it holds; a failure becomes a row in oslog_Error. Returns the failures. */
export async function startModules(
  sandbox: SandboxSeedContext,
  installDir: string,
  key: Buffer,
  logCatalog: string,
  serverName: string,
): Promise<Array<{ module: string; user: string }>> {
  const failures: Array<{ module: string; user: string }> = [];
  // Modules holding the same credentials get the same answer: log in once per distinct credential.
  const outcomes = new Map<string, Promise<boolean>>();
  for (const module of await liveModules(installDir)) {
    const file = path.join(module.folder, APP_SETTINGS_FILE);
    if (!fs.existsSync(file)) continue;
    const entries = parseAppSettings(fs.readFileSync(file, 'utf8'), file);
    const tried = new Set<string>();
    for (const [name, value] of entries) {
      if (!connectionKeyRole(name)) continue;
      let credentials;
      try {
        credentials = parseConnectionString(decryptSetting(value, key, name));
      } catch {
        continue;
      }
      const signature = `${credentials.user}\u0000${credentials.catalog}`;
      if (!credentials.user || tried.has(signature)) continue;
      tried.add(signature);
      const credential = `${signature}\u0000${credentials.password ?? ''}`;
      if (!outcomes.has(credential))
        outcomes.set(
          credential,
          sandbox.db
            .test({
              dialect: 'mssql',
              host: credentials.dataSource ?? '',
              database: credentials.catalog,
              authentication: 'sql',
              user: credentials.user,
              password: credentials.password ?? '',
            })
            .then((result) => result.ok),
        );
      if (!(await outcomes.get(credential))) failures.push({ module: module.module, user: credentials.user });
    }
  }
  if (failures.length > 0) {
    const client = new pg.Client({ connectionString: await sandbox.databaseUrlOf(logCatalog) });
    await client.connect();
    try {
      for (const failure of failures) {
        await client.query(
          `INSERT INTO oslog_error_0 (message, stack, module_name, server, espace_name) VALUES ($1, $2, 'Database', $3, $4)`,
          [
            `Error opening connection to the database: The login failed. Login failed for user '${failure.user}'.`,
            'at System.Data.ProviderBase.DbConnectionPool.GetConnection (practice sandbox)',
            serverName,
            failure.module,
          ],
        );
      }
    } finally {
      await client.end();
    }
  }
  return failures;
}
