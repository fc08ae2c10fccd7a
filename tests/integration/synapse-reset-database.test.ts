// synapse.reset-password, database path, through the Engine on real PostgreSQL with the vendor's
// tables: on the practice sandbox, and as for a real install (homeserver.yaml's database args
// pointing at a database of the suite's server). Stored hashes are checked by Perl's
// Crypt::Eksblowfish after Unicode::Normalize NFKC + pepper + the 72-byte cut.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { SYNAPSE_SCHEMA_SQL } from '../../src/main/systems/synapse/schema.js';
import { SYNAPSE_SANDBOX_PASSWORDS, SYNAPSE_SANDBOX_USERS } from '../../src/main/systems/synapse/sandbox.js';
import { hashSynapsePassword } from '../../src/main/systems/synapse/hash.js';
import { practiceEngines, scriptedHooks } from '../support/engine-harness.js';
import { createTestDatabase } from '../support/pg.js';
import {
  pepperOf,
  perlAcceptsSynapseHash,
  sandboxFiles,
  sessionCounts,
  synapseUsers,
  type SynapseUserRow,
} from '../support/synapse-sandbox.js';

const PROCEDURE = 'synapse.reset-password';
// "ﬁ" (U+FB01) becomes "fi" under NFKC: both forms must log in.
const NEW_PASSWORD = `Db-ﬁx-ümlaut-😀-'"; DROP TABLE users; --`;
const { fresh: engine } = practiceEngines('syn-db-');

function changed(before: SynapseUserRow[], after: SynapseUserRow[]): string[] {
  return after
    .filter((row, index) => JSON.stringify(row) !== JSON.stringify(before[index]))
    .map((row) => row.name);
}

describe('synapse.reset-password, database path on the practice sandbox', () => {
  it('writes a hash Synapse accepts into exactly one row, previews the UPDATE, leaves sessions alone, and undo restores it', async () => {
    const e = engine('alice');
    const files = await sandboxFiles(e);
    const pepper = pepperOf(files.homeserver);
    const before = await synapseUsers(e);
    const sessionsBefore = await sessionCounts(e);
    const prepared = await e.plan(
      PROCEDURE,
      { user: 'alice', newPassword: NEW_PASSWORD, path: 'database' },
      'sandbox',
    );
    expect(prepared.view.steps.map((step) => step.id)).toEqual([
      'connect-database',
      'find-user',
      'set-password-hash',
      'verify-password',
    ]);
    expect(prepared.view.steps[2]?.description.sql[0]?.text).toBe(
      "UPDATE users SET password_hash = ******** WHERE name = '@alice:practice.example' AND password_hash IS NOT DISTINCT FROM ********",
    );
    expect(prepared.view.steps[2]?.undoable).toBe(true);
    const facts = prepared.view.facts.map((fact) => `${fact.label}: ${fact.value}`).join('\n');
    expect(facts).toMatch(/Path: database — chosen in the inputs/);
    expect(facts).toMatch(/Sessions of this user: 2 access token\(s\), 1 refresh token\(s\), 2 device\(s\)/);
    expect(prepared.view.warnings.join('\n')).toMatch(
      /This path logs no one out: the 2 access token\(s\) of @alice:practice\.example keep working/,
    );
    expect(JSON.stringify(prepared.view)).not.toContain(pepper);

    const view = await e.start(prepared, scriptedHooks()).done;
    expect(view.state).toBe('succeeded');
    const after = await synapseUsers(e);
    expect(changed(before, after)).toEqual([SYNAPSE_SANDBOX_USERS.alice]);
    const hash = after.find((row) => row.name === SYNAPSE_SANDBOX_USERS.alice)?.password_hash ?? '';
    expect(hash).toMatch(/^\$2b\$10\$/);
    expect(perlAcceptsSynapseHash(NEW_PASSWORD, pepper, hash)).toBe(true);
    expect(perlAcceptsSynapseHash(NEW_PASSWORD.normalize('NFKC'), pepper, hash)).toBe(true);
    expect(perlAcceptsSynapseHash(NEW_PASSWORD, '', hash)).toBe(false);
    expect(await sessionCounts(e)).toEqual(sessionsBefore);
    expect(fs.readFileSync(view.journalPath, 'utf8')).not.toContain(pepper);

    const undone = await (await e.rollback(view.runId, { newPassword: NEW_PASSWORD }, scriptedHooks())).done;
    expect(undone.state).toBe('rolled-back');
    expect(await synapseUsers(e)).toEqual(before);
    const old =
      (await synapseUsers(e)).find((row) => row.name === SYNAPSE_SANDBOX_USERS.alice)?.password_hash ?? '';
    expect(perlAcceptsSynapseHash(SYNAPSE_SANDBOX_PASSWORDS.alice, pepper, old)).toBe(true);
  });

  it("unlocks and revokes only that user's tokens (devices stay), then restarts Synapse", async () => {
    const e = engine('carol');
    const before = await synapseUsers(e);
    const sessionsBefore = await sessionCounts(e);
    expect(sessionsBefore[SYNAPSE_SANDBOX_USERS.carol]).toBe('1/0/1');
    const prepared = await e.plan(
      PROCEDURE,
      {
        user: '@carol:practice.example',
        newPassword: NEW_PASSWORD,
        path: 'database',
        unlock: true,
        revokeSessions: true,
      },
      'sandbox',
    );
    expect(prepared.view.steps.map((step) => step.id)).toEqual([
      'connect-database',
      'find-user',
      'set-password-hash',
      'revoke-sessions',
      'restart-synapse',
      'verify-password',
    ]);
    expect(prepared.view.steps[2]?.description.sql[0]?.text).toMatch(
      /SET password_hash = \*{8}, locked = FALSE WHERE name = '@carol:practice\.example'/,
    );
    expect(prepared.view.steps[3]?.description.sql.map((statement) => statement.text)).toEqual([
      "DELETE FROM access_tokens WHERE user_id = '@carol:practice.example'",
      "DELETE FROM refresh_tokens WHERE user_id = '@carol:practice.example'",
    ]);
    expect(prepared.view.steps[4]?.description.services).toEqual({
      stop: ['matrix-synapse.service'],
      start: ['matrix-synapse.service'],
    });
    expect(prepared.view.warnings.join('\n')).toMatch(/restarts Synapse after those changes/);

    const view = await e.start(prepared, scriptedHooks()).done;
    expect(view.state).toBe('succeeded');
    expect(changed(before, await synapseUsers(e))).toEqual([SYNAPSE_SANDBOX_USERS.carol]);
    expect((await synapseUsers(e)).find((row) => row.name === SYNAPSE_SANDBOX_USERS.carol)?.locked).toBe(
      false,
    );
    const sessionsAfter = await sessionCounts(e);
    expect(sessionsAfter[SYNAPSE_SANDBOX_USERS.carol]).toBe('0/0/1');
    expect({ ...sessionsAfter, [SYNAPSE_SANDBOX_USERS.carol]: 'x' }).toEqual({
      ...sessionsBefore,
      [SYNAPSE_SANDBOX_USERS.carol]: 'x',
    });
    expect(view.steps.find((step) => step.id === 'restart-synapse')?.logs.join('\n')).toMatch(
      /Restarted matrix-synapse\.service/,
    );
    expect((await e.sandbox.services('synapse').status('matrix-synapse.service')).state).toBe('running');
  });

  it('changes only the exact-case row when two names differ only in case, and says so', async () => {
    const e = engine('dave');
    const before = await synapseUsers(e);
    const prepared = await e.plan(
      PROCEDURE,
      { user: 'dave', newPassword: NEW_PASSWORD, path: 'database' },
      'sandbox',
    );
    expect(prepared.view.warnings.join('\n')).toMatch(
      /Other users differ from @dave:practice\.example only in case \(@Dave:practice\.example\)/,
    );
    expect((await e.start(prepared, scriptedHooks()).done).state).toBe('succeeded');
    expect(changed(before, await synapseUsers(e))).toEqual([SYNAPSE_SANDBOX_USERS.dave]);
    await expect(
      e.plan(PROCEDURE, { user: 'DAVE', newPassword: NEW_PASSWORD, path: 'database' }, 'sandbox'),
    ).rejects.toThrow(/^user: no user is named exactly @DAVE:practice\.example; differing only in case: /);
  });

  it('refuses a deactivated user without reactivate, and a user that does not exist, changing nothing', async () => {
    const e = engine('refuse');
    const before = await synapseUsers(e);
    await expect(
      e.plan(PROCEDURE, { user: 'bob', newPassword: NEW_PASSWORD, path: 'database' }, 'sandbox'),
    ).rejects.toThrow(/^reactivate: @bob:practice\.example is deactivated/);
    await expect(
      e.plan(PROCEDURE, { user: 'zed', newPassword: NEW_PASSWORD, path: 'database' }, 'sandbox'),
    ).rejects.toThrow(/^user: no user @zed:practice\.example exists/);
    expect(await synapseUsers(e)).toEqual(before);
  });
});

describe('synapse.reset-password, database path as for a real install', () => {
  it('without an admin token recommends the database path, reaches PostgreSQL from homeserver.yaml and uses its pepper file and rounds', async () => {
    const url = new URL(await createTestDatabase('synapse_real'));
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    const pepper = 'file-pepper-ß-42';
    try {
      await client.query(SYNAPSE_SCHEMA_SQL);
      await client.query(
        "INSERT INTO users (name, password_hash, admin) VALUES ('@ops:corp.example', $1, 1), ('@other:corp.example', $2, 0)",
        [
          await hashSynapsePassword('old-ops-pw', { pepper, rounds: 4 }),
          await hashSynapsePassword('old-other-pw', { pepper, rounds: 4 }),
        ],
      );
    } finally {
      await client.end();
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-syn-realdb-'));
    const pepperFile = path.join(dir, 'pepper');
    fs.writeFileSync(pepperFile, `${pepper}\n`, { mode: 0o600 });
    const homeserver = path.join(dir, 'homeserver.yaml');
    fs.writeFileSync(
      homeserver,
      [
        'server_name: corp.example',
        'bcrypt_rounds: 5',
        'database:',
        '  name: psycopg2',
        '  args:',
        `    user: "${decodeURIComponent(url.username)}"`,
        `    password: "${decodeURIComponent(url.password)}"`,
        `    dbname: "${url.pathname.slice(1)}"`,
        `    host: "${url.hostname}"`,
        `    port: ${url.port}`,
        '',
      ].join('\n'),
    );
    const e = engine('real');
    const prepared = await e.plan(
      PROCEDURE,
      { homeserver, user: 'ops', newPassword: NEW_PASSWORD, pepperFile },
      'real',
    );
    const facts = prepared.view.facts.map((fact) => `${fact.label}: ${fact.value}`).join('\n');
    expect(facts).toMatch(/Path: database — no admin token was given/);
    expect(facts).toMatch(/Pepper: set \(from .*pepper\)/);
    expect(facts).toMatch(/How Synapse runs: not found/);
    const view = await e.start(prepared, scriptedHooks()).done;
    expect(view.state).toBe('succeeded');
    const check = new pg.Client({ connectionString: url.toString() });
    await check.connect();
    try {
      const rows = (
        await check.query<{ name: string; password_hash: string }>(
          'SELECT name, password_hash FROM users ORDER BY name',
        )
      ).rows;
      expect(rows[0]?.password_hash).toMatch(/^\$2b\$05\$/);
      expect(perlAcceptsSynapseHash(NEW_PASSWORD, pepper, rows[0]?.password_hash ?? '')).toBe(true);
      expect(perlAcceptsSynapseHash('old-other-pw', pepper, rows[1]?.password_hash ?? '')).toBe(true);
    } finally {
      await check.end();
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses SQLite with the reason', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-syn-lite-'));
    const homeserver = path.join(dir, 'homeserver.yaml');
    fs.writeFileSync(
      homeserver,
      'server_name: lite.example\ndatabase:\n  name: sqlite3\n  args:\n    database: /data/homeserver.db\n',
    );
    const e = engine('lite');
    await expect(
      e.plan(PROCEDURE, { homeserver, user: 'a', newPassword: NEW_PASSWORD }, 'real'),
    ).rejects.toThrow(/SQLite \(\/data\/homeserver\.db\).*PostgreSQL only/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
