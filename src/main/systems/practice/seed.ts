import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { SandboxSeedContext } from '../../engine/types.js';
import { CONFIG_RELATIVE_PATH } from './app-config.js';
import { hashPracticePassword } from './password-hash.js';

export const PRACTICE_SERVICE = 'PracticeApp';
export const PRACTICE_ACCOUNT = 'drill-admin';
/** The seeded password of the practice admin, before any drill: printed in the drill's facts so a trainee can try it. */
export const SEEDED_PASSWORD = 'practice-before-rotation';

/** CRLF endings and non-ASCII text on purpose: undo must restore them byte for byte. */
const SEEDED_CONFIG = [
  '# Practice App settings (sandbox) — Übungsdatei, café ☕',
  '[auth]',
  `admin_user = ${PRACTICE_ACCOUNT}`,
  'password_store = legacy',
  'session_timeout = 30',
  '',
].join('\r\n');

export async function seedPracticeSandbox(sandbox: SandboxSeedContext): Promise<void> {
  const client = new pg.Client({ connectionString: sandbox.databaseUrl });
  await client.connect();
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS practice_accounts (
      name text PRIMARY KEY,
      password_hash text NOT NULL,
      is_admin boolean NOT NULL DEFAULT false,
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await client.query('TRUNCATE practice_accounts');
    await client.query(
      'INSERT INTO practice_accounts (name, password_hash, is_admin) VALUES ($1, $2, true), ($3, $4, false)',
      [
        PRACTICE_ACCOUNT,
        hashPracticePassword(SEEDED_PASSWORD),
        'viewer',
        hashPracticePassword('viewer-practice-password'),
      ],
    );
  } finally {
    await client.end();
  }
  const configPath = path.join(sandbox.root, CONFIG_RELATIVE_PATH);
  fs.mkdirSync(path.dirname(configPath), { recursive: true });
  fs.writeFileSync(configPath, SEEDED_CONFIG, { mode: 0o640 });
  sandbox.defineService(PRACTICE_SERVICE, { displayName: 'Practice App (simulated)', startType: 'auto' });
}
