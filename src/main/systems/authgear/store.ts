/**
 * Authgear's tables as its server reads and writes them (pkg/lib/authn/.../store.go): every query
 * scoped by `app_id`; the user found through its login ID; its primary password authenticator;
 * the password update the server makes (hash + expire_after, the authenticator's updated_at, a
 * `_auth_password_history` row) and the undo that puts them back.
 */
import { StepFailure } from '../../engine/types.js';
import { ident, renderSql, secret, sql, type SqlFragment } from '../../platform/db/sql.js';
import type { DbSession } from '../../platform/db/types.js';

export type LoginIdKey = 'email' | 'username' | 'phone';

export interface AuthgearUser {
  id: string;
  isDisabled: boolean;
  isAnonymized: boolean;
  deleteAt: string | null;
  /** The stored login ID(s) the value matched (login_id; the value may have matched original_login_id or unique_key). */
  loginId: string;
}

export interface PasswordAuthenticator {
  id: string;
  passwordHash: string;
  /** Text (UTC, no zone) or null. */
  expireAfter: string | null;
  updatedAt: string;
  isDefault: boolean;
}

/** A `timestamp without time zone` holding UTC, as the server writes `time.Now().UTC()`. */
export function utcTimestamp(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

const t = (schema: string, name: string) => ident(schema, name);

export function findUsersByLoginIdSql(
  schema: string,
  appId: string,
  key: LoginIdKey,
  value: string,
): SqlFragment {
  return sql`SELECT u.id, u.is_disabled, u.is_anonymized, u.delete_at::text AS delete_at, string_agg(DISTINCT l.login_id, ', ') AS login_id FROM ${t(schema, '_auth_identity_login_id')} l JOIN ${t(schema, '_auth_identity')} i ON i.id = l.id AND i.app_id = l.app_id JOIN ${t(schema, '_auth_user')} u ON u.id = i.user_id AND u.app_id = i.app_id WHERE l.app_id = ${appId} AND l.login_id_key = ${key} AND (l.login_id = ${value} OR l.original_login_id = ${value} OR l.unique_key = ${value}) GROUP BY u.id, u.is_disabled, u.is_anonymized, u.delete_at`;
}

export async function findOneUser(
  session: DbSession,
  schema: string,
  appId: string,
  key: LoginIdKey,
  value: string,
): Promise<AuthgearUser> {
  const rows = await session.query(
    renderSql(findUsersByLoginIdSql(schema, appId, key, value), session.dialect),
  );
  if (rows.length === 0)
    throw new StepFailure(
      `No user of app "${appId}" has the ${key} login ID "${value}".`,
      'Check the login ID and its kind (email, username, phone) and the app id.',
    );
  if (rows.length > 1)
    throw new StepFailure(
      `${rows.length} users of app "${appId}" match the ${key} login ID "${value}" (ids ${rows.map((row) => String(row.id)).join(', ')}).`,
      'Give the exact login ID as Authgear stores it.',
    );
  const row = rows[0] as Record<string, unknown>;
  return {
    id: String(row.id),
    isDisabled: row.is_disabled === true,
    isAnonymized: row.is_anonymized === true,
    deleteAt: row.delete_at == null ? null : String(row.delete_at),
    loginId: String(row.login_id),
  };
}

/** A warning when the stored login ID is not exactly the one typed (the match went through original_login_id or unique_key). */
export function loginIdMismatch(user: AuthgearUser, typed: string): string | undefined {
  if (user.loginId === typed) return undefined;
  return `The login ID typed, "${typed}", matched the user whose stored login ID is "${user.loginId}" (Authgear's normalised form, or its original or unique key): check that this is the intended user.`;
}

export function primaryPasswordsSql(schema: string, appId: string, userId: string): SqlFragment {
  return sql`SELECT a.id, p.password_hash, p.expire_after::text AS expire_after, a.updated_at::text AS updated_at, a.is_default FROM ${t(schema, '_auth_authenticator')} a JOIN ${t(schema, '_auth_authenticator_password')} p ON p.id = a.id AND p.app_id = a.app_id WHERE a.app_id = ${appId} AND a.user_id = ${userId} AND a.type = 'password' AND a.kind = 'primary' ORDER BY a.created_at`;
}

export async function primaryPasswords(
  session: DbSession,
  schema: string,
  appId: string,
  userId: string,
): Promise<PasswordAuthenticator[]> {
  const rows = await session.query(renderSql(primaryPasswordsSql(schema, appId, userId), session.dialect));
  return rows.map((row) => ({
    id: String(row.id),
    passwordHash: String(row.password_hash),
    expireAfter: row.expire_after == null ? null : String(row.expire_after),
    updatedAt: String(row.updated_at),
    isDefault: row.is_default === true,
  }));
}

/** The one primary password the database path can replace; none or several belong to the Admin API (it replaces them with one). */
export async function onePrimaryPassword(
  session: DbSession,
  schema: string,
  appId: string,
  userId: string,
): Promise<PasswordAuthenticator> {
  const found = await primaryPasswords(session, schema, appId, userId);
  if (found.length === 1) return found[0] as PasswordAuthenticator;
  throw new StepFailure(
    found.length === 0
      ? `User ${userId} has no primary password authenticator; the database path only replaces an existing one.`
      : `User ${userId} has ${found.length} primary password authenticators; the server's own reset replaces them all with one, which the database path does not attempt.`,
    "Use the Admin API's resetPassword (path admin-api), which creates the authenticator the server expects.",
  );
}

export interface PasswordWrite {
  appId: string;
  userId: string;
  authenticatorId: string;
  expectedHash: string;
  newHash: string;
  expireAfter: string | null;
  now: string;
  historyId: string;
}

/** The three statements of the server's password update, for one guarded transaction. */
export function passwordWriteSql(schema: string, write: PasswordWrite): SqlFragment[] {
  return [
    sql`UPDATE ${t(schema, '_auth_authenticator_password')} SET password_hash = ${secret(write.newHash)}, expire_after = ${write.expireAfter === null ? null : sql`${write.expireAfter}::timestamp`} WHERE app_id = ${write.appId} AND id = ${write.authenticatorId} AND password_hash = ${secret(write.expectedHash)}`,
    sql`UPDATE ${t(schema, '_auth_authenticator')} SET updated_at = ${write.now}::timestamp WHERE app_id = ${write.appId} AND id = ${write.authenticatorId}`,
    sql`INSERT INTO ${t(schema, '_auth_password_history')} (id, app_id, created_at, user_id, password) VALUES (${write.historyId}, ${write.appId}, ${write.now}::timestamp, ${write.userId}, ${secret(write.newHash)})`,
  ];
}

export interface SavedPassword {
  appId: string;
  userId: string;
  authenticatorId: string;
  passwordHash: string;
  expireAfter: string | null;
  updatedAt: string;
  historyId: string;
}

/** Puts the saved values back and removes this run's history row, guarded on the hash it holds now; returns what it did. */
export async function restorePassword(
  session: DbSession,
  schema: string,
  saved: SavedPassword,
  writtenByThisRun: (hash: string) => Promise<boolean>,
): Promise<string> {
  const [current] = (await primaryPasswords(session, schema, saved.appId, saved.userId)).filter(
    (authenticator) => authenticator.id === saved.authenticatorId,
  );
  if (!current)
    throw new StepFailure(
      `Authenticator ${saved.authenticatorId} no longer exists; its old hash cannot be restored.`,
    );
  if (current.passwordHash === saved.passwordHash)
    return `Authenticator ${saved.authenticatorId} already holds its old hash.`;
  if (!(await writtenByThisRun(current.passwordHash)))
    throw new StepFailure(
      `The password of user ${saved.userId} changed again after this run wrote it; undoing would overwrite that newer change.`,
      'Leave it, or reset the password again.',
    );
  const expire = saved.expireAfter === null ? null : sql`${saved.expireAfter}::timestamp`;
  await session.guarded([
    {
      sql: renderSql(
        sql`UPDATE ${t(schema, '_auth_authenticator_password')} SET password_hash = ${secret(saved.passwordHash)}, expire_after = ${expire} WHERE app_id = ${saved.appId} AND id = ${saved.authenticatorId} AND password_hash = ${secret(current.passwordHash)}`,
        session.dialect,
      ),
    },
    {
      sql: renderSql(
        sql`UPDATE ${t(schema, '_auth_authenticator')} SET updated_at = ${saved.updatedAt}::timestamp WHERE app_id = ${saved.appId} AND id = ${saved.authenticatorId}`,
        session.dialect,
      ),
    },
    {
      sql: renderSql(
        sql`DELETE FROM ${t(schema, '_auth_password_history')} WHERE app_id = ${saved.appId} AND id = ${saved.historyId}`,
        session.dialect,
      ),
      expectRows: 1,
    },
  ]);
  return `Restored the old hash, expire_after and updated_at of authenticator ${saved.authenticatorId}, and removed this run's password-history row.`;
}
