// synapse.reset-password, admin API path, through the Engine: on the practice sandbox (the
// simulated Synapse over the vendor's tables on real PostgreSQL; hashes checked by Perl's
// Crypt::Eksblowfish with NFKC + pepper), and for real against a local HTTP server answering in
// Synapse's shapes (exact requests, token only in the header, an explanation per error status).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/main/engine/types.js';
import { SYNAPSE_SANDBOX_PASSWORDS, SYNAPSE_SANDBOX_USERS } from '../../src/main/systems/synapse/sandbox.js';
import { practiceEngines, scriptedHooks } from '../support/engine-harness.js';
import { startLocalServer, type LocalServer } from '../support/local-http.js';
import {
  pepperOf,
  perlAcceptsSynapseHash,
  sandboxFiles,
  sessionCounts,
  synapseUsers,
} from '../support/synapse-sandbox.js';

const PROCEDURE = 'synapse.reset-password';
const NEW_PASSWORD = `N3w-ﬁsh-pässwörd-😀-'"; DROP TABLE users; --`;
const { fresh: engine } = practiceEngines('syn-api-');

function journalText(journalPath: string): string {
  return fs.readFileSync(journalPath, 'utf8');
}

describe('synapse.reset-password, admin API on the practice sandbox', () => {
  it('is recommended with the practice admin token; resets alice, logs her out everywhere, proves the login, and touches no one else', async () => {
    const e = engine('alice');
    const files = await sandboxFiles(e);
    const token = fs.readFileSync(files.tokenFile, 'utf8').trim();
    const pepper = pepperOf(files.homeserver);
    const before = await synapseUsers(e);
    const sessionsBefore = await sessionCounts(e);
    expect(sessionsBefore[SYNAPSE_SANDBOX_USERS.alice]).toBe('2/1/2');

    const prepared = await e.plan(PROCEDURE, { user: 'alice', newPassword: NEW_PASSWORD }, 'sandbox');
    expect(prepared.view.steps.map((step) => step.id)).toEqual([
      'find-user-api',
      'reset-password-api',
      'verify-login',
    ]);
    const facts = prepared.view.facts.map((fact) => `${fact.label}: ${fact.value}`).join('\n');
    expect(facts).toMatch(/Path: admin API — an admin token is at hand: Synapse hashes the password itself/);
    expect(facts).toMatch(/server_name: practice\.example/);
    expect(facts).toMatch(/bcrypt_rounds: 10/);
    expect(facts).toMatch(/Pepper: set \(homeserver\.yaml password_config\.pepper\)/);
    expect(facts).toMatch(/User @alice:practice\.example: active/);
    expect(facts).toMatch(/How Synapse runs: matrix-docker-ansible-deploy/);
    expect(prepared.view.warnings.join('\n')).toMatch(/NFKC/);
    const shown = JSON.stringify(prepared.view);
    for (const secret of [NEW_PASSWORD, token, pepper]) expect(shown).not.toContain(secret);

    const view = await e.start(prepared, scriptedHooks()).done;
    expect(view.state).toBe('succeeded');
    const logs = view.steps.flatMap((step) => step.logs).join('\n');
    expect(logs).toMatch(/POST \/_synapse\/admin\/v1\/reset_password\/%40alice%3Apractice\.example → 200/);
    expect(logs).toMatch(/logged in with the new password .* then logged out/);

    const after = await synapseUsers(e);
    const alice = after.find((row) => row.name === SYNAPSE_SANDBOX_USERS.alice);
    expect(perlAcceptsSynapseHash(NEW_PASSWORD, pepper, alice?.password_hash ?? '')).toBe(true);
    expect(perlAcceptsSynapseHash(SYNAPSE_SANDBOX_PASSWORDS.alice, pepper, alice?.password_hash ?? '')).toBe(
      false,
    );
    expect(after.filter((row) => row.name !== SYNAPSE_SANDBOX_USERS.alice)).toEqual(
      before.filter((row) => row.name !== SYNAPSE_SANDBOX_USERS.alice),
    );
    const sessionsAfter = await sessionCounts(e);
    expect(sessionsAfter[SYNAPSE_SANDBOX_USERS.alice]).toBe('0/0/0');
    expect({ ...sessionsAfter, [SYNAPSE_SANDBOX_USERS.alice]: 'x' }).toEqual({
      ...sessionsBefore,
      [SYNAPSE_SANDBOX_USERS.alice]: 'x',
    });
    const journal = journalText(view.journalPath);
    for (const secret of [NEW_PASSWORD, token, pepper]) expect(journal).not.toContain(secret);
  });

  it('refuses a deactivated or locked user unless asked, then reactivates / unlocks through PUT v2/users', async () => {
    const e = engine('flags');
    await expect(e.plan(PROCEDURE, { user: 'bob', newPassword: NEW_PASSWORD }, 'sandbox')).rejects.toThrow(
      /^reactivate: @bob:practice\.example is deactivated/,
    );
    await expect(e.plan(PROCEDURE, { user: 'carol', newPassword: NEW_PASSWORD }, 'sandbox')).rejects.toThrow(
      /^unlock: @carol:practice\.example is locked/,
    );
    for (const [user, flag] of [
      ['bob', 'reactivate'],
      ['carol', 'unlock'],
    ] as const) {
      const view = await e.start(
        await e.plan(PROCEDURE, { user, newPassword: NEW_PASSWORD, [flag]: true }, 'sandbox'),
        scriptedHooks(),
      ).done;
      expect(view.state).toBe('succeeded');
      expect(view.steps.flatMap((step) => step.logs).join('\n')).toMatch(
        /PUT \/_synapse\/admin\/v2\/users\/%40\w+%3Apractice\.example → 200/,
      );
    }
    const rows = await synapseUsers(e);
    expect(rows.find((row) => row.name === SYNAPSE_SANDBOX_USERS.bob)).toMatchObject({
      deactivated: 0,
      locked: false,
    });
    expect(rows.find((row) => row.name === SYNAPSE_SANDBOX_USERS.carol)).toMatchObject({
      deactivated: 0,
      locked: false,
    });
  });

  it('discovery shows homeserver.yaml, how Synapse runs and the practice users, never the pepper or a token', async () => {
    const e = engine('discover');
    const report = await e.discover('synapse', {}, 'sandbox');
    const text = report.sections
      .flatMap((section) => section.facts.map((fact) => `${fact.label}: ${fact.value}`))
      .join('\n');
    expect(text).toMatch(/server_name: practice\.example/);
    expect(text).toMatch(/Database: PostgreSQL \(psycopg2\) matrix-postgres:5432\/synapse as synapse/);
    expect(text).toMatch(/How Synapse runs: matrix-docker-ansible-deploy/);
    expect(text).toMatch(/@carol:practice\.example: locked/);
    const files = await sandboxFiles(e);
    for (const secret of [pepperOf(files.homeserver), fs.readFileSync(files.tokenFile, 'utf8').trim()])
      expect(text).not.toContain(secret);
  });

  it('refuses bad input with the field named and nothing changed', async () => {
    const e = engine('bad');
    const before = await synapseUsers(e);
    const refused: Array<[Record<string, unknown>, RegExp]> = [
      [{ user: '@alice', newPassword: NEW_PASSWORD }, /^user: "@alice" has no server part/],
      [
        { user: '@alice:evil.example', newPassword: NEW_PASSWORD },
        /^user: .*server_name is "practice\.example"/,
      ],
      [{ user: 'nobody', newPassword: NEW_PASSWORD }, /^user: Synapse has no user @nobody:practice\.example/],
      [
        { user: 'alice', newPassword: NEW_PASSWORD, path: 'mas-database' },
        /^path: mas-database is for homeservers behind Matrix Authentication Service/,
      ],
      [
        { user: 'alice', newPassword: NEW_PASSWORD, pepperFile: '/nonexistent/pepper' },
        /^pepperFile: the pepper file \/nonexistent\/pepper cannot be read \(ENOENT\)/,
      ],
      [
        { user: 'alice', newPassword: NEW_PASSWORD, homeserver: '/nonexistent/homeserver.yaml' },
        /^homeserver: \/nonexistent\/homeserver\.yaml does not exist/,
      ],
    ];
    for (const [inputs, message] of refused) {
      const error = await e.plan(PROCEDURE, inputs, 'sandbox').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(message);
    }
    const broken = await e
      .plan(PROCEDURE, { user: 'alice', newPassword: 'ab\uD800cd' }, 'sandbox')
      .catch((caught: unknown) => caught);
    expect((broken as Error).message).toMatch(/^newPassword: .*lone surrogate/);
    const extra = await e
      .plan(PROCEDURE, { user: 'alice', newPassword: NEW_PASSWORD, bogus: 1 }, 'sandbox')
      .catch((caught: unknown) => caught);
    expect((extra as Error).message).toMatch(/bogus/);
    expect(await synapseUsers(e)).toEqual(before);
  });

  it('warns about passwords over 72 bytes with the pepper', async () => {
    const e = engine('long');
    const prepared = await e.plan(PROCEDURE, { user: 'alice', newPassword: 'x'.repeat(70) }, 'sandbox');
    expect(prepared.view.warnings.join('\n')).toMatch(
      /plus the pepper is \d+ bytes: bcrypt \(and Synapse\) use only the first 72/,
    );
  });
});

describe('synapse.reset-password, admin API against a local server in Synapse shapes (real environment)', () => {
  const TOKEN = 'syt_YWRtaW4_realAdminToken0123456789';
  const PEPPER = 'real-pepper-77';
  let server: LocalServer;
  let answers: Record<string, { status: number; body: unknown }>;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-syn-real-'));
  let homeserver: string;
  const { fresh: realEngine } = practiceEngines('syn-real-');

  beforeAll(async () => {
    server = await startLocalServer((request, response) => {
      const pathname = (request.url.split('?')[0] ?? '').replace(/%40\w+%3Aexample\.org$/, '<user>');
      const answer = answers[`${request.method} ${pathname}`] ?? {
        status: 404,
        body: { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' },
      };
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer.body));
    });
    homeserver = path.join(dir, 'homeserver.yaml');
    fs.writeFileSync(
      homeserver,
      `server_name: example.org\npublic_baseurl: ${server.origin}/\nbcrypt_rounds: 12\npassword_config:\n  pepper: ${PEPPER}\ndatabase:\n  name: psycopg2\n  args: {user: synapse, password: dbpw-real-1, database: synapse, host: 127.0.0.1}\n`,
    );
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const okAnswers = () => ({
    'GET /_synapse/admin/v2/users/<user>': {
      status: 200,
      body: { name: '@alice:example.org', admin: false, deactivated: false, locked: false },
    },
    'POST /_synapse/admin/v1/reset_password/<user>': { status: 200, body: {} },
    'POST /_matrix/client/v3/login': {
      status: 200,
      body: {
        user_id: '@alice:example.org',
        access_token: 'syt_bmV3_loginTokenXYZ987',
        device_id: 'VERIFYDEV',
        home_server: 'example.org',
      },
    },
    'POST /_matrix/client/v3/logout': { status: 200, body: {} },
  });

  it('sends exactly the documented requests, the token only as a Bearer header', async () => {
    answers = okAnswers();
    server.requests.length = 0;
    const e = realEngine('ok');
    const prepared = await e.plan(
      PROCEDURE,
      { homeserver, user: '@alice:example.org', newPassword: NEW_PASSWORD, adminToken: TOKEN },
      'real',
    );
    const view = await e.start(prepared, scriptedHooks()).done;
    expect(view.state).toBe('succeeded');
    const seen = server.requests.map((request) => ({
      line: `${request.method} ${request.url}`,
      auth: request.headers.authorization,
      body: request.body ? (JSON.parse(request.body) as unknown) : undefined,
    }));
    expect(seen).toEqual([
      {
        line: 'GET /_synapse/admin/v2/users/%40alice%3Aexample.org',
        auth: `Bearer ${TOKEN}`,
        body: undefined,
      },
      {
        line: 'GET /_synapse/admin/v2/users/%40alice%3Aexample.org',
        auth: `Bearer ${TOKEN}`,
        body: undefined,
      },
      {
        line: 'GET /_synapse/admin/v2/users/%40alice%3Aexample.org',
        auth: `Bearer ${TOKEN}`,
        body: undefined,
      },
      {
        line: 'POST /_synapse/admin/v1/reset_password/%40alice%3Aexample.org',
        auth: `Bearer ${TOKEN}`,
        body: { new_password: NEW_PASSWORD, logout_devices: true },
      },
      {
        line: 'POST /_matrix/client/v3/login',
        auth: undefined,
        body: {
          type: 'm.login.password',
          identifier: { type: 'm.id.user', user: 'alice' },
          password: NEW_PASSWORD,
          initial_device_display_name: 'Breakglass verification',
        },
      },
      { line: 'POST /_matrix/client/v3/logout', auth: 'Bearer syt_bmV3_loginTokenXYZ987', body: {} },
    ]);
    expect(
      server.requests.every(
        (request) => !request.url.includes(TOKEN) && !request.url.includes('access_token'),
      ),
    ).toBe(true);
    const journal = journalText(view.journalPath);
    for (const secret of [TOKEN, NEW_PASSWORD, PEPPER, 'dbpw-real-1', 'syt_bmV3_loginTokenXYZ987'])
      expect(journal).not.toContain(secret);
  });

  it('explains every documented error answer', async () => {
    const cases: Array<[string, { status: number; body: unknown }, RegExp]> = [
      [
        'POST /_synapse/admin/v1/reset_password/<user>',
        { status: 400, body: { errcode: 'M_MISSING_PARAM', error: "Missing params: ['new_password']" } },
        /400 M_MISSING_PARAM.*malformed.*a required field was missing/,
      ],
      [
        'GET /_synapse/admin/v2/users/<user>',
        { status: 401, body: { errcode: 'M_UNKNOWN_TOKEN', error: 'Invalid access token passed.' } },
        /401 M_UNKNOWN_TOKEN.*admin token is missing, unknown, expired or logged out/,
      ],
      [
        'GET /_synapse/admin/v2/users/<user>',
        { status: 403, body: { errcode: 'M_FORBIDDEN', error: 'You are not a server admin' } },
        /403 M_FORBIDDEN.*not a server admin/,
      ],
      [
        'POST /_synapse/admin/v1/reset_password/<user>',
        { status: 403, body: { errcode: 'M_FORBIDDEN', error: 'Password change disabled' } },
        /does not allow password changes \(password_config\.enabled is false or only_for_reauth, or localdb_enabled is false\)/,
      ],
      [
        'POST /_synapse/admin/v1/reset_password/<user>',
        { status: 404, body: { errcode: 'M_NOT_FOUND', error: 'Unknown user' } },
        /404 M_NOT_FOUND.*no user @alice:example\.org exists/,
      ],
      [
        'POST /_synapse/admin/v1/reset_password/<user>',
        { status: 404, body: { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' } },
        /not registered when Matrix Authentication Service \(MAS\) handles logins/,
      ],
      [
        'POST /_synapse/admin/v1/reset_password/<user>',
        { status: 404, body: '<html>Not Found</html>' },
        /without a Matrix error code: that is not Synapse answering but a web server or reverse proxy/,
      ],
    ];
    for (const [endpoint, answer, message] of cases) {
      answers = { ...okAnswers(), [endpoint]: answer };
      const e = realEngine('err');
      const hooks = scriptedHooks({ failure: 'cancel' });
      const prepared = await e.plan(
        PROCEDURE,
        { homeserver, user: 'alice', newPassword: NEW_PASSWORD, adminToken: TOKEN },
        'real',
      );
      const view = await e.start(prepared, hooks).done;
      expect(view.state).not.toBe('succeeded');
      const failed = view.steps.find((step) => step.state === 'failed');
      expect(failed?.message, endpoint).toMatch(message);
      expect(JSON.stringify(view)).not.toContain(TOKEN);
    }
  });
});
