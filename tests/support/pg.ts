import { inject } from 'vitest';
import pg from 'pg';

/** Creates a fresh, empty database on the run's shared embedded PostgreSQL and returns its URL. */
export async function createTestDatabase(prefix: string): Promise<string> {
  const adminUrl = inject('pgAdminUrl');
  const name = `${prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_')}_${process.pid}_${Date.now().toString(36)}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
