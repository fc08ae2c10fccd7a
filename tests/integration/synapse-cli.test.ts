// `breakglass run synapse.reset-password --input FILE --yes` against a "real install": a
// homeserver.yaml whose database args reach a PostgreSQL database with Synapse's tables, the new
// password and the admin token as secret references (env, file), never values.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/cli/run-cli.js';
import { hashSynapsePassword } from '../../src/main/systems/synapse/hash.js';
import { SYNAPSE_SCHEMA_SQL } from '../../src/main/systems/synapse/schema.js';
import { memoryIo } from '../support/cli-io.js';
import { freshDataDir } from '../support/engine-harness.js';
import { startLocalServer } from '../support/local-http.js';
import { createTestDatabase } from '../support/pg.js';
import { perlAcceptsSynapseHash } from '../support/synapse-sandbox.js';

const NEW_PASSWORD = `Cli-synapse-pw-ü-'"`;
const PEPPER = 'cli-pepper-9';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-syn-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function realHomeserver(extra = ''): Promise<{ homeserver: string; url: URL }> {
  const url = new URL(await createTestDatabase('synapse_cli'));
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(SYNAPSE_SCHEMA_SQL);
    await client.query("INSERT INTO users (name, password_hash) VALUES ('@ops:cli.example', $1)", [
      await hashSynapsePassword('old-pw', { pepper: PEPPER, rounds: 4 }),
    ]);
  } finally {
    await client.end();
  }
  const homeserver = path.join(fs.mkdtempSync(path.join(dir, 'hs-')), 'homeserver.yaml');
  fs.writeFileSync(
    homeserver,
    `server_name: cli.example\nbcrypt_rounds: 4\npassword_config:\n  pepper: ${PEPPER}\ndatabase:\n  name: psycopg2\n  args:\n    user: "${decodeURIComponent(url.username)}"\n    password: "${decodeURIComponent(url.password)}"\n    database: "${url.pathname.slice(1)}"\n    host: "${url.hostname}"\n    port: ${url.port}\n${extra}`,
  );
  return { homeserver, url };
}

async function cli(args: string[], env: NodeJS.ProcessEnv) {
  const memory = memoryIo({ env });
  const code = await runCli(['--data-dir', freshDataDir('syn-cli'), ...args], memory.io);
  return { code, stdout: memory.stdout(), stderr: memory.stderr() };
}

describe('breakglass run synapse.reset-password (real environment)', () => {
  it('database path from homeserver.yaml settings: exit 0, the row accepts the new password, no secret in the output', async () => {
    const { homeserver, url } = await realHomeserver();
    const input = path.join(dir, 'db.yaml');
    fs.writeFileSync(
      input,
      `homeserver: ${homeserver}\nuser: ops\nnewPassword: { env: SYNAPSE_NEW_PW }\npath: database\n`,
    );
    const result = await cli(['run', 'synapse.reset-password', '--input', input, '--yes'], {
      SYNAPSE_NEW_PW: NEW_PASSWORD,
    });
    expect(result.code, result.stderr + result.stdout).toBe(0);
    const output = result.stdout + result.stderr;
    for (const secret of [NEW_PASSWORD, PEPPER, decodeURIComponent(url.password)])
      expect(output).not.toContain(secret);
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const [row] = (await client.query<{ password_hash: string }>('SELECT password_hash FROM users')).rows;
      expect(perlAcceptsSynapseHash(NEW_PASSWORD, PEPPER, row?.password_hash ?? '')).toBe(true);
    } finally {
      await client.end();
    }
  });

  it('admin API path with the token from a 0600 file: the token reaches the server only as a Bearer header', async () => {
    const token = 'syt_Y2xp_cliAdminToken42';
    const server = await startLocalServer((request, response) => {
      const answers: Record<string, unknown> = {
        'GET /_synapse/admin/v2/users/%40ops%3Acli.example': {
          name: '@ops:cli.example',
          admin: false,
          deactivated: false,
          locked: false,
        },
        'POST /_synapse/admin/v1/reset_password/%40ops%3Acli.example': {},
        'POST /_matrix/client/v3/login': {
          user_id: '@ops:cli.example',
          access_token: 'syt_bG9naW4_x',
          device_id: 'D1',
        },
        'POST /_matrix/client/v3/logout': {},
      };
      const body = answers[`${request.method} ${request.url}`];
      response.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body ?? { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' }));
    });
    try {
      const { homeserver } = await realHomeserver(`public_baseurl: ${server.origin}/\n`);
      const tokenFile = path.join(dir, 'token');
      fs.writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
      const input = path.join(dir, 'api.yaml');
      fs.writeFileSync(
        input,
        `homeserver: ${homeserver}\nuser: "@ops:cli.example"\nnewPassword: { env: SYNAPSE_NEW_PW }\nadminToken: { file: ${tokenFile} }\n`,
      );
      const result = await cli(['run', 'synapse.reset-password', '--input', input, '--yes'], {
        SYNAPSE_NEW_PW: NEW_PASSWORD,
      });
      expect(result.code, result.stderr + result.stdout).toBe(0);
      expect(result.stdout).toMatch(/admin API/);
      expect(result.stdout + result.stderr).not.toContain(token);
      expect(server.requests.map((request) => request.headers.authorization)).toContain(`Bearer ${token}`);
      expect(server.requests.every((request) => !request.url.includes(token))).toBe(true);
    } finally {
      await server.close();
    }
  });
});
