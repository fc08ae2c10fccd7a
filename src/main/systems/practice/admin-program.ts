import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { SimulatedProgram } from '../../engine/types.js';
import { CONFIG_RELATIVE_PATH, readSetting } from './app-config.js';
import { verifyPracticePassword } from './password-hash.js';

/**
 * `practice-admin verify-login --user NAME`, password on stdin: the practice app's own admin tool,
 * simulated. Exit 0 when the password logs in under the configured password store, 1 otherwise.
 */
export const practiceAdmin: SimulatedProgram = async (request, sandbox) => {
  const started = Date.now();
  const done = (exitCode: number, stdout: string, stderr = '') => ({
    exitCode,
    signal: null,
    stdout,
    stderr,
    timedOut: false,
    durationMs: Date.now() - started,
  });
  const [command, flag, user] = request.args;
  if (command !== 'verify-login' || flag !== '--user' || !user || request.args.length !== 3) {
    return done(2, '', 'usage: practice-admin verify-login --user NAME  (password on stdin)\n');
  }
  if (request.stdin === undefined) return done(2, '', 'practice-admin: the password must come on stdin\n');
  const store = readSetting(
    fs.readFileSync(path.join(sandbox.root, CONFIG_RELATIVE_PATH), 'utf8'),
    'password_store',
  );
  if (store !== 'scrypt')
    return done(1, '', `practice-admin: password_store is "${store ?? 'missing'}"; logins need "scrypt"\n`);
  const client = new pg.Client({ connectionString: sandbox.databaseUrl });
  await client.connect();
  try {
    const rows = await client.query<{ password_hash: string }>(
      'SELECT password_hash FROM practice_accounts WHERE name = $1',
      [user],
    );
    const stored = rows.rows[0]?.password_hash;
    if (!stored) return done(1, '', `practice-admin: no account "${user}"\n`);
    const password = request.stdin.replace(/\r?\n$/, '');
    return verifyPracticePassword(password, stored)
      ? done(0, `login ok for ${user}\n`)
      : done(1, '', `practice-admin: wrong password for ${user}\n`);
  } finally {
    await client.end();
  }
};
