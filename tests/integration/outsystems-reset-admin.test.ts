import { describe, expect, it } from 'vitest';
import { InputError, ProcedureRefusal } from '../../src/main/engine/types.js';
import { practiceEngines, scriptedHooks } from '../support/engine-harness.js';
import {
  independentlyVerifiesV1,
  ossysUsers,
  sandboxQuery,
  type OssysUserRow,
} from '../support/outsystems-sandbox.js';

const PROCEDURE = 'outsystems.reset-admin-password';
const NEW_PASSWORD = `Brk'gl"ss-<&>-ü-😀-; DROP TABLE ossys_user; --`;
const { fresh: engine } = practiceEngines('os-');

function changedRows(before: OssysUserRow[], after: OssysUserRow[]): number[] {
  return after
    .filter((row, index) => JSON.stringify(row) !== JSON.stringify(before[index]))
    .map((row) => row.id);
}

describe('outsystems.reset-admin-password on the practice sandbox (real PostgreSQL)', () => {
  it('IT users: changes exactly the ServiceCenter admin row, with a $1$ hash an independent implementation accepts', async () => {
    const e = engine('it');
    const before = await ossysUsers(e);
    const prepared = await e.plan(PROCEDURE, { tenants: 'it-users', newPassword: NEW_PASSWORD }, 'sandbox');
    expect(prepared.view.steps.map((step) => step.id)).toEqual([
      'connect-platform-database',
      'find-user-it-users',
      'set-password-it-users',
      'verify-password-it-users',
    ]);
    const update = prepared.view.steps[2]?.description.sql ?? [];
    expect(update.map((block) => block.text).join('\n')).toContain('********');
    expect(
      update.some(
        (block) => block.dialect.includes('SQL Server') && block.text.includes('[dbo].[OSSYS_USER]'),
      ),
    ).toBe(true);
    expect(JSON.stringify(prepared.view)).not.toContain(NEW_PASSWORD);

    const view = await e.start(prepared, scriptedHooks()).done;
    expect(view.state).toBe('succeeded');
    const after = await ossysUsers(e);
    expect(changedRows(before, after)).toEqual([1]);
    const admin = after.find((row) => row.id === 1);
    expect(admin?.password).toMatch(/^\$1\$[A-Za-z0-9+/]{43}=[0-9A-F]{128}$/);
    expect(independentlyVerifiesV1(NEW_PASSWORD, admin?.password ?? '')).toBe(true);
  });

  it('end users: reactivates the disabled admin of the Users tenant and leaves every other row byte-identical', async () => {
    const e = engine('end');
    const before = await ossysUsers(e);
    expect(before.find((row) => row.id === 4)?.is_active).toBe(false);
    const view = await e.start(
      await e.plan(PROCEDURE, { tenants: 'end-users', newPassword: NEW_PASSWORD }, 'sandbox'),
      scriptedHooks(),
    ).done;
    expect(view.state).toBe('succeeded');
    const after = await ossysUsers(e);
    expect(changedRows(before, after)).toEqual([4]);
    expect(after.find((row) => row.id === 4)).toMatchObject({ is_active: true });
    expect(independentlyVerifiesV1(NEW_PASSWORD, after.find((row) => row.id === 4)?.password ?? '')).toBe(
      true,
    );
  });

  it('both tenants in one run: exactly the two admin rows change; the look-alikes and the other tenant do not', async () => {
    const e = engine('both');
    const before = await ossysUsers(e);
    const view = await e.start(
      await e.plan(PROCEDURE, { tenants: 'both', newPassword: NEW_PASSWORD }, 'sandbox'),
      scriptedHooks(),
    ).done;
    expect(view.state).toBe('succeeded');
    expect(changedRows(before, await ossysUsers(e))).toEqual([1, 4]);
  });

  it('reports the legacy MD5 format when planning a reset of that user', async () => {
    const e = engine('legacy');
    const prepared = await e.plan(
      PROCEDURE,
      { tenants: 'it-users', username: 'jane.dev', newPassword: NEW_PASSWORD },
      'sandbox',
    );
    expect(prepared.view.facts.map((fact) => fact.value).join('\n')).toContain('legacy MD5');
  });

  it('stops before any change when no user or two users match', async () => {
    const e = engine('matches');
    await sandboxQuery(
      e,
      "INSERT INTO ossys_user (id, tenant_id, name, username, password, is_active) VALUES (100, 1, 'dup', 'ADMIN ', 'x', true)",
    );
    const before = await ossysUsers(e);
    for (const username of ['admin', 'nobody', "o'brien"]) {
      const hooks = scriptedHooks({ failure: 'cancel' });
      const view = await e.start(
        await e.plan(PROCEDURE, { tenants: 'it-users', username, newPassword: NEW_PASSWORD }, 'sandbox'),
        hooks,
      ).done;
      expect(view.state).not.toBe('succeeded');
      expect(hooks.prompts.map((prompt) => prompt.kind)).toEqual(['failure']);
      expect(hooks.prompts[0]?.message).toMatch(username === 'admin' ? /2 users match/ : /No user/);
    }
    expect(await ossysUsers(e)).toEqual(before);
  });

  it('rolls back a run that fails after its first change: the IT admin row is restored byte for byte', async () => {
    const e = engine('rollback');
    const before = await ossysUsers(e);
    const prepared = await e.plan(PROCEDURE, { tenants: 'both', newPassword: NEW_PASSWORD }, 'sandbox');
    const hooks = scriptedHooks({ failure: 'rollback' });
    const decide = hooks.decide;
    // Between preflight and the changes, someone adds a second "admin" to the Users tenant: the end-user step must fail.
    hooks.decide = async (prompt) => {
      if (prompt.kind === 'confirm-changes') {
        await sandboxQuery(
          e,
          "INSERT INTO ossys_user (id, tenant_id, name, username, password, is_active) VALUES (101, 2, 'late', 'Admin', 'x', true)",
        );
      }
      return decide(prompt);
    };
    const view = await e.start(prepared, hooks).done;
    expect(view.state).toBe('rolled-back');
    expect(view.steps.find((step) => step.id === 'set-password-it-users')?.state).toBe('undone');
    const after = (await ossysUsers(e)).filter((row) => row.id !== 101);
    expect(after).toEqual(before);
  });

  it('refuses bad input with the field named, before anything runs', async () => {
    const e = engine('input');
    await expect(e.plan(PROCEDURE, { newPassword: '' }, 'sandbox')).rejects.toThrow(InputError);
    await expect(e.plan(PROCEDURE, { newPassword: '      ' }, 'sandbox')).rejects.toThrow(/newPassword/);
    await expect(e.plan(PROCEDURE, { newPassword: 'admin-is-in-here' }, 'sandbox')).rejects.toThrow(
      /contains the user name/,
    );
    await expect(e.plan(PROCEDURE, { newPassword: 'x'.repeat(5000) }, 'sandbox')).rejects.toThrow(
      /newPassword/,
    );
    await expect(
      e.plan(PROCEDURE, { newPassword: NEW_PASSWORD, username: 'a'.repeat(300) }, 'sandbox'),
    ).rejects.toThrow(/username/);
    await expect(
      e.plan(
        PROCEDURE,
        {
          newPassword: NEW_PASSWORD,
          database: { source: 'hsconf', installDir: '/nonexistent/Platform Server' },
        },
        'real',
      ),
    ).rejects.toThrow(/database\.installDir/);
  });

  it('explains the cloud path and stops', async () => {
    const e = engine('cloud');
    await expect(
      e.plan(PROCEDURE, { deployment: 'cloud', tenants: 'both', newPassword: NEW_PASSWORD }, 'sandbox'),
    ).rejects.toThrow(ProcedureRefusal);
    await expect(
      e.plan(PROCEDURE, { deployment: 'cloud', newPassword: NEW_PASSWORD }, 'sandbox'),
    ).rejects.toThrow(/Support Portal/);
  });

  it('a real SQL Server that cannot be reached fails the connection check with a clear reason and changes nothing', async () => {
    const e = engine('unreachable');
    const database = {
      source: 'manual',
      provider: 'SqlServer',
      server: '127.0.0.1,9',
      catalog: 'outsystems',
      user: 'OSADMIN',
      password: 'Wrong-Pa55-word!',
    };
    const prepared = await e.plan(PROCEDURE, { newPassword: NEW_PASSWORD, database }, 'real');
    expect(prepared.view.facts.some((fact) => fact.status === 'error')).toBe(true);
    const hooks = scriptedHooks({ failure: 'cancel' });
    const view = await e.start(prepared, hooks).done;
    expect(view.state).not.toBe('succeeded');
    expect(hooks.prompts[0]?.message).toMatch(/cannot be reached \(unreachable|timeout\)/);
    expect(JSON.stringify(view)).not.toContain('Wrong-Pa55-word!');
  });
});
