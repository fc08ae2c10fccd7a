/**
 * Password-change DDL per dialect. DDL takes no parameters, so the name and the password are built
 * by the dialect's quoting functions (quoting.ts); `display` masks the passwords.
 */
import { MASK } from '../../../shared/redact.js';
import { assertNewPassword } from '../hashing/password-rules.js';
import { DbInputError } from './errors.js';
import { quoteIdentifier, quoteOraclePassword, quoteStringLiteral } from './quoting.js';
import type { Dialect, RenderedSql } from './types.js';

export interface PasswordChange {
  /** Login / role / user name as the database knows it (Oracle: upper-cased). */
  user: string;
  newPassword: string;
  /**
   * The current password, for a login changing its own password without ALTER ANY LOGIN (SQL Server
   * `OLD_PASSWORD`) or under a password verify function (Oracle `REPLACE`). PostgreSQL never needs it.
   */
  oldPassword?: string;
  /** SQL Server contained database / Azure SQL: the user has the password, not a server login. */
  contained?: boolean;
}

/** SQL Server logins take at most 128 characters; Oracle at most 1024 bytes (30 before 23ai — the server says so). */
const MAX_PASSWORD = { mssqlCharacters: 128, oracleBytes: 1024 } as const;

function checkPassword(dialect: Dialect, value: string, field: string): void {
  if (dialect === 'mssql' && [...value].length > MAX_PASSWORD.mssqlCharacters) {
    throw new DbInputError(
      field,
      `The ${field} is longer than SQL Server's limit of ${MAX_PASSWORD.mssqlCharacters} characters. Choose a shorter one.`,
    );
  }
  if (dialect === 'oracle' && Buffer.byteLength(value) > MAX_PASSWORD.oracleBytes) {
    throw new DbInputError(
      field,
      `The ${field} is longer than Oracle's limit of ${MAX_PASSWORD.oracleBytes} bytes. Choose a shorter one.`,
    );
  }
}

function passwordLiteral(dialect: Dialect, value: string, field: string): string {
  checkPassword(dialect, value, field);
  return dialect === 'oracle' ? quoteOraclePassword(value, field) : quoteStringLiteral(dialect, value, field);
}

function maskedLiteral(dialect: Dialect): string {
  if (dialect === 'oracle') return `"${MASK}"`;
  return dialect === 'mssql' ? `N'${MASK}'` : `'${MASK}'`;
}

export function changePasswordDdl(dialect: Dialect, change: PasswordChange): RenderedSql {
  try {
    assertNewPassword(change.newPassword, 'new password');
  } catch (error) {
    throw new DbInputError('new password', (error as Error).message);
  }
  const name = quoteIdentifier(dialect, change.user, 'user name');
  const newLiteral = passwordLiteral(dialect, change.newPassword, 'new password');
  const oldLiteral =
    change.oldPassword === undefined
      ? undefined
      : passwordLiteral(dialect, change.oldPassword, 'current password');
  const masked = maskedLiteral(dialect);
  const build = (newText: string, oldText: string | undefined): string => {
    switch (dialect) {
      case 'postgres':
        return `ALTER ROLE ${name} WITH PASSWORD ${newText}`;
      case 'mssql':
        return `ALTER ${change.contained ? 'USER' : 'LOGIN'} ${name} WITH PASSWORD = ${newText}${oldText === undefined ? '' : ` OLD_PASSWORD = ${oldText}`}`;
      case 'oracle':
        return `ALTER USER ${name} IDENTIFIED BY ${newText}${oldText === undefined ? '' : ` REPLACE ${oldText}`}`;
    }
  };
  const oldForPostgres = dialect === 'postgres' ? undefined : oldLiteral;
  return {
    text: build(newLiteral, oldForPostgres),
    params: [],
    display: build(masked, oldForPostgres === undefined ? undefined : masked),
  };
}

/**
 * Whether the session's login may change other logins' passwords (SQL Server ALTER ANY LOGIN,
 * Oracle ALTER USER, PostgreSQL superuser or CREATEROLE). One row, column `can_alter` (1/true or 0/false).
 * Without it a login can still change its own password with the self-change form (`oldPassword`).
 */
export function changeOthersRightSql(dialect: Dialect): RenderedSql {
  const text = {
    mssql: "SELECT HAS_PERMS_BY_NAME(NULL, NULL, 'ALTER ANY LOGIN') AS can_alter",
    oracle: "SELECT COUNT(*) AS can_alter FROM SESSION_PRIVS WHERE PRIVILEGE = 'ALTER USER'",
    postgres: 'SELECT (rolsuper OR rolcreaterole) AS can_alter FROM pg_roles WHERE rolname = current_user',
  }[dialect];
  return { text, params: [], display: text };
}
