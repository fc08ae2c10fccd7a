import type { DbConnector } from '../platform/db/types.js';

/** The DbConnector, loaded on first use: its drivers (mssql, oracledb) slow every CLI start that never touches a database. */
export function lazyDbConnector(): DbConnector {
  let inner: Promise<DbConnector> | undefined;
  const load = () =>
    (inner ??= import('../platform/db/connector.js').then((module) => module.createDbConnector()));
  return {
    connect: async (settings) => (await load()).connect(settings),
    test: async (settings) => (await load()).test(settings),
  };
}
