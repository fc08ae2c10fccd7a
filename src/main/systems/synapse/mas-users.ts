/**
 * MAS's tables (schema.ts, MAS_SCHEMA_SQL): the user by username (the MXID's localpart), the
 * active password (the newest user_passwords row by created_at), setting one (an INSERT, never an
 * UPDATE), lifting a lock or deactivation, and ending live sessions (finished_at IS NULL).
 */
import { StepFailure } from '../../engine/types.js';
import { renderSql, secret, sql, type SqlFragment } from '../../platform/db/sql.js';
import type { DbSession } from '../../platform/db/types.js';

export interface MasUser {
  id: string;
  username: string;
  lockedAt: string | null;
  deactivatedAt: string | null;
}

export interface MasPassword {
  id: string;
  hash: string;
  version: number;
}

export function findMasUserSql(username: string): SqlFragment {
  return sql`SELECT user_id::text AS id, username, locked_at::text AS locked_at, deactivated_at::text AS deactivated_at FROM users WHERE username = ${username}`;
}

export async function findMasUser(session: DbSession, username: string): Promise<MasUser> {
  const [row] = await session.query(renderSql(findMasUserSql(username), session.dialect));
  if (!row)
    throw new StepFailure(
      `MAS has no user "${username}".`,
      'Check the localpart; MAS lists users under its admin API or `mas-cli manage`.',
    );
  return {
    id: String(row.id),
    username: String(row.username),
    lockedAt: row.locked_at == null ? null : String(row.locked_at),
    deactivatedAt: row.deactivated_at == null ? null : String(row.deactivated_at),
  };
}

export async function activePassword(session: DbSession, userId: string): Promise<MasPassword | undefined> {
  const [row] = await session.query(
    renderSql(
      sql`SELECT user_password_id::text AS id, hashed_password, version FROM user_passwords WHERE user_id = ${userId}::uuid ORDER BY created_at DESC LIMIT 1`,
      session.dialect,
    ),
  );
  return row
    ? { id: String(row.id), hash: String(row.hashed_password), version: Number(row.version) }
    : undefined;
}

export function insertPasswordSql(
  passwordId: string,
  userId: string,
  hash: string,
  version: number,
): SqlFragment {
  return sql`INSERT INTO user_passwords (user_password_id, user_id, hashed_password, created_at, version) VALUES (${passwordId}::uuid, ${userId}::uuid, ${secret(hash)}, now(), ${version})`;
}

export function liftFlagsSql(
  userId: string,
  options: { unlock: boolean; reactivate: boolean },
): SqlFragment | undefined {
  if (options.unlock && options.reactivate)
    return sql`UPDATE users SET locked_at = NULL, deactivated_at = NULL WHERE user_id = ${userId}::uuid`;
  if (options.unlock) return sql`UPDATE users SET locked_at = NULL WHERE user_id = ${userId}::uuid`;
  if (options.reactivate) return sql`UPDATE users SET deactivated_at = NULL WHERE user_id = ${userId}::uuid`;
  return undefined;
}

export const MAS_SESSION_TABLES = ['compat_sessions', 'oauth2_sessions', 'user_sessions'] as const;

export async function countLiveSessions(
  session: DbSession,
  userId: string,
): Promise<Record<(typeof MAS_SESSION_TABLES)[number], number>> {
  const [row] = await session.query(
    renderSql(
      sql`SELECT (SELECT count(*) FROM compat_sessions WHERE user_id = ${userId}::uuid AND finished_at IS NULL)::int AS compat, (SELECT count(*) FROM oauth2_sessions WHERE user_id = ${userId}::uuid AND finished_at IS NULL)::int AS oauth2, (SELECT count(*) FROM user_sessions WHERE user_id = ${userId}::uuid AND finished_at IS NULL)::int AS browser`,
      session.dialect,
    ),
  );
  return {
    compat_sessions: Number(row?.compat ?? 0),
    oauth2_sessions: Number(row?.oauth2 ?? 0),
    user_sessions: Number(row?.browser ?? 0),
  };
}

/** Compatibility and OAuth 2 sessions first: they may point at a browser session. */
export function finishSessionsSql(
  userId: string,
): Array<{ table: (typeof MAS_SESSION_TABLES)[number]; sql: SqlFragment }> {
  return [
    {
      table: 'compat_sessions',
      sql: sql`UPDATE compat_sessions SET finished_at = now() WHERE user_id = ${userId}::uuid AND finished_at IS NULL`,
    },
    {
      table: 'oauth2_sessions',
      sql: sql`UPDATE oauth2_sessions SET finished_at = now() WHERE user_id = ${userId}::uuid AND finished_at IS NULL`,
    },
    {
      table: 'user_sessions',
      sql: sql`UPDATE user_sessions SET finished_at = now() WHERE user_id = ${userId}::uuid AND finished_at IS NULL`,
    },
  ];
}
