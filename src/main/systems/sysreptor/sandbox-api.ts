/**
 * The practice sandbox's SysReptor API, over the sandbox's real users_* rows: token auth as
 * users/auth.py does it (sha3_256 of the secret, expiry, disabled owner, admin_permissions_enabled
 * or Community), the Host checked against ALLOWED_HOSTS, the user list with ?search=/?username=
 * and cursor pages, reset-password with Django's validators (UserAttributeSimilarity simplified
 * to containment), the re-enable PATCH with its failed-MFA reset, and the login check. Answers
 * have DRF's shapes and texts.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import type { SandboxSeedContext, SimulatedHttpRequest, SimulatedHttpService } from '../../engine/types.js';
import { readSysReptorDeploy, SANDBOX_DEPLOY_DIR, type SysReptorDeploy } from './deploy.js';
import { hashSysReptorPassword, verifySysReptorPassword } from './hash.js';
import { decodeStoredPassword, encodeStoredPassword, planWrite } from './password-field.js';
import { storedForm } from './database-path.js';

/** Where the practice deploy folder's BIND_PORT default publishes the app. */
export const SANDBOX_API_HOST = '127.0.0.1:8000';
/** Small pages, so that a practice lookup follows the cursor as a big install needs. */
const PAGE_SIZE = 2;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const COMMON_PASSWORDS = new Set([
  'password',
  'password1',
  '12345678',
  'qwertyuiop',
  'iloveyou',
  'sysreptor',
]);

type Answer = Awaited<ReturnType<SimulatedHttpService>>;
type Row = Record<string, unknown>;

interface Caller {
  row: Row;
  isAdmin: boolean;
}

const detail = (status: number, text: string, code: string): Answer => ({
  status,
  body: { detail: text, code },
});
const notFound = () => detail(404, 'No PentestUser matches the given query.', 'not_found');
const forbidden = () =>
  detail(403, 'You do not have permission to perform this action.', 'permission_denied');

function userJson(row: Row, isAdmin: boolean) {
  const flag = (name: string) => row[name] === true;
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    is_active: flag('is_active'),
    is_superuser: flag('is_superuser'),
    is_user_manager: flag('is_user_manager'),
    is_system_user: flag('is_system_user'),
    must_change_password: flag('must_change_password'),
    scope: [
      ...(isAdmin ? ['admin'] : []),
      ...(flag('is_user_manager') || isAdmin ? ['user_manager'] : []),
      ...(flag('is_system_user') ? ['system'] : []),
    ],
  };
}

async function authenticate(
  db: pg.Client,
  request: SimulatedHttpRequest,
  deploy: SysReptorDeploy,
): Promise<Caller | Answer> {
  const header = request.headers.authorization;
  if (!header) return detail(401, 'Authentication credentials were not provided.', 'not_authenticated');
  const match = /^Bearer sysreptor_(.+)$/.exec(header);
  const decoded = match ? Buffer.from(match[1] as string, 'base64').toString('utf8') : '';
  const [id, secret] = decoded.split(':');
  if (!match || !id || !secret || !UUID.test(id))
    return detail(401, 'Invalid token header format.', 'authentication_failed');
  const { rows } = await db.query(
    `SELECT t.token_hash, t.expire_date < current_date AS expired, t.admin_permissions_enabled, u.*, u.id::text AS id
       FROM users_apitoken t JOIN users_pentestuser u ON u.id = t.user_id WHERE t.id = $1`,
    [id],
  );
  const row = rows[0] as Row | undefined;
  const hash = `sha3_256$$${createHash('sha3-256').update(secret).digest('hex')}`;
  if (!row || row.token_hash !== hash) return detail(401, 'Invalid API token', 'authentication_failed');
  if (row.expired === true) return detail(401, 'API token expired', 'authentication_failed');
  if (row.is_active !== true) return detail(401, 'User disabled or deleted.', 'authentication_failed');
  await db.query('UPDATE users_apitoken SET last_used = now() WHERE id = $1', [id]);
  const adminPermissions = row.admin_permissions_enabled === true || deploy.edition === 'community';
  return { row, isAdmin: row.is_superuser === true && adminPermissions };
}

async function userById(db: pg.Client, id: string): Promise<Row | undefined> {
  if (!UUID.test(id)) return undefined;
  const { rows } = await db.query('SELECT *, id::text AS id FROM users_pentestuser WHERE id = $1', [id]);
  return rows[0] as Row | undefined;
}

/** permissions.py UserViewSetPermissions for unsafe methods. */
function mayModify(caller: Caller, target: Row): boolean {
  if (!caller.isAdmin && caller.row.is_user_manager !== true) return false;
  if (target.is_system_user === true && target.id !== caller.row.id) return false;
  if (target.is_superuser === true && !caller.isAdmin) return false;
  return true;
}

/** SysReptor's AUTH_PASSWORD_VALIDATORS, simplified (also used by the simulated changepassword). */
export function validatorErrors(password: string, user: Row): string[] {
  const errors: string[] = [];
  const lower = password.toLowerCase();
  const attributes = [user.username, user.email, user.first_name, user.last_name]
    .filter((value): value is string => typeof value === 'string' && value.length >= 3)
    .map((value) => value.toLowerCase());
  if (attributes.some((value) => lower.includes(value) || value.includes(lower)))
    errors.push('The password is too similar to the username.');
  if (password.length < 8) errors.push('This password is too short. It must contain at least 8 characters.');
  if (COMMON_PASSWORDS.has(lower)) errors.push('This password is too common.');
  if (/^[0-9]+$/.test(password)) errors.push('This password is entirely numeric.');
  return errors;
}

function parseJson(body: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(body) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

async function listUsers(db: pg.Client, caller: Caller, url: URL): Promise<Answer> {
  const search = url.searchParams.get('search') ?? '';
  const username = url.searchParams.get('username');
  const offset = Number(Buffer.from(url.searchParams.get('cursor') ?? '', 'base64url').toString() || '0');
  const { rows } = await db.query(
    `SELECT *, id::text AS id FROM users_pentestuser
      WHERE ($1 = '' OR username ILIKE '%' || $1 || '%' OR email ILIKE '%' || $1 || '%' OR first_name ILIKE '%' || $1 || '%' OR last_name ILIKE '%' || $1 || '%')
        AND ($2::text IS NULL OR username = $2)
      ORDER BY created DESC, users_pentestuser.id LIMIT $3 OFFSET $4`,
    [search, username, PAGE_SIZE + 1, Number.isInteger(offset) && offset >= 0 ? offset : 0],
  );
  const page = (rows as Row[]).slice(0, PAGE_SIZE);
  let next: string | null = null;
  if (rows.length > PAGE_SIZE) {
    const link = new URL(url.href);
    link.searchParams.set('cursor', Buffer.from(String(offset + PAGE_SIZE)).toString('base64url'));
    next = link.href;
  }
  const detailed = caller.isAdmin || caller.row.is_user_manager === true;
  return {
    status: 200,
    body: {
      next,
      previous: null,
      results: page.map((row) =>
        detailed ? userJson(row, false) : { id: row.id, username: row.username, is_active: row.is_active },
      ),
    },
  };
}

async function resetPassword(
  db: pg.Client,
  caller: Caller,
  user: Row,
  body: Record<string, unknown>,
  deploy: SysReptorDeploy,
): Promise<Answer> {
  if (!mayModify(caller, user)) return forbidden();
  const password = body.password;
  if (typeof password !== 'string' || password === '')
    return { status: 400, body: { password: ['This field is required.'] } };
  const errors = validatorErrors(password, user);
  if (errors.length > 0) return { status: 400, body: { password: errors } };
  const current = user.password as Buffer;
  if (await verifySysReptorPassword(password, decodeStoredPassword(current, deploy.encryption.keys).hash))
    return {
      status: 400,
      body: { password: ['The new password must be different from the current password.'] },
    };
  const write = planWrite(storedForm(current), deploy);
  if (!write.ok) return { status: 500, body: 'Server Error (500)' };
  // serializers.py: {'must_change_password': False} | validated_data
  const mustChange = body.must_change_password === true;
  const stored = encodeStoredPassword(await hashSysReptorPassword(password), write);
  await db.query(
    'UPDATE users_pentestuser SET password = $1, must_change_password = $2, updated = now() WHERE id = $3',
    [stored, mustChange, user.id],
  );
  return { status: 200, body: { must_change_password: mustChange } };
}

async function patchUser(
  db: pg.Client,
  caller: Caller,
  user: Row,
  body: Record<string, unknown>,
): Promise<Answer> {
  if (!mayModify(caller, user)) return forbidden();
  if ('is_active' in body) {
    if (typeof body.is_active !== 'boolean')
      return { status: 400, body: { is_active: ['Must be a valid boolean.'] } };
    if (!body.is_active && user.id === caller.row.id)
      return { status: 400, body: { is_active: ['Cannot deactivate yourself'] } };
    // signals.py: is_active False → True through the ORM zeroes the failed-MFA counter.
    await db.query(
      `UPDATE users_pentestuser SET is_active = $1,
         failed_mfa_attempts = CASE WHEN $1 AND NOT is_active THEN 0 ELSE failed_mfa_attempts END, updated = now()
       WHERE id = $2`,
      [body.is_active, user.id],
    );
  }
  return { status: 200, body: userJson((await userById(db, String(user.id))) as Row, false) };
}

async function login(db: pg.Client, body: Record<string, unknown>, deploy: SysReptorDeploy): Promise<Answer> {
  const { username, password } = body;
  if (typeof username !== 'string' || typeof password !== 'string')
    return { status: 400, body: { username: ['This field is required.'] } };
  const { rows } = await db.query(
    'SELECT u.*, u.id::text AS id, EXISTS (SELECT 1 FROM users_mfamethod m WHERE m.user_id = u.id) AS has_mfa FROM users_pentestuser u WHERE username = $1',
    [username],
  );
  const row = rows[0] as Row | undefined;
  let accepted = false;
  try {
    accepted =
      !!row &&
      (await verifySysReptorPassword(
        password,
        decodeStoredPassword(row.password as Buffer, deploy.encryption.keys).hash,
      ));
  } catch {
    accepted = false;
  }
  if (!row || !accepted) return { status: 400, body: { non_field_errors: ['Invalid username or password'] } };
  // views.py perform_login_local: MFA comes first, then is_active, then the password change.
  if (row.has_mfa === true) return { status: 200, body: { status: 'mfa-required', mfa: [] } };
  if (row.is_active !== true) return detail(400, 'User is inactive', 'invalid');
  if (row.must_change_password === true && deploy.edition === 'professional')
    return { status: 200, body: { status: 'password-change-required' } };
  await db.query('UPDATE users_pentestuser SET last_login = now(), failed_mfa_attempts = 0 WHERE id = $1', [
    row.id,
  ]);
  return { status: 200, body: { status: 'success' } };
}

async function route(db: pg.Client, request: SimulatedHttpRequest, deploy: SysReptorDeploy): Promise<Answer> {
  const { method, url } = request;
  const body = request.body === '' ? {} : parseJson(request.body);
  if (method !== 'GET' && !body) return detail(400, 'JSON parse error', 'parse_error');
  if (url.pathname === '/api/v1/auth/login/' && method === 'POST') return login(db, body ?? {}, deploy);
  const match = /^\/api\/v1\/pentestusers\/(?:([^/]+)\/)?(reset-password\/)?$/.exec(url.pathname);
  if (!match) return detail(404, 'Not found.', 'not_found');
  const caller = await authenticate(db, request, deploy);
  if ('status' in caller) return caller;
  const [, id, reset] = match;
  if (!id) return method === 'GET' ? listUsers(db, caller, url) : forbidden();
  if (id === 'self' && !reset && method === 'GET')
    return { status: 200, body: userJson(caller.row, caller.isAdmin) };
  const user = await userById(db, id);
  if (!user) return notFound();
  if (reset)
    return method === 'POST'
      ? resetPassword(db, caller, user, body ?? {}, deploy)
      : detail(405, `Method "${method}" not allowed.`, 'method_not_allowed');
  if (method === 'GET') return { status: 200, body: userJson(user, false) };
  if (method === 'PATCH') return patchUser(db, caller, user, body ?? {});
  return detail(405, `Method "${method}" not allowed.`, 'method_not_allowed');
}

export const sysreptorSandboxApi: SimulatedHttpService = async (request, sandbox: SandboxSeedContext) => {
  const deploy = await readSysReptorDeploy(path.join(sandbox.root, SANDBOX_DEPLOY_DIR));
  const host = (request.headers.host ?? request.url.host).replace(/:[0-9]+$/, '');
  if (!deploy.allowedHosts.includes('*') && !deploy.allowedHosts.includes(host))
    return { status: 400, body: '<h1>Bad Request (400)</h1>', headers: { 'content-type': 'text/html' } };
  const db = new pg.Client({ connectionString: sandbox.databaseUrl });
  await db.connect();
  try {
    return await route(db, request, deploy);
  } finally {
    await db.end();
  }
};
