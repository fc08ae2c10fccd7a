/**
 * The Synapse part of the practice sandbox: the vendor's tables (schema.ts) with a user per case
 * (an admin whose access token is the practice admin token, a normal user with devices, access
 * and refresh tokens, a deactivated one, a locked one, two whose names differ only in case), and
 * the playbook's layout `<root>/matrix/synapse/config/homeserver.yaml` with a pepper. A MAS
 * variant `<root>/mas/homeserver.yaml` delegates logins to Matrix Authentication Service; its
 * database (`matrix_authentication_service`, the MAS tables) holds the same people.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import YAML from 'yaml';
import type { SandboxSeedContext } from '../../engine/types.js';
import { quoteIdentifier } from '../../platform/db/quoting.js';
import { writeFileAtomic } from '../../platform/files/atomic-write.js';
import { hashSynapsePassword } from './hash.js';
import { SYNAPSE_SYSTEMD_UNIT } from './runtime.js';
import { MAS_SCHEMA_SQL, SYNAPSE_SCHEMA_SQL } from './schema.js';

export const SYNAPSE_SANDBOX_SERVER_NAME = 'practice.example';
export const SYNAPSE_SANDBOX_HOST = 'synapse.sandbox.test:8008';
export const SYNAPSE_MAS_SANDBOX_HOST = 'synapse-mas.sandbox.test:8008';
/** Relative to the sandbox root: the playbook's path, and the MAS variant's. */
export const SANDBOX_HOMESERVER = 'matrix/synapse/config/homeserver.yaml';
export const SANDBOX_MAS_HOMESERVER = 'mas/homeserver.yaml';
/** The practice admin's access token, 0600, to pass as adminToken {"file": …}. */
export const SANDBOX_ADMIN_TOKEN_FILE = 'admin-token';
/** The practice MAS admin token (urn:mas:admin), 0600, for the MAS admin API path. */
export const SANDBOX_MAS_ADMIN_TOKEN_FILE = 'mas/admin-token';
export const MAS_SANDBOX_HOST = 'mas.sandbox.test:8080';
export const MAS_SANDBOX_DATABASE = 'matrix_authentication_service';
export const SANDBOX_MAS_CONFIG = 'mas/config.yaml';
/** The practice playbook checkout (inventory/hosts, setup.yml); the sandbox's ansible-playbook is simulated. */
export const SANDBOX_PLAYBOOK_DIR = 'matrix-docker-ansible-deploy';
/** Kept low so practice runs are quick; the file says so and the procedure reads it like any other value. */
const SANDBOX_BCRYPT_ROUNDS = 10;

/** The practice users' passwords, shown to the trainee by the sandbox's discovery. */
export const SYNAPSE_SANDBOX_PASSWORDS = {
  admin: 'Practice-admin-pw-1',
  alice: 'Practice-alice-pw-1',
  carol: 'Practice-carol-pw-1',
  dave: 'Practice-dave-pw-1',
  daveUpper: 'Practice-Dave-pw-1',
} as const;

export const SYNAPSE_SANDBOX_USERS = {
  admin: '@admin:practice.example',
  alice: '@alice:practice.example',
  bob: '@bob:practice.example',
  carol: '@carol:practice.example',
  dave: '@dave:practice.example',
  daveUpper: '@Dave:practice.example',
} as const;

interface SeedUser {
  name: string;
  password?: string;
  /** The Synapse hash, which the playbook's migration carried into MAS as scheme version 1. */
  hash?: string | null;
  admin?: boolean;
  deactivated?: boolean;
  locked?: boolean;
  devices: string[];
  refreshTokens?: number;
}

export function sandboxHomeserverYaml(options: {
  publicBaseUrl: string;
  pepper: string;
  databasePassword: string;
  mas?: { endpoint: string; secret: string };
}): string {
  const doc: Record<string, unknown> = {
    server_name: SYNAPSE_SANDBOX_SERVER_NAME,
    public_baseurl: options.publicBaseUrl,
    pid_file: '/matrix/synapse/run/homeserver.pid',
    listeners: [
      {
        port: 8008,
        tls: false,
        type: 'http',
        x_forwarded: true,
        bind_addresses: ['::'],
        resources: [{ names: ['client', 'federation'], compress: false }],
      },
    ],
    database: {
      name: 'psycopg2',
      args: {
        user: 'synapse',
        password: options.databasePassword,
        database: 'synapse',
        host: 'matrix-postgres',
        port: 5432,
        cp_min: 5,
        cp_max: 10,
      },
    },
    bcrypt_rounds: SANDBOX_BCRYPT_ROUNDS,
    password_config: { enabled: !options.mas, pepper: options.pepper },
    registration_shared_secret: randomBytes(24).toString('base64url'),
    macaroon_secret_key: randomBytes(24).toString('base64url'),
    form_secret: randomBytes(24).toString('base64url'),
    ...(options.mas
      ? {
          matrix_authentication_service: {
            enabled: true,
            endpoint: options.mas.endpoint,
            secret: options.mas.secret,
          },
        }
      : {}),
  };
  return `# Practice sandbox: laid out as matrix-docker-ansible-deploy writes it (bcrypt_rounds lowered for speed).\n${YAML.stringify(doc)}`;
}

export async function seedSynapseSandbox(sandbox: SandboxSeedContext): Promise<void> {
  const pepper = `practice-pepper-${randomBytes(6).toString('hex')}`;
  const adminToken = `syt_YWRtaW4_${randomBytes(15).toString('base64url')}`;
  const users: SeedUser[] = [
    {
      name: SYNAPSE_SANDBOX_USERS.admin,
      password: SYNAPSE_SANDBOX_PASSWORDS.admin,
      admin: true,
      devices: ['ADMINDEVICE'],
    },
    {
      name: SYNAPSE_SANDBOX_USERS.alice,
      password: SYNAPSE_SANDBOX_PASSWORDS.alice,
      devices: ['ALICEPHONE', 'ALICELAPTOP'],
      refreshTokens: 1,
    },
    { name: SYNAPSE_SANDBOX_USERS.bob, deactivated: true, devices: [] },
    {
      name: SYNAPSE_SANDBOX_USERS.carol,
      password: SYNAPSE_SANDBOX_PASSWORDS.carol,
      locked: true,
      devices: ['CAROLDESK'],
    },
    { name: SYNAPSE_SANDBOX_USERS.dave, password: SYNAPSE_SANDBOX_PASSWORDS.dave, devices: ['DAVEPHONE'] },
    { name: SYNAPSE_SANDBOX_USERS.daveUpper, password: SYNAPSE_SANDBOX_PASSWORDS.daveUpper, devices: [] },
  ];
  const client = new pg.Client({ connectionString: sandbox.databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(SYNAPSE_SCHEMA_SQL);
    let tokenId = 1;
    for (const user of users) {
      const hash = user.password
        ? await hashSynapsePassword(user.password, { pepper, rounds: SANDBOX_BCRYPT_ROUNDS })
        : null;
      user.hash = hash;
      await client.query(
        'INSERT INTO users (name, password_hash, creation_ts, admin, deactivated, locked, shadow_banned, approved) VALUES ($1, $2, 1764547200, $3, $4, $5, FALSE, TRUE)',
        [user.name, hash, user.admin ? 1 : 0, user.deactivated ? 1 : 0, user.locked === true],
      );
      for (const [index, device] of user.devices.entries()) {
        await client.query(
          'INSERT INTO devices (user_id, device_id, display_name, last_seen, ip, user_agent) VALUES ($1, $2, $3, 1764633600000, $4, $5)',
          [
            user.name,
            device,
            `${device.toLowerCase()} (practice)`,
            `192.0.2.${10 + index}`,
            'Element/1.12 (practice)',
          ],
        );
        const refreshId = index < (user.refreshTokens ?? 0) ? tokenId : null;
        if (refreshId !== null)
          await client.query(
            'INSERT INTO refresh_tokens (id, user_id, device_id, token) VALUES ($1, $2, $3, $4)',
            [refreshId, user.name, device, `syr_${randomBytes(15).toString('base64url')}`],
          );
        await client.query(
          'INSERT INTO access_tokens (id, user_id, device_id, token, refresh_token_id, used) VALUES ($1, $2, $3, $4, $5, TRUE)',
          [
            tokenId,
            user.name,
            device,
            user.admin && index === 0 ? adminToken : `syt_${randomBytes(15).toString('base64url')}`,
            refreshId,
          ],
        );
        tokenId += 1;
      }
    }
    await client.query(
      "INSERT INTO user_threepids (user_id, medium, address, validated_at, added_at) VALUES ($1, 'email', 'alice@practice.example', 1764547200000, 1764547200000)",
      [SYNAPSE_SANDBOX_USERS.alice],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
  const masLogin = { password: randomBytes(12).toString('base64url'), role: '' };
  masLogin.role = await sandbox.createRole(MAS_SANDBOX_DATABASE, masLogin.password);
  await seedMasDatabase(sandbox, users, masLogin.role);

  const masConfig = path.join(sandbox.root, SANDBOX_MAS_CONFIG);
  fs.mkdirSync(path.dirname(masConfig), { recursive: true, mode: 0o700 });
  await writeFileAtomic(masConfig, sandboxMasConfigYaml(pepper, masLogin), { mode: 0o600 });
  const databasePassword = randomBytes(12).toString('base64url');
  const homeserver = path.join(sandbox.root, SANDBOX_HOMESERVER);
  fs.mkdirSync(path.dirname(homeserver), { recursive: true, mode: 0o700 });
  await writeFileAtomic(
    homeserver,
    sandboxHomeserverYaml({ publicBaseUrl: `http://${SYNAPSE_SANDBOX_HOST}/`, pepper, databasePassword }),
    { mode: 0o600 },
  );
  const masHomeserver = path.join(sandbox.root, SANDBOX_MAS_HOMESERVER);
  fs.mkdirSync(path.dirname(masHomeserver), { recursive: true, mode: 0o700 });
  await writeFileAtomic(
    masHomeserver,
    sandboxHomeserverYaml({
      publicBaseUrl: `http://${SYNAPSE_MAS_SANDBOX_HOST}/`,
      pepper,
      databasePassword,
      mas: { endpoint: `http://${MAS_SANDBOX_HOST}/`, secret: randomBytes(24).toString('base64url') },
    }),
    { mode: 0o600 },
  );
  const playbook = path.join(sandbox.root, SANDBOX_PLAYBOOK_DIR);
  fs.mkdirSync(path.join(playbook, 'inventory', 'host_vars', 'matrix.practice.example'), {
    recursive: true,
    mode: 0o700,
  });
  await writeFileAtomic(
    path.join(playbook, 'setup.yml'),
    '# Practice stand-in for matrix-docker-ansible-deploy/setup.yml\n- name: Set up a Matrix server\n  hosts: matrix_servers\n',
  );
  await writeFileAtomic(
    path.join(playbook, 'inventory', 'hosts'),
    '[matrix_servers]\nmatrix.practice.example ansible_host=192.0.2.8 ansible_ssh_user=root\n',
  );
  await writeFileAtomic(
    path.join(sandbox.root, SANDBOX_MAS_ADMIN_TOKEN_FILE),
    `mat_${randomBytes(20).toString('base64url')}\n`,
    {
      mode: 0o600,
    },
  );
  await writeFileAtomic(path.join(sandbox.root, SANDBOX_ADMIN_TOKEN_FILE), `${adminToken}\n`, {
    mode: 0o600,
  });
  sandbox.defineService(SYNAPSE_SYSTEMD_UNIT, { displayName: 'Synapse server (matrix-synapse container)' });
}

/**
 * MAS's config.yaml as the playbook writes it after migrating from Synapse: scheme version 1 is
 * bcrypt with NFKC and Synapse's pepper (the migrated hashes), version 2 argon2id (new passwords).
 */
export function sandboxMasConfigYaml(pepper: string, login: { role: string; password: string }): string {
  const doc = {
    http: { public_base: 'http://mas.sandbox.test:8080/' },
    database: {
      uri: `postgresql://${encodeURIComponent(login.role)}:${encodeURIComponent(login.password)}@matrix-postgres:5432/${MAS_SANDBOX_DATABASE}`,
    },
    passwords: {
      enabled: true,
      schemes: [
        { version: 1, algorithm: 'bcrypt', unicode_normalization: true, secret: pepper },
        { version: 2, algorithm: 'argon2id' },
      ],
      minimum_complexity: 3,
    },
    matrix: {
      homeserver: SYNAPSE_SANDBOX_SERVER_NAME,
      secret: randomBytes(24).toString('base64url'),
      endpoint: `http://${SYNAPSE_MAS_SANDBOX_HOST}/`,
    },
  };
  return `# Practice sandbox: MAS in front of Synapse, as matrix-docker-ansible-deploy configures it.\n${YAML.stringify(doc)}`;
}

/** MAS's tables with the same people (localpart = username), their migrated passwords, browser and compatibility sessions. */
/** `role` is MAS's own login (config.yaml's database.uri), granted what MAS's migrations leave it: its tables. */
async function seedMasDatabase(sandbox: SandboxSeedContext, users: SeedUser[], role: string): Promise<void> {
  const client = new pg.Client({ connectionString: await sandbox.createDatabase(MAS_SANDBOX_DATABASE) });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(MAS_SCHEMA_SQL);
    const quotedRole = quoteIdentifier('postgres', role);
    await client.query(
      `GRANT CONNECT ON DATABASE ${quoteIdentifier('postgres', (await client.query<{ d: string }>('SELECT current_database() AS d')).rows[0]?.d ?? '')} TO ${quotedRole}`,
    );
    await client.query(`GRANT USAGE ON SCHEMA public TO ${quotedRole}`);
    await client.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${quotedRole}`,
    );
    for (const user of users) {
      const userId = randomUUID();
      const username = user.name.slice(1, user.name.indexOf(':'));
      await client.query(
        "INSERT INTO users (user_id, username, created_at, locked_at, deactivated_at) VALUES ($1, $2, '2025-12-01T00:00:00Z', $3, $4)",
        [
          userId,
          username,
          user.locked ? '2026-11-01T00:00:00Z' : null,
          user.deactivated ? '2026-11-01T00:00:00Z' : null,
        ],
      );
      if (user.hash)
        await client.query(
          "INSERT INTO user_passwords (user_password_id, user_id, hashed_password, created_at, version) VALUES ($1, $2, $3, '2025-12-01T00:00:00Z', 1)",
          [randomUUID(), userId, user.hash],
        );
      const sessionId = randomUUID();
      await client.query(
        "INSERT INTO user_sessions (user_session_id, user_id, created_at) VALUES ($1, $2, '2026-12-01T00:00:00Z')",
        [sessionId, userId],
      );
      for (const device of user.devices)
        await client.query(
          "INSERT INTO compat_sessions (compat_session_id, user_id, device_id, created_at, user_session_id) VALUES ($1, $2, $3, '2026-12-01T00:00:00Z', $4)",
          [randomUUID(), userId, device, sessionId],
        );
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
