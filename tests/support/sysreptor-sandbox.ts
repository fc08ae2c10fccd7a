import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Engine } from '../../src/main/engine/engine.js';

export interface PentestUserRow {
  id: string;
  username: string;
  is_active: boolean;
  must_change_password: boolean;
  failed_mfa_attempts: number;
  password: Buffer;
  updated: string;
}

/** Runs one statement on the engine's SysReptor sandbox database (seeding it on first use). */
export async function sysreptorQuery<Row extends pg.QueryResultRow>(
  engine: Engine,
  text: string,
  params: unknown[] = [],
): Promise<Row[]> {
  const url = await engine.sandbox.databaseUrl(engine.registry.system('sysreptor'));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(text, params)).rows;
  } finally {
    await client.end();
  }
}

export function pentestUsers(engine: Engine): Promise<PentestUserRow[]> {
  return sysreptorQuery<PentestUserRow>(
    engine,
    'SELECT id::text AS id, username, is_active, must_change_password, failed_mfa_attempts, password, updated::text AS updated FROM users_pentestuser ORDER BY id',
  );
}

export function sandboxDeployDir(engine: Engine): string {
  return path.join(engine.sandbox.filesRoot('sysreptor'), 'deploy');
}

/** ENCRYPTION_KEYS of an app.env, read with a plain regex (not Breakglass's env-file parser). */
export function keysOfAppEnv(appEnvPath: string): Array<{ id: string; key: string }> {
  const line = fs
    .readFileSync(appEnvPath, 'utf8')
    .split('\n')
    .find((text) => text.startsWith('ENCRYPTION_KEYS='));
  if (!line) return [];
  return JSON.parse(line.slice('ENCRYPTION_KEYS='.length).replace(/^'|'$/g, '')) as Array<{
    id: string;
    key: string;
  }>;
}

export interface DjangoCheck {
  form: 'plain' | 'encrypted';
  key_id: string | null;
  nonce_bytes: number | null;
  accepted: boolean;
  must_update: boolean;
  algorithm: string;
}

/** Debian's Django check_password over the stored value, after python3-cryptography decrypts the envelope; the password goes on stdin. */
export function djangoCheck(
  password: string,
  stored: Buffer,
  keys: Array<{ id: string; key: string }>,
): DjangoCheck {
  const script = new URL('./independent/sysreptor_check_password.py', import.meta.url).pathname;
  const result = spawnSync('/usr/bin/python3', [script], {
    input: JSON.stringify({ password, stored_base64: stored.toString('base64'), keys }),
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`sysreptor_check_password.py failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as DjangoCheck;
}
