/**
 * The practice sandbox's simulated Matrix Authentication Service: the admin API endpoints the MAS
 * path uses (users by username, set-password, unlock, reactivate; the compat, OAuth 2 and user
 * sessions listed by user and status, and finished; `{"errors": [{"title"}]}` on failure, as
 * crates/handlers/src/admin/ answers; ids are ULIDs of the tables' UUIDs, as MAS shows them) and
 * the Matrix client login MAS serves for a homeserver behind it, over the sandbox's MAS tables and
 * its config.yaml's password schemes.
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

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** MAS stores UUIDs and shows the same 128 bits as a ULID (26 Crockford base-32 characters). */
export function ulidOf(uuid: string): string {
  let value = BigInt(`0x${uuid.replace(/-/g, '')}`);
  let text = '';
  for (let index = 0; index < 26; index += 1) {
    text = `${CROCKFORD[Number(value & 31n)] ?? ''}${text}`;
    value >>= 5n;
  }
  return text;
}

export function uuidOfUlid(ulid: string): string | undefined {
  if (!/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/i.test(ulid)) return undefined;
  let value = 0n;
  for (const character of ulid.toUpperCase()) value = value * 32n + BigInt(CROCKFORD.indexOf(character));
  const hex = value.toString(16).padStart(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The session kinds of the admin API: route, resource type, table and the name its errors use. */
const SESSION_KINDS = {
  'compat-sessions': { type: 'compat-session', table: 'compat_sessions', name: 'Compatibility session' },
  'oauth2-sessions': { type: 'oauth2-session', table: 'oauth2_sessions', name: 'OAuth 2.0 session' },
  'user-sessions': { type: 'user-session', table: 'user_sessions', name: 'User session' },
} as const;
const idColumnOf = (table: string) => `${table.slice(0, -1)}_id`;
type SessionRoute = keyof typeof SESSION_KINDS;

interface SessionRow {
  id: string;
  user_id: string | null;
  created_at: string;
  finished_at: string | null;
}

async function sessionsApi(
  request: SimulatedHttpRequest,
  db: pg.Client,
  route: SessionRoute,
  id: string | undefined,
): Promise<Answer> {
  const kind = SESSION_KINDS[route];
  const idColumn = idColumnOf(kind.table);
  const select = `SELECT ${idColumn}::text AS id, user_id::text, created_at::text, finished_at::text FROM ${kind.table}`;
  const resource = (row: SessionRow) => ({
    type: kind.type,
    id: ulidOf(row.id),
    attributes: {
      user_id: row.user_id && ulidOf(row.user_id),
      created_at: row.created_at,
      finished_at: row.finished_at,
    },
    links: { self: `/api/admin/v1/${route}/${ulidOf(row.id)}` },
  });
  if (id !== undefined) {
    const uuid = uuidOfUlid(id);
    if (!uuid) return masError(400, 'Invalid ID');
    const row = (await db.query<SessionRow>(`${select} WHERE ${idColumn} = $1`, [uuid])).rows[0];
    if (!row) return masError(404, `${kind.name} with ID ${id} not found`);
    if (row.finished_at) return masError(400, `${kind.name} with ID ${id} is already finished`);
    const finished = (
      await db.query<SessionRow>(
        `UPDATE ${kind.table} SET finished_at = now() WHERE ${idColumn} = $1 RETURNING ${idColumn}::text AS id, user_id::text, created_at::text, finished_at::text`,
        [uuid],
      )
    ).rows[0] as SessionRow;
    return {
      status: 200,
      body: { data: resource(finished), links: { self: `/api/admin/v1/${route}/${id}/finish` } },
    };
  }
  const query = request.url.searchParams;
  const user = query.get('filter[user]');
  const status = query.get('filter[status]');
  const after = query.get('page[after]');
  const first = Number(query.get('page[first]') ?? 10);
  const userUuid = user === null ? undefined : uuidOfUlid(user);
  const afterUuid = after === null ? undefined : uuidOfUlid(after);
  if (
    (user !== null && !userUuid) ||
    (status !== null && status !== 'active' && status !== 'finished') ||
    (after !== null && !afterUuid) ||
    !Number.isInteger(first) ||
    first < 1
  )
    return masError(400, 'Invalid filter parameters');
  if (userUuid && (await db.query('SELECT 1 FROM users WHERE user_id = $1', [userUuid])).rowCount === 0)
    return masError(404, `User ID ${user} not found`);
  const rows = (
    await db.query<SessionRow>(
      `${select} WHERE ($1::uuid IS NULL OR user_id = $1) AND ($2::text IS NULL OR (finished_at IS NULL) = ($2 = 'active')) AND ($3::uuid IS NULL OR ${idColumn} > $3) ORDER BY ${idColumn} LIMIT $4`,
      [userUuid ?? null, status, afterUuid ?? null, first + 1],
    )
  ).rows;
  const page = rows.slice(0, first);
  const self = `/api/admin/v1/${route}${request.url.search}`;
  return {
    status: 200,
    body: {
      meta: { count: page.length },
      data: page.map((row) => ({ ...resource(row), meta: { page: { cursor: ulidOf(row.id) } } })),
      links: {
        self,
        ...(rows.length > first
          ? { next: `${self}&page[after]=${ulidOf(page[page.length - 1]?.id ?? '')}` }
          : {}),
      },
    },
  };
}

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
    id: ulidOf(row.user_id),
    attributes: {
      username: row.username,
      created_at: '2025-12-01T00:00:00Z',
      locked_at: row.locked_at,
      deactivated_at: row.deactivated_at,
      admin: false,
    },
    links: { self: `/api/admin/v1/users/${ulidOf(row.user_id)}` },
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
    const sessions =
      /^\/api\/admin\/v1\/(compat-sessions|oauth2-sessions|user-sessions)(?:\/([^/]+)\/finish)?$/.exec(
        request.url.pathname,
      );
    if (sessions && request.method === (sessions[2] === undefined ? 'GET' : 'POST'))
      return sessionsApi(
        request,
        db,
        sessions[1] as SessionRoute,
        sessions[2] === undefined ? undefined : decodeURIComponent(sessions[2]),
      );
    const action = /^\/api\/admin\/v1\/users\/([^/]+)\/(set-password|unlock|reactivate)$/.exec(
      request.url.pathname,
    );
    if (!action || request.method !== 'POST') return { status: 404 };
    const id = uuidOfUlid(decodeURIComponent(action[1] ?? ''));
    if (!id) return masError(400, 'Invalid ID');
    const row = (await db.query<Row>(`${select} WHERE user_id = $1`, [id])).rows[0];
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
