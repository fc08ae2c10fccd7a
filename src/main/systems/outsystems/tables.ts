/**
 * Platform table and column names per dialect. SQL Server keeps them upper case in `dbo`,
 * Oracle upper case (optionally in the platform's schema), and the practice sandbox's
 * PostgreSQL lower case, as an unquoted CREATE TABLE would leave them.
 */
import type { Dialect, SqlValue } from '../../platform/db/types.js';
import { ident, type SqlFragment } from '../../platform/db/sql.js';

export type PlatformTable = 'OSSYS_USER' | 'OSSYS_TENANT' | 'OSSYS_AUTHPROVIDER';

export function platformTable(dialect: Dialect, table: PlatformTable, schema?: string): SqlFragment {
  switch (dialect) {
    case 'postgres':
      return ident(table.toLowerCase());
    case 'mssql':
      return ident(schema ?? 'dbo', table);
    case 'oracle':
      return schema ? ident(schema.toUpperCase(), table) : ident(table);
  }
}

export function platformColumn(dialect: Dialect, column: string): SqlFragment {
  return ident(dialect === 'postgres' ? column.toLowerCase() : column.toUpperCase());
}

/** The value of a bit/NUMBER(1)/boolean flag column as each dialect's driver takes it. */
export function flagValue(dialect: Dialect, on: boolean): SqlValue {
  return dialect === 'oracle' ? (on ? 1 : 0) : on;
}

export function readFlag(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  return Number(value) === 1;
}

/** Row keys as the drivers return them differ in case (pg lower, mssql/oracle upper): read them lower-cased. */
export function lowerKeys(row: Record<string, unknown>): Record<string, unknown> {
  const lowered: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) lowered[key.toLowerCase()] = value;
  return lowered;
}
