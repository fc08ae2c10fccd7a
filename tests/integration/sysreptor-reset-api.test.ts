// sysreptor.reset-password, API path: the practice sandbox's simulated API over the real sandbox
// rows, and the real HTTP client against a local server answering in SysReptor's shapes. Stored
// values are checked with Debian's Django check_password after an independent decrypt.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError, ProcedureRefusal } from '../../src/main/engine/types.js';
import { SANDBOX_USER_IDS, SYSREPTOR_SANDBOX_PASSWORDS } from '../../src/main/systems/sysreptor/sandbox.js';
import { practiceEngines, scriptedHooks } from '../support/engine-harness.js';
import type { LocalServer } from '../support/local-http.js';
import { findSecret } from '../support/leak-scan.js';
import { deployDirFor, practiceToken, startSysReptorServer } from '../support/sysreptor-api-server.js';
import {
  djangoCheck,
  keysOfAppEnv,
  pentestUsers,
  sandboxDeployDir,
  type PentestUserRow,
} from '../support/sysreptor-sandbox.js';

const PROCEDURE = 'sysreptor.reset-password';
const NEW_PASSWORD = `Api'Rst"-<&>-ü-😀-pw`;
const { fresh: engine } = practiceEngines('sr-api-');
const ARGON2_TEST_TIMEOUT_MS = 180_000;
const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function changedIds(before: PentestUserRow[], after: PentestUserRow[]): string[] {
  return after
    .filter((row, index) => JSON.stringify(row) !== JSON.stringify(before[index]))
    .map((row) => row.id);
}

describe('sysreptor.reset-password, API path', () => {
  it(
    'practice sandbox: resets and re-enables a disabled user through the simulated API; only its row changes; Django accepts the value',
    { timeout: ARGON2_TEST_TIMEOUT_MS },
    async () => {
      const e = engine('sandbox');
      await e.sandbox.databaseUrl(e.registry.system('sysreptor'));
      const token = practiceToken(e, 'admin');
      const before = await pentestUsers(e);
      const prepared = await e.plan(
        PROCEDURE,
        { username: 'jane.doe', newPassword: NEW_PASSWORD, mustChangePassword: true, apiToken: token },
        'sandbox',
      );
      expect(prepared.view.steps.map((step) => step.id)).toEqual([
        'check-api-token',
        'find-user-api',
        'reset-password-api',
        'reactivate-api',
        'verify-login-api',
      ]);
      const facts = prepared.view.facts.map((fact) => `${fact.label}: ${fact.value}`).join('\n');
      expect(facts).toMatch(/2\. API reset ← this run: an API token is given/);
      expect(facts).toMatch(/1\. The user's own forgot-password: not available \(FORGOT_PASSWORD_ENABLED/);
      expect(facts).toMatch(/User "jane\.doe": id 0b6c2a0e-[0-9a-f-]+, DISABLED/);
      expect(facts).toMatch(/Host: sysreptor\.practice\.example/);
      expect(JSON.stringify(prepared.view)).not.toContain(token);

      const view = await e.start(prepared, scriptedHooks()).done;
      expect(view.state).toBe('succeeded');
      const after = await pentestUsers(e);
      expect(changedIds(before, after)).toEqual([SANDBOX_USER_IDS.jane]);
      const jane = after.find((row) => row.id === SANDBOX_USER_IDS.jane) as PentestUserRow;
      expect(jane).toMatchObject({ is_active: true, failed_mfa_attempts: 0, must_change_password: true });
      const keys = keysOfAppEnv(path.join(sandboxDeployDir(e), 'app.env'));
      expect(djangoCheck(NEW_PASSWORD, jane.password, keys)).toMatchObject({
        form: 'encrypted',
        key_id: 'practice-key-2026',
        accepted: true,
      });
      expect(findSecret(token, { dirs: [path.join(e.dataDir, 'runs')] })).toEqual([]);
      expect(findSecret(NEW_PASSWORD, { dirs: [path.join(e.dataDir, 'runs')] })).toEqual([]);

      // Undo after success: the re-enable is taken back (the password stays: no undo for it).
      const secrets = { newPassword: NEW_PASSWORD, apiToken: token };
      const rollback = await e.rollbackPlan(view.runId, secrets);
      expect(rollback.available).toBe(true);
      await (
        await e.rollback(view.runId, secrets, scriptedHooks())
      ).done;
      const undone = (await pentestUsers(e)).find(
        (row) => row.id === SANDBOX_USER_IDS.jane,
      ) as PentestUserRow;
      expect(undone.is_active).toBe(false);
      expect(djangoCheck(NEW_PASSWORD, undone.password, keys).accepted).toBe(true);
    },
  );

  it(
    'real HTTP client: the exact requests, the token only in the Authorization header, must_change_password always sent',
    { timeout: ARGON2_TEST_TIMEOUT_MS },
    async () => {
      const e = engine('wire');
      const server = await startSysReptorServer(e);
      servers.push(server);
      const deployDir = await deployDirFor(e, server.port);
      const token = practiceToken(e, 'manager');
      const view = await e.start(
        await e.plan(
          PROCEDURE,
          {
            deployDir,
            username: 'legacy.bob',
            newPassword: NEW_PASSWORD,
            mustChangePassword: false,
            reactivate: false,
            apiToken: token,
          },
          'real',
        ),
        scriptedHooks(),
      ).done;
      expect(view.state).toBe('succeeded');
      const bobId = SANDBOX_USER_IDS.legacy;
      const wire = server.requests.map((request) => `${request.method} ${request.url}`);
      // Planning looks (self, search); each step looks again before it acts.
      expect(wire).toEqual([
        'GET /api/v1/pentestusers/self/',
        'GET /api/v1/pentestusers/?search=legacy.bob',
        'GET /api/v1/pentestusers/self/',
        'GET /api/v1/pentestusers/self/',
        'GET /api/v1/pentestusers/?search=legacy.bob',
        'GET /api/v1/pentestusers/?search=legacy.bob',
        `POST /api/v1/pentestusers/${bobId}/reset-password/`,
        'POST /api/v1/auth/login/',
      ]);
      const reset = server.requests[6];
      expect(JSON.parse(reset?.body ?? '')).toEqual({ password: NEW_PASSWORD, must_change_password: false });
      expect(reset?.headers['content-type']).toBe('application/json');
      for (const request of server.requests) {
        expect(request.headers.host).toBe('sysreptor.practice.example');
        expect(request.url).not.toContain(token.slice('sysreptor_'.length, 30));
        if (request.url === '/api/v1/auth/login/') expect(request.headers.authorization).toBeUndefined();
        else expect(request.headers.authorization).toBe(`Bearer ${token}`);
      }
      const bob = (await pentestUsers(e)).find((row) => row.id === bobId) as PentestUserRow;
      const keys = keysOfAppEnv(path.join(sandboxDeployDir(e), 'app.env'));
      expect(djangoCheck(NEW_PASSWORD, bob.password, keys)).toMatchObject({ form: 'plain', accepted: true });
      expect(findSecret(token, { dirs: [path.join(e.dataDir, 'runs')] })).toEqual([]);
    },
  );

  it('token and permission errors are explained, and nothing changes', async () => {
    const e = engine('errors');
    const server = await startSysReptorServer(e);
    servers.push(server);
    const deployDir = await deployDirFor(e, server.port);
    const before = await pentestUsers(e);
    const plan = (username: string, apiToken: string, extra: Record<string, unknown> = {}) =>
      e.plan(PROCEDURE, { deployDir, username, newPassword: NEW_PASSWORD, apiToken, ...extra }, 'real');

    await expect(plan('jane.doe', practiceToken(e, 'expired'))).rejects.toThrow(
      /apiToken: The API token has expired \(SysReptor: "API token expired"\)/,
    );
    const forged = `sysreptor_${Buffer.from(`${SANDBOX_USER_IDS.admin}:${'0'.repeat(64)}`).toString('base64')}`;
    await expect(plan('jane.doe', forged)).rejects.toThrow(
      /apiToken: SysReptor did not accept the API token \(SysReptor: "Invalid API token"\)/,
    );
    await expect(plan('jane.doe', 'sysreptor_bm90LWEtdG9rZW4')).rejects.toThrow(
      /apiToken: SysReptor did not understand the token \(SysReptor: "Invalid token header format\."\)/,
    );
    await expect(plan('jane.doe', 'Bearer abc')).rejects.toThrow(/apiToken: .*starts with "sysreptor_"/);
    // A user manager may not change a superuser, nobody a system user.
    await expect(plan('admin', practiceToken(e, 'manager'))).rejects.toThrow(ProcedureRefusal);
    await expect(plan('admin', practiceToken(e, 'manager'))).rejects.toThrow(/only a user manager/);
    await expect(plan('sysreptor-system', practiceToken(e, 'admin'))).rejects.toThrow(/is a system user/);
    // Unknown, and a case look-alike of an existing name ("Admin" exists, "ADMIN" does not).
    await expect(plan('nobody', practiceToken(e, 'admin'))).rejects.toThrow(InputError);
    await expect(plan('ADMIN', practiceToken(e, 'admin'))).rejects.toThrow(
      /username: no SysReptor user is named exactly "ADMIN"/,
    );
    // Host not in ALLOWED_HOSTS: an apiUrl by address is sent with that Host.
    const byAddress = await plan('jane.doe', practiceToken(e, 'admin'), { apiUrl: server.origin });
    expect(byAddress.view.facts.map((fact) => fact.value).join('\n')).toMatch(
      /Host header is not in ALLOWED_HOSTS: it was "127\.0\.0\.1:\d+"/,
    );
    expect(byAddress.view.warnings.join('\n')).toMatch(/plan again with path: cli .* or path: database/);
    expect(await pentestUsers(e)).toEqual(before);
  });

  it('a superuser token made without --admin (Professional) is refused before anything changes', async () => {
    const e = engine('noadmin');
    const server = await startSysReptorServer(e, (request) =>
      request.url === '/api/v1/pentestusers/self/'
        ? {
            status: 200,
            body: {
              id: SANDBOX_USER_IDS.admin,
              username: 'admin',
              is_active: true,
              is_superuser: true,
              is_user_manager: false,
              is_system_user: false,
              must_change_password: false,
              scope: ['project_admin'],
            },
          }
        : undefined,
    );
    servers.push(server);
    const deployDir = await deployDirFor(e, server.port);
    const attempt = e.plan(
      PROCEDURE,
      { deployDir, username: 'jane.doe', newPassword: NEW_PASSWORD, apiToken: practiceToken(e, 'admin') },
      'real',
    );
    await expect(attempt).rejects.toThrow(ProcedureRefusal);
    await expect(attempt).rejects.toThrow(
      /a superuser whose token has no admin permissions \(it was created without --admin\)/,
    );
    expect(server.requests.every((request) => request.method === 'GET')).toBe(true);
  });

  it(
    "SysReptor's own refusals at run time are explained: validators, the current password, 403, 404",
    { timeout: ARGON2_TEST_TIMEOUT_MS },
    async () => {
      const e = engine('refusals');
      let answer: { status: number; body: unknown } | undefined;
      const server = await startSysReptorServer(e, (request) =>
        request.url.endsWith('/reset-password/') ? answer : undefined,
      );
      servers.push(server);
      const deployDir = await deployDirFor(e, server.port);
      const before = await pentestUsers(e);
      const failureOf = async (newPassword: string) => {
        const hooks = scriptedHooks({ failure: 'cancel' });
        await e.start(
          await e.plan(
            PROCEDURE,
            {
              deployDir,
              username: 'jane.doe',
              newPassword,
              reactivate: false,
              apiToken: practiceToken(e, 'admin'),
            },
            'real',
          ),
          hooks,
        ).done;
        return hooks.prompts.find((prompt) => prompt.kind === 'failure')?.message ?? '';
      };
      expect(await failureOf('Jane.Doe-2026')).toMatch(
        /SysReptor refused to reset the password \(SysReptor: "password: The password is too similar to the username\."\)/,
      );
      expect(await failureOf(SYSREPTOR_SANDBOX_PASSWORDS.jane)).toMatch(
        /The user already has this password: SysReptor refuses to set the current password again/,
      );
      answer = { status: 403, body: { detail: 'You do not have permission to perform this action.' } };
      expect(await failureOf(NEW_PASSWORD)).toMatch(
        /SysReptor refuses to let the token's user reset the password \(SysReptor: "You do not have permission/,
      );
      answer = { status: 404, body: { detail: 'No PentestUser matches the given query.' } };
      expect(await failureOf(NEW_PASSWORD)).toMatch(/answered "not found" when trying to reset the password/);
      expect(await pentestUsers(e)).toEqual(before);
    },
  );

  it(
    'leaving a disabled user disabled: the login check still proves the password ("User is inactive" comes after it)',
    { timeout: ARGON2_TEST_TIMEOUT_MS },
    async () => {
      const e = engine('inactive');
      await e.sandbox.databaseUrl(e.registry.system('sysreptor'));
      const view = await e.start(
        await e.plan(
          PROCEDURE,
          {
            username: 'jane.doe',
            newPassword: NEW_PASSWORD,
            mustChangePassword: false,
            reactivate: false,
            apiToken: practiceToken(e, 'manager'),
          },
          'sandbox',
        ),
        scriptedHooks(),
      ).done;
      expect(view.state).toBe('succeeded');
      expect(view.steps.map((step) => step.id)).not.toContain('reactivate-api');
      expect(view.steps.find((step) => step.id === 'verify-login-api')?.logs.join('\n')).toMatch(
        /The new password is accepted: the user is disabled, as you chose to leave it/,
      );
      const jane = (await pentestUsers(e)).find((row) => row.id === SANDBOX_USER_IDS.jane) as PentestUserRow;
      expect(jane).toMatchObject({ is_active: false, failed_mfa_attempts: 30, must_change_password: false });
    },
  );
});
