/**
 * Synapse's `users` and session tables on PostgreSQL (schema.ts): the user by its exact MXID and
 * its case look-alikes (the login matches `lower(name)`), the guarded one-row hash update of the
 * database path (with optional unlock / reactivation), the session revocation Synapse's own
 * `logout_devices` does (access and refresh tokens; devices stay listed), and the undo.
 */
import { StepFailure } from '../../engine/types.js';
import { renderSql, secret, sql, type SqlFragment } from '../../platform/db/sql.js';
import type { DbSession } from '../../platform/db/types.js';

export interface SynapseUser {
  name: string;
  /** NULL after deactivation. */
  passwordHash: string | null;
  admin: boolean;
  deactivated: boolean;
  locked: boolean;
}

export interface UserLookup {
  user?: SynapseUser;
  /** Other names equal to it but for case (Synapse's login refuses inexact matches when there are several). */
  lookalikes: string[];
}

export function findUserSql(mxid: string): SqlFragment {
  return sql`SELECT name, password_hash, admin, deactivated, locked FROM users WHERE lower(name) = lower(${mxid})`;
}

function toUser(row: Record<string, unknown>): SynapseUser {
  return {
    name: String(row.name),
    passwordHash: row.password_hash == null ? null : String(row.password_hash),
    admin: Number(row.admin) === 1,
    deactivated: Number(row.deactivated) === 1,
    locked: row.locked === true,
  };
}

export async function lookupUser(session: DbSession, mxid: string): Promise<UserLookup> {
  const rows = (await session.query(renderSql(findUserSql(mxid), session.dialect))).map(toUser);
  return {
    user: rows.find((row) => row.name === mxid),
    lookalikes: rows.filter((row) => row.name !== mxid).map((row) => row.name),
  };
}

/** The user named exactly `mxid`; none stops the run before any change, naming the look-alikes. */
export async function findUser(session: DbSession, mxid: string): Promise<SynapseUser> {
  const { user, lookalikes } = await lookupUser(session, mxid);
  if (user) return user;
  throw new StepFailure(
    lookalikes.length > 0
      ? `No Synapse user is named exactly ${mxid}; differing only in case: ${lookalikes.join(', ')}.`
      : `No Synapse user ${mxid} exists in this database.`,
    'Give the MXID exactly as Synapse stores it (Synapse Admin or the users table shows it), and check this is the right database.',
  );
}

export interface HashUpdate {
  name: string;
  /** The value the row must still hold (NULL for a deactivated user); nothing changes if it moved. */
  expectedHash: string | null;
  newHash: string;
  unlock: boolean;
  reactivate: boolean;
}

export function updateUserSql(update: HashUpdate): SqlFragment {
  const unlock = update.unlock ? sql`, locked = FALSE` : sql``;
  const reactivate = update.reactivate ? sql`, deactivated = 0` : sql``;
  return sql`UPDATE users SET password_hash = ${secret(update.newHash)}${unlock}${reactivate} WHERE name = ${update.name} AND password_hash IS NOT DISTINCT FROM ${secret(update.expectedHash)}`;
}

/** What undo needs: the row's old hash and flags. */
export interface SavedUser {
  name: string;
  passwordHash: string | null;
  deactivated: boolean;
  locked: boolean;
}

export async function restoreUser(
  session: DbSession,
  saved: SavedUser,
  writtenByThisRun: (hash: string | null) => Promise<boolean>,
): Promise<string> {
  const { user: current } = await lookupUser(session, saved.name);
  if (!current)
    throw new StepFailure(`Synapse user ${saved.name} no longer exists; its old hash cannot be restored.`);
  if (
    current.passwordHash === saved.passwordHash &&
    current.locked === saved.locked &&
    current.deactivated === saved.deactivated
  )
    return `${saved.name} already holds its old password hash and flags.`;
  if (!(await writtenByThisRun(current.passwordHash)))
    throw new StepFailure(
      `${saved.name}'s password changed again after this run wrote it; undoing would overwrite that newer change.`,
      'Leave it, or set the password again by another path.',
    );
  const restore = sql`UPDATE users SET password_hash = ${secret(saved.passwordHash)}, locked = ${saved.locked}, deactivated = ${saved.deactivated ? 1 : 0} WHERE name = ${saved.name} AND password_hash IS NOT DISTINCT FROM ${secret(current.passwordHash)}`;
  await session.guarded([{ sql: renderSql(restore, session.dialect), expectRows: 1 }]);
  return `Restored ${saved.name}: its old password hash, locked = ${saved.locked}, deactivated = ${saved.deactivated ? 1 : 0}.`;
}

export interface SessionCounts {
  accessTokens: number;
  refreshTokens: number;
  devices: number;
}

export async function countSessions(session: DbSession, mxid: string): Promise<SessionCounts> {
  const rows = await session.query(
    renderSql(
      sql`SELECT (SELECT count(*) FROM access_tokens WHERE user_id = ${mxid})::int AS access, (SELECT count(*) FROM refresh_tokens WHERE user_id = ${mxid})::int AS refresh, (SELECT count(*) FROM devices WHERE user_id = ${mxid})::int AS devices`,
      session.dialect,
    ),
  );
  const row = rows[0] ?? {};
  return {
    accessTokens: Number(row.access ?? 0),
    refreshTokens: Number(row.refresh ?? 0),
    devices: Number(row.devices ?? 0),
  };
}

/**
 * Access tokens first: a refresh token's deletion cascades to the access tokens made from it, so
 * the counts checked are those of rows this statement itself removes.
 */
export function revokeSessionsSql(mxid: string): SqlFragment[] {
  return [
    sql`DELETE FROM access_tokens WHERE user_id = ${mxid}`,
    sql`DELETE FROM refresh_tokens WHERE user_id = ${mxid}`,
  ];
}

export async function revokeSessions(session: DbSession, mxid: string, counts: SessionCounts): Promise<void> {
  const [access, refresh] = revokeSessionsSql(mxid);
  await session.guarded([
    { sql: renderSql(access as SqlFragment, session.dialect), expectRows: counts.accessTokens },
    { sql: renderSql(refresh as SqlFragment, session.dialect), expectRows: counts.refreshTokens },
  ]);
}
