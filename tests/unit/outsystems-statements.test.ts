import { describe, expect, it } from 'vitest';
import { findProvidersSql, setProviderActiveSql } from '../../src/main/systems/outsystems/auth-providers.js';
import { findUsersSql, updateUserSql } from '../../src/main/systems/outsystems/users.js';
import { renderSql } from '../../src/main/platform/db/sql.js';

const HOSTILE = `ad'min]"; DROP TABLE OSSYS_USER; --ü`;

describe('OutSystems statements per dialect (golden)', () => {
  it('finds users by tenant and name: SQL Server by its collation, Oracle upper-cased, sandbox PostgreSQL like SQL Server', () => {
    const mssql = renderSql(findUsersSql('mssql', undefined, 'ServiceCenter', HOSTILE), 'mssql');
    expect(mssql.text).toBe(
      'SELECT u.[ID], u.[TENANT_ID], t.[NAME] AS [TENANT_NAME], u.[USERNAME], u.[PASSWORD], u.[IS_ACTIVE]\n' +
        'FROM [dbo].[OSSYS_USER] u\n' +
        'JOIN [dbo].[OSSYS_TENANT] t ON t.[ID] = u.[TENANT_ID]\n' +
        'WHERE UPPER(t.[NAME]) = UPPER(@p1) AND u.[USERNAME] = @p2',
    );
    expect(mssql.params).toEqual(['ServiceCenter', HOSTILE]);

    const oracle = renderSql(findUsersSql('oracle', 'OUTSYSTEMS', 'users', HOSTILE), 'oracle');
    expect(oracle.text).toBe(
      'SELECT u."ID", u."TENANT_ID", t."NAME" AS "TENANT_NAME", u."USERNAME", u."PASSWORD", u."IS_ACTIVE"\n' +
        'FROM "OUTSYSTEMS"."OSSYS_USER" u\n' +
        'JOIN "OUTSYSTEMS"."OSSYS_TENANT" t ON t."ID" = u."TENANT_ID"\n' +
        'WHERE UPPER(t."NAME") = UPPER(:1) AND UPPER(u."USERNAME") = UPPER(:2)',
    );
    expect(oracle.params).toEqual(['users', HOSTILE]);

    const postgres = renderSql(findUsersSql('postgres', undefined, 'users', 'admin'), 'postgres');
    expect(postgres.text).toContain('FROM "ossys_user" u');
    expect(postgres.text).toContain('LOWER(RTRIM(u."username") COLLATE "C") = LOWER(RTRIM($2) COLLATE "C")');
  });

  it('updates exactly the row by ID and its current value; the hashes are parameters and masked in the display', () => {
    const update = { id: 42, expectedPassword: '$1$old', newPassword: '$1$new', isActive: true };
    const mssql = renderSql(updateUserSql('mssql', undefined, update), 'mssql');
    expect(mssql.text).toBe(
      'UPDATE [dbo].[OSSYS_USER] SET [PASSWORD] = @p1, [IS_ACTIVE] = @p2 WHERE [ID] = @p3 AND [PASSWORD] = @p4',
    );
    expect(mssql.params).toEqual(['$1$new', true, 42, '$1$old']);
    expect(mssql.display).toBe(
      'UPDATE [dbo].[OSSYS_USER] SET [PASSWORD] = ********, [IS_ACTIVE] = 1 WHERE [ID] = 42 AND [PASSWORD] = ********',
    );

    const activateOnly = renderSql(
      updateUserSql('mssql', undefined, { ...update, newPassword: undefined }),
      'mssql',
    );
    expect(activateOnly.text).toBe(
      'UPDATE [dbo].[OSSYS_USER] SET [IS_ACTIVE] = @p1 WHERE [ID] = @p2 AND [PASSWORD] = @p3',
    );
    expect(() => updateUserSql('mssql', undefined, { id: 1, expectedPassword: 'x' })).toThrow(
      /nothing to set/,
    );

    const oracle = renderSql(
      updateUserSql('oracle', undefined, { ...update, isActive: undefined }),
      'oracle',
    );
    expect(oracle.text).toBe('UPDATE "OSSYS_USER" SET "PASSWORD" = :1 WHERE "ID" = :2 AND "PASSWORD" = :3');
    expect(oracle.params).toEqual(['$1$new', 42, '$1$old']);
  });

  it('switches the AD provider by ID, with ISACTIVE spelled as the platform spells it', () => {
    expect(renderSql(findProvidersSql('mssql', undefined, 'ADAuthProvider'), 'mssql').display).toBe(
      "SELECT [ID], [NAME], [ISACTIVE] FROM [dbo].[OSSYS_AUTHPROVIDER] WHERE [NAME] = N'ADAuthProvider'",
    );
    const oracle = renderSql(setProviderActiveSql('oracle', 'OS', 7, false), 'oracle');
    expect(oracle.text).toBe('UPDATE "OS"."OSSYS_AUTHPROVIDER" SET "ISACTIVE" = :1 WHERE "ID" = :2');
    expect(oracle.params).toEqual([0, 7]);
    expect(renderSql(setProviderActiveSql('mssql', undefined, 7, true), 'mssql').display).toBe(
      'UPDATE [dbo].[OSSYS_AUTHPROVIDER] SET [ISACTIVE] = 1 WHERE [ID] = 7',
    );
  });
});
