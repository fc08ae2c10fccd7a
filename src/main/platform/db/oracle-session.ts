/** Oracle through `oracledb` in thin mode: pure JavaScript, no Oracle Client libraries. */
import oracledb from 'oracledb';
import { oracleAddress } from './oracle-connect.js';
import { runGuarded } from './guarded.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, STATEMENT_TIMEOUT_MS } from './timeouts.js';
import type { DbSession, DbSettings, GuardedStatement, RenderedSql } from './types.js';
import { DbInputError } from './errors.js';

export function oracleConnectString(settings: DbSettings): string {
  if (settings.connectString) return settings.connectString;
  if (!settings.serviceName)
    throw new DbInputError(
      'ServiceName',
      'No Oracle service name or connect descriptor is set; give one of them.',
    );
  return oracleAddress({
    host: settings.host,
    port: settings.port,
    serviceName: settings.serviceName,
    tls: settings.tls?.enabled,
  }).connectString;
}

export async function openOracle(settings: DbSettings): Promise<DbSession> {
  const timeoutSeconds = Math.ceil((settings.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS) / 1000);
  const connection = await oracledb.getConnection({
    user: settings.user,
    password: settings.password,
    connectString: oracleConnectString(settings),
    connectTimeout: timeoutSeconds,
    transportConnectTimeout: timeoutSeconds,
    sslServerDNMatch: !(settings.tls?.trustServerCertificate ?? false),
    ...(settings.tls?.caPem ? { walletContent: settings.tls.caPem } : {}),
  });
  connection.callTimeout = STATEMENT_TIMEOUT_MS;
  const run = <Row>(sql: RenderedSql) =>
    connection.execute<Row>(sql.text, sql.params, {
      outFormat: oracledb.OUT_FORMAT_OBJECT,
      autoCommit: false,
    });
  return {
    dialect: 'oracle',
    async query<Row extends Record<string, unknown>>(sql: RenderedSql): Promise<Row[]> {
      return (await run<Row>(sql)).rows ?? [];
    },
    guarded(statements: readonly GuardedStatement[]): Promise<number[]> {
      return runGuarded(
        {
          // Oracle opens a transaction with the first change; nothing to send.
          begin: async () => undefined,
          execute: async (sql) => (await run(sql)).rowsAffected ?? 0,
          commit: () => connection.commit(),
          rollback: () => connection.rollback().catch(() => undefined),
        },
        statements,
      );
    },
    async ddl(sql: RenderedSql): Promise<void> {
      await connection.execute(sql.text);
    },
    close: () => connection.close(),
  };
}
