/**
 * The conformance cases every dialect must pass against a real server: connect, classify a wrong
 * password, guarded update with rollback on a row-count mismatch, and a password change with a
 * hostile password followed by a login with it. PostgreSQL runs here; SQL Server and Oracle run when
 * BREAKGLASS_TEST_MSSQL_URL / BREAKGLASS_TEST_ORACLE_URL name a server (an admin login), and skip
 * visibly otherwise.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDbConnector } from '../../src/main/platform/db/connector.js';
import { RowCountMismatch } from '../../src/main/platform/db/errors.js';
import { changePasswordDdl } from '../../src/main/platform/db/password-ddl.js';
import {
  quoteIdentifier,
  quoteOraclePassword,
  quoteStringLiteral,
} from '../../src/main/platform/db/quoting.js';
import { ident, renderSql, sql } from '../../src/main/platform/db/sql.js';
import type { DbSession, DbSettings, Dialect, RenderedSql } from '../../src/main/platform/db/types.js';

/** Hostile but valid per dialect: quotes, brackets, comment markers, semicolons, backslash; unicode where the server takes it. */
const HOSTILE_PASSWORDS: Record<Dialect, string> = {
  postgres: `Q'u"o]te; --/* é☃ \\ end`,
  mssql: `Q'u"o]te; --/* é☃ \\ end1`,
  // Oracle: no ", single-byte only, at most 30 bytes (the limit before 23ai).
  oracle: `Aq'u;o]t--e/*\\x#1`,
};

function ddl(text: string): RenderedSql {
  return { text, params: [], display: text };
}

/** Admin statements to create and drop the scratch objects, built with the same quoting functions. */
function fixtures(dialect: Dialect, table: string, login: string, password: string) {
  const t = quoteIdentifier(dialect, table);
  const l = quoteIdentifier(dialect, login);
  switch (dialect) {
    case 'postgres':
      return {
        createTable: [`CREATE TABLE ${t} (id integer PRIMARY KEY, v text)`],
        dropTable: [`DROP TABLE IF EXISTS ${t}`],
        createLogin: [`CREATE ROLE ${l} LOGIN PASSWORD ${quoteStringLiteral('postgres', password)}`],
        dropLogin: [`DROP ROLE IF EXISTS ${l}`],
      };
    case 'mssql':
      return {
        createTable: [`CREATE TABLE ${t} (id int PRIMARY KEY, v nvarchar(100))`],
        dropTable: [`IF OBJECT_ID(N'${table}') IS NOT NULL DROP TABLE ${t}`],
        createLogin: [
          `CREATE LOGIN ${l} WITH PASSWORD = ${quoteStringLiteral('mssql', password)}, CHECK_POLICY = OFF`,
        ],
        dropLogin: [`IF SUSER_ID(N'${login}') IS NOT NULL DROP LOGIN ${l}`],
      };
    case 'oracle':
      return {
        createTable: [`CREATE TABLE ${t} (id NUMBER PRIMARY KEY, v VARCHAR2(100))`],
        dropTable: [`BEGIN EXECUTE IMMEDIATE 'DROP TABLE ${t} PURGE'; EXCEPTION WHEN OTHERS THEN NULL; END;`],
        createLogin: [
          `CREATE USER ${l} IDENTIFIED BY ${quoteOraclePassword(password)}`,
          `GRANT CREATE SESSION TO ${l}`,
        ],
        dropLogin: [
          `BEGIN EXECUTE IMMEDIATE 'DROP USER ${l} CASCADE'; EXCEPTION WHEN OTHERS THEN NULL; END;`,
        ],
      };
  }
}

async function runAll(session: DbSession, statements: string[]): Promise<void> {
  for (const statement of statements) await session.ddl(ddl(statement));
}

export function defineConformanceSuite(
  dialect: Dialect,
  admin: DbSettings | undefined,
  skipReason: string,
): void {
  if (!admin) console.log(`[conformance:${dialect}] skipped: ${skipReason}`);
  describe(`${dialect} conformance`, () => {
    const connector = createDbConnector();
    const suffix = randomBytes(4).toString('hex');
    const table = `bg_conf_${suffix}`;
    const login = `bg_conf_login_${suffix}`;

    it.skipIf(!admin)('connects and reports the server version', async () => {
      const result = await connector.test(admin!);
      expect(result).toMatchObject({ ok: true });
    });

    it.skipIf(!admin)('classifies a wrong password as login-failed without echoing it', async () => {
      const wrong = `Wrong-${suffix}-Pw`;
      const result = await connector.test({ ...admin!, password: wrong });
      expect(result).toMatchObject({ ok: false, kind: 'login-failed' });
      if (!result.ok) expect(result.message).not.toContain(wrong);
    });

    it.skipIf(!admin)(
      'guarded update commits one row, and rolls back with the actual count when more match',
      async () => {
        const session = await connector.connect(admin!);
        const names = fixtures(dialect, table, login, 'unused');
        try {
          await runAll(session, names.dropTable);
          await runAll(session, names.createTable);
          const insert = (id: number, v: string) => ({
            sql: renderSql(
              sql`INSERT INTO ${ident(table)} (${ident('id')}, ${ident('v')}) VALUES (${id}, ${v})`,
              dialect,
            ),
          });
          expect(await session.guarded([insert(1, 'a'), insert(2, 'a')])).toEqual([1, 1]);

          const setOne = renderSql(
            sql`UPDATE ${ident(table)} SET ${ident('v')} = ${"b'; --"} WHERE ${ident('id')} = ${1}`,
            dialect,
          );
          expect(await session.guarded([{ sql: setOne }])).toEqual([1]);

          const first = renderSql(
            sql`UPDATE ${ident(table)} SET ${ident('v')} = ${'c'} WHERE ${ident('id')} = ${2}`,
            dialect,
          );
          const tooMany = renderSql(sql`UPDATE ${ident(table)} SET ${ident('v')} = ${'z'}`, dialect);
          const failure = await session
            .guarded([{ sql: first }, { sql: tooMany, expectRows: 1 }])
            .catch((error: unknown) => error);
          expect(failure).toBeInstanceOf(RowCountMismatch);
          expect(failure).toMatchObject({ statementIndex: 1, expected: 1, actual: 2 });

          const rows = await session.query(
            renderSql(
              sql`SELECT ${ident('id')} AS ${ident('id')}, ${ident('v')} AS ${ident('v')} FROM ${ident(table)} ORDER BY ${ident('id')}`,
              dialect,
            ),
          );
          const values = rows.map((row) =>
            Object.fromEntries(Object.entries(row).map(([key, value]) => [key.toLowerCase(), value])),
          );
          expect(values).toEqual([
            { id: 1, v: "b'; --" },
            { id: 2, v: 'a' },
          ]);
        } finally {
          await runAll(session, names.dropTable).catch(() => undefined);
          await session.close();
        }
      },
    );

    it.skipIf(!admin)(
      "changes a login's password to a hostile one; the new password logs in and the old one no longer does",
      async () => {
        const initial = dialect === 'oracle' ? `Init${suffix}Pw1` : `Init-${suffix}-Pw1`;
        const hostile = HOSTILE_PASSWORDS[dialect];
        const session = await connector.connect(admin!);
        const names = fixtures(dialect, table, login, initial);
        const asLogin = (password: string): DbSettings => ({
          ...admin!,
          authentication: 'sql',
          domain: undefined,
          user: dialect === 'oracle' ? login.toUpperCase() : login,
          password,
          database: dialect === 'mssql' ? undefined : admin!.database,
        });
        try {
          await runAll(session, names.dropLogin);
          await runAll(session, names.createLogin);
          expect(await connector.test(asLogin(initial))).toMatchObject({ ok: true });

          const change = changePasswordDdl(dialect, { user: login, newPassword: hostile });
          expect(change.display).not.toContain(hostile);
          await session.ddl(change);

          expect(await connector.test(asLogin(hostile))).toMatchObject({ ok: true });
          expect(await connector.test(asLogin(initial))).toMatchObject({ ok: false, kind: 'login-failed' });
        } finally {
          await runAll(session, names.dropLogin).catch(() => undefined);
          await session.close();
        }
      },
    );

    it.skipIf(!admin)(
      'a login without the right to change others changes its own password with the self-change form (OLD_PASSWORD / REPLACE); the old one no longer logs in',
      async () => {
        const initial = dialect === 'oracle' ? `Self${suffix}Pw1` : `Self-${suffix}-Pw1`;
        const next = dialect === 'oracle' ? `Next${suffix}Pw2` : `Next-${suffix}-"Pw2']`;
        const session = await connector.connect(admin!);
        const names = fixtures(dialect, table, `${login}_self`, initial);
        const asLogin = (password: string): DbSettings => ({
          ...admin!,
          authentication: 'sql',
          domain: undefined,
          user: dialect === 'oracle' ? `${login}_self`.toUpperCase() : `${login}_self`,
          password,
          database: dialect === 'mssql' ? undefined : admin!.database,
        });
        try {
          await runAll(session, names.dropLogin);
          await runAll(session, names.createLogin);
          const own = await connector.connect(asLogin(initial));
          try {
            await own.ddl(
              changePasswordDdl(dialect, { user: `${login}_self`, newPassword: next, oldPassword: initial }),
            );
          } finally {
            await own.close();
          }
          expect(await connector.test(asLogin(next))).toMatchObject({ ok: true });
          expect(await connector.test(asLogin(initial))).toMatchObject({ ok: false, kind: 'login-failed' });
        } finally {
          await runAll(session, names.dropLogin).catch(() => undefined);
          await session.close();
        }
      },
    );
  });
}
