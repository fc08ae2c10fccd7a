import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import type { Engine } from '../../src/main/engine/engine.js';

/** Runs one statement on the engine's Authgear sandbox database (seeding it on first use). */
export async function authgearQuery<Row extends pg.QueryResultRow>(
  engine: Engine,
  text: string,
  params: unknown[] = [],
): Promise<Row[]> {
  const url = await engine.sandbox.databaseUrl(engine.registry.system('authgear'));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(text, params)).rows;
  } finally {
    await client.end();
  }
}

/** Every row of the password tables, timestamps as text, for before/after comparisons. */
export async function passwordTables(engine: Engine): Promise<{
  authenticators: Array<Record<string, unknown>>;
  passwords: Array<{ id: string; app_id: string; password_hash: string; expire_after: string | null }>;
  history: Array<{ id: string; app_id: string; user_id: string; password: string; created_at: string }>;
  users: Array<Record<string, unknown>>;
}> {
  const [authenticators, passwords, history, users] = await Promise.all([
    authgearQuery(
      engine,
      'SELECT id, app_id, user_id, kind, is_default, updated_at::text AS updated_at FROM _auth_authenticator ORDER BY id',
    ),
    authgearQuery<{ id: string; app_id: string; password_hash: string; expire_after: string | null }>(
      engine,
      'SELECT id, app_id, password_hash, expire_after::text AS expire_after FROM _auth_authenticator_password ORDER BY id',
    ),
    authgearQuery<{ id: string; app_id: string; user_id: string; password: string; created_at: string }>(
      engine,
      'SELECT id, app_id, user_id, password, created_at::text AS created_at FROM _auth_password_history ORDER BY id',
    ),
    authgearQuery(engine, 'SELECT * FROM _auth_user ORDER BY id'),
  ]);
  return { authenticators, passwords, history, users };
}

export function sandboxConfigDir(engine: Engine): string {
  return path.join(engine.sandbox.filesRoot('authgear'), 'config');
}

export interface BcryptCheck {
  accepted: boolean;
  digest_has_nul: boolean;
  cost: number;
  variant: string;
}

/** Perl's Digest::SHA + Crypt::Eksblowfish::Bcrypt over the raw digest; the password goes on stdin. */
export function independentAuthgearCheck(password: string, stored: string): BcryptCheck {
  const script = new URL('./independent/authgear_check_password.pl', import.meta.url).pathname;
  const result = spawnSync('perl', [script], {
    input: `${Buffer.from(password, 'utf8').toString('hex')} ${stored}\n`,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`authgear_check_password.pl failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as BcryptCheck;
}

/** A password whose SHA-512 digest holds a 0x00 byte (about one in five do). */
export function passwordWithNulDigest(prefix: string): string {
  for (let index = 0; ; index++) {
    const candidate = `${prefix}-${index}`;
    if (createHash('sha512').update(candidate, 'utf8').digest().includes(0)) return candidate;
  }
}
