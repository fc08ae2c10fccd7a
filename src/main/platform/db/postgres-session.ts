/** PostgreSQL through `pg`. */
import pg from 'pg';
import { runGuarded } from './guarded.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, STATEMENT_TIMEOUT_MS } from './timeouts.js';
import type { DbSession, DbSettings, GuardedStatement, RenderedSql } from './types.js';

export async function openPostgres(settings: DbSettings): Promise<DbSession> {
  const tls = settings.tls;
  const client = new pg.Client({
    host: settings.host,
    port: settings.port ?? 5432,
    database: settings.database,
    user: settings.user,
    password: settings.password,
    ssl: tls?.enabled ? { rejectUnauthorized: !tls.trustServerCertificate, ca: tls.caPem } : false,
    connectionTimeoutMillis: settings.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    query_timeout: STATEMENT_TIMEOUT_MS,
    application_name: 'breakglass',
  });
  // A server-side disconnect is reported on the next call; without a listener it would crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  const run = (sql: RenderedSql) => client.query({ text: sql.text, values: sql.params });
  return {
    dialect: 'postgres',
    async query<Row extends Record<string, unknown>>(sql: RenderedSql): Promise<Row[]> {
      return (await run(sql)).rows as Row[];
    },
    guarded(statements: readonly GuardedStatement[]): Promise<number[]> {
      return runGuarded(
        {
          begin: async () => void (await client.query('BEGIN')),
          execute: async (sql) => (await run(sql)).rowCount ?? 0,
          commit: async () => void (await client.query('COMMIT')),
          rollback: async () => void (await client.query('ROLLBACK').catch(() => undefined)),
        },
        statements,
      );
    },
    async ddl(sql: RenderedSql): Promise<void> {
      await client.query(sql.text);
    },
    close: () => client.end(),
  };
}
