/**
 * The practice sandbox's simulated Matrix Authentication Service: the admin API endpoints the MAS
 * path uses (users by username, set-password, unlock, reactivate; `{"errors": [{"title"}]}` on
 * failure, as crates/handlers/src/admin/ answers) and the Matrix client login MAS serves for a
 * homeserver behind it, over the sandbox's MAS tables and its config.yaml's password schemes.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { SandboxSeedContext, SimulatedHttpRequest, SimulatedHttpService } from '../../engine/types.js';
import { currentScheme, readMasConfig } from './mas-config.js';
import { hashMasPassword, verifyMasPassword } from './mas-hash.js';
import {
  MAS_SANDBOX_DATABASE,
  SANDBOX_MAS_ADMIN_TOKEN_FILE,
  SANDBOX_MAS_CONFIG,
  SYNAPSE_SANDBOX_SERVER_NAME,
} from './sandbox.js';

type Answer = Awaited<ReturnType<SimulatedHttpService>>;
const masError = (status: number, title: string): Answer => ({ status, body: { errors: [{ title }] } });
const matrixError = (status: number, errcode: string, error: string): Answer => ({
  status,
  body: { errcode, error },
});
/** Tokens of the compatibility sessions this simulation logged in (the MAS tables here have no token table). */
const compatTokens = new Map<string, string>();
/** MAS's zxcvbn check at minimum_complexity 3, simplified: short or single-class passwords are weak. */
const isWeak = (password: string) => password.length < 8 || !/[^a-z]/.test(password);

interface Row {
  user_id: string;
  username: string;
  locked_at: string | null;
  deactivated_at: string | null;
}

async function withMasDb<T>(sandbox: SandboxSeedContext, work: (db: pg.Client) => Promise<T>): Promise<T> {
  const db = new pg.Client({ connectionString: await sandbox.databaseUrlOf(MAS_SANDBOX_DATABASE) });
  await db.connect();
  try {
    return await work(db);
  } finally {
    await db.end();
  }
}

const userDocument = (row: Row) => ({
  data: {
    type: 'user',
    id: row.user_id,
    attributes: {
      username: row.username,
      created_at: '2025-12-01T00:00:00Z',
      locked_at: row.locked_at,
      deactivated_at: row.deactivated_at,
      admin: false,
    },
    links: { self: `/api/admin/v1/users/${row.user_id}` },
  },
});

async function adminApi(request: SimulatedHttpRequest, sandbox: SandboxSeedContext): Promise<Answer> {
  const expected = (await fs.readFile(path.join(sandbox.root, SANDBOX_MAS_ADMIN_TOKEN_FILE), 'utf8')).trim();
  if (request.headers.authorization !== `Bearer ${expected}`)
    return masError(401, 'Missing or invalid access token');
  const config = await readMasConfig(path.join(sandbox.root, SANDBOX_MAS_CONFIG));
  return withMasDb(sandbox, async (db) => {
    const select = 'SELECT user_id::text, username, locked_at::text, deactivated_at::text FROM users';
    const byName = /^\/api\/admin\/v1\/users\/by-username\/([^/]+)$/.exec(request.url.pathname);
    if (byName && request.method === 'GET') {
      const row = (
        await db.query<Row>(`${select} WHERE username = $1`, [decodeURIComponent(byName[1] ?? '')])
      ).rows[0];
      return row ? { status: 200, body: userDocument(row) } : masError(404, 'User not found');
    }
    const action = /^\/api\/admin\/v1\/users\/([^/]+)\/(set-password|unlock|reactivate)$/.exec(
      request.url.pathname,
    );
    if (!action || request.method !== 'POST') return masError(404, 'Not found');
    const id = decodeURIComponent(action[1] ?? '');
    const row = /^[0-9a-f-]{36}$/.test(id)
      ? (await db.query<Row>(`${select} WHERE user_id = $1`, [id])).rows[0]
      : undefined;
    if (!row) return masError(404, 'User not found');
    if (action[2] === 'unlock') await db.query('UPDATE users SET locked_at = NULL WHERE user_id = $1', [id]);
    if (action[2] === 'reactivate')
      await db.query('UPDATE users SET deactivated_at = NULL WHERE user_id = $1', [id]);
    if (action[2] !== 'set-password')
      return {
        status: 200,
        body: userDocument((await db.query<Row>(`${select} WHERE user_id = $1`, [id])).rows[0] as Row),
      };
    if (!config.passwordsEnabled) return masError(403, 'Password support is disabled');
    const body = JSON.parse(request.body || '{}') as { password?: unknown; skip_password_check?: unknown };
    if (typeof body.password !== 'string') return masError(400, 'Invalid request body');
    if (body.skip_password_check !== true && isWeak(body.password))
      return masError(400, 'Password is too weak');
    const scheme = currentScheme(config);
    await db.query(
      'INSERT INTO user_passwords (user_password_id, user_id, hashed_password, created_at, version) VALUES ($1, $2, $3, now(), $4)',
      [randomUUID(), id, await hashMasPassword(body.password, scheme), scheme.version],
    );
    return { status: 204 };
  });
}

/** POST /_matrix/client/v3/login and /logout as MAS's compatibility layer serves them. */
export async function masCompatLogin(
  request: SimulatedHttpRequest,
  sandbox: SandboxSeedContext,
): Promise<Answer> {
  if (request.url.pathname === '/_matrix/client/v3/logout') {
    const token = request.headers.authorization?.replace(/^Bearer /, '') ?? '';
    const session = compatTokens.get(token);
    if (!session) return matrixError(401, 'M_UNKNOWN_TOKEN', 'Invalid access token passed.');
    compatTokens.delete(token);
    await withMasDb(sandbox, (db) =>
      db.query('UPDATE compat_sessions SET finished_at = now() WHERE compat_session_id = $1', [session]),
    );
    return { status: 200, body: {} };
  }
  const body = JSON.parse(request.body || '{}') as { identifier?: { user?: unknown }; password?: unknown };
  const user =
    typeof body.identifier?.user === 'string' ? body.identifier.user.replace(/^@([^:]+):.*$/, '$1') : '';
  const config = await readMasConfig(path.join(sandbox.root, SANDBOX_MAS_CONFIG));
  return withMasDb(sandbox, async (db) => {
    const row = (
      await db.query<Row>(
        'SELECT user_id::text, username, locked_at::text, deactivated_at::text FROM users WHERE username = $1',
        [user],
      )
    ).rows[0];
    const forbidden = matrixError(403, 'M_FORBIDDEN', 'Invalid username or password');
    if (!row || typeof body.password !== 'string') return forbidden;
    const active = (
      await db.query<{ hashed_password: string; version: number }>(
        'SELECT hashed_password, version FROM user_passwords WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1',
        [row.user_id],
      )
    ).rows[0];
    const scheme = config.schemes.find((candidate) => candidate.version === active?.version);
    if (!active || !scheme || !(await verifyMasPassword(body.password, active.hashed_password, scheme)))
      return forbidden;
    if (row.deactivated_at)
      return matrixError(403, 'M_USER_DEACTIVATED', 'This account has been deactivated');
    if (row.locked_at) return matrixError(401, 'M_USER_LOCKED', 'This account has been locked');
    const session = randomUUID();
    const deviceId = randomBytes(5).toString('hex').toUpperCase();
    await db.query(
      'INSERT INTO compat_sessions (compat_session_id, user_id, device_id, created_at) VALUES ($1, $2, $3, now())',
      [session, row.user_id, deviceId],
    );
    const token = `mct_${randomBytes(15).toString('base64url')}`;
    compatTokens.set(token, session);
    return {
      status: 200,
      body: {
        user_id: `@${row.username}:${SYNAPSE_SANDBOX_SERVER_NAME}`,
        access_token: token,
        device_id: deviceId,
        home_server: SYNAPSE_SANDBOX_SERVER_NAME,
      },
    };
  });
}

export const simulatedMas: SimulatedHttpService = adminApi;
