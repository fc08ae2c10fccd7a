/**
 * What proves a rotation reached every consumer of the passwords, also used on its own by
 * `outsystems.diagnose-db-logins`: the live modules' appSettings.config and both machine.config
 * files against server.hsconf, and the login failures in the Log database's error views.
 */
import path from 'node:path';
import type { Environment } from '../../engine/types.js';
import { ident, renderSql, sql } from '../../platform/db/sql.js';
import type { DbSession } from '../../platform/db/types.js';
import {
  checkConnectionStrings,
  expectedCredentials,
  MACHINE_CONNECTION_KEYS,
  MODULE_CONNECTION_KEYS,
  type ConnectionCheck,
} from './connection-strings.js';
import type { HsConf } from './hsconf.js';
import { dbSettingsFromHsconf } from './hsconf-db-settings.js';
import {
  APP_SETTINGS_FILE,
  ConfigFileError,
  liveModules,
  machineConfigPaths,
  readAppSettingsFile,
} from './module-configs.js';

export interface ConfigFileCheck {
  /** The module name, or the machine.config path. */
  name: string;
  file: string;
  checks: ConnectionCheck[];
  /** Set when the file could not be read at all. */
  problem?: string;
}

export function isCurrent(file: ConfigFileCheck): boolean {
  return !file.problem && file.checks.every((check) => check.status === 'current');
}

export function describeCheck(file: ConfigFileCheck): string {
  if (file.problem) return `${file.name}: ${file.problem}`;
  const bad = file.checks.filter((check) => check.status !== 'current');
  if (bad.length === 0) return `${file.name}: current`;
  const words = {
    stale: 'an old password',
    undecryptable: 'a value private.key does not open',
    missing: 'missing',
  };
  return `${file.name}: ${bad.map((check) => `${check.key} ${check.status === 'current' ? '' : words[check.status]}`).join('; ')}`;
}

/** Each module's live (newest) appSettings.config against server.hsconf. */
export async function checkModules(
  installDir: string,
  doc: HsConf,
  privateKey: Buffer,
): Promise<ConfigFileCheck[]> {
  const expected = expectedCredentials(doc, privateKey);
  const results: ConfigFileCheck[] = [];
  for (const module of await liveModules(installDir)) {
    const file = path.join(module.folder, APP_SETTINGS_FILE);
    try {
      const entries = await readAppSettingsFile(file);
      results.push({
        name: module.module,
        file,
        checks: checkConnectionStrings(entries, MODULE_CONNECTION_KEYS, expected, privateKey),
      });
    } catch (error) {
      if (!(error instanceof ConfigFileError)) throw error;
      results.push({ name: module.module, file, checks: [], problem: error.message });
    }
  }
  return results;
}

/** Both machine.config files against server.hsconf. */
export async function checkMachineConfigs(
  env: Pick<Environment, 'kind' | 'sandboxRoot'>,
  doc: HsConf,
  privateKey: Buffer,
): Promise<ConfigFileCheck[]> {
  const expected = expectedCredentials(doc, privateKey);
  const results: ConfigFileCheck[] = [];
  for (const file of machineConfigPaths(env)) {
    try {
      const entries = await readAppSettingsFile(file);
      results.push({
        name: file,
        file,
        checks: checkConnectionStrings(entries, MACHINE_CONNECTION_KEYS, expected, privateKey),
      });
    } catch (error) {
      if (!(error instanceof ConfigFileError)) throw error;
      results.push({ name: file, file, checks: [], problem: error.message });
    }
  }
  return results;
}

export interface LoginFailure {
  instant: Date;
  module: string;
  server: string;
  message: string;
}

/**
 * Login failures in `oslog_Error` and `oslog_Error_Previous` since `since` (both views: the
 * tables rotate weekly). Matches the platform's and the drivers' login-failure texts.
 */
export async function logLoginFailures(session: DbSession, since: Date): Promise<LoginFailure[]> {
  const failures: LoginFailure[] = [];
  for (const view of ['oslog_Error', 'oslog_Error_Previous']) {
    const viewName = session.dialect === 'postgres' ? view.toLowerCase() : view;
    const rows = await session.query<Record<string, unknown>>(
      renderSql(
        sql`SELECT INSTANT AS instant, ESPACE_NAME AS espace_name, SERVER AS server, MESSAGE AS message FROM ${ident(viewName)} WHERE INSTANT >= ${since}`,
        session.dialect,
      ),
    );
    for (const row of rows) {
      const value = (name: string) => Object.entries(row).find(([key]) => key.toLowerCase() === name)?.[1];
      const message = String(value('message') ?? '');
      if (!/Login failed for user|ORA-01017|password authentication failed/i.test(message)) continue;
      failures.push({
        instant: new Date(String(value('instant'))),
        module: String(value('espace_name') ?? ''),
        server: String(value('server') ?? ''),
        message,
      });
    }
  }
  return failures.sort((a, b) => a.instant.getTime() - b.instant.getTime());
}

/** Opens the Log database as its admin user (the credentials server.hsconf holds now). */
export async function withLogSession<T>(
  env: Environment,
  doc: HsConf,
  privateKey: Buffer,
  work: (session: DbSession) => Promise<T>,
): Promise<T> {
  const session = await env.db.connect(dbSettingsFromHsconf(doc, privateKey, 'log-admin'));
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}
