// The sql tag, identifier quoting and display, per dialect: golden outputs and hostile names.
import { describe, expect, it } from 'vitest';
import { DbInputError } from '../../src/main/platform/db/errors.js';
import { ident, renderSql, secret, sql } from '../../src/main/platform/db/sql.js';

const update = (hash: string, id: number, user: string) =>
  sql`UPDATE ${ident('dbo', 'OSSYS_USER')} SET ${ident('PASSWORD')} = ${secret(hash)}${sql`, ${ident('IS_ACTIVE')} = ${true}`} WHERE ${ident('ID')} = ${id} AND ${ident('USERNAME')} = ${user}`;

describe('renderSql', () => {
  it('PostgreSQL: $n placeholders, "quoted" names, TRUE/FALSE in display, secrets masked', () => {
    expect(renderSql(update('$1$secret-hash', 7, "O'Brien"), 'postgres')).toEqual({
      text: 'UPDATE "dbo"."OSSYS_USER" SET "PASSWORD" = $1, "IS_ACTIVE" = $2 WHERE "ID" = $3 AND "USERNAME" = $4',
      params: ['$1$secret-hash', true, 7, "O'Brien"],
      display: `UPDATE "dbo"."OSSYS_USER" SET "PASSWORD" = ********, "IS_ACTIVE" = TRUE WHERE "ID" = 7 AND "USERNAME" = 'O''Brien'`,
    });
  });

  it('SQL Server: @pn placeholders, [bracketed] names, N-literals and 1/0 in display', () => {
    expect(renderSql(update('h', 7, 'admin'), 'mssql')).toEqual({
      text: 'UPDATE [dbo].[OSSYS_USER] SET [PASSWORD] = @p1, [IS_ACTIVE] = @p2 WHERE [ID] = @p3 AND [USERNAME] = @p4',
      params: ['h', true, 7, 'admin'],
      display:
        "UPDATE [dbo].[OSSYS_USER] SET [PASSWORD] = ********, [IS_ACTIVE] = 1 WHERE [ID] = 7 AND [USERNAME] = N'admin'",
    });
  });

  it('Oracle: :n placeholders and upper-cased "QUOTED" names', () => {
    expect(renderSql(update('h', 7, 'admin'), 'oracle').text).toBe(
      'UPDATE "DBO"."OSSYS_USER" SET "PASSWORD" = :1, "IS_ACTIVE" = :2 WHERE "ID" = :3 AND "USERNAME" = :4',
    );
  });

  it('never puts a value into the statement text, whatever it holds', () => {
    const hostile = "x'; DROP TABLE users; --";
    for (const dialect of ['postgres', 'mssql', 'oracle'] as const) {
      const rendered = renderSql(sql`SELECT 1 WHERE a = ${hostile} AND b = ${secret(hostile)}`, dialect);
      expect(rendered.text).not.toContain('DROP');
      expect(rendered.params).toEqual([hostile, hostile]);
      expect(rendered.display.match(/DROP/g)).toHaveLength(1);
    }
  });

  it('shows null, dates, buffers and long strings readably in display', () => {
    const long = 'y'.repeat(500);
    const rendered = renderSql(
      sql`VALUES (${null}, ${new Date('2026-01-02T03:04:05Z')}, ${Buffer.alloc(3)}, ${long})`,
      'postgres',
    );
    expect(rendered.display).toBe(
      `VALUES (NULL, '2026-01-02T03:04:05.000Z', <3 bytes>, '${'y'.repeat(200)}…(500 characters)')`,
    );
    expect(rendered.params[3]).toBe(long);
  });

  it('refuses undefined (a missing value) instead of sending NULL silently', () => {
    expect(() => sql`SELECT ${undefined as unknown as null}`).toThrow(/undefined; pass null/);
  });
});

describe('identifier quoting', () => {
  const render = (dialect: 'postgres' | 'mssql' | 'oracle', ...names: string[]) =>
    renderSql(sql`SELECT * FROM ${ident(...names)}`, dialect).text;

  it('doubles the closing quote character of each dialect', () => {
    expect(render('postgres', 'a"b')).toBe('SELECT * FROM "a""b"');
    expect(render('mssql', 'a]b', '[c')).toBe('SELECT * FROM [a]]b].[[c]');
    expect(render('postgres', 'x"; DROP TABLE t; --')).toBe('SELECT * FROM "x""; DROP TABLE t; --"');
    expect(render('mssql', 'x]; DROP TABLE t; --')).toBe('SELECT * FROM [x]]; DROP TABLE t; --]');
    expect(render('postgres', 'naïve ☃')).toBe('SELECT * FROM "naïve ☃"');
  });

  it('refuses what no quoting makes safe: NUL, empty, Oracle ", over-long names', () => {
    const cases: Array<[() => string, RegExp]> = [
      [() => render('postgres', 'a\u0000b'), /NUL/],
      [() => render('mssql', ''), /empty/],
      [() => render('oracle', 'a"b'), /double quote/],
      [() => render('postgres', 'x'.repeat(64)), /63-byte/],
      [() => render('postgres', 'é'.repeat(32)), /63-byte/],
      [() => render('mssql', 'x'.repeat(129)), /128-character/],
      [() => render('oracle', 'x'.repeat(129)), /128-byte/],
    ];
    for (const [attempt, message] of cases) {
      expect(attempt).toThrow(DbInputError);
      expect(attempt).toThrow(message);
    }
    expect(render('postgres', 'x'.repeat(63))).toContain('x'.repeat(63));
    expect(render('mssql', 'x'.repeat(128))).toContain('x'.repeat(128));
  });
});
