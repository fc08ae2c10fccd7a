// Synapse discovery on real files: homeserver.yaml as the playbook and Synapse's own generator
// write it, the MXID rules, and how Synapse runs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Environment } from '../../src/main/engine/types.js';
import { InputError } from '../../src/main/engine/types.js';
import { readHomeserverYaml, sqliteRefusal } from '../../src/main/systems/synapse/homeserver.js';
import { resolveMxid } from '../../src/main/systems/synapse/mxid.js';
import { detectSynapseRuntime } from '../../src/main/systems/synapse/runtime.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-synapse-disc-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let counter = 0;
function file(text: string, name = 'homeserver.yaml'): string {
  const folder = path.join(dir, String((counter += 1)));
  fs.mkdirSync(folder);
  const target = path.join(folder, name);
  fs.writeFileSync(target, text);
  return target;
}

// As matrix-docker-ansible-deploy renders it (roles/custom/matrix-synapse/templates/synapse/homeserver.yaml.j2), trimmed.
const PLAYBOOK_YAML = `
server_name: "example.org"
pid_file: /matrix-synapse.pid
public_baseurl: https://matrix.example.org/
listeners:
  - port: 9000
    bind_addresses: ['0.0.0.0']
    type: metrics
  - port: 8008
    tls: false
    bind_addresses: ['::']
    type: http
    x_forwarded: true
    resources:
      - names: [client]
        compress: false
database:
  name: "psycopg2"
  txn_limit: 0
  args:
    user: "synapse"
    password: "db-pw-Zq81"
    database: "synapse"
    host: "matrix-postgres"
    port: 5432
    cp_min: 5
    cp_max: 10
bcrypt_rounds: 12
password_config:
  enabled: true
  localdb_enabled: true
  pepper: "Pe pp3r \u00fc"
  policy:
    enabled: false
registration_shared_secret: "reg-secret-value"
macaroon_secret_key: "macaroon-secret-value"
`;

describe('homeserver.yaml', () => {
  it('reads server_name, the PostgreSQL settings, bcrypt_rounds, password_config and the listeners', async () => {
    const hs = await readHomeserverYaml(file(PLAYBOOK_YAML));
    expect(hs).toMatchObject({
      serverName: 'example.org',
      publicBaseUrl: 'https://matrix.example.org/',
      localClientUrl: 'http://127.0.0.1:8008',
      database: {
        engine: 'postgres',
        host: 'matrix-postgres',
        port: 5432,
        name: 'synapse',
        user: 'synapse',
        password: 'db-pw-Zq81',
      },
      bcryptRounds: 12,
      passwordConfig: { enabled: true, localdbEnabled: true, pepper: 'Pe pp3r ü' },
    });
    expect(hs.mas).toBeUndefined();
    expect(hs.secrets).toEqual(
      expect.arrayContaining(['db-pw-Zq81', 'Pe pp3r ü', 'reg-secret-value', 'macaroon-secret-value']),
    );
  });

  it('applies Synapse defaults: 12 rounds, no pepper, SQLite beside the file when there is no database section', async () => {
    const target = file('server_name: tiny.example\n');
    const hs = await readHomeserverYaml(target);
    expect(hs.bcryptRounds).toBe(12);
    expect(hs.passwordConfig).toEqual({ enabled: true, localdbEnabled: true, pepper: '' });
    expect(hs.database).toEqual({ engine: 'sqlite', file: path.join(path.dirname(target), 'homeserver.db') });
    expect(sqliteRefusal(hs.database as { file: string })).toMatch(
      /SQLite .*PostgreSQL only.*admin API path/,
    );
  });

  it('takes dbname as well as database for psycopg2, and reads sqlite3 files', async () => {
    const pg = await readHomeserverYaml(
      file(
        'server_name: a.example\ndatabase:\n  name: psycopg2\n  args: {dbname: matrix, host: db.internal, user: s, password: p}\n',
      ),
    );
    expect(pg.database).toMatchObject({ engine: 'postgres', name: 'matrix', host: 'db.internal' });
    const lite = await readHomeserverYaml(
      file(
        'server_name: a.example\ndatabase:\n  name: sqlite3\n  args:\n    database: /data/homeserver.db\n',
      ),
    );
    expect(lite.database).toEqual({ engine: 'sqlite', file: '/data/homeserver.db' });
  });

  it('detects MAS (1.136+ section) and the older msc3861 form; password_config.enabled then defaults to false', async () => {
    const mas = await readHomeserverYaml(
      file(
        'server_name: m.example\nmatrix_authentication_service:\n  enabled: true\n  endpoint: http://matrix-authentication-service:8080/\n  secret: mas-shared-secret\n',
      ),
    );
    expect(mas.mas).toEqual({
      via: 'matrix_authentication_service',
      endpoint: 'http://matrix-authentication-service:8080/',
    });
    expect(mas.passwordConfig.enabled).toBe(false);
    expect(mas.secrets).toContain('mas-shared-secret');
    const old = await readHomeserverYaml(
      file(
        'server_name: m.example\nexperimental_features:\n  msc3861:\n    enabled: true\n    issuer: https://auth.m.example/\n',
      ),
    );
    expect(old.mas).toEqual({ via: 'experimental_features.msc3861', endpoint: 'https://auth.m.example/' });
    const off = await readHomeserverYaml(
      file('server_name: m.example\nmatrix_authentication_service:\n  enabled: false\n'),
    );
    expect(off.mas).toBeUndefined();
  });

  it('reads only_for_reauth and localdb_enabled: false as written', async () => {
    const hs = await readHomeserverYaml(
      file(
        'server_name: r.example\npassword_config:\n  enabled: only_for_reauth\n  localdb_enabled: false\n',
      ),
    );
    expect(hs.passwordConfig).toMatchObject({ enabled: 'only_for_reauth', localdbEnabled: false });
  });

  it('refuses malformed YAML, a missing server_name, wrong types and missing files, naming the input and never a value', async () => {
    const cases: Array<[string, RegExp]> = [
      [
        'server_name: a\npassword_config: {pepper: "unterminated\n',
        /^homeserver: homeserver\.yaml is not valid YAML \(line \d+\)/,
      ],
      ['- just\n- a list\n', /no top-level map/],
      ['public_baseurl: https://x/\n', /has no "server_name"/],
      ['server_name: a\nbcrypt_rounds: "twelve"\n', /"bcrypt_rounds" must be a whole number from 4 to 31/],
      ['server_name: a\npassword_config:\n  pepper: 12345\n', /"password_config.pepper" must be a string/],
      ['server_name: a\ndatabase:\n  name: mysql\n', /"database.name" must be "psycopg2"/],
      [
        'server_name: a\ndatabase:\n  name: psycopg2\n  args: {password: 424242}\n',
        /"database.args.password" must be a string/,
      ],
    ];
    for (const [text, message] of cases) {
      const error = await readHomeserverYaml(file(text)).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).field).toBe('homeserver');
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('424242');
    }
    await expect(readHomeserverYaml(path.join(dir, 'nope.yaml'))).rejects.toThrow(
      /does not exist.*\/matrix\/synapse\/config\/homeserver\.yaml/,
    );
  });
});

describe('MXID', () => {
  it('builds it from a localpart and takes a full one of this server as given', () => {
    expect(resolveMxid('alice', 'example.org')).toEqual({
      localpart: 'alice',
      serverName: 'example.org',
      full: '@alice:example.org',
    });
    expect(resolveMxid(' @Bob:example.org ', 'example.org').full).toBe('@Bob:example.org');
    expect(resolveMxid('@carol:example.org:8448', 'example.org:8448').localpart).toBe('carol');
  });

  it('refuses an MXID without its server part, of another server, or with spaces, naming the field', () => {
    const refused: Array<[string, RegExp]> = [
      ['@alice', /has no server part: write @localpart:example\.org/],
      [
        '@alice:other.org',
        /belongs to server "other\.org", but this homeserver's server_name is "example\.org"/,
      ],
      ['alice:example.org', /neither a localpart nor an MXID/],
      ['al ice', /no spaces or control characters/],
      ['@:example.org', /localpart .* is empty/],
      [`${'a'.repeat(250)}`, /at most 255 bytes/],
    ];
    for (const [user, message] of refused) {
      expect(() => resolveMxid(user, 'example.org')).toThrow(InputError);
      expect(() => resolveMxid(user, 'example.org')).toThrow(message);
      expect(() => resolveMxid(user, 'example.org')).toThrow(/^user: /);
    }
  });
});

describe('how Synapse runs', () => {
  const realEnv = { kind: 'real' } as Environment;

  it('finds a docker compose service running a Synapse image next to the config, or in its parent', async () => {
    const project = path.join(dir, 'compose-project');
    fs.mkdirSync(path.join(project, 'data'), { recursive: true });
    fs.writeFileSync(
      path.join(project, 'compose.yaml'),
      'services:\n  db:\n    image: postgres:16\n  homeserver:\n    image: ghcr.io/element-hq/synapse:v1.157.1\n    volumes: ["./data:/data"]\n',
    );
    fs.writeFileSync(path.join(project, 'data', 'homeserver.yaml'), 'server_name: c.example\n');
    expect(await detectSynapseRuntime(path.join(project, 'data', 'homeserver.yaml'), realEnv)).toEqual({
      kind: 'docker-compose',
      projectDir: project,
      composeFile: 'compose.yaml',
      service: 'homeserver',
    });
  });

  it("knows the playbook's path and the Debian package's, and says when it does not know", async () => {
    expect(await detectSynapseRuntime('/matrix/synapse/config/homeserver.yaml', realEnv)).toEqual({
      kind: 'playbook',
      unit: 'matrix-synapse.service',
    });
    expect(await detectSynapseRuntime('/etc/matrix-synapse/homeserver.yaml', realEnv)).toEqual({
      kind: 'systemd',
      unit: 'matrix-synapse.service',
    });
    expect(await detectSynapseRuntime(file('server_name: u.example\n'), realEnv)).toEqual({
      kind: 'unknown',
    });
  });
});
