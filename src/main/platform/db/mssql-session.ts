/**
 * SQL Server through `mssql` over tedious (pure JavaScript). Windows authentication is NTLM with an
 * explicit domain, user and password: single sign-on as the logged-in Windows user needs a native
 * driver and is not possible here.
 */
import mssql from 'mssql';
import { runGuarded } from './guarded.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, STATEMENT_TIMEOUT_MS } from './timeouts.js';
import type { DbSession, DbSettings, GuardedStatement, RenderedSql } from './types.js';

export function mssqlConfig(settings: DbSettings): Record<string, unknown> {
  const tls = settings.tls;
  const credentials =
    settings.authentication === 'windows-ntlm'
      ? {
          authentication: {
            type: 'ntlm',
            options: { domain: settings.domain ?? '', userName: settings.user, password: settings.password },
          },
        }
      : { user: settings.user, password: settings.password };
  return {
    server: settings.host,
    // tedious takes a port or an instance name (looked up through SQL Browser), not both.
    port: settings.port,
    database: settings.database,
    ...credentials,
    connectionTimeout: settings.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    requestTimeout: STATEMENT_TIMEOUT_MS,
    pool: { min: 0, max: 1 },
    options: {
      instanceName: settings.port === undefined ? settings.instance : undefined,
      encrypt: tls?.enabled ?? false,
      trustServerCertificate: tls?.trustServerCertificate ?? false,
      cryptoCredentialsDetails: tls?.caPem ? { ca: tls.caPem } : undefined,
      appName: 'breakglass',
    },
  };
}

type MssqlRequest = InstanceType<typeof mssql.Request>;

function bind(request: MssqlRequest, sql: RenderedSql): MssqlRequest {
  sql.params.forEach((value, index) => request.input(`p${index + 1}`, value));
  return request;
}

const affected = (rowsAffected: number[]): number => rowsAffected.reduce((sum, count) => sum + count, 0);

export async function openMssql(settings: DbSettings): Promise<DbSession> {
  const pool = new mssql.ConnectionPool(mssqlConfig(settings));
  pool.on('error', () => undefined);
  await pool.connect();
  return {
    dialect: 'mssql',
    async query<Row extends Record<string, unknown>>(sql: RenderedSql): Promise<Row[]> {
      return ((await bind(pool.request(), sql).query<Row>(sql.text)).recordset ?? []) as Row[];
    },
    guarded(statements: readonly GuardedStatement[]): Promise<number[]> {
      const transaction = new mssql.Transaction(pool);
      return runGuarded(
        {
          begin: async () => void (await transaction.begin()),
          execute: async (sql) =>
            affected((await bind(new mssql.Request(transaction), sql).query(sql.text)).rowsAffected),
          commit: () => transaction.commit(),
          rollback: () => transaction.rollback().catch(() => undefined),
        },
        statements,
      );
    },
    async ddl(sql: RenderedSql): Promise<void> {
      await pool.request().batch(sql.text);
    },
    close: () => pool.close(),
  };
}
