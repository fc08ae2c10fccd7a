/** The DbConnector: opens a session with the dialect's driver, and tests settings with a classified result. */
import { classifyConnectionError } from './classify.js';
import { openMssql } from './mssql-session.js';
import { openOracle } from './oracle-session.js';
import { openPostgres } from './postgres-session.js';
import { renderSql, sql } from './sql.js';
import type { ConnectionTestResult, DbConnector, DbSession, DbSettings } from './types.js';

const openers: Record<DbSettings['dialect'], (settings: DbSettings) => Promise<DbSession>> = {
  postgres: openPostgres,
  mssql: openMssql,
  oracle: openOracle,
};

const versionQueries = {
  postgres: sql`SELECT version() AS version`,
  mssql: sql`SELECT @@VERSION AS version`,
  // PRODUCT_COMPONENT_VERSION is readable by every user; V$VERSION is not.
  oracle: sql`SELECT product || ' ' || version AS version FROM product_component_version WHERE ROWNUM = 1`,
};

function versionOf(row: Record<string, unknown> | undefined): string {
  const value = row ? Object.entries(row).find(([key]) => key.toLowerCase() === 'version')?.[1] : undefined;
  return String(value ?? 'unknown').split('\n')[0] ?? 'unknown';
}

export function createDbConnector(): DbConnector {
  return {
    connect: (settings) => openers[settings.dialect](settings),
    async test(settings): Promise<ConnectionTestResult> {
      let session: DbSession | undefined;
      try {
        session = await openers[settings.dialect](settings);
        const rows = await session.query(renderSql(versionQueries[settings.dialect], settings.dialect));
        return { ok: true, serverVersion: versionOf(rows[0]) };
      } catch (error) {
        return { ok: false, ...classifyConnectionError(error, settings) };
      } finally {
        await session?.close().catch(() => undefined);
      }
    },
  };
}
