// PostgreSQL-specific behaviour on the real embedded server, beyond the shared conformance cases.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDbConnector } from '../../src/main/platform/db/connector.js';
import { RowCountMismatch } from '../../src/main/platform/db/errors.js';
import { changePasswordDdl } from '../../src/main/platform/db/password-ddl.js';
import { parsePostgresUrl } from '../../src/main/platform/db/postgres-conninfo.js';
import { quoteIdentifier } from '../../src/main/platform/db/quoting.js';
import { ident, renderSql, secret, sql } from '../../src/main/platform/db/sql.js';
import type { DbSession, DbSettings } from '../../src/main/platform/db/types.js';
import { createTestDatabase } from '../support/pg.js';

const connector = createDbConnector();
let admin: DbSettings;
let database: DbSettings;
let session: DbSession;
const roles: string[] = [];

beforeAll(async () => {
  admin = parsePostgresUrl(inject('pgAdminUrl'));
  database = parsePostgresUrl(await createTestDatabase('db_postgres'));
  session = await connector.connect(database);
});

afterAll(async () => {
  const adminSession = await connector.connect(admin);
  for (const role of roles)
    await adminSession.ddl({
      text: `DROP ROLE IF EXISTS ${quoteIdentifier('postgres', role)}`,
      params: [],
      display: '',
    });
  await adminSession.close();
  await session.close();
});

async function newRole(): Promise<string> {
  const name = `bg "role"; ${randomBytes(3).toString('hex')}`;
  roles.push(name);
  const adminSession = await connector.connect(admin);
  await adminSession.ddl({
    text: `CREATE ROLE ${quoteIdentifier('postgres', name)} LOGIN PASSWORD 'initial-Pw-1'`,
    params: [],
    display: '',
  });
  await adminSession.close();
  return name;
}

describe('password change on the real server', () => {
  it.each([
    ['quotes, comment markers and semicolons', `'; DROP ROLE postgres; --/* */ "x"`],
    ['backslashes (E-string)', "back\\slash\\\\and\\'quote"],
    ['unicode, composed and decomposed', 'pässwörd ☃ 密码 cafe\u0301 😀'],
    ['10,000 characters', `${'\'\\"'.repeat(2_500)}${'é'.repeat(2_500)}`],
  ])('%s: the role logs in with the new password only', async (_label, password) => {
    const role = await newRole();
    const adminSession = await connector.connect(admin);
    await adminSession.ddl(changePasswordDdl('postgres', { user: role, newPassword: password }));
    await adminSession.close();
    expect(await connector.test({ ...database, user: role, password })).toMatchObject({ ok: true });
    expect(await connector.test({ ...database, user: role, password: 'initial-Pw-1' })).toMatchObject({
      ok: false,
      kind: 'login-failed',
    });
  });

  it('a backslash password is set correctly even with standard_conforming_strings off', async () => {
    const role = await newRole();
    const password = 'a\\b\\\\c';
    const adminSession = await connector.connect(admin);
    await adminSession.ddl({ text: 'SET standard_conforming_strings = off', params: [], display: '' });
    await adminSession.ddl(changePasswordDdl('postgres', { user: role, newPassword: password }));
    await adminSession.close();
    expect(await connector.test({ ...database, user: role, password })).toMatchObject({ ok: true });
  });

  it('a role changes its own password (no old password needed on PostgreSQL)', async () => {
    const role = await newRole();
    const own = await connector.connect({ ...database, user: role, password: 'initial-Pw-1' });
    await own.ddl(
      changePasswordDdl('postgres', {
        user: role,
        newPassword: 'self-Changed-2',
        oldPassword: 'initial-Pw-1',
      }),
    );
    await own.close();
    expect(await connector.test({ ...database, user: role, password: 'self-Changed-2' })).toMatchObject({
      ok: true,
    });
  });
});

describe('guarded statements with hostile identifiers and values', () => {
  const table = 'we"ird; table --';
  const column = 'pass]word';

  beforeAll(async () => {
    await session.ddl({
      text: `CREATE TABLE ${quoteIdentifier('postgres', table)} (id int PRIMARY KEY, ${quoteIdentifier('postgres', column)} text, active boolean)`,
      params: [],
      display: '',
    });
    await session.guarded(
      [1, 2, 3].map((id) => ({
        sql: renderSql(sql`INSERT INTO ${ident(table)} VALUES (${id}, ${'old'}, ${false})`, 'postgres'),
      })),
    );
  });

  it('updates exactly one row, parameterised, with the secret masked in display', async () => {
    const value = `x'); DELETE FROM ${table}; --`;
    const update = renderSql(
      sql`UPDATE ${ident(table)} SET ${ident(column)} = ${secret(value)}, active = ${true} WHERE id = ${2}`,
      'postgres',
    );
    expect(update.display).toBe(
      `UPDATE "we""ird; table --" SET "pass]word" = ********, active = TRUE WHERE id = 2`,
    );
    expect(await session.guarded([{ sql: update }])).toEqual([1]);
    const rows = await session.query<{ id: number; v: string }>(
      renderSql(sql`SELECT id, ${ident(column)} AS v FROM ${ident(table)} ORDER BY id`, 'postgres'),
    );
    expect(rows).toEqual([
      { id: 1, v: 'old' },
      { id: 2, v: value },
      { id: 3, v: 'old' },
    ]);
  });

  it('rolls back every statement of the batch when a later one matches no row, and reports the count', async () => {
    const first = renderSql(
      sql`UPDATE ${ident(table)} SET ${ident(column)} = ${'changed'} WHERE id = ${1}`,
      'postgres',
    );
    const none = renderSql(
      sql`UPDATE ${ident(table)} SET ${ident(column)} = ${'changed'} WHERE id = ${99}`,
      'postgres',
    );
    const error = await session.guarded([{ sql: first }, { sql: none }]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RowCountMismatch);
    expect((error as RowCountMismatch).message).toMatch(
      /Statement 2 would have changed 0 row\(s\) where exactly 1 was expected; everything in this step was rolled back/,
    );
    const [row] = await session.query<{ v: string }>(
      renderSql(sql`SELECT ${ident(column)} AS v FROM ${ident(table)} WHERE id = ${1}`, 'postgres'),
    );
    expect(row?.v).toBe('old');
  });

  it('accepts an explicit expectation of several rows, and rolls back on a server error mid-batch', async () => {
    const all = renderSql(sql`UPDATE ${ident(table)} SET active = ${false}`, 'postgres');
    expect(await session.guarded([{ sql: all, expectRows: 3 }])).toEqual([3]);
    const setOne = renderSql(sql`UPDATE ${ident(table)} SET active = ${true} WHERE id = ${3}`, 'postgres');
    const broken = renderSql(
      sql`UPDATE ${ident(table)} SET id = ${'not a number'} WHERE id = ${1}`,
      'postgres',
    );
    await expect(session.guarded([{ sql: setOne }, { sql: broken }])).rejects.toThrow(/invalid input syntax/);
    const [row] = await session.query<{ active: boolean }>(
      renderSql(sql`SELECT active FROM ${ident(table)} WHERE id = ${3}`, 'postgres'),
    );
    expect(row?.active).toBe(false);
    // The session is usable after the rollback.
    expect(await session.query(renderSql(sql`SELECT ${1}::int AS one`, 'postgres'))).toEqual([{ one: 1 }]);
  });
});
