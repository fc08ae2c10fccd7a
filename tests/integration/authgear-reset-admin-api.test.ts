// authgear.reset-password, Admin API path: the practice sandbox's simulated Admin API over the
// real sandbox rows, and the real HTTP client against a local server answering in Authgear's
// shapes. The JWT is checked with the public key; stored hashes with Perl's bcrypt over the digest.
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/main/engine/types.js';
import { signAdminApiJwt } from '../../src/main/systems/authgear/admin-api.js';
import { readAuthgearConfig } from '../../src/main/systems/authgear/config.js';
import { AUTHGEAR_SANDBOX_USERS } from '../../src/main/systems/authgear/sandbox.js';
import type { PracticeRedis } from '../../src/main/systems/authgear/sandbox-admin-api.js';
import { startAdminApiServer } from '../support/authgear-admin-api-server.js';
import {
  independentAuthgearCheck,
  passwordTables,
  passwordWithNulDigest,
  sandboxConfigDir,
} from '../support/authgear-sandbox.js';
import { practiceEngines, scriptedHooks } from '../support/engine-harness.js';
import { findSecret } from '../support/leak-scan.js';
import type { LocalServer } from '../support/local-http.js';

const PROCEDURE = 'authgear.reset-password';
const NEW_PASSWORD = passwordWithNulDigest(`Adm'in"-<&>-ü-😀`);
const { fresh: engine } = practiceEngines('ag-api-');
const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const redisOf = (e: ReturnType<typeof engine>): PracticeRedis =>
  JSON.parse(
    fs.readFileSync(path.join(e.sandbox.filesRoot('authgear'), 'redis.json'), 'utf8'),
  ) as PracticeRedis;

describe('authgear.reset-password, Admin API path', () => {
  it('practice sandbox: resetPassword, expiry, sessions, lockout; exactly the user’s rows change and Perl bcrypt accepts the hash', async () => {
    const e = engine('sandbox');
    const before = await passwordTables(e);
    const prepared = await e.plan(
      PROCEDURE,
      { loginId: 'alice@practice.example', newPassword: NEW_PASSWORD, setPasswordExpired: true },
      'sandbox',
    );
    expect(prepared.view.steps.map((step) => step.id)).toEqual([
      'check-admin-api',
      'reset-password-admin-api',
      'set-password-expired',
      'revoke-all-sessions',
      'reenable-user',
      'reset-account-lockout',
      'verify-admin-api',
    ]);
    expect(prepared.view.warnings[0]).toMatch(
      /^First choices: an admin can reset the password in the Portal/,
    );
    expect(JSON.stringify(prepared.view)).not.toContain(NEW_PASSWORD);
    const view = await e.start(prepared, scriptedHooks()).done;
    expect(view.state).toBe('succeeded');

    const after = await passwordTables(e);
    const alice = AUTHGEAR_SANDBOX_USERS.alice;
    const aliceAuthenticator = before.authenticators.find((row) => row.user_id === alice)?.id;
    const changed = after.passwords.filter(
      (row, index) => JSON.stringify(row) !== JSON.stringify(before.passwords[index]),
    );
    expect(changed.map((row) => row.id)).toEqual([aliceAuthenticator]);
    expect(changed[0]?.expire_after).not.toBeNull();
    expect(independentAuthgearCheck(NEW_PASSWORD, changed[0]?.password_hash ?? '')).toMatchObject({
      accepted: true,
      digest_has_nul: true,
      cost: 10,
    });
    expect(after.history.length).toBe(before.history.length + 1);
    expect(after.users).toEqual(before.users);
    expect(redisOf(e)).toEqual({ sessions: { [alice]: 0, [AUTHGEAR_SANDBOX_USERS.bob]: 1 }, lockedOut: [] });
    expect(findSecret(NEW_PASSWORD, { dirs: [path.join(e.dataDir, 'runs')] })).toEqual([]);
  });

  it('two primary passwords: one new authenticator, and the expiry the server ignored is set by the follow-up step; a disabled user is re-enabled and undo disables it again', async () => {
    const e = engine('carol');
    const carol = await e.start(
      await e.plan(
        PROCEDURE,
        { loginId: 'carol@practice.example', newPassword: NEW_PASSWORD, setPasswordExpired: true },
        'sandbox',
      ),
      scriptedHooks(),
    ).done;
    expect(carol.state).toBe('succeeded');
    expect(carol.steps.find((step) => step.id === 'set-password-expired')?.logs.join('\n')).toMatch(
      /setPasswordExpired\(expired: true\) done/,
    );
    const rows = await passwordTables(e);
    const carolIds = rows.authenticators
      .filter((row) => row.user_id === AUTHGEAR_SANDBOX_USERS.carol)
      .map((row) => row.id);
    expect(carolIds).toHaveLength(1);
    const carolPassword = rows.passwords.find((row) => row.id === carolIds[0]);
    expect(carolPassword?.expire_after).not.toBeNull();
    expect(independentAuthgearCheck(NEW_PASSWORD, carolPassword?.password_hash ?? '').accepted).toBe(true);

    const bobRun = await e.start(
      await e.plan(
        PROCEDURE,
        { loginId: 'bob', newPassword: NEW_PASSWORD, setPasswordExpired: false, revokeSessions: false },
        'sandbox',
      ),
      scriptedHooks(),
    ).done;
    expect(bobRun.state).toBe('succeeded');
    const bobRow = () =>
      passwordTables(e).then((tables) => tables.users.find((row) => row.id === AUTHGEAR_SANDBOX_USERS.bob));
    expect(await bobRow()).toMatchObject({ is_disabled: false, disable_reason: null });
    const plan = await e.rollbackPlan(bobRun.runId, { newPassword: NEW_PASSWORD });
    expect(plan.available).toBe(true);
    await (
      await e.rollback(bobRun.runId, { newPassword: NEW_PASSWORD }, scriptedHooks())
    ).done;
    expect(await bobRow()).toMatchObject({ is_disabled: true, disable_reason: 'left the company' });
  });

  it('real HTTP client: the exact GraphQL requests, a JWT with kid/aud/iat/exp verified with the public key, only in the Authorization header', async () => {
    const e = engine('wire');
    const server = await startAdminApiServer(e);
    servers.push(server);
    const view = await e.start(
      await e.plan(
        PROCEDURE,
        {
          configDir: sandboxConfigDir(e),
          loginId: 'alice@practice.example',
          newPassword: NEW_PASSWORD,
          setPasswordExpired: false,
          sendPassword: false,
          revokeSessions: true,
          reenable: false,
          resetLockout: false,
          adminApiUrl: `${server.origin}/_api/admin/graphql`,
        },
        'real',
      ),
      scriptedHooks(),
    ).done;
    expect(view.state).toBe('succeeded');
    const operations = server.requests.map(
      (request) =>
        `${request.method} ${request.url} ${(JSON.parse(request.body) as { operationName: string }).operationName}`,
    );
    expect(operations).toEqual([
      'POST /_api/admin/graphql breakglassGetUser',
      'POST /_api/admin/graphql breakglassGetUser',
      'POST /_api/admin/graphql breakglassGetUser',
      'POST /_api/admin/graphql breakglassResetPassword',
      'POST /_api/admin/graphql breakglassGetUser',
      'POST /_api/admin/graphql breakglassRevokeAllSessions',
      'POST /_api/admin/graphql breakglassGetUser',
    ]);
    const reset = JSON.parse(server.requests[3]?.body ?? '') as {
      query: string;
      variables: Record<string, unknown>;
    };
    expect(reset.query).toMatch(
      /resetPassword\(input: \{ userID: \$userID, password: \$password, sendPassword: \$sendPassword, setPasswordExpired: \$setPasswordExpired \}\)/,
    );
    expect(reset.variables).toEqual({
      userID: Buffer.from(`User:${AUTHGEAR_SANDBOX_USERS.alice}`).toString('base64url'),
      password: NEW_PASSWORD,
      sendPassword: false,
      setPasswordExpired: false,
    });
    const [key] = (await readAuthgearConfig(sandboxConfigDir(e))).adminApiKeys;
    const publicKey = createPublicKey({
      key: { kty: 'RSA', n: key?.n ?? '', e: key?.e ?? '' },
      format: 'jwk',
    });
    for (const request of server.requests) {
      expect(request.headers['content-type']).toBe('application/json');
      const jwt = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
      const [head, claims, signature] = jwt.split('.') as [string, string, string];
      expect(JSON.parse(Buffer.from(head, 'base64url').toString())).toEqual({
        alg: 'RS256',
        typ: 'JWT',
        kid: key?.kid,
      });
      const body = JSON.parse(Buffer.from(claims, 'base64url').toString()) as {
        aud: string;
        iat: number;
        exp: number;
      };
      expect(body.aud).toBe('practice-app');
      expect(body.exp - body.iat).toBe(300);
      expect(Math.abs(body.iat - Date.now() / 1000)).toBeLessThan(120);
      expect(
        verify('sha256', Buffer.from(`${head}.${claims}`), publicKey, Buffer.from(signature, 'base64url')),
      ).toBe(true);
      expect(request.url).not.toContain(jwt.slice(0, 20));
      expect(findSecret(jwt, { dirs: [path.join(e.dataDir, 'runs')] })).toEqual([]);
    }
  });

  it('config in the database (no authgear.yaml): adminApiHost is the Host the server finds the app by; without it "app not found" is explained', async () => {
    const e = engine('db-config');
    // CONFIG_SOURCE_TYPE=database: the app is the one whose _portal_domain is the request's host, port dropped.
    const server = await startAdminApiServer(e, (request) =>
      (request.headers.host ?? '').replace(/:[0-9]+$/, '') === 'auth.practice.example'
        ? undefined
        : { status: 404, body: 'app not found\n' },
    );
    servers.push(server);
    const [key] = (await readAuthgearConfig(sandboxConfigDir(e))).adminApiKeys;
    const before = await passwordTables(e);
    const inputs = {
      appId: 'practice-app',
      adminApiKey: JSON.stringify(key),
      adminApiUrl: `${server.origin}/_api/admin/graphql`,
      loginId: 'alice@practice.example',
      newPassword: NEW_PASSWORD,
      setPasswordExpired: false,
      revokeSessions: false,
      reenable: false,
      resetLockout: false,
    };
    const refused = e.plan(PROCEDURE, inputs, 'real');
    await expect(refused).rejects.toThrow(InputError);
    await expect(refused).rejects.toThrow(
      /^adminApiHost: Authgear answered "app not found" for Host 127\.0\.0\.1:[0-9]+ .*CONFIG_SOURCE_TYPE=database.*Set adminApiHost to one of app "practice-app"'s domains/,
    );
    await expect(e.plan(PROCEDURE, { ...inputs, adminApiHost: 'auth example' }, 'real')).rejects.toThrow(
      /^adminApiHost: give a host name/,
    );
    expect(await passwordTables(e)).toEqual(before);

    const prepared = await e.plan(PROCEDURE, { ...inputs, adminApiHost: 'auth.practice.example' }, 'real');
    expect(prepared.view.facts.find((fact) => fact.label === 'Admin API')?.value).toMatch(
      /\(Host: auth\.practice\.example\)/,
    );
    const view = await e.start(prepared, scriptedHooks()).done;
    expect(view.state).toBe('succeeded');
    const sent = server.requests.slice(-3).map((request) => request.headers.host);
    expect(new Set(sent)).toEqual(new Set(['auth.practice.example']));
    const after = await passwordTables(e);
    const changed = after.passwords.filter(
      (row, index) => JSON.stringify(row) !== JSON.stringify(before.passwords[index]),
    );
    expect(changed).toHaveLength(1);
    expect(independentAuthgearCheck(NEW_PASSWORD, changed[0]?.password_hash ?? '').accepted).toBe(true);
  });

  it('a wrong or expired key, an unknown login ID, the password policy and a server without resetAccountLockout are explained; nothing changes on a refusal', async () => {
    const e = engine('errors');
    let noLockout = false;
    const server = await startAdminApiServer(e, (request) =>
      noLockout && request.body.includes('breakglassResetAccountLockout')
        ? {
            status: 200,
            body: {
              errors: [{ message: 'Cannot query field "resetAccountLockout" on type "Mutation".' }],
              data: null,
            },
          }
        : undefined,
    );
    servers.push(server);
    const configDir = sandboxConfigDir(e);
    const endpoint = `${server.origin}/_api/admin/graphql`;
    const before = await passwordTables(e);
    const base = {
      configDir,
      adminApiUrl: endpoint,
      loginId: 'alice@practice.example',
      newPassword: NEW_PASSWORD,
    };
    const [key] = (await readAuthgearConfig(configDir)).adminApiKeys;

    // Another key under the same kid: the server's set does not verify it.
    const wrong = {
      ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
      kid: key?.kid,
      alg: 'RS256',
    };
    const wrongPlan = e.plan(PROCEDURE, { ...base, adminApiKey: JSON.stringify(wrong) }, 'real');
    await expect(wrongPlan).rejects.toThrow(InputError);
    await expect(wrongPlan).rejects.toThrow(
      /adminApiKey: Authgear's Admin API refused the signed JWT \(HTTP 403 Forbidden\)/,
    );
    await expect(e.plan(PROCEDURE, { ...base, adminApiKey: '{"kid": "x"' }, 'real')).rejects.toThrow(
      /adminApiKey: is not JSON/,
    );
    // An expired JWT is refused the same way (5 minutes of skew allowed).
    const expired = signAdminApiJwt(key!, 'practice-app', new Date(Date.now() - 11 * 60_000));
    const answer = await fetch(endpoint, {
      method: 'POST',
      headers: { authorization: `Bearer ${expired}`, 'content-type': 'application/json' },
      body: JSON.stringify({ operationName: 'breakglassGetUser', query: '', variables: {} }),
    });
    expect([answer.status, (await answer.text()).trim()]).toEqual([403, 'Forbidden']);

    await expect(e.plan(PROCEDURE, { ...base, loginId: 'nobody@practice.example' }, 'real')).rejects.toThrow(
      /loginId: no user of app "practice-app" has the email login ID "nobody@practice\.example"/,
    );
    const wrongPath = await e.plan(PROCEDURE, { ...base, adminApiUrl: `${server.origin}/admin` }, 'real');
    expect(wrongPath.view.facts.map((fact) => fact.value).join('\n')).toMatch(
      /answered "not found" at .*\/admin/,
    );
    expect(wrongPath.view.warnings.join('\n')).toMatch(/plan again with path: database/);

    const hooks = scriptedHooks({ failure: 'cancel' });
    await e.start(await e.plan(PROCEDURE, { ...base, newPassword: 'Short1' }, 'real'), hooks).done;
    expect(hooks.prompts.find((prompt) => prompt.kind === 'failure')?.message).toMatch(
      /Authgear's password policy refused the new password \(PasswordTooShort \{"min_length":8,"pw_length":6\}\)/,
    );
    expect(await passwordTables(e)).toEqual(before);

    noLockout = true;
    const view = await e.start(await e.plan(PROCEDURE, base, 'real'), scriptedHooks()).done;
    expect(view.state).toBe('succeeded');
    expect(view.steps.find((step) => step.id === 'reset-account-lockout')?.logs.join('\n')).toMatch(
      /This Authgear server has no resetAccountLockout \(added in 2026-05-20\.0\)/,
    );
  });

  it('discovery shows the app id, the Admin API and its key, and the paths in order', async () => {
    const e = engine('discover');
    const report = await e.discover('authgear', {}, 'sandbox');
    const facts = report.sections.flatMap((section) =>
      section.facts.map((fact) => `${fact.label}: ${fact.value}`),
    );
    const [key] = (await readAuthgearConfig(sandboxConfigDir(e))).adminApiKeys;
    expect(facts).toContain('App id (the Admin API JWT audience): practice-app');
    expect(facts).toContain(`Admin API keys (admin-api.auth): "${key?.kid}"`);
    expect(facts.join('\n')).toMatch(/Database \(from the "db" item\): db:5432\/authgear, schema public/);
    expect(JSON.stringify(report)).not.toContain(key?.d ?? 'no key');
  });
});
