/** OSSYS_AUTHPROVIDER: the Active Directory provider row the AD workaround of seed 001 switches off and on. */
import type { Dialect, DbSession } from '../../platform/db/types.js';
import { renderSql, sql, type SqlFragment } from '../../platform/db/sql.js';
import { flagValue, lowerKeys, platformColumn, platformTable, readFlag } from './tables.js';

export const AD_PROVIDER_NAME = 'ADAuthProvider';

export interface AuthProvider {
  id: number;
  name: string;
  isActive: boolean;
}

export function findProvidersSql(dialect: Dialect, schema: string | undefined, name: string): SqlFragment {
  const col = (column: string) => platformColumn(dialect, column);
  return sql`SELECT ${col('ID')}, ${col('NAME')}, ${col('ISACTIVE')} FROM ${platformTable(dialect, 'OSSYS_AUTHPROVIDER', schema)} WHERE ${col('NAME')} = ${name}`;
}

export async function findProviders(
  session: DbSession,
  schema: string | undefined,
  name: string,
): Promise<AuthProvider[]> {
  const rows = await session.query(
    renderSql(findProvidersSql(session.dialect, schema, name), session.dialect),
  );
  return rows.map((raw) => {
    const row = lowerKeys(raw);
    return { id: Number(row.id), name: String(row.name), isActive: readFlag(row.isactive) };
  });
}

/** `UPDATE OSSYS_AUTHPROVIDER SET ISACTIVE = n WHERE ID = id` — the vendor's statement, by ID. */
export function setProviderActiveSql(
  dialect: Dialect,
  schema: string | undefined,
  id: number,
  active: boolean,
): SqlFragment {
  const col = (column: string) => platformColumn(dialect, column);
  return sql`UPDATE ${platformTable(dialect, 'OSSYS_AUTHPROVIDER', schema)} SET ${col('ISACTIVE')} = ${flagValue(dialect, active)} WHERE ${col('ID')} = ${id}`;
}
