/** Reading and writing OSSYS_USER rows: the platform's users, found by tenant and user name. */
import type { Dialect, DbSession } from '../../platform/db/types.js';
import { renderSql, secret, sql, type SqlFragment } from '../../platform/db/sql.js';
import { flagValue, lowerKeys, platformColumn, platformTable, readFlag } from './tables.js';

/** The tenants of seed 000: IT users (Service Center) and the Users app's end users. */
export const TENANTS = {
  'it-users': { name: 'ServiceCenter', label: 'IT users (tenant ServiceCenter)' },
  'end-users': { name: 'users', label: 'end users of the Users app (tenant users)' },
} as const;
export type TenantKey = keyof typeof TENANTS;

export interface PlatformUser {
  id: number;
  tenantId: number;
  tenantName: string;
  username: string;
  password: string;
  isActive: boolean;
}

/**
 * How a user name is matched: the way the platform's own database compares it. SQL Server uses
 * its collation (case-insensitive and blind to trailing spaces on a default install); Oracle is
 * compared upper-cased; the sandbox's PostgreSQL emulates SQL Server's default collation.
 */
function usernameMatches(dialect: Dialect, column: SqlFragment, username: string): SqlFragment {
  switch (dialect) {
    case 'mssql':
      return sql`${column} = ${username}`;
    case 'oracle':
      return sql`UPPER(${column}) = UPPER(${username})`;
    case 'postgres':
      return sql`LOWER(RTRIM(${column})) = LOWER(RTRIM(${username}))`;
  }
}

export function findUsersSql(dialect: Dialect, schema: string | undefined, tenantName: string, username: string): SqlFragment {
  const col = (name: string) => platformColumn(dialect, name);
  return sql`SELECT u.${col('ID')}, u.${col('TENANT_ID')}, t.${col('NAME')} AS ${col('TENANT_NAME')}, u.${col('USERNAME')}, u.${col('PASSWORD')}, u.${col('IS_ACTIVE')}
FROM ${platformTable(dialect, 'OSSYS_USER', schema)} u
JOIN ${platformTable(dialect, 'OSSYS_TENANT', schema)} t ON t.${col('ID')} = u.${col('TENANT_ID')}
WHERE UPPER(t.${col('NAME')}) = UPPER(${tenantName}) AND ${usernameMatches(dialect, sql`u.${col('USERNAME')}`, username)}`;
}

export async function findUsers(session: DbSession, schema: string | undefined, tenantName: string, username: string): Promise<PlatformUser[]> {
  const rows = await session.query(renderSql(findUsersSql(session.dialect, schema, tenantName, username), session.dialect));
  return rows.map((raw) => {
    const row = lowerKeys(raw);
    return {
      id: Number(row.id),
      tenantId: Number(row.tenant_id),
      tenantName: String(row.tenant_name),
      username: String(row.username),
      password: row.password == null ? '' : String(row.password),
      isActive: readFlag(row.is_active),
    };
  });
}

export async function readUserById(session: DbSession, schema: string | undefined, id: number): Promise<PlatformUser | undefined> {
  const dialect = session.dialect;
  const col = (name: string) => platformColumn(dialect, name);
  const rows = await session.query(
    renderSql(
      sql`SELECT u.${col('ID')}, u.${col('TENANT_ID')}, u.${col('USERNAME')}, u.${col('PASSWORD')}, u.${col('IS_ACTIVE')} FROM ${platformTable(dialect, 'OSSYS_USER', schema)} u WHERE u.${col('ID')} = ${id}`,
      dialect,
    ),
  );
  const first = rows[0];
  if (!first) return undefined;
  const row = lowerKeys(first);
  return {
    id: Number(row.id),
    tenantId: Number(row.tenant_id),
    tenantName: '',
    username: String(row.username),
    password: row.password == null ? '' : String(row.password),
    isActive: readFlag(row.is_active),
  };
}

export interface UserUpdate {
  id: number;
  /** The stored value the row must still hold; the update touches nothing if someone changed it meanwhile. */
  expectedPassword: string;
  newPassword: string;
  /** Set IS_ACTIVE to this value; undefined leaves it alone. */
  isActive?: boolean;
}

/** `UPDATE OSSYS_USER SET PASSWORD = <masked> [, IS_ACTIVE = n] WHERE ID = id AND PASSWORD = <masked>` — exactly one row. */
export function updateUserSql(dialect: Dialect, schema: string | undefined, update: UserUpdate): SqlFragment {
  const col = (name: string) => platformColumn(dialect, name);
  const activation = update.isActive === undefined ? sql`` : sql`, ${col('IS_ACTIVE')} = ${flagValue(dialect, update.isActive)}`;
  return sql`UPDATE ${platformTable(dialect, 'OSSYS_USER', schema)} SET ${col('PASSWORD')} = ${secret(update.newPassword)}${activation} WHERE ${col('ID')} = ${update.id} AND ${col('PASSWORD')} = ${secret(update.expectedPassword)}`;
}
