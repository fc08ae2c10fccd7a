/**
 * Issue 16: a rerun that found the password already set said "an earlier attempt of this run wrote
 * it", even when another run (or a person) had. It now says what the run's own backups show.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { alreadyDoneBy } from '../../src/main/engine/already-done.js';
import { RunBackupStore } from '../../src/main/engine/backups.js';
import { hashPracticePassword } from '../../src/main/systems/practice/password-hash.js';
import { practiceEngines, scriptedHooks } from '../support/engine-harness.js';

const NEW_PASSWORD = 'Already-Set-Pw-42!';
const { fresh: engine } = practiceEngines('already-done-');

describe('a step that finds its change already made', () => {
  it('says someone else set it when this run had not written anything yet (practice drill, real PostgreSQL)', async () => {
    const e = engine('someone-else');
    const prepared = await e.plan('practice.drill', { newPassword: NEW_PASSWORD }, 'sandbox');
    // Another admin sets the very same password after the plan was read.
    const client = new pg.Client({
      connectionString: await e.sandbox.databaseUrl(e.registry.system('practice')),
    });
    await client.connect();
    await client.query("UPDATE practice_accounts SET password_hash = $1 WHERE name = 'drill-admin'", [
      hashPracticePassword(NEW_PASSWORD),
    ]);
    await client.end();
    const view = await e.start(prepared, scriptedHooks()).done;
    expect(view.state).toBe('succeeded');
    const logs = view.steps.find((step) => step.id === 'set-password')?.logs.join('\n') ?? '';
    expect(logs).toContain('someone or something else set it');
    expect(logs).not.toContain('an earlier attempt of this run wrote it');
  });

  it('tells an earlier attempt of this run from someone else by the result the run recorded', async () => {
    const backup = new RunBackupStore(fs.mkdtempSync(path.join(os.tmpdir(), 'already-done-')));
    const holds = (value: string) => (recorded: unknown) => (recorded as { hash: string }).hash === value;
    expect(await alreadyDoneBy(backup, 'row', holds('h1'))).toMatch(/before this run changed anything/);
    await backup.saveValues('row', { hash: 'h0' });
    expect(await alreadyDoneBy(backup, 'row', holds('h1'))).toMatch(
      /stopped around its write, or someone else/,
    );
    await backup.saveResult('row', { hash: 'h1' });
    expect(await alreadyDoneBy(backup, 'row', holds('h1'))).toBe('an earlier attempt of this run wrote it');
    expect(await alreadyDoneBy(backup, 'row', holds('h2'))).toMatch(/or someone else set it since/);
  });
});
