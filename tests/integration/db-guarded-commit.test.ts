// A COMMIT that fails: rolled back, and the error says the outcome is unknown (no driver text, no secret).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDbConnector } from '../../src/main/platform/db/connector.js';
import { CommitOutcomeUnknown, runGuarded } from '../../src/main/platform/db/guarded.js';
import { parsePostgresUrl } from '../../src/main/platform/db/postgres-conninfo.js';
import { renderSql, secret, sql } from '../../src/main/platform/db/sql.js';
import type { DbSession } from '../../src/main/platform/db/types.js';
import { createTestDatabase } from '../support/pg.js';

const SECRET = 'Commit-Secret-7q!';
let session: DbSession;

beforeAll(async () => {
  session = await createDbConnector().connect(
    parsePostgresUrl(await createTestDatabase('db_guarded_commit')),
  );
  await session.ddl({
    text: 'CREATE TABLE deferred_unique (x int UNIQUE DEFERRABLE INITIALLY DEFERRED, note text)',
    params: [],
    display: '',
  });
  await session.ddl({ text: "INSERT INTO deferred_unique VALUES (1, 'kept')", params: [], display: '' });
});

afterAll(async () => {
  await session?.close();
});

describe('guarded statements: a failing commit', () => {
  it('rolls back and says the outcome is unknown when COMMIT fails (deferred unique constraint on real PostgreSQL)', async () => {
    const insert = renderSql(sql`INSERT INTO deferred_unique VALUES (${1}, ${secret(SECRET)})`, 'postgres');
    const error = await session.guarded([{ sql: insert }]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommitOutcomeUnknown);
    const message = (error as Error).message;
    expect(message).toMatch(/whether they were applied is unknown/);
    expect(message).toMatch(/Check the affected rows/);
    expect(message).toContain('23505');
    expect(message).not.toContain(SECRET);
    expect(message).not.toMatch(/duplicate key/);
    // The session is usable again and nothing was applied.
    expect(
      await session.guarded([
        { sql: renderSql(sql`UPDATE deferred_unique SET note = ${'still'} WHERE x = ${1}`, 'postgres') },
      ]),
    ).toEqual([1]);
  });

  it('calls rollback after a failed commit and survives a rollback that fails too', async () => {
    const calls: string[] = [];
    const steps = {
      begin: async () => void calls.push('begin'),
      execute: async () => (calls.push('execute'), 1),
      commit: async () => {
        calls.push('commit');
        throw Object.assign(new Error(`connection lost while sending ${SECRET}`), { code: 'ECONNRESET' });
      },
      rollback: async () => {
        calls.push('rollback');
        throw new Error('no connection');
      },
    };
    const statement = {
      sql: { text: 'UPDATE t SET p = $1', params: [SECRET], display: "UPDATE t SET p = '********'" },
    };
    const error = await runGuarded(steps, [statement]).catch((caught: unknown) => caught);
    expect(calls).toEqual(['begin', 'execute', 'commit', 'rollback']);
    expect(error).toBeInstanceOf(CommitOutcomeUnknown);
    expect((error as Error).message).not.toContain(SECRET);
    expect((error as Error).message).toContain("UPDATE t SET p = '********'");
  });
});
