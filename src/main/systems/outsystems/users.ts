/** Reading and writing OSSYS_USER rows: the platform's users, found by tenant and user name. */
import type { Dialect, DbSession } from '../../platform/db/types.js';
import { renderSql, secret, sql, type SqlFragment } from '../../platform/db/sql.js';
import { StepFailure, type StepContext } from '../../engine/types.js';
import { showName } from '../../platform/text/login-name.js';
import { withPlatformSession, type PlatformDatabase } from './platform-database.js';
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
 * compared upper-cased; the sandbox's PostgreSQL folds ASCII letters only (`COLLATE "C"`), so a
 * look-alike such as `ADMİN` (U+0130) never finds `admin` there. Wherever a row is found under a
 * name not exactly the one typed, the plan warns (`nameMatchWarning`).
 */
function usernameMatches(dialect: Dialect, column: SqlFragment, username: string): SqlFragment {
  switch (dialect) {
    case 'mssql':
      return sql`${column} = ${username}`;
    case 'oracle':
      return sql`UPPER(${column}) = UPPER(${username})`;
    case 'postgres':
      return sql`LOWER(RTRIM(${column}) COLLATE "C") = LOWER(RTRIM(${username}) COLLATE "C")`;
  }
}

export function findUsersSql(
  dialect: Dialect,
  schema: string | undefined,
  tenantName: string,
  username: string,
): SqlFragment {
  const col = (name: string) => platformColumn(dialect, name);
  return sql`SELECT u.${col('ID')}, u.${col('TENANT_ID')}, t.${col('NAME')} AS ${col('TENANT_NAME')}, u.${col('USERNAME')}, u.${col('PASSWORD')}, u.${col('IS_ACTIVE')}
FROM ${platformTable(dialect, 'OSSYS_USER', schema)} u
JOIN ${platformTable(dialect, 'OSSYS_TENANT', schema)} t ON t.${col('ID')} = u.${col('TENANT_ID')}
WHERE UPPER(t.${col('NAME')}) = UPPER(${tenantName}) AND ${usernameMatches(dialect, sql`u.${col('USERNAME')}`, username)}`;
}

export async function findUsers(
  session: DbSession,
  schema: string | undefined,
  tenantName: string,
  username: string,
): Promise<PlatformUser[]> {
  const rows = await session.query(
    renderSql(findUsersSql(session.dialect, schema, tenantName, username), session.dialect),
  );
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

export async function readUserById(
  session: DbSession,
  schema: string | undefined,
  id: number,
): Promise<PlatformUser | undefined> {
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
  /** The new stored value; undefined leaves PASSWORD alone. */
  newPassword?: string;
  /** Set IS_ACTIVE to this value; undefined leaves it alone. */
  isActive?: boolean;
}

/** `UPDATE OSSYS_USER SET [PASSWORD = <masked>][, IS_ACTIVE = n] WHERE ID = id AND PASSWORD = <masked>` — exactly one row. */
export function updateUserSql(dialect: Dialect, schema: string | undefined, update: UserUpdate): SqlFragment {
  const col = (name: string) => platformColumn(dialect, name);
  const assignments: SqlFragment[] = [];
  if (update.newPassword !== undefined)
    assignments.push(sql`${col('PASSWORD')} = ${secret(update.newPassword)}`);
  if (update.isActive !== undefined)
    assignments.push(sql`${col('IS_ACTIVE')} = ${flagValue(dialect, update.isActive)}`);
  const [first, ...rest] = assignments;
  if (!first) throw new Error('updateUserSql: nothing to set');
  const set = rest.reduce((joined, assignment) => sql`${joined}, ${assignment}`, first);
  return sql`UPDATE ${platformTable(dialect, 'OSSYS_USER', schema)} SET ${set} WHERE ${col('ID')} = ${update.id} AND ${col('PASSWORD')} = ${secret(update.expectedPassword)}`;
}

/** The one user a tenant holds under that name; none or several stop the run before any change. */
export async function findOneUser(
  session: DbSession,
  schema: string | undefined,
  key: TenantKey,
  username: string,
): Promise<PlatformUser> {
  const tenant = TENANTS[key];
  const matches = await findUsers(session, schema, tenant.name, username);
  if (matches.length === 1) return matches[0] as PlatformUser;
  if (matches.length === 0) {
    throw new StepFailure(
      `No user ${showName(username)} in tenant ${tenant.name}.`,
      'Check the user name and the tenant (IT users or end users), and that this is the right Platform database.',
    );
  }
  throw new StepFailure(
    `${matches.length} users match ${showName(username)} in tenant ${tenant.name} (IDs ${matches.map((m) => m.id).join(', ')}); the vendor's UPDATE would change them all.`,
    'Rename or remove the duplicates first, or enter the exact user name.',
  );
}

/** What a step keeps of a user row before changing it, so its undo can put the row back. */
export interface SavedUser {
  id: number;
  password: string;
  isActive: boolean;
}

export function savedUser(user: PlatformUser): SavedUser {
  return { id: user.id, password: user.password, isActive: user.isActive };
}

/** Puts a saved row back (guarded, one row); returns what it did, for the step's log. */
export async function restoreUser(
  session: DbSession,
  schema: string | undefined,
  saved: SavedUser,
): Promise<string> {
  const current = await readUserById(session, schema, saved.id);
  if (!current)
    throw new StepFailure(`User ID ${saved.id} no longer exists; its old values cannot be restored.`);
  if (current.password === saved.password && current.isActive === saved.isActive)
    return `User ID ${saved.id} already holds its original values.`;
  const restore = updateUserSql(session.dialect, schema, {
    id: saved.id,
    expectedPassword: current.password,
    newPassword: current.password === saved.password ? undefined : saved.password,
    isActive: current.isActive === saved.isActive ? undefined : saved.isActive,
  });
  await session.guarded([{ sql: renderSql(restore, session.dialect), expectRows: 1 }]);
  const restored = [
    ...(current.password === saved.password ? [] : ['its password value']),
    ...(current.isActive === saved.isActive ? [] : [`IS_ACTIVE = ${saved.isActive ? 1 : 0}`]),
  ];
  return `Restored ${restored.join(' and ')} of user ID ${saved.id}.`;
}

/**
 * `checkUndo` of a step that changed one user row: the row still holds what the run left (saved
 * with `backup.saveResult(key, …)`), else StepFailure saying what changed since.
 */
export async function checkUserAsLeft(
  database: PlatformDatabase,
  ctx: StepContext,
  key: string,
): Promise<void> {
  ctx.addSecret(database.settings.password);
  const left = await ctx.backup.loadResult<SavedUser>(key);
  if (!left)
    throw new StepFailure(
      'This run recorded no value it wrote to the user row, so it cannot tell whether the row changed since.',
    );
  const current = await withPlatformSession(database, ctx.env, (session) =>
    readUserById(session, database.schema, left.id),
  );
  if (!current) throw new StepFailure(`User ID ${left.id} no longer exists.`);
  const moved = [
    ...(current.password === left.password ? [] : ['its password value is no longer the one this run wrote']),
    ...(current.isActive === left.isActive
      ? []
      : [`IS_ACTIVE is ${current.isActive ? 1 : 0}, the run left ${left.isActive ? 1 : 0}`]),
  ];
  if (moved.length > 0)
    throw new StepFailure(`User ID ${left.id} changed since the run: ${moved.join('; ')}.`);
}
