/**
 * The servers of an environment as OSSYS_SERVER lists them (NAME is the host name, as the
 * detach guide's `update ossys_server set name = …` shows), read through the platform
 * administrator's connection from server.hsconf.
 */
import os from 'node:os';
import type { DbConnector, DbSettings } from '../../platform/db/types.js';
import { renderSql, sql } from '../../platform/db/sql.js';
import type { Environment } from '../../engine/types.js';
import { dbSettingsFromHsconf } from './hsconf-db-settings.js';
import type { HsConf } from './hsconf.js';
import { SANDBOX_SERVER_NAME } from './sandbox.js';

export interface RegisteredServer {
  name: string;
  ipAddress: string;
  active: boolean;
}

/** The platform administrator's settings from server.hsconf: what reads OSSYS_SERVER. */
export function platformAdminSettings(doc: HsConf, key: Buffer): DbSettings {
  return dbSettingsFromHsconf(doc, key, 'platform-admin');
}

export async function listServers(db: DbConnector, settings: DbSettings): Promise<RegisteredServer[]> {
  const session = await db.connect(settings);
  try {
    const rows = await session.query<Record<string, unknown>>(
      renderSql(
        sql`SELECT NAME AS name, IP_ADDRESS AS ip_address, IS_ACTIVE AS is_active FROM OSSYS_SERVER`,
        session.dialect,
      ),
    );
    // Column case differs per dialect (Oracle upper-cases unquoted aliases).
    const value = (row: Record<string, unknown>, name: string) =>
      Object.entries(row).find(([column]) => column.toLowerCase() === name)?.[1];
    return rows.map((row) => ({
      name: String(value(row, 'name') ?? '').trim(),
      ipAddress: String(value(row, 'ip_address') ?? '').trim(),
      active: [true, 1, '1'].includes(value(row, 'is_active') as never),
    }));
  } finally {
    await session.close();
  }
}

/** The name this machine has in OSSYS_SERVER: its host name (the sandbox's controller in practice). */
export function controllerName(env: Pick<Environment, 'kind'>): string {
  return env.kind === 'sandbox' ? SANDBOX_SERVER_NAME : os.hostname();
}

export function sameServer(a: string, b: string): boolean {
  return a.trim().toUpperCase() === b.trim().toUpperCase();
}

/** One line per server, as the rotation's and the farm's logs say them. */
export function serverLine(server: RegisteredServer): string {
  return `${server.name} (${server.ipAddress}${server.active ? '' : ', inactive'})`;
}
