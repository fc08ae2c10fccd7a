/**
 * The practice sandbox's simulated Synapse (SystemModule.sandboxHttp): the admin and client API
 * endpoints a password reset uses, answering as Synapse's source does (rest/admin/users.py,
 * rest/client/login.py, api/auth/base.py), status codes and errcodes included, over the sandbox's
 * real tables and the sandbox homeserver.yaml (so editing password_config there changes the
 * answers). The MAS variant's host does not register reset_password (404 M_UNRECOGNIZED) and
 * refuses passwords (403), as a Synapse behind MAS does; its client login is MAS's (sandbox-mas-api.ts).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import type { SandboxSeedContext, SimulatedHttpRequest, SimulatedHttpService } from '../../engine/types.js';
import { hashSynapsePassword, verifySynapsePassword } from './hash.js';
import { readHomeserverYaml, type Homeserver } from './homeserver.js';
import { SANDBOX_HOMESERVER, SANDBOX_MAS_HOMESERVER } from './sandbox.js';
import { masCompatLogin } from './sandbox-mas-api.js';

type Answer = Awaited<ReturnType<SimulatedHttpService>>;

const matrixError = (status: number, errcode: string, error: string): Answer => ({
  status,
  body: { errcode, error },
});

interface Requester {
  tokenId: number;
  userId: string;
  deviceId: string | null;
  admin: boolean;
}

interface UserRow {
  name: string;
  password_hash: string | null;
  admin: number;
  deactivated: number;
  locked: boolean;
}

class Handled extends Error {
  constructor(readonly answer: Answer) {
    super('handled');
  }
}

function canChangePassword(homeserver: Homeserver): boolean {
  return homeserver.passwordConfig.enabled === true && homeserver.passwordConfig.localdbEnabled;
}

async function authenticate(request: SimulatedHttpRequest, db: pg.Client): Promise<Requester> {
  const header = request.headers.authorization;
  const query = request.url.searchParams.get('access_token');
  if (header !== undefined && query !== null)
    throw new Handled(
      matrixError(401, 'M_MISSING_TOKEN', 'Mixing Authorization headers and access_token query parameters.'),
    );
  let token = query;
  if (header !== undefined) {
    const parts = header.split(' ');
    if (parts.length !== 2 || parts[0] !== 'Bearer')
      throw new Handled(matrixError(401, 'M_MISSING_TOKEN', 'Invalid Authorization header.'));
    token = parts[1] ?? null;
  }
  if (!token) throw new Handled(matrixError(401, 'M_MISSING_TOKEN', 'Missing access token.'));
  const rows = await db.query<{
    id: string;
    user_id: string;
    device_id: string | null;
    admin: number;
    locked: boolean;
  }>(
    'SELECT t.id, t.user_id, t.device_id, u.admin, u.locked FROM access_tokens t JOIN users u ON u.name = t.user_id WHERE t.token = $1',
    [token],
  );
  const row = rows.rows[0];
  if (!row) throw new Handled(matrixError(401, 'M_UNKNOWN_TOKEN', 'Invalid access token passed.'));
  if (row.locked) throw new Handled(matrixError(401, 'M_USER_LOCKED', 'User account has been locked'));
  return {
    tokenId: Number(row.id),
    userId: row.user_id,
    deviceId: row.device_id,
    admin: Number(row.admin) === 1,
  };
}

async function requireAdmin(request: SimulatedHttpRequest, db: pg.Client): Promise<Requester> {
  const requester = await authenticate(request, db);
  if (!requester.admin) throw new Handled(matrixError(403, 'M_FORBIDDEN', 'You are not a server admin'));
  return requester;
}

function parseBody(request: SimulatedHttpRequest): Record<string, unknown> {
  try {
    const body = JSON.parse(request.body || '{}') as unknown;
    if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // Answered below as Synapse does.
  }
  throw new Handled(matrixError(400, 'M_NOT_JSON', 'Content not JSON.'));
}

async function userRow(db: pg.Client, name: string): Promise<UserRow | undefined> {
  const rows = await db.query<UserRow>(
    'SELECT name, password_hash, admin, deactivated, locked FROM users WHERE name = $1',
    [name],
  );
  return rows.rows[0];
}

function userRecord(row: UserRow) {
  return {
    name: row.name,
    displayname: null,
    threepids: [],
    avatar_url: null,
    is_guest: 0,
    admin: Number(row.admin) === 1,
    deactivated: Number(row.deactivated) === 1,
    erased: false,
    shadow_banned: false,
    creation_ts: 1764547200,
    appservice_id: null,
    consent_server_notice_sent: null,
    consent_version: null,
    consent_ts: null,
    external_ids: [],
    user_type: null,
    locked: row.locked,
    suspended: false,
  };
}

/** SetPasswordHandler.set_password with logout_devices: the requester's own device and token are kept. */
async function setPassword(
  db: pg.Client,
  homeserver: Homeserver,
  name: string,
  password: string,
  logoutDevices: boolean,
  requester: Requester,
): Promise<void> {
  if (!canChangePassword(homeserver))
    throw new Handled(matrixError(403, 'M_FORBIDDEN', 'Password change disabled'));
  const hash = await hashSynapsePassword(password, {
    pepper: homeserver.passwordConfig.pepper,
    rounds: homeserver.bcryptRounds,
  });
  const updated = await db.query('UPDATE users SET password_hash = $1 WHERE name = $2', [hash, name]);
  if (updated.rowCount !== 1) throw new Handled(matrixError(404, 'M_NOT_FOUND', 'Unknown user'));
  if (!logoutDevices) return;
  await db.query('DELETE FROM devices WHERE user_id = $1 AND device_id IS DISTINCT FROM $2', [
    name,
    requester.deviceId,
  ]);
  await db.query('DELETE FROM access_tokens WHERE user_id = $1 AND id <> $2', [name, requester.tokenId]);
  await db.query('DELETE FROM refresh_tokens WHERE user_id = $1', [name]);
}

function targetOf(request: SimulatedHttpRequest, prefix: string): string | undefined {
  if (!request.url.pathname.startsWith(prefix)) return undefined;
  return decodeURIComponent(request.url.pathname.slice(prefix.length));
}

async function handle(
  request: SimulatedHttpRequest,
  db: pg.Client,
  homeserver: Homeserver,
  behindMas: boolean,
): Promise<Answer> {
  const isLocal = (name: string) => name.endsWith(`:${homeserver.serverName}`) && name.startsWith('@');
  const reset = targetOf(request, '/_synapse/admin/v1/reset_password/');
  if (reset !== undefined && request.method === 'POST') {
    if (behindMas) return matrixError(404, 'M_UNRECOGNIZED', 'Unrecognized request');
    const requester = await requireAdmin(request, db);
    const body = parseBody(request);
    if (!isLocal(reset)) return matrixError(400, 'M_UNKNOWN', 'Can only change local users');
    if (body.new_password === undefined)
      return matrixError(400, 'M_MISSING_PARAM', "Missing params: ['new_password']");
    await setPassword(
      db,
      homeserver,
      reset,
      String(body.new_password),
      body.logout_devices !== false,
      requester,
    );
    return { status: 200, body: {} };
  }
  const user = targetOf(request, '/_synapse/admin/v2/users/');
  if (user !== undefined && (request.method === 'GET' || request.method === 'PUT')) {
    const requester = await requireAdmin(request, db);
    if (!isLocal(user))
      return matrixError(
        400,
        'M_UNKNOWN',
        request.method === 'GET'
          ? 'Can only look up local users'
          : 'This endpoint can only be used with local users',
      );
    const row = await userRow(db, user);
    if (request.method === 'GET')
      return row ? { status: 200, body: userRecord(row) } : matrixError(404, 'M_NOT_FOUND', 'User not found');
    const body = parseBody(request);
    if (body.password !== undefined && (typeof body.password !== 'string' || body.password.length > 512))
      return matrixError(400, 'M_INVALID_PARAM', 'Invalid password');
    for (const key of ['deactivated', 'locked', 'logout_devices'])
      if (body[key] !== undefined && typeof body[key] !== 'boolean')
        return matrixError(400, 'M_INVALID_PARAM', `'${key}' parameter is not of type boolean`);
    if (body.deactivated === true && body.locked === true)
      return matrixError(400, 'M_INVALID_PARAM', "An user can't be deactivated and locked");
    if (typeof body.password === 'string' && behindMas)
      return matrixError(403, 'M_FORBIDDEN', 'Password change disabled');
    if (!row) {
      // Synapse registers an unknown user on PUT: the reason Breakglass looks the user up first.
      const hash =
        typeof body.password === 'string'
          ? await hashSynapsePassword(body.password, {
              pepper: homeserver.passwordConfig.pepper,
              rounds: homeserver.bcryptRounds,
            })
          : null;
      await db.query(
        'INSERT INTO users (name, password_hash, creation_ts, admin) VALUES ($1, $2, 1764633600, 0)',
        [user, hash],
      );
      return { status: 201, body: userRecord((await userRow(db, user)) as UserRow) };
    }
    if (typeof body.password === 'string')
      await setPassword(db, homeserver, user, body.password, body.logout_devices !== false, requester);
    if (body.deactivated === false)
      await db.query('UPDATE users SET deactivated = 0 WHERE name = $1', [user]);
    if (body.deactivated === true)
      await db.query('UPDATE users SET deactivated = 1, password_hash = NULL WHERE name = $1', [user]);
    if (typeof body.locked === 'boolean')
      await db.query('UPDATE users SET locked = $1 WHERE name = $2', [body.locked, user]);
    return { status: 200, body: userRecord((await userRow(db, user)) as UserRow) };
  }
  if (request.url.pathname === '/_matrix/client/v3/login' && request.method === 'POST')
    return login(request, db, homeserver, behindMas);
  if (request.url.pathname === '/_matrix/client/v3/logout' && request.method === 'POST') {
    const requester = await authenticate(request, db);
    await db.query('DELETE FROM access_tokens WHERE id = $1', [requester.tokenId]);
    if (requester.deviceId)
      await db.query('DELETE FROM devices WHERE user_id = $1 AND device_id = $2', [
        requester.userId,
        requester.deviceId,
      ]);
    return { status: 200, body: {} };
  }
  return matrixError(404, 'M_UNRECOGNIZED', 'Unrecognized request');
}

async function login(
  request: SimulatedHttpRequest,
  db: pg.Client,
  homeserver: Homeserver,
  behindMas: boolean,
): Promise<Answer> {
  const body = parseBody(request);
  if (behindMas || homeserver.passwordConfig.enabled !== true)
    return matrixError(400, 'M_UNKNOWN', 'Unknown login type m.login.password');
  const identifier = body.identifier as { type?: unknown; user?: unknown } | undefined;
  if (
    body.type !== 'm.login.password' ||
    identifier?.type !== 'm.id.user' ||
    typeof identifier.user !== 'string'
  )
    return matrixError(400, 'M_UNKNOWN', 'Invalid login submission');
  const mxid = identifier.user.startsWith('@')
    ? identifier.user
    : `@${identifier.user}:${homeserver.serverName}`;
  const rows = (
    await db.query<UserRow>(
      'SELECT name, password_hash, admin, deactivated, locked FROM users WHERE lower(name) = lower($1)',
      [mxid],
    )
  ).rows;
  const row = rows.length === 1 ? rows[0] : rows.find((candidate) => candidate.name === mxid);
  const forbidden = matrixError(403, 'M_FORBIDDEN', 'Invalid username or password');
  if (!row || !row.password_hash || typeof body.password !== 'string') return forbidden;
  if (
    !(await verifySynapsePassword(body.password, row.password_hash, {
      pepper: homeserver.passwordConfig.pepper,
    }))
  )
    return forbidden;
  if (Number(row.deactivated) === 1)
    return matrixError(403, 'M_USER_DEACTIVATED', 'This account has been deactivated');
  if (row.locked) return matrixError(401, 'M_USER_LOCKED', 'This account has been locked');
  const deviceId = randomBytes(5).toString('hex').toUpperCase();
  const token = `syt_${randomBytes(15).toString('base64url')}`;
  await db.query('INSERT INTO devices (user_id, device_id, display_name) VALUES ($1, $2, $3)', [
    row.name,
    deviceId,
    typeof body.initial_device_display_name === 'string' ? body.initial_device_display_name : null,
  ]);
  await db.query(
    'INSERT INTO access_tokens (id, user_id, device_id, token) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM access_tokens), $1, $2, $3)',
    [row.name, deviceId, token],
  );
  return {
    status: 200,
    body: { user_id: row.name, access_token: token, device_id: deviceId, home_server: homeserver.serverName },
  };
}

function simulatedSynapse(homeserverFile: string, behindMas: boolean): SimulatedHttpService {
  return async (request: SimulatedHttpRequest, sandbox: SandboxSeedContext) => {
    // Behind MAS, the reverse proxy sends Matrix clients' login and logout to MAS.
    if (
      behindMas &&
      request.method === 'POST' &&
      /^\/_matrix\/client\/v3\/log(in|out)$/.test(request.url.pathname)
    )
      return masCompatLogin(request, sandbox);
    const homeserver = await readHomeserverYaml(path.join(sandbox.root, homeserverFile));
    const db = new pg.Client({ connectionString: sandbox.databaseUrl });
    await db.connect();
    try {
      return await handle(request, db, homeserver, behindMas);
    } catch (error) {
      if (error instanceof Handled) return error.answer;
      throw error;
    } finally {
      await db.end();
    }
  };
}

export const synapseSandboxHttp = {
  plain: simulatedSynapse(SANDBOX_HOMESERVER, false),
  mas: simulatedSynapse(SANDBOX_MAS_HOMESERVER, true),
};
