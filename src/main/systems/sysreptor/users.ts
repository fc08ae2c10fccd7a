/**
 * SysReptor's users on its PostgreSQL (`users_pentestuser`, `users_apitoken`, `users_session`;
 * see schema.ts): the user found by exact username (the login is case-sensitive), the guarded
 * one-row update of the database path, and the undo that puts the saved row back.
 */
import { StepFailure } from '../../engine/types.js';
import { ident, renderSql, secret, sql, type SqlFragment } from '../../platform/db/sql.js';
import type { DbSession } from '../../platform/db/types.js';

export interface SysReptorUser {
  id: string;
  username: string;
  email: string | null;
  isActive: boolean;
  isSuperuser: boolean;
  isSystemUser: boolean;
  isUserManager: boolean;
  mustChangePassword: boolean;
  failedMfaAttempts: number;
  /** The column's bytes: a Django hash in plain UTF-8, or SysReptor's AES-GCM envelope. */
  password: Buffer;
  /** `updated` as text, so a restore writes back exactly what was read. */
  updated: string;
}

const table = (schema: string, name: string) => ident(schema, name);

export function findUserSql(schema: string, username: string): SqlFragment {
  return sql`SELECT id::text AS id, username, email, is_active, is_superuser, is_system_user, is_user_manager, must_change_password, failed_mfa_attempts, password, updated::text AS updated FROM ${table(schema, 'users_pentestuser')} WHERE username = ${username}`;
}

function toUser(row: Record<string, unknown>): SysReptorUser {
  return {
    id: String(row.id),
    username: String(row.username),
    email: row.email == null || row.email === '' ? null : String(row.email),
    isActive: row.is_active === true,
    isSuperuser: row.is_superuser === true,
    isSystemUser: row.is_system_user === true,
    isUserManager: row.is_user_manager === true,
    mustChangePassword: row.must_change_password === true,
    failedMfaAttempts: Number(row.failed_mfa_attempts),
    password: Buffer.isBuffer(row.password) ? row.password : Buffer.from(String(row.password ?? ''), 'utf8'),
    updated: String(row.updated),
  };
}

/** The user with exactly this username (unique in SysReptor); none stops the run before any change. */
export async function findUser(session: DbSession, schema: string, username: string): Promise<SysReptorUser> {
  const rows = await session.query(renderSql(findUserSql(schema, username), session.dialect));
  const [first] = rows;
  if (!first || rows.length !== 1)
    throw new StepFailure(
      `No SysReptor user is named exactly "${username}" (the login is case-sensitive).`,
      'Check the user name as SysReptor shows it under Users, and that this is the right database.',
    );
  return toUser(first);
}

export async function readUserById(
  session: DbSession,
  schema: string,
  id: string,
): Promise<SysReptorUser | undefined> {
  const rows = await session.query(
    renderSql(
      sql`SELECT id::text AS id, username, email, is_active, is_superuser, is_system_user, is_user_manager, must_change_password, failed_mfa_attempts, password, updated::text AS updated FROM ${table(schema, 'users_pentestuser')} WHERE id = ${id}::uuid`,
      session.dialect,
    ),
  );
  return rows[0] ? toUser(rows[0]) : undefined;
}

export interface UserUpdate {
  id: string;
  /** The value the row must still hold; nothing changes if someone changed it meanwhile. */
  expectedPassword: Buffer;
  password: Buffer;
  mustChangePassword: boolean;
  /** is_active = true and failed_mfa_attempts = 0 (no Django signal fires on this path). */
  reactivate: boolean;
}

export function updateUserSql(schema: string, update: UserUpdate): SqlFragment {
  const reactivation = update.reactivate ? sql`, is_active = TRUE, failed_mfa_attempts = 0` : sql``;
  return sql`UPDATE ${table(schema, 'users_pentestuser')} SET password = ${secret(update.password)}, must_change_password = ${update.mustChangePassword}${reactivation}, updated = now() WHERE id = ${update.id}::uuid AND password = ${secret(update.expectedPassword)}`;
}

export interface SavedUser {
  id: string;
  passwordBase64: string;
  mustChangePassword: boolean;
  isActive: boolean;
  failedMfaAttempts: number;
  updated: string;
}

export function savedUser(user: SysReptorUser): SavedUser {
  return {
    id: user.id,
    passwordBase64: user.password.toString('base64'),
    mustChangePassword: user.mustChangePassword,
    isActive: user.isActive,
    failedMfaAttempts: user.failedMfaAttempts,
    updated: user.updated,
  };
}

/**
 * Puts the saved row back, guarded on the value it holds now, which must be this run's
 * (`writtenByThisRun`: it accepts the new password); returns what it did.
 */
export async function restoreUser(
  session: DbSession,
  schema: string,
  saved: SavedUser,
  writtenByThisRun: (stored: Buffer) => Promise<boolean>,
): Promise<string> {
  const current = await readUserById(session, schema, saved.id);
  if (!current)
    throw new StepFailure(`SysReptor user ${saved.id} no longer exists; its old values cannot be restored.`);
  const oldPassword = Buffer.from(saved.passwordBase64, 'base64');
  if (current.password.equals(oldPassword)) return `User ${saved.id} already holds its old password value.`;
  if (!(await writtenByThisRun(current.password)))
    throw new StepFailure(
      `User ${saved.id}'s password changed again after this run wrote it; undoing would overwrite that newer change.`,
      'Leave it, or set the password again by another path.',
    );
  const restore = sql`UPDATE ${table(schema, 'users_pentestuser')} SET password = ${secret(oldPassword)}, must_change_password = ${saved.mustChangePassword}, is_active = ${saved.isActive}, failed_mfa_attempts = ${saved.failedMfaAttempts}, updated = ${saved.updated}::timestamptz WHERE id = ${saved.id}::uuid AND password = ${secret(current.password)}`;
  await session.guarded([{ sql: renderSql(restore, session.dialect), expectRows: 1 }]);
  return `Restored user ${saved.id}: its old password value, must_change_password = ${saved.mustChangePassword}, is_active = ${saved.isActive}, failed_mfa_attempts = ${saved.failedMfaAttempts}.`;
}

export interface ApiToken {
  id: string;
  name: string;
  lastUsed: string | null;
  expireDate: string | null;
}

export function apiTokensSql(schema: string, userId: string): SqlFragment {
  return sql`SELECT id::text AS id, name, last_used::text AS last_used, expire_date::text AS expire_date FROM ${table(schema, 'users_apitoken')} WHERE user_id = ${userId}::uuid ORDER BY created`;
}

export async function listApiTokens(session: DbSession, schema: string, userId: string): Promise<ApiToken[]> {
  const rows = await session.query(renderSql(apiTokensSql(schema, userId), session.dialect));
  return rows.map((row) => ({
    id: String(row.id),
    name: String(row.name),
    lastUsed: row.last_used == null ? null : String(row.last_used),
    expireDate: row.expire_date == null ? null : String(row.expire_date),
  }));
}

/** Unexpired browser sessions of all users (session_data is encrypted, so they cannot be told apart per user). */
export async function countLiveSessions(session: DbSession, schema: string): Promise<number> {
  const rows = await session.query(
    renderSql(
      sql`SELECT count(*)::int AS n FROM ${table(schema, 'users_session')} WHERE expire_date > now()`,
      session.dialect,
    ),
  );
  return Number(rows[0]?.n ?? 0);
}
