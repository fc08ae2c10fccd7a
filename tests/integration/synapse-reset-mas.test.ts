// synapse.reset-password behind Matrix Authentication Service, through the Engine on the practice
// sandbox's MAS variant: the Synapse paths refused with the reason, and the MAS database path on
// MAS's own tables (real PostgreSQL), its argon2id row checked by Debian's argon2-cffi.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/main/engine/engine.js';
import { ProcedureRefusal } from '../../src/main/engine/types.js';
import {
  MAS_SANDBOX_DATABASE,
  SANDBOX_MAS_ADMIN_TOKEN_FILE,
} from '../../src/main/systems/synapse/sandbox.js';
import { practiceEngines, scriptedHooks } from '../support/engine-harness.js';
import { sandboxFiles, synapseUsers } from '../support/synapse-sandbox.js';

const PROCEDURE = 'synapse.reset-password';
const NEW_PASSWORD = `Mas-ﬁne-pässword-😀-'"; --`;
const { fresh: engine } = practiceEngines('syn-mas-');

async function masQuery<Row extends pg.QueryResultRow>(
  e: Engine,
  text: string,
  params: unknown[] = [],
): Promise<Row[]> {
  const system = e.registry.system('synapse');
  const url = new URL(await e.sandbox.databaseUrl(system));
  url.pathname = `/${(await e.sandbox.objects(system)).databases.get(MAS_SANDBOX_DATABASE) ?? 'missing'}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return (await client.query<Row>(text, params)).rows;
  } finally {
    await client.end();
  }
}

const passwordRows = (e: Engine) =>
  masQuery<{ username: string; version: number; hashed_password: string; user_password_id: string }>(
    e,
    'SELECT u.username, p.version, p.hashed_password, p.user_password_id::text FROM user_passwords p JOIN users u USING (user_id) ORDER BY u.username, p.created_at',
  );

const liveSessions = (e: Engine) =>
  masQuery<{ username: string; live: number }>(
    e,
    `SELECT u.username, ((SELECT count(*) FROM compat_sessions c WHERE c.user_id = u.user_id AND c.finished_at IS NULL)
       + (SELECT count(*) FROM user_sessions s WHERE s.user_id = u.user_id AND s.finished_at IS NULL))::int AS live
     FROM users u ORDER BY u.username`,
  );

/** Debian's argon2-cffi verifies the PHC string against NFKC(password) (MAS's unicode_normalization is off for argon2id here, so the raw password). */
function argon2CffiAccepts(password: string, stored: string): boolean {
  const result = spawnSync(
    '/usr/bin/python3',
    [
      '-c',
      'import json,sys\nfrom argon2 import PasswordHasher\nd=json.load(sys.stdin)\ntry:\n  print(PasswordHasher().verify(d["h"], d["p"]))\nexcept Exception:\n  print(False)',
    ],
    { input: JSON.stringify({ h: stored, p: password }), encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`argon2-cffi check failed: ${result.stderr}`);
  return result.stdout.trim() === 'True';
}

async function masHomeserver(e: Engine): Promise<string> {
  return path.join((await sandboxFiles(e)).root, 'mas', 'homeserver.yaml');
}

describe('synapse.reset-password behind MAS (practice sandbox)', () => {
  it('refuses the Synapse paths with the reason and what to do instead', async () => {
    const e = engine('refuse');
    const homeserver = await masHomeserver(e);
    for (const chosen of ['admin-api', 'database', 'playbook']) {
      const error = await e
        .plan(PROCEDURE, { user: 'alice', newPassword: NEW_PASSWORD, homeserver, path: chosen }, 'sandbox')
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ProcedureRefusal);
      expect((error as Error).message).toMatch(
        /delegates logins to Matrix Authentication Service \(http:\/\/mas\.sandbox\.test:8080\/\) \(matrix_authentication_service\.enabled\)/,
      );
      expect((error as Error).message).toMatch(
        new RegExp(
          `The ${chosen} path cannot work here: .*404 M_UNRECOGNIZED.*report success while the password checked at login stays the same`,
        ),
      );
      expect((error as Error).message).toMatch(/path mas-admin-api .* or mas-database/);
    }
  });

  it('MAS database path: a new argon2id row (scheme 2) that MAS uses, Synapse untouched; undo deletes it', async () => {
    const e = engine('alice');
    const homeserver = await masHomeserver(e);
    const synapseBefore = await synapseUsers(e);
    const before = await passwordRows(e);
    const prepared = await e.plan(
      PROCEDURE,
      { user: '@alice:practice.example', newPassword: NEW_PASSWORD, homeserver, path: 'mas-database' },
      'sandbox',
    );
    expect(prepared.view.steps.map((step) => step.id)).toEqual([
      'connect-mas-database',
      'find-mas-user',
      'set-mas-password',
      'verify-mas-password',
    ]);
    const facts = prepared.view.facts.map((fact) => `${fact.label}: ${fact.value}`).join('\n');
    expect(facts).toMatch(/Path: MAS database — chosen in the inputs/);
    expect(facts).toMatch(/MAS password scheme for new passwords: version 2, argon2id/);
    expect(facts).toMatch(/Live MAS sessions of this user: 2 compatibility/);
    expect(prepared.view.warnings.join('\n')).toMatch(
      /Setting a MAS password ends no session: 3 live session/,
    );
    expect(prepared.view.steps[2]?.description.sql[0]?.text).toMatch(
      /^INSERT INTO user_passwords \(user_password_id, user_id, hashed_password, created_at, version\) VALUES \('<new id>'::uuid, '<user id>'::uuid, \*{8}, now\(\), 2\)$/,
    );

    const view = await e.start(prepared, scriptedHooks()).done;
    expect(view.state).toBe('succeeded');
    const after = await passwordRows(e);
    expect(after.length).toBe(before.length + 1);
    expect(after.filter((row) => row.username !== 'alice')).toEqual(
      before.filter((row) => row.username !== 'alice'),
    );
    const newest = after.filter((row) => row.username === 'alice').at(-1);
    expect(newest?.version).toBe(2);
    expect(newest?.hashed_password).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(argon2CffiAccepts(NEW_PASSWORD, newest?.hashed_password ?? '')).toBe(true);
    expect(argon2CffiAccepts(`${NEW_PASSWORD}x`, newest?.hashed_password ?? '')).toBe(false);
    expect(await synapseUsers(e)).toEqual(synapseBefore);

    const undone = await (await e.rollback(view.runId, { newPassword: NEW_PASSWORD }, scriptedHooks())).done;
    expect(undone.state).toBe('rolled-back');
    expect(await passwordRows(e)).toEqual(before);
  });

  it("unlocks and ends only that user's MAS sessions when asked", async () => {
    const e = engine('carol');
    const homeserver = await masHomeserver(e);
    const sessionsBefore = await liveSessions(e);
    await expect(
      e.plan(
        PROCEDURE,
        { user: 'carol', newPassword: NEW_PASSWORD, homeserver, path: 'mas-database' },
        'sandbox',
      ),
    ).rejects.toThrow(/^unlock: MAS user "carol" is locked/);
    const view = await e.start(
      await e.plan(
        PROCEDURE,
        {
          user: 'carol',
          newPassword: NEW_PASSWORD,
          homeserver,
          path: 'mas-database',
          unlock: true,
          revokeSessions: true,
        },
        'sandbox',
      ),
      scriptedHooks(),
    ).done;
    expect(view.state).toBe('succeeded');
    expect(view.steps.map((step) => step.id)).toContain('finish-mas-sessions');
    const sessionsAfter = await liveSessions(e);
    expect(sessionsAfter).toEqual(
      sessionsBefore.map((row) => (row.username === 'carol' ? { ...row, live: 0 } : row)),
    );
    expect(sessionsBefore.find((row) => row.username === 'carol')?.live).toBe(2);
    const [carol] = await masQuery<{ locked_at: string | null }>(
      e,
      "SELECT locked_at FROM users WHERE username = 'carol'",
    );
    expect(carol?.locked_at).toBeNull();
  });

  it('names the missing MAS user and changes nothing', async () => {
    const e = engine('nobody');
    const homeserver = await masHomeserver(e);
    const before = await passwordRows(e);
    await expect(
      e.plan(
        PROCEDURE,
        { user: 'nobody', newPassword: NEW_PASSWORD, homeserver, path: 'mas-database' },
        'sandbox',
      ),
    ).rejects.toThrow(/^user: MAS has no user "nobody"/);
    expect(await passwordRows(e)).toEqual(before);
  });

  it('recommends the MAS admin API with a MAS admin token: MAS hashes with its current scheme, the client login (served by MAS) proves it', async () => {
    const e = engine('api');
    const homeserver = await masHomeserver(e);
    const before = await passwordRows(e);
    const prepared = await e.plan(
      PROCEDURE,
      { user: 'alice', newPassword: NEW_PASSWORD, homeserver },
      'sandbox',
    );
    expect(prepared.view.steps.map((step) => step.id)).toEqual([
      'find-mas-user-api',
      'set-mas-password-api',
      'verify-login',
    ]);
    const facts = prepared.view.facts.map((fact) => `${fact.label}: ${fact.value}`).join('\n');
    expect(facts).toMatch(
      /Path: MAS admin API — Matrix Authentication Service is in front.*with a MAS admin token its own API sets it/,
    );
    expect(facts).toMatch(/MAS admin API: http:\/\/mas\.sandbox\.test:8080\/api\/admin\/v1/);
    expect(prepared.view.warnings.join('\n')).toMatch(/Setting a MAS password ends no session/);
    const view = await e.start(prepared, scriptedHooks()).done;
    expect(view.state).toBe('succeeded');
    const logs = view.steps.flatMap((step) => step.logs).join('\n');
    expect(logs).toMatch(/POST \/api\/admin\/v1\/users\/[0-9A-HJKMNP-TV-Z]{26}\/set-password → 204/);
    expect(logs).toMatch(/@alice:practice\.example logged in with the new password/);
    const after = await passwordRows(e);
    expect(after.length).toBe(before.length + 1);
    const newest = after.filter((row) => row.username === 'alice').at(-1);
    expect(newest?.version).toBe(2);
    expect(argon2CffiAccepts(NEW_PASSWORD, newest?.hashed_password ?? '')).toBe(true);
  });

  it("MAS admin API with revokeSessions: lists and finishes only that user's sessions, as kill-sessions does", async () => {
    const e = engine('api-sessions');
    const homeserver = await masHomeserver(e);
    const before = await liveSessions(e);
    expect(before.find((row) => row.username === 'alice')?.live).toBe(3);
    const prepared = await e.plan(
      PROCEDURE,
      { user: 'alice', newPassword: NEW_PASSWORD, homeserver, revokeSessions: true },
      'sandbox',
    );
    expect(prepared.view.steps.map((step) => step.id)).toEqual([
      'find-mas-user-api',
      'set-mas-password-api',
      'finish-mas-sessions-api',
      'verify-login',
    ]);
    expect(prepared.view.warnings.join('\n')).not.toMatch(/ends no session/);
    const view = await e.start(prepared, scriptedHooks()).done;
    expect(view.state).toBe('succeeded');
    const logs = view.steps.find((step) => step.id === 'finish-mas-sessions-api')?.logs.join('\n') ?? '';
    for (const route of ['compat-sessions', 'oauth2-sessions', 'user-sessions'])
      expect(logs).toMatch(
        new RegExp(
          `GET /api/admin/v1/${route}\\?filter\\[user\\]=[0-9A-HJKMNP-TV-Z]{26}&filter\\[status\\]=active&page\\[first\\]=100 → 200`,
        ),
      );
    expect(
      logs.match(/POST \/api\/admin\/v1\/compat-sessions\/[0-9A-HJKMNP-TV-Z]{26}\/finish → 200/g),
    ).toHaveLength(2);
    expect(
      logs.match(/POST \/api\/admin\/v1\/user-sessions\/[0-9A-HJKMNP-TV-Z]{26}\/finish → 200/g),
    ).toHaveLength(1);
    expect(logs).toMatch(/Finished 2 compatibility, 0 OAuth 2, 1 browser session\(s\) of "alice"/);
    const token = (
      await fs.readFile(path.join((await sandboxFiles(e)).root, SANDBOX_MAS_ADMIN_TOKEN_FILE), 'utf8')
    ).trim();
    expect(JSON.stringify(view)).not.toContain(token);
    // The verify step's own login is logged out again, so every session of alice is finished.
    expect(await liveSessions(e)).toEqual(
      before.map((row) => (row.username === 'alice' ? { ...row, live: 0 } : row)),
    );
  });

  it('MAS admin API with revokeSessions: follows the pages of a long session list', async () => {
    const e = engine('api-pages');
    const homeserver = await masHomeserver(e);
    await masQuery(
      e,
      `INSERT INTO compat_sessions (compat_session_id, user_id, device_id, created_at)
       SELECT gen_random_uuid(), user_id, 'DEV' || n, now() FROM users, generate_series(1, 205) AS n WHERE username = 'dave'`,
    );
    const view = await e.start(
      await e.plan(
        PROCEDURE,
        { user: 'dave', newPassword: NEW_PASSWORD, homeserver, revokeSessions: true },
        'sandbox',
      ),
      scriptedHooks(),
    ).done;
    expect(view.state).toBe('succeeded');
    const logs = view.steps.find((step) => step.id === 'finish-mas-sessions-api')?.logs.join('\n') ?? '';
    expect(logs.match(/GET \/api\/admin\/v1\/compat-sessions\?[^ ]*page\[after\]=/g)).toHaveLength(2);
    // dave's own seeded compatibility and browser sessions, plus the 205.
    expect(logs).toMatch(/Finished 206 compatibility, 0 OAuth 2, 1 browser session\(s\) of "dave"/);
    expect((await liveSessions(e)).find((row) => row.username === 'dave')?.live).toBe(0);
  });

  it('MAS admin API: unlocks when asked, and explains a password its policy refuses', async () => {
    const e = engine('api-flags');
    const homeserver = await masHomeserver(e);
    const unlocked = await e.start(
      await e.plan(
        PROCEDURE,
        { user: 'carol', newPassword: NEW_PASSWORD, homeserver, unlock: true },
        'sandbox',
      ),
      scriptedHooks(),
    ).done;
    expect(unlocked.state).toBe('succeeded');
    const [carol] = await masQuery<{ locked_at: string | null }>(
      e,
      "SELECT locked_at FROM users WHERE username = 'carol'",
    );
    expect(carol?.locked_at).toBeNull();
    const weak = await e.start(
      await e.plan(PROCEDURE, { user: 'dave', newPassword: 'short', homeserver }, 'sandbox'),
      scriptedHooks({ failure: 'cancel' }),
    ).done;
    expect(weak.steps.find((step) => step.state === 'failed')?.message).toMatch(
      /MAS answered 400 \("Password is too weak"\): MAS's password policy refused the new password/,
    );
  });
});
