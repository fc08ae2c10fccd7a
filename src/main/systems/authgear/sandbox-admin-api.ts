/**
 * The practice sandbox's Authgear Admin API (127.0.0.1:3002, /_api/admin/graphql) over the
 * sandbox's real rows. The JWT is checked as pkg/lib/admin/authz does (RS256, kid in the
 * admin-api.auth set of the config folder, aud = the app id, exp/iat with 5 minutes of skew; else
 * 403 "Forbidden"); node ids are base64url("User:<uuid>") without padding. The operations the
 * Admin API path sends are answered by name as user_mutation.go and forgotpassword's setPassword
 * behave (policy minimum 8, exactly one primary password vs. zero/several, expire_after), with
 * errors in Authgear's GraphQL shape. Sessions and lockouts, which live in Redis, are a practice
 * file `redis.json` in the sandbox's Authgear folder.
 */
import { createPublicKey, randomUUID, verify } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { SandboxSeedContext, SimulatedHttpRequest, SimulatedHttpService } from '../../engine/types.js';
import { writeFileAtomic } from '../../platform/files/atomic-write.js';
import { readAuthgearConfig, SANDBOX_CONFIG_DIR, type AuthgearConfig } from './config.js';
import { hashAuthgearPassword, verifyAuthgearPassword } from './hash.js';
import { utcTimestamp } from './store.js';

export const SANDBOX_ADMIN_API_HOST = '127.0.0.1:3002';
export const SANDBOX_REDIS_FILE = 'redis.json';
const SKEW_SECONDS = 300;
const MIN_LENGTH = 8;

/** What Redis would hold for the practice users: live sessions per user id, locked-out user ids. */
export interface PracticeRedis {
  sessions: Record<string, number>;
  lockedOut: string[];
}

type Answer = Awaited<ReturnType<SimulatedHttpService>>;
type Row = Record<string, unknown>;

const forbidden = (): Answer => ({
  status: 403,
  body: 'Forbidden\n',
  headers: { 'content-type': 'text/plain' },
});
const graphqlError = (message: string, errorName: string, reason: string, info?: unknown): Answer => ({
  status: 200,
  body: { errors: [{ message, extensions: { errorName, reason, ...(info ? { info } : {}) } }], data: null },
});

function jwtAccepted(header: string | undefined, config: AuthgearConfig): boolean {
  const match = /^Bearer (.*)$/.exec(header ?? '');
  const [head, claims, signature, extra] = (match?.[1] ?? '').split('.');
  if (!head || !claims || !signature || extra !== undefined) return false;
  try {
    const parsedHead = JSON.parse(Buffer.from(head, 'base64url').toString()) as {
      alg?: string;
      kid?: string;
    };
    const key = config.adminApiKeys.find((candidate) => candidate.kid === parsedHead.kid);
    if (!key || parsedHead.alg !== 'RS256' || key.alg !== 'RS256') return false;
    const publicKey = createPublicKey({ key: { kty: 'RSA', n: key.n, e: key.e }, format: 'jwk' });
    if (!verify('sha256', Buffer.from(`${head}.${claims}`), publicKey, Buffer.from(signature, 'base64url')))
      return false;
    const body = JSON.parse(Buffer.from(claims, 'base64url').toString()) as {
      aud?: unknown;
      exp?: unknown;
      iat?: unknown;
    };
    const now = Date.now() / 1000;
    const audiences = Array.isArray(body.aud) ? body.aud : [body.aud];
    if (!audiences.includes(config.appId)) return false;
    if (typeof body.exp === 'number' && body.exp + SKEW_SECONDS < now) return false;
    if (typeof body.iat === 'number' && body.iat - SKEW_SECONDS > now) return false;
    return true;
  } catch {
    return false;
  }
}

/** relay.FromGlobalID with RawURLEncoding: padded or malformed ids are refused. */
function userIdOf(nodeId: unknown): string | undefined {
  if (typeof nodeId !== 'string' || nodeId.includes('=') || !/^[A-Za-z0-9_-]+$/.test(nodeId))
    return undefined;
  const decoded = Buffer.from(nodeId, 'base64url').toString();
  return decoded.startsWith('User:') ? decoded.slice('User:'.length) : undefined;
}
const nodeIdOf = (userId: string) => Buffer.from(`User:${userId}`).toString('base64url');

async function primaries(db: pg.Client, appId: string, userId: string): Promise<Row[]> {
  return (
    await db.query(
      `SELECT a.id, a.is_default, a.updated_at::text AS updated_at, p.password_hash, p.expire_after::text AS expire_after FROM _auth_authenticator a
         JOIN _auth_authenticator_password p ON p.id = a.id AND p.app_id = a.app_id
        WHERE a.app_id = $1 AND a.user_id = $2 AND a.type = 'password' AND a.kind = 'primary' ORDER BY a.created_at`,
      [appId, userId],
    )
  ).rows as Row[];
}

/** A `timestamp without time zone` holding UTC, as RFC 3339 the way the GraphQL layer shows it. */
const rfc3339 = (text: unknown) => (text == null ? null : `${String(text).replace(' ', 'T')}Z`);

async function userNode(db: pg.Client, appId: string, userId: string): Promise<Row | null> {
  const { rows } = await db.query('SELECT * FROM _auth_user WHERE app_id = $1 AND id = $2', [appId, userId]);
  const user = rows[0] as Row | undefined;
  if (!user) return null;
  const authenticators = (await primaries(db, appId, userId)).map((row) => ({
    node: {
      id: Buffer.from(`Authenticator:${String(row.id)}`).toString('base64url'),
      type: 'PASSWORD',
      kind: 'PRIMARY',
      isDefault: row.is_default === true,
      expireAfter: rfc3339(row.expire_after),
      updatedAt: rfc3339(row.updated_at),
    },
  }));
  return {
    id: nodeIdOf(userId),
    isDisabled: user.is_disabled === true,
    disableReason: user.disable_reason ?? null,
    isAnonymized: user.is_anonymized === true,
    authenticators: { edges: authenticators },
  };
}

function readRedis(root: string): PracticeRedis {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, SANDBOX_REDIS_FILE), 'utf8')) as PracticeRedis;
  } catch {
    return { sessions: {}, lockedOut: [] };
  }
}

async function resetPassword(db: pg.Client, appId: string, userId: string, input: Row): Promise<Answer> {
  const password = typeof input.password === 'string' ? input.password : '';
  if (password === '')
    return graphqlError(
      'Breakglass practice: a generated password is only emailed; give one',
      'Invalid',
      'ValidationFailed',
    );
  const { rows } = await db.query('SELECT is_anonymized FROM _auth_user WHERE app_id = $1 AND id = $2', [
    appId,
    userId,
  ]);
  if ((rows[0] as Row | undefined)?.is_anonymized === true)
    return graphqlError('user is anonymized', 'Invalid', 'UserIsAnonymized');
  if ([...password].length < MIN_LENGTH)
    return graphqlError('invalid password', 'Invalid', 'PasswordPolicyViolated', {
      causes: [
        { Name: 'PasswordTooShort', Info: { min_length: MIN_LENGTH, pw_length: [...password].length } },
      ],
    });
  const now = utcTimestamp(new Date());
  const current = await primaries(db, appId, userId);
  const hash = await hashAuthgearPassword(password);
  await db.query('BEGIN');
  try {
    if (current.length === 1) {
      const [only] = current as [Row];
      if (!(await verifyAuthgearPassword(password, String(only.password_hash)))) {
        await db.query(
          'UPDATE _auth_authenticator_password SET password_hash = $1, expire_after = $2 WHERE app_id = $3 AND id = $4',
          [hash, input.setPasswordExpired === true ? now : null, appId, only.id],
        );
        await db.query('UPDATE _auth_authenticator SET updated_at = $1 WHERE app_id = $2 AND id = $3', [
          now,
          appId,
          only.id,
        ]);
        await db.query(
          'INSERT INTO _auth_password_history (id, app_id, created_at, user_id, password) VALUES ($1, $2, $3, $4, $5)',
          [randomUUID(), appId, now, userId, hash],
        );
      }
    } else {
      // Zero or several: all deleted, one new primary created; setPasswordExpired is ignored.
      for (const row of current) {
        await db.query('DELETE FROM _auth_authenticator_password WHERE app_id = $1 AND id = $2', [
          appId,
          row.id,
        ]);
        await db.query('DELETE FROM _auth_authenticator WHERE app_id = $1 AND id = $2', [appId, row.id]);
      }
      const id = randomUUID();
      await db.query(
        `INSERT INTO _auth_authenticator (id, app_id, type, user_id, created_at, updated_at, is_default, kind) VALUES ($1, $2, 'password', $3, $4, $4, $5, 'primary')`,
        [id, appId, userId, now, current.length === 0 || current.some((row) => row.is_default === true)],
      );
      await db.query(
        'INSERT INTO _auth_authenticator_password (id, app_id, password_hash, expire_after) VALUES ($1, $2, $3, NULL)',
        [id, appId, hash],
      );
      await db.query(
        'INSERT INTO _auth_password_history (id, app_id, created_at, user_id, password) VALUES ($1, $2, $3, $4, $5)',
        [randomUUID(), appId, now, userId, hash],
      );
    }
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK');
    throw error;
  }
  return { status: 200, body: { data: { resetPassword: { user: { id: nodeIdOf(userId) } } } } };
}

async function operation(
  db: pg.Client,
  config: AuthgearConfig,
  root: string,
  name: string,
  variables: Row,
): Promise<Answer> {
  const appId = config.appId as string;
  if (name === 'breakglassGetUser') {
    const { rows } = await db.query(
      `SELECT DISTINCT i.user_id FROM _auth_identity_login_id l JOIN _auth_identity i ON i.id = l.id AND i.app_id = l.app_id
        WHERE l.app_id = $1 AND l.login_id_key = $2 AND l.unique_key = lower($3)`,
      [appId, variables.loginIDKey, variables.loginIDValue],
    );
    const userId = (rows[0] as Row | undefined)?.user_id;
    return {
      status: 200,
      body: { data: { getUserByLoginID: userId ? await userNode(db, appId, String(userId)) : null } },
    };
  }
  const userId = userIdOf(variables.userID);
  if (!userId) return graphqlError('invalid user ID', 'Invalid', 'Invalid');
  if (!(await userNode(db, appId, userId))) return graphqlError('user not found', 'NotFound', 'UserNotFound');
  const ok = (field: string): Answer => ({
    status: 200,
    body: { data: { [field]: { user: { id: nodeIdOf(userId) } } } },
  });
  const redis = readRedis(root);
  switch (name) {
    case 'breakglassResetPassword':
      return resetPassword(db, appId, userId, variables);
    case 'breakglassSetPasswordExpired': {
      const found = await primaries(db, appId, userId);
      if (found.length === 0)
        return graphqlError('authenticator not found', 'NotFound', 'AuthenticatorNotFound');
      for (const row of found)
        await db.query(
          'UPDATE _auth_authenticator_password SET expire_after = $1 WHERE app_id = $2 AND id = $3',
          [variables.expired === true ? utcTimestamp(new Date()) : null, appId, row.id],
        );
      return ok('setPasswordExpired');
    }
    case 'breakglassRevokeAllSessions':
      redis.sessions[userId] = 0;
      await writeFileAtomic(path.join(root, SANDBOX_REDIS_FILE), JSON.stringify(redis, null, 2));
      return ok('revokeAllSessions');
    case 'breakglassResetAccountLockout':
      redis.lockedOut = redis.lockedOut.filter((id) => id !== userId);
      await writeFileAtomic(path.join(root, SANDBOX_REDIS_FILE), JSON.stringify(redis, null, 2));
      return ok('resetAccountLockout');
    case 'breakglassSetDisabledStatus': {
      const disabled = variables.isDisabled === true;
      await db.query(
        `UPDATE _auth_user SET is_disabled = $1, is_indefinitely_disabled = $1, disable_reason = $2, temporarily_disabled_from = NULL,
           temporarily_disabled_until = NULL, account_status_stale_from = NULL, updated_at = $3 WHERE app_id = $4 AND id = $5`,
        [
          disabled,
          disabled && typeof variables.reason === 'string' ? variables.reason : null,
          utcTimestamp(new Date()),
          appId,
          userId,
        ],
      );
      return {
        status: 200,
        body: { data: { setDisabledStatus: { user: { id: nodeIdOf(userId), isDisabled: disabled } } } },
      };
    }
    default:
      return graphqlError(
        `Cannot query field "${name}" on type "Mutation".`,
        'Invalid',
        'GraphQLValidationFailed',
      );
  }
}

export const authgearSandboxAdminApi: SimulatedHttpService = async (
  request: SimulatedHttpRequest,
  sandbox: SandboxSeedContext,
) => {
  if (request.url.pathname !== '/_api/admin/graphql' && request.url.pathname !== '/graphql')
    return { status: 404, body: '404 page not found\n', headers: { 'content-type': 'text/plain' } };
  if (request.method !== 'POST') return { status: 405, body: 'Method Not Allowed\n' };
  const config = await readAuthgearConfig(path.join(sandbox.root, SANDBOX_CONFIG_DIR));
  if (!jwtAccepted(request.headers.authorization, config)) return forbidden();
  let body: { operationName?: unknown; variables?: unknown };
  try {
    body = JSON.parse(request.body) as typeof body;
  } catch {
    return {
      status: 400,
      body: { error: { name: 'BadRequest', reason: 'BadRequest', message: 'invalid JSON', code: 400 } },
    };
  }
  const db = new pg.Client({ connectionString: sandbox.databaseUrl });
  await db.connect();
  try {
    return await operation(
      db,
      config,
      sandbox.root,
      String(body.operationName ?? ''),
      (body.variables ?? {}) as Row,
    );
  } finally {
    await db.end();
  }
};
