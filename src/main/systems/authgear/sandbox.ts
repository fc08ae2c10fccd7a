/**
 * The Authgear part of the practice sandbox: the vendor's tables (schema.ts) holding two apps —
 * `practice-app` with a user per case (one password, disabled, two primary passwords, none) and
 * `other-app` with a same-email look-alike, so app_id scoping shows — and a config folder
 * `<root>/config` with authgear.yaml and an authgear.secrets.yaml holding the db item and a
 * freshly generated admin-api.auth RSA key; `redis.json` stands in for Redis (sessions, a lockout)
 * for the simulated Admin API.
 */
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import YAML from 'yaml';
import type { SandboxSeedContext } from '../../engine/types.js';
import { writeFileAtomic } from '../../platform/files/atomic-write.js';
import { SANDBOX_CONFIG_DIR } from './config.js';
import { hashAuthgearPassword } from './hash.js';
import { SANDBOX_REDIS_FILE, type PracticeRedis } from './sandbox-admin-api.js';
import { AUTHGEAR_SCHEMA_SQL } from './schema.js';

export const AUTHGEAR_SANDBOX_APP = 'practice-app';
export const AUTHGEAR_OTHER_APP = 'other-app';

/** The practice users' passwords, shown to the trainee by the sandbox's discovery. */
export const AUTHGEAR_SANDBOX_PASSWORDS = {
  alice: 'Practice-alice-pw-1',
  bob: 'Practice-bob-pw-1',
  carol: 'Practice-carol-pw-1',
  otherAlice: 'Practice-other-alice-pw-1',
} as const;

export const AUTHGEAR_SANDBOX_USERS = {
  alice: 'a1f0c3d2-0000-4000-8000-000000000001',
  bob: 'a1f0c3d2-0000-4000-8000-000000000002',
  carol: 'a1f0c3d2-0000-4000-8000-000000000003',
  dave: 'a1f0c3d2-0000-4000-8000-000000000004',
  otherAlice: 'a1f0c3d2-0000-4000-8000-000000000005',
} as const;

interface SeedUser {
  id: string;
  appId: string;
  loginIdKey: 'email' | 'username';
  loginId: string;
  passwords: string[];
  disabled?: boolean;
}

export async function seedAuthgearSandbox(sandbox: SandboxSeedContext): Promise<void> {
  const users: SeedUser[] = [
    {
      id: AUTHGEAR_SANDBOX_USERS.alice,
      appId: AUTHGEAR_SANDBOX_APP,
      loginIdKey: 'email',
      loginId: 'alice@practice.example',
      passwords: [AUTHGEAR_SANDBOX_PASSWORDS.alice],
    },
    {
      id: AUTHGEAR_SANDBOX_USERS.bob,
      appId: AUTHGEAR_SANDBOX_APP,
      loginIdKey: 'username',
      loginId: 'bob',
      passwords: [AUTHGEAR_SANDBOX_PASSWORDS.bob],
      disabled: true,
    },
    {
      id: AUTHGEAR_SANDBOX_USERS.carol,
      appId: AUTHGEAR_SANDBOX_APP,
      loginIdKey: 'email',
      loginId: 'carol@practice.example',
      passwords: [AUTHGEAR_SANDBOX_PASSWORDS.carol, 'Practice-carol-old-pw'],
    },
    {
      id: AUTHGEAR_SANDBOX_USERS.dave,
      appId: AUTHGEAR_SANDBOX_APP,
      loginIdKey: 'email',
      loginId: 'dave@practice.example',
      passwords: [],
    },
    {
      id: AUTHGEAR_SANDBOX_USERS.otherAlice,
      appId: AUTHGEAR_OTHER_APP,
      loginIdKey: 'email',
      loginId: 'alice@practice.example',
      passwords: [AUTHGEAR_SANDBOX_PASSWORDS.otherAlice],
    },
  ];
  const client = new pg.Client({ connectionString: sandbox.databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      'DROP TABLE IF EXISTS _auth_authenticator_oob, _auth_authenticator_password, _auth_authenticator_totp, _auth_identity_login_id, _auth_oauth_authorization, _auth_password_history, _auth_recovery_code, _auth_authenticator, _auth_identity, _auth_user',
    );
    await client.query(AUTHGEAR_SCHEMA_SQL);
    const created = "(now() AT TIME ZONE 'UTC') - interval '200 days'";
    for (const user of users) {
      await client.query(
        `INSERT INTO _auth_user (id, app_id, created_at, updated_at, is_disabled, disable_reason, standard_attributes, is_indefinitely_disabled)
         VALUES ($1, $2, ${created}, ${created}, $3, $4, $5, $3)`,
        [
          user.id,
          user.appId,
          user.disabled ?? false,
          user.disabled ? 'left the company' : null,
          JSON.stringify(
            user.loginIdKey === 'email' ? { email: user.loginId } : { preferred_username: user.loginId },
          ),
        ],
      );
      const identityId = randomUUID();
      await client.query(
        `INSERT INTO _auth_identity (id, app_id, type, user_id, created_at, updated_at) VALUES ($1, $2, 'login_id', $3, ${created}, ${created})`,
        [identityId, user.appId, user.id],
      );
      await client.query(
        `INSERT INTO _auth_identity_login_id (id, app_id, login_id_key, login_id, claims, original_login_id, unique_key, login_id_type) VALUES ($1, $2, $3, $4, $5, $4, $4, $3)`,
        [
          identityId,
          user.appId,
          user.loginIdKey,
          user.loginId,
          JSON.stringify(
            user.loginIdKey === 'email' ? { email: user.loginId } : { preferred_username: user.loginId },
          ),
        ],
      );
      for (const [index, password] of user.passwords.entries()) {
        const authenticatorId = randomUUID();
        const hash = await hashAuthgearPassword(password);
        await client.query(
          `INSERT INTO _auth_authenticator (id, app_id, type, user_id, created_at, updated_at, is_default, kind) VALUES ($1, $2, 'password', $3, ${created} + make_interval(secs => $4), ${created}, $5, 'primary')`,
          [authenticatorId, user.appId, user.id, index, index === 0],
        );
        await client.query(
          'INSERT INTO _auth_authenticator_password (id, app_id, password_hash, expire_after) VALUES ($1, $2, $3, NULL)',
          [authenticatorId, user.appId, hash],
        );
        await client.query(
          `INSERT INTO _auth_password_history (id, app_id, created_at, user_id, password) VALUES ($1, $2, ${created}, $3, $4)`,
          [randomUUID(), user.appId, user.id, hash],
        );
      }
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }

  const redis: PracticeRedis = {
    sessions: { [AUTHGEAR_SANDBOX_USERS.alice]: 2, [AUTHGEAR_SANDBOX_USERS.bob]: 1 },
    lockedOut: [AUTHGEAR_SANDBOX_USERS.alice],
  };
  await writeFileAtomic(path.join(sandbox.root, SANDBOX_REDIS_FILE), JSON.stringify(redis, null, 2));

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = {
    ...privateKey.export({ format: 'jwk' }),
    kid: randomUUID(),
    alg: 'RS256',
    use: 'sig',
    created_at: Math.floor(Date.now() / 1000),
  };
  const configDir = path.join(sandbox.root, SANDBOX_CONFIG_DIR);
  fs.mkdirSync(configDir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(
    path.join(configDir, 'authgear.yaml'),
    `id: ${AUTHGEAR_SANDBOX_APP}\nhttp:\n  public_origin: http://127.0.0.1:3000\n`,
  );
  await writeFileAtomic(
    path.join(configDir, 'authgear.secrets.yaml'),
    YAML.stringify({
      secrets: [
        {
          data: {
            database_schema: 'public',
            database_url: `postgres://authgear:${randomBytes(12).toString('base64url')}@db:5432/authgear?sslmode=disable`,
          },
          key: 'db',
        },
        { data: { redis_url: 'redis://redis:6379' }, key: 'redis' },
        { data: { keys: [jwk] }, key: 'admin-api.auth' },
      ],
    }),
    { mode: 0o600 },
  );
}
