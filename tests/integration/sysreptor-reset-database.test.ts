// sysreptor.reset-password, database path, on the practice sandbox: the vendor's users_* tables on
// real PostgreSQL; every stored value checked by Debian's Django check_password after
// python3-cryptography decrypts the envelope (tests/support/independent/sysreptor_check_password.py).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, ProcedureRefusal } from '../../src/main/engine/types.js';
import { SANDBOX_USER_IDS } from '../../src/main/systems/sysreptor/sandbox.js';
import { practiceEngines, scriptedHooks } from '../support/engine-harness.js';
import {
  djangoCheck,
  keysOfAppEnv,
  pentestUsers,
  sandboxDeployDir,
  sysreptorQuery,
  type PentestUserRow,
} from '../support/sysreptor-sandbox.js';

const PROCEDURE = 'sysreptor.reset-password';
const NEW_PASSWORD = `Brk'gl"ss-<&>-ü-😀-; DROP TABLE users_pentestuser; --`;
const { fresh: engine } = practiceEngines('sr-');
/** Each run hashes and verifies with Django's Argon2 (100 MiB, 8 lanes) several times: slow on a shared 2-core machine. */
const ARGON2_TEST_TIMEOUT_MS = 180_000;

function changedIds(before: PentestUserRow[], after: PentestUserRow[]): string[] {
  return after
    .filter((row, index) => JSON.stringify(row) !== JSON.stringify(before[index]))
    .map((row) => row.id);
}

async function otherTables(e: ReturnType<typeof engine>): Promise<string> {
  const tables = ['users_apitoken', 'users_session', 'users_mfamethod'];
  const rows = await Promise.all(
    tables.map((table) => sysreptorQuery(e, `SELECT * FROM ${table} ORDER BY 1, 2`)),
  );
  return JSON.stringify(rows);
}

async function copyDeployDir(e: ReturnType<typeof engine>): Promise<string> {
  await e.sandbox.databaseUrl(e.registry.system('sysreptor'));
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-sr-deploy-'));
  fs.cpSync(sandboxDeployDir(e), copy, { recursive: true });
  return copy;
}

describe('sysreptor.reset-password, database path (real PostgreSQL, vendor tables)', () => {
  it(
    'encrypted superuser: exactly its row changes, in the AES-GCM envelope with the default key, accepted by Django',
    { timeout: ARGON2_TEST_TIMEOUT_MS },
    async () => {
      const e = engine('admin');
      const before = await pentestUsers(e);
      const othersBefore = await otherTables(e);
      const prepared = await e.plan(
        PROCEDURE,
        { username: 'admin', newPassword: NEW_PASSWORD, mustChangePassword: true, path: 'database' },
        'sandbox',
      );
      expect(prepared.view.steps.map((step) => step.id)).toEqual([
        'connect-database',
        'find-user',
        'set-password',
        'verify-password',
      ]);
      const update = prepared.view.steps[2]?.description;
      expect(update?.sql[0]?.text).toMatch(
        /^UPDATE "public"\."users_pentestuser" SET password = \*{8}, must_change_password = TRUE, is_active = TRUE, failed_mfa_attempts = 0, updated = now\(\) WHERE id = '0b6c2a0e-[0-9a-f-]+'::uuid AND password = \*{8}$/,
      );
      expect(update?.details.join('\n')).toMatch(/failed_mfa_attempts = 0/);
      const facts = prepared.view.facts.map((fact) => `${fact.label}: ${fact.value}`).join('\n');
      expect(facts).toMatch(/API tokens of this user \(keep working\): "ci-report-export".*"old-laptop"/);
      expect(facts).toMatch(/AES-GCM envelope with the default key "practice-key-2026"/);
      expect(facts).toMatch(/Forgot-password email: not available: FORGOT_PASSWORD_ENABLED/);
      expect(prepared.view.warnings.join('\n')).toMatch(/Every existing browser session of the user ends/);
      expect(prepared.view.warnings.join('\n')).toMatch(/Community edition ignores must_change_password/);
      expect(JSON.stringify(prepared.view)).not.toContain(NEW_PASSWORD);

      const view = await e.start(prepared, scriptedHooks()).done;
      expect(view.state).toBe('succeeded');
      const after = await pentestUsers(e);
      expect(changedIds(before, after)).toEqual([SANDBOX_USER_IDS.admin]);
      const admin = after.find((row) => row.id === SANDBOX_USER_IDS.admin) as PentestUserRow;
      expect(admin.must_change_password).toBe(true);
      const keys = keysOfAppEnv(path.join(sandboxDeployDir(e), 'app.env'));
      const check = djangoCheck(NEW_PASSWORD, admin.password, keys);
      expect(check).toMatchObject({
        form: 'encrypted',
        key_id: 'practice-key-2026',
        nonce_bytes: 16,
        accepted: true,
        must_update: false,
        algorithm: 'argon2',
      });
      expect(djangoCheck(`${NEW_PASSWORD}x`, admin.password, keys).accepted).toBe(false);
      expect(await otherTables(e)).toBe(othersBefore);
    },
  );

  it(
    're-enables a user disabled by 30 failed MFA attempts',
    { timeout: ARGON2_TEST_TIMEOUT_MS },
    async () => {
      const e = engine('jane');
      const before = await pentestUsers(e);
      const view = await e.start(
        await e.plan(
          PROCEDURE,
          { username: 'jane.doe', newPassword: NEW_PASSWORD, mustChangePassword: false, path: 'database' },
          'sandbox',
        ),
        scriptedHooks(),
      ).done;
      expect(view.state).toBe('succeeded');
      const after = await pentestUsers(e);
      expect(changedIds(before, after)).toEqual([SANDBOX_USER_IDS.jane]);
      const jane = after.find((row) => row.id === SANDBOX_USER_IDS.jane) as PentestUserRow;
      expect(jane).toMatchObject({ is_active: true, failed_mfa_attempts: 0, must_change_password: false });
      const keys = keysOfAppEnv(path.join(sandboxDeployDir(e), 'app.env'));
      expect(djangoCheck(NEW_PASSWORD, jane.password, keys)).toMatchObject({
        form: 'encrypted',
        accepted: true,
      });
    },
  );

  it(
    'a plain legacy PBKDF2 value is replaced by a plain Argon2 value',
    { timeout: ARGON2_TEST_TIMEOUT_MS },
    async () => {
      const e = engine('legacy');
      const before = await pentestUsers(e);
      const view = await e.start(
        await e.plan(
          PROCEDURE,
          { username: 'legacy.bob', newPassword: NEW_PASSWORD, mustChangePassword: false, path: 'database' },
          'sandbox',
        ),
        scriptedHooks(),
      ).done;
      expect(view.state).toBe('succeeded');
      const after = await pentestUsers(e);
      expect(changedIds(before, after)).toEqual([SANDBOX_USER_IDS.legacy]);
      const bob = after.find((row) => row.id === SANDBOX_USER_IDS.legacy) as PentestUserRow;
      expect(bob.password.toString('utf8')).toMatch(/^argon2\$argon2id\$v=19\$m=102400,t=2,p=8\$/);
      const keys = keysOfAppEnv(path.join(sandboxDeployDir(e), 'app.env'));
      expect(djangoCheck(NEW_PASSWORD, bob.password, keys)).toMatchObject({ form: 'plain', accepted: true });
    },
  );

  it(
    'rollback after a failed check restores the row byte for byte',
    { timeout: ARGON2_TEST_TIMEOUT_MS },
    async () => {
      const e = engine('undo');
      // The row is written, then its own check fails: a trigger drops must_change_password on the way in.
      await sysreptorQuery(
        e,
        `CREATE FUNCTION drop_must_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.must_change_password := false; RETURN NEW; END $$;
       CREATE TRIGGER drop_must_change BEFORE UPDATE ON users_pentestuser FOR EACH ROW
         WHEN (OLD.password IS DISTINCT FROM NEW.password AND NEW.must_change_password) EXECUTE FUNCTION drop_must_change();`,
      );
      const before = await pentestUsers(e);
      const hooks = scriptedHooks({ failure: 'rollback' });
      const view = await e.start(
        await e.plan(
          PROCEDURE,
          { username: 'jane.doe', newPassword: NEW_PASSWORD, mustChangePassword: true, path: 'database' },
          'sandbox',
        ),
        hooks,
      ).done;
      expect(hooks.prompts.map((prompt) => prompt.kind)).toEqual([
        'confirm-changes',
        'failure',
        'confirm-rollback',
      ]);
      expect(hooks.prompts[1]?.message).toMatch(/must_change_password is false, not true/);
      expect(view.state).toBe('rolled-back');
      expect(view.steps.find((step) => step.id === 'set-password')?.state).toBe('undone');
      expect(await pentestUsers(e)).toEqual(before);
    },
  );

  it('refuses clearly when the value is encrypted and app.env has no usable default key; a plain value still works', async () => {
    const e = engine('nokey');
    const deployDir = await copyDeployDir(e);
    const appEnv = path.join(deployDir, 'app.env');
    fs.writeFileSync(appEnv, fs.readFileSync(appEnv, 'utf8').replace(/^DEFAULT_ENCRYPTION_KEY_ID=.*$/m, ''));
    const before = await pentestUsers(e);
    await expect(
      e.plan(
        PROCEDURE,
        { deployDir, username: 'admin', newPassword: NEW_PASSWORD, path: 'database' },
        'sandbox',
      ),
    ).rejects.toThrow(
      /encrypted \(key "practice-key-2026"\), but app\.env sets ENCRYPTION_KEYS but no DEFAULT_ENCRYPTION_KEY_ID.*cannot be encrypted/,
    );
    await expect(
      e.plan(
        PROCEDURE,
        { deployDir, username: 'admin', newPassword: NEW_PASSWORD, path: 'database' },
        'sandbox',
      ),
    ).rejects.toThrow(ProcedureRefusal);
    const legacy = await e.plan(
      PROCEDURE,
      { deployDir, username: 'legacy.bob', newPassword: NEW_PASSWORD, path: 'database' },
      'sandbox',
    );
    expect(legacy.view.facts.some((fact) => /plain Django hash \(as now\)/.test(fact.value))).toBe(true);
    expect(await pentestUsers(e)).toEqual(before);
  });

  it('an unknown user or a case look-alike stops in preflight with nothing changed', async () => {
    const e = engine('unknown');
    const before = await pentestUsers(e);
    for (const username of ['nobody', 'ADMIN', "o'brien"]) {
      const prepared = await e.plan(
        PROCEDURE,
        { username, newPassword: NEW_PASSWORD, path: 'database' },
        'sandbox',
      );
      expect(prepared.view.facts.some((fact) => fact.status === 'error')).toBe(true);
      const hooks = scriptedHooks({ failure: 'cancel' });
      const view = await e.start(prepared, hooks).done;
      expect(view.state).not.toBe('succeeded');
      expect(hooks.prompts.map((prompt) => prompt.kind)).toEqual(['failure']);
      expect(hooks.prompts[0]?.message).toContain(`No SysReptor user is named exactly "${username}"`);
    }
    expect(await pentestUsers(e)).toEqual(before);
  });

  it('malformed deploy files are refused naming the file and line, never the value', async () => {
    const e = engine('malformed');
    const cases: Array<[string, string, RegExp]> = [
      [
        'app.env',
        'SECRET_KEY="s3cr3t-value-not-closed\n',
        /app\.env, line 1: SECRET_KEY: the double-quoted value is not closed/,
      ],
      ['app.env', 'GOOD=1\nthis line has no equals s3cr3t-value\n', /app\.env, line 2: expected NAME=value/],
      [
        'app.env',
        'ENCRYPTION_KEYS=\'[{"id": "k", "key": "s3cr3t-value"}]\'\n',
        /ENCRYPTION_KEYS entry 0\.cipher|ENCRYPTION_KEYS entry/,
      ],
      [
        '.env',
        "POSTGRES_PASSWORD='s3cr3t-value' trailing\n",
        /\.env, line 1: POSTGRES_PASSWORD: unexpected text after the closing quote/,
      ],
      [
        'docker-compose.yml',
        'services: [unclosed\n  s3cr3t-value: {',
        /docker-compose\.yml is not valid YAML/,
      ],
    ];
    for (const [file, content, message] of cases) {
      const deployDir = await copyDeployDir(e);
      fs.writeFileSync(path.join(deployDir, file), content);
      const attempt = e.plan(
        PROCEDURE,
        { deployDir, username: 'admin', newPassword: NEW_PASSWORD },
        'sandbox',
      );
      await expect(attempt).rejects.toThrow(InputError);
      await expect(attempt).rejects.toThrow(message);
      await expect(attempt).rejects.not.toThrow(/s3cr3t-value/);
    }
    await expect(
      e.plan(
        PROCEDURE,
        { deployDir: '/nonexistent/deploy', username: 'admin', newPassword: NEW_PASSWORD },
        'sandbox',
      ),
    ).rejects.toThrow(/deployDir: docker-compose\.yml does not exist/);
  });

  it('on a real install the compose host "db" must be replaced by a reachable address', async () => {
    const e = engine('real');
    const deployDir = await copyDeployDir(e);
    await expect(
      e.plan(
        PROCEDURE,
        { deployDir, username: 'admin', newPassword: NEW_PASSWORD, path: 'database' },
        'real',
      ),
    ).rejects.toThrow(/database\.host: .*"db", which resolves only inside the docker compose network/);
  });

  it('refuses bad input with the field named', async () => {
    const e = engine('input');
    await expect(e.plan(PROCEDURE, { username: 'admin', newPassword: 'short' }, 'sandbox')).rejects.toThrow(
      /newPassword/,
    );
    await expect(
      e.plan(PROCEDURE, { username: 'admin', newPassword: '1234567890' }, 'sandbox'),
    ).rejects.toThrow(/entirely numeric/);
    await expect(
      e.plan(PROCEDURE, { username: 'a'.repeat(151), newPassword: NEW_PASSWORD }, 'sandbox'),
    ).rejects.toThrow(/username/);
    await expect(
      e.plan(PROCEDURE, { username: 'admin\nroot', newPassword: NEW_PASSWORD }, 'sandbox'),
    ).rejects.toThrow(/control characters/);
  });
});
