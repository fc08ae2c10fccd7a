// Golden password-change statements per dialect, with hostile names and passwords.
import { describe, expect, it } from 'vitest';
import { changeOthersRightSql, changePasswordDdl } from '../../src/main/platform/db/password-ddl.js';

const HOSTILE = 'it\'s]"; DROP LOGIN sa; --/* é☃ \\n';

describe('changePasswordDdl', () => {
  it('PostgreSQL: ALTER ROLE "name" WITH PASSWORD, quotes doubled, E-string when a backslash is present', () => {
    expect(changePasswordDdl('postgres', { user: 'synapse', newPassword: 'n3w' })).toEqual({
      text: `ALTER ROLE "synapse" WITH PASSWORD 'n3w'`,
      params: [],
      display: `ALTER ROLE "synapse" WITH PASSWORD '********'`,
    });
    expect(changePasswordDdl('postgres', { user: 'we"ird', newPassword: HOSTILE }).text).toBe(
      `ALTER ROLE "we""ird" WITH PASSWORD E'it''s]"; DROP LOGIN sa; --/* é☃ \\\\n'`,
    );
    expect(changePasswordDdl('postgres', { user: 'r', newPassword: 'x', oldPassword: 'old' }).text).toBe(
      `ALTER ROLE "r" WITH PASSWORD 'x'`,
    );
  });

  it('SQL Server: ALTER LOGIN / ALTER USER (contained) with N-literals and the OLD_PASSWORD self-change form', () => {
    expect(changePasswordDdl('mssql', { user: 'OSADMIN', newPassword: HOSTILE })).toEqual({
      text: `ALTER LOGIN [OSADMIN] WITH PASSWORD = N'it''s]"; DROP LOGIN sa; --/* é☃ \\n'`,
      params: [],
      display: `ALTER LOGIN [OSADMIN] WITH PASSWORD = N'********'`,
    });
    expect(changePasswordDdl('mssql', { user: 'os]user', newPassword: 'n', oldPassword: "o'ld" })).toEqual({
      text: `ALTER LOGIN [os]]user] WITH PASSWORD = N'n' OLD_PASSWORD = N'o''ld'`,
      params: [],
      display: `ALTER LOGIN [os]]user] WITH PASSWORD = N'********' OLD_PASSWORD = N'********'`,
    });
    expect(changePasswordDdl('mssql', { user: 'app', newPassword: 'n', contained: true }).text).toBe(
      `ALTER USER [app] WITH PASSWORD = N'n'`,
    );
  });

  it('Oracle: ALTER USER "NAME" IDENTIFIED BY "…" (+ REPLACE), name upper-cased', () => {
    expect(
      changePasswordDdl('oracle', { user: 'outsystems', newPassword: "it's]; --/*", oldPassword: 'old' }),
    ).toEqual({
      text: `ALTER USER "OUTSYSTEMS" IDENTIFIED BY "it's]; --/*" REPLACE "old"`,
      params: [],
      display: `ALTER USER "OUTSYSTEMS" IDENTIFIED BY "********" REPLACE "********"`,
    });
  });

  it('refuses a " in an Oracle password up front, naming the character and the field', () => {
    expect(() => changePasswordDdl('oracle', { user: 'u', newPassword: 'a"b' })).toThrow(
      /new password contains a double quote \("\)/,
    );
    expect(() => changePasswordDdl('oracle', { user: 'u', newPassword: 'ok', oldPassword: 'a"b' })).toThrow(
      /current password contains a double quote/,
    );
  });

  it('refuses NUL, empty and whitespace-only passwords and NUL in names, in every dialect', () => {
    for (const dialect of ['postgres', 'mssql', 'oracle'] as const) {
      expect(() => changePasswordDdl(dialect, { user: 'u', newPassword: 'a\u0000b' })).toThrow(/NUL/);
      expect(() => changePasswordDdl(dialect, { user: 'u', newPassword: '' })).toThrow(/empty/);
      expect(() => changePasswordDdl(dialect, { user: 'u', newPassword: '  ' })).toThrow(/whitespace/);
      expect(() => changePasswordDdl(dialect, { user: 'u\u0000', newPassword: 'x' })).toThrow(
        /user name contains a NUL/,
      );
    }
  });

  it('handles 10,000-character passwords: PostgreSQL takes them, SQL Server (128) and Oracle (1024 bytes) refuse with the limit', () => {
    const huge = `'${'x'.repeat(9_998)}'`;
    const rendered = changePasswordDdl('postgres', { user: 'u', newPassword: huge });
    expect(rendered.text).toBe(`ALTER ROLE "u" WITH PASSWORD '''${'x'.repeat(9_998)}'''`);
    expect(rendered.display).toBe(`ALTER ROLE "u" WITH PASSWORD '********'`);
    expect(() => changePasswordDdl('mssql', { user: 'u', newPassword: huge })).toThrow(
      /limit of 128 characters/,
    );
    expect(() => changePasswordDdl('oracle', { user: 'u', newPassword: huge })).toThrow(
      /limit of 1024 bytes/,
    );
    expect(changePasswordDdl('mssql', { user: 'u', newPassword: 'é'.repeat(128) }).text).toContain(
      'é'.repeat(128),
    );
  });

  it('never shows a password in display', () => {
    for (const dialect of ['postgres', 'mssql', 'oracle'] as const) {
      const { display } = changePasswordDdl(dialect, {
        user: 'u',
        newPassword: 'Secret-New-1',
        oldPassword: 'Secret-Old-1',
      });
      expect(display).not.toMatch(/Secret/);
    }
  });
});

describe('changeOthersRightSql', () => {
  it('asks each dialect for the right to change other logins (golden statements)', () => {
    expect(changeOthersRightSql('mssql').text).toBe(
      "SELECT HAS_PERMS_BY_NAME(NULL, NULL, 'ALTER ANY LOGIN') AS can_alter",
    );
    expect(changeOthersRightSql('oracle').text).toBe(
      "SELECT COUNT(*) AS can_alter FROM SESSION_PRIVS WHERE PRIVILEGE = 'ALTER USER'",
    );
    expect(changeOthersRightSql('postgres').text).toBe(
      'SELECT (rolsuper OR rolcreaterole) AS can_alter FROM pg_roles WHERE rolname = current_user',
    );
  });
});
