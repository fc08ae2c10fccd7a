// authgear.reset-password, database path, on the practice sandbox: the vendor's tables on real
// PostgreSQL; every stored hash checked by Perl's Digest::SHA + Crypt::Eksblowfish::Bcrypt over the
// raw 64-byte digest (tests/support/independent/authgear_check_password.pl), NUL digests included.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/main/engine/types.js';
import { AUTHGEAR_SANDBOX_USERS } from '../../src/main/systems/authgear/sandbox.js';
import {
  independentAuthgearCheck,
  passwordTables,
  passwordWithNulDigest,
  sandboxConfigDir,
  authgearQuery,
} from '../support/authgear-sandbox.js';
import { practiceEngines, scriptedHooks } from '../support/engine-harness.js';

const PROCEDURE = 'authgear.reset-password';
const NEW_PASSWORD = passwordWithNulDigest(`Brk'gl"ss-<&>-ü-😀-; DROP TABLE _auth_user; --`);
const { fresh: engine } = practiceEngines('ag-');

async function aliceAuthenticatorId(e: ReturnType<typeof engine>): Promise<string> {
  const rows = await authgearQuery<{ id: string }>(
    e,
    "SELECT id FROM _auth_authenticator WHERE user_id = $1 AND app_id = 'practice-app'",
    [AUTHGEAR_SANDBOX_USERS.alice],
  );
  return rows[0]!.id;
}

describe('authgear.reset-password, database path (real PostgreSQL, vendor tables)', () => {
  it('updates exactly the app-scoped rows the server would, with a $bcrypt-sha512$ hash an independent bcrypt accepts (digest with NUL)', async () => {
    const e = engine('alice');
    const before = await passwordTables(e);
    const prepared = await e.plan(
      PROCEDURE,
      {
        loginId: 'alice@practice.example',
        newPassword: NEW_PASSWORD,
        setPasswordExpired: true,
        path: 'database',
      },
      'sandbox',
    );
    expect(prepared.view.steps.map((step) => step.id)).toEqual([
      'connect-database',
      'find-user',
      'set-password',
      'verify-password',
    ]);
    const statements = prepared.view.steps[2]!.description.sql.map((block) => block.text);
    expect(statements).toHaveLength(3);
    expect(statements[0]).toMatch(
      /^UPDATE "public"\."_auth_authenticator_password" SET password_hash = \*{8}, expire_after = '<now, UTC>'::timestamp WHERE app_id = 'practice-app' AND id = .* AND password_hash = \*{8}$/,
    );
    expect(statements[1]).toMatch(
      /^UPDATE "public"\."_auth_authenticator" SET updated_at = .* WHERE app_id = 'practice-app'/,
    );
    expect(statements[2]).toMatch(
      /^INSERT INTO "public"\."_auth_password_history" \(id, app_id, created_at, user_id, password\)/,
    );
    expect(prepared.view.warnings.join('\n')).toMatch(
      /does not end sessions and does not clear a lockout: both live in Redis/,
    );
    expect(prepared.view.warnings.join('\n')).toMatch(/Portal/);
    expect(JSON.stringify(prepared.view)).not.toContain(NEW_PASSWORD);

    const startedAt = Date.now();
    const view = await e.start(prepared, scriptedHooks()).done;
    expect(view.state).toBe('succeeded');
    const after = await passwordTables(e);
    const aliceId = await aliceAuthenticatorId(e);

    const changedPasswords = after.passwords.filter(
      (row, index) => JSON.stringify(row) !== JSON.stringify(before.passwords[index]),
    );
    expect(changedPasswords.map((row) => row.id)).toEqual([aliceId]);
    const written = changedPasswords[0]!;
    expect(written.app_id).toBe('practice-app');
    expect(written.password_hash).toMatch(/^\$bcrypt-sha512\$\$2a\$10\$[./A-Za-z0-9]{53}$/);
    expect(independentAuthgearCheck(NEW_PASSWORD, written.password_hash)).toEqual({
      accepted: true,
      digest_has_nul: true,
      cost: 10,
      variant: '2a',
    });
    expect(independentAuthgearCheck(`${NEW_PASSWORD}x`, written.password_hash).accepted).toBe(false);
    // expire_after = now (UTC, no zone), so the server forces a change at the next login.
    const expireAfter = Date.parse(`${written.expire_after!.replace(' ', 'T')}Z`);
    expect(Math.abs(expireAfter - startedAt)).toBeLessThan(60_000);

    const changedAuthenticators = after.authenticators.filter(
      (row, index) => JSON.stringify(row) !== JSON.stringify(before.authenticators[index]),
    );
    expect(changedAuthenticators.map((row) => row.id)).toEqual([aliceId]);
    const added = after.history.filter((row) => !before.history.some((old) => old.id === row.id));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({
      app_id: 'practice-app',
      user_id: AUTHGEAR_SANDBOX_USERS.alice,
      password: written.password_hash,
    });
    expect(after.history.filter((row) => before.history.some((old) => old.id === row.id))).toEqual(
      before.history,
    );
    expect(after.users).toEqual(before.users);
  });

  it('setPasswordExpired false leaves expire_after NULL; the same email in another app is untouched', async () => {
    const e = engine('noexpire');
    const before = await passwordTables(e);
    const view = await e.start(
      await e.plan(
        PROCEDURE,
        {
          loginId: 'alice@practice.example',
          newPassword: NEW_PASSWORD,
          path: 'database',
          setPasswordExpired: false,
        },
        'sandbox',
      ),
      scriptedHooks(),
    ).done;
    expect(view.state).toBe('succeeded');
    const after = await passwordTables(e);
    const otherApp = (rows: typeof after.passwords) => rows.filter((row) => row.app_id === 'other-app');
    expect(otherApp(after.passwords)).toEqual(otherApp(before.passwords));
    const aliceId = await aliceAuthenticatorId(e);
    expect(after.passwords.find((row) => row.id === aliceId)?.expire_after).toBeNull();
  });

  it('rollback after a failed check restores every row and removes the history row', async () => {
    const e = engine('undo');
    // The hash is written, then its own check fails: a trigger sets expire_after although none was asked for.
    await authgearQuery(
      e,
      `CREATE FUNCTION force_expiry() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.expire_after := now(); RETURN NEW; END $$;
       CREATE TRIGGER force_expiry BEFORE UPDATE ON _auth_authenticator_password FOR EACH ROW
         WHEN (OLD.password_hash IS DISTINCT FROM NEW.password_hash AND NEW.expire_after IS NULL) EXECUTE FUNCTION force_expiry();`,
    );
    const before = await passwordTables(e);
    const hooks = scriptedHooks({ failure: 'rollback' });
    const decide = hooks.decide;
    hooks.decide = async (prompt) => {
      // Once the failure is reported, the trigger has done its work: drop it so the undo is not altered.
      if (prompt.kind === 'failure')
        await authgearQuery(e, 'DROP TRIGGER force_expiry ON _auth_authenticator_password');
      return decide(prompt);
    };
    const view = await e.start(
      await e.plan(
        PROCEDURE,
        {
          loginId: 'alice@practice.example',
          newPassword: NEW_PASSWORD,
          path: 'database',
          setPasswordExpired: false,
        },
        'sandbox',
      ),
      hooks,
    ).done;
    expect(hooks.prompts.map((prompt) => prompt.kind)).toEqual([
      'confirm-changes',
      'failure',
      'confirm-rollback',
    ]);
    expect(hooks.prompts[1]?.message).toMatch(/expire_after is .*, not what the plan set/);
    expect(view.state).toBe('rolled-back');
    expect(await passwordTables(e)).toEqual(before);
  });

  it('stops before any change for an unknown user, two primary passwords, none, or a login of another app', async () => {
    const e = engine('refusals');
    const before = await passwordTables(e);
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ loginId: 'nobody@practice.example' }, /No user of app "practice-app" has the email login ID/],
      [{ loginId: 'carol@practice.example' }, /has 2 primary password authenticators/],
      [{ loginId: 'dave@practice.example' }, /has no primary password authenticator/],
      [
        { loginId: 'alice', loginIdKey: 'username' },
        /No user of app "practice-app" has the username login ID "alice"/,
      ],
    ];
    for (const [inputs, message] of cases) {
      const prepared = await e.plan(
        PROCEDURE,
        { ...inputs, newPassword: NEW_PASSWORD, path: 'database' },
        'sandbox',
      );
      const hooks = scriptedHooks({ failure: 'cancel' });
      const view = await e.start(prepared, hooks).done;
      expect(view.state).not.toBe('succeeded');
      expect(hooks.prompts.map((prompt) => prompt.kind)).toEqual(['failure']);
      expect(hooks.prompts[0]?.message).toMatch(message);
    }
    expect(await passwordTables(e)).toEqual(before);
  });

  it('warns when the stored login ID is not exactly the one typed (matched through original_login_id)', async () => {
    const e = engine('login-mismatch');
    const exact = await e.plan(
      PROCEDURE,
      { loginId: 'alice@practice.example', newPassword: NEW_PASSWORD, path: 'database' },
      'sandbox',
    );
    expect(exact.view.warnings.join('\n')).not.toMatch(/matched the user whose stored login ID/);
    // As Authgear keeps it: the normalised email in login_id, the address as typed at sign-up in original_login_id.
    await authgearQuery(
      e,
      "UPDATE _auth_identity_login_id SET original_login_id = 'Alice@Practice.Example' WHERE login_id = 'alice@practice.example'",
    );
    const prepared = await e.plan(
      PROCEDURE,
      { loginId: 'Alice@Practice.Example', newPassword: NEW_PASSWORD, path: 'database' },
      'sandbox',
    );
    expect(prepared.view.warnings.join('\n')).toMatch(
      /The login ID typed, "Alice@Practice\.Example", matched the user whose stored login ID is "alice@practice\.example"/,
    );
    const view = await e.start(prepared, scriptedHooks()).done;
    expect(view.steps.find((step) => step.id === 'find-user')?.logs.join('\n')).toMatch(
      /stored login ID is "alice@practice\.example"/,
    );
  });

  it('warns that a disabled user must be re-enabled through the Admin API', async () => {
    const e = engine('disabled');
    const prepared = await e.plan(
      PROCEDURE,
      { loginId: 'bob', newPassword: NEW_PASSWORD, path: 'database' },
      'sandbox',
    );
    expect(prepared.view.facts.some((fact) => /DISABLED/.test(fact.value))).toBe(true);
    expect(prepared.view.warnings.join('\n')).toMatch(
      /Re-enabling must go through the Admin API \(setDisabledStatus\)/,
    );
  });

  it('malformed config files are refused naming the file, never a value', async () => {
    const e = engine('malformed');
    await e.sandbox.databaseUrl(e.registry.system('authgear'));
    const cases: Array<[string, string, RegExp]> = [
      [
        'authgear.secrets.yaml',
        'secrets:\n  - key: db\n    data: {database_url: "postgres://u:s3cr3t-value@h/db"\n',
        /authgear\.secrets\.yaml is not valid YAML/,
      ],
      [
        'authgear.secrets.yaml',
        'secrets:\n  - key: db\n    data: {url: s3cr3t-value}\n',
        /the "db" item needs data\.database_url/,
      ],
      [
        'authgear.secrets.yaml',
        'secrets:\n  - key: admin-api.auth\n    data: {keys: [{kid: x, d: s3cr3t-value}]}\n',
        /"admin-api\.auth" item needs data\.keys/,
      ],
      ['authgear.yaml', 'http: {}\n', /authgear\.yaml has no "id:"/],
      ['authgear.yaml', 'id: [s3cr3t-value\n', /authgear\.yaml is not valid YAML/],
    ];
    for (const [file, content, message] of cases) {
      const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-ag-config-'));
      fs.cpSync(sandboxConfigDir(e), configDir, { recursive: true });
      fs.writeFileSync(path.join(configDir, file), content);
      const attempt = e.plan(
        PROCEDURE,
        { configDir, loginId: 'alice@practice.example', newPassword: NEW_PASSWORD, path: 'database' },
        'sandbox',
      );
      await expect(attempt).rejects.toThrow(InputError);
      await expect(attempt).rejects.toThrow(message);
      await expect(attempt).rejects.not.toThrow(/s3cr3t-value/);
    }
  });

  it('refuses bad input with the field named', async () => {
    const e = engine('input');
    await expect(
      e.plan(PROCEDURE, { loginId: 'alice@practice.example', newPassword: '   ' }, 'sandbox'),
    ).rejects.toThrow(/newPassword/);
    await expect(
      e.plan(PROCEDURE, { loginId: 'alice@practice.example', newPassword: 'é'.repeat(4097) }, 'sandbox'),
    ).rejects.toThrow(/8192 bytes/);
    await expect(
      e.plan(
        PROCEDURE,
        {
          loginId: 'alice@practice.example',
          newPassword: NEW_PASSWORD,
          path: 'database',
          appId: 'other-app',
        },
        'sandbox',
      ),
    ).rejects.toThrow(/appId: authgear\.yaml in configDir is app "practice-app"/);
    await expect(
      e.plan(
        PROCEDURE,
        { loginId: 'alice@practice.example', newPassword: NEW_PASSWORD, path: 'database' },
        'real',
      ),
    ).rejects.toThrow(/appId/);
    await expect(
      e.plan(
        PROCEDURE,
        { loginId: 'alice@practice.example', newPassword: NEW_PASSWORD, path: 'database', appId: 'x' },
        'real',
      ),
    ).rejects.toThrow(/database\.host/);
  });
});
