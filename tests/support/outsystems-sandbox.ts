import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Engine } from '../../src/main/engine/engine.js';

export interface OssysUserRow {
  id: number;
  tenant_id: number;
  username: string;
  password: string;
  is_active: boolean;
}

/** Runs one statement on the engine's OutSystems sandbox database (seeding it on first use). */
export async function sandboxQuery<Row extends pg.QueryResultRow>(
  engine: Engine,
  text: string,
  params: unknown[] = [],
): Promise<Row[]> {
  const url = await engine.sandbox.databaseUrl(engine.registry.system('outsystems'));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(text, params)).rows;
  } finally {
    await client.end();
  }
}

export function ossysUsers(engine: Engine): Promise<OssysUserRow[]> {
  return sandboxQuery<OssysUserRow>(
    engine,
    'SELECT id, tenant_id, username, password, is_active FROM ossys_user ORDER BY id',
  );
}

export async function adProviderActive(engine: Engine): Promise<boolean> {
  const rows = await sandboxQuery<{ isactive: boolean }>(
    engine,
    "SELECT isactive FROM ossys_authprovider WHERE name = 'ADAuthProvider'",
  );
  return rows[0]?.isactive === true;
}

/**
 * An implementation of the `$1$` check written from the reference alone, independent of
 * src/main/systems/outsystems/hash.ts: SHA-512 over UTF-16LE(password + salt text), upper-case hex.
 */
export function independentlyVerifiesV1(password: string, stored: string): boolean {
  if (!stored.startsWith('$1$') || stored.length !== 175) return false;
  const hash = stored.slice(-128);
  const salt = stored.slice(3, -128);
  return (
    createHash('sha512')
      .update(Buffer.from(password + salt, 'utf16le'))
      .digest('hex')
      .toUpperCase() === hash
  );
}
