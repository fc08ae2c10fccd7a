/**
 * Issue 17: `outsystems.diagnose-db-logins` on the practice sandbox (real PostgreSQL roles, the
 * simulated Event Log and Configuration Tool): a healthy sandbox passes; a password changed in the
 * database only, and a rotation whose Apply Settings skipped a module, are each found with what to do.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/main/engine/engine.js';
import type { RunView } from '../../src/shared/procedure.js';
import { HsConf } from '../../src/main/systems/outsystems/hsconf.js';
import { rotationUsers } from '../../src/main/systems/outsystems/rotation-users.js';
import { SANDBOX_PRACTICE_FILE } from '../../src/main/systems/outsystems/sandbox.js';
import { practiceEngines, scriptedHooks } from '../support/engine-harness.js';

const PROCEDURE = 'outsystems.diagnose-db-logins';
const { fresh: engine } = practiceEngines('diagnose-');

async function diagnose(e: Engine): Promise<RunView> {
  return e.start(await e.plan(PROCEDURE, {}, 'sandbox'), scriptedHooks({ failure: 'cancel' })).done;
}

function logsOf(view: RunView, stepId: string): string {
  return view.steps.find((step) => step.id === stepId)?.logs.join('\n') ?? '';
}

async function sandboxUser(e: Engine, key: 'platformRuntime'): Promise<string> {
  const installDir = path.join(e.sandbox.filesRoot('outsystems'), 'Platform Server');
  const doc = await HsConf.load(path.join(installDir, 'server.hsconf'));
  return rotationUsers(doc).find((user) => user.key === key)?.user as string;
}

describe('outsystems.diagnose-db-logins (practice sandbox)', () => {
  it('passes on a healthy sandbox and changes nothing', async () => {
    const e = engine('healthy');
    await e.sandbox.databaseUrl(e.registry.system('outsystems'));
    const hsconf = path.join(e.sandbox.filesRoot('outsystems'), 'Platform Server', 'server.hsconf');
    const before = {
      hsconf: fs.readFileSync(hsconf),
      services: await e.sandbox.services('outsystems').list(''),
    };
    const view = await diagnose(e);
    expect(fs.readFileSync(hsconf).equals(before.hsconf)).toBe(true);
    expect(await e.sandbox.services('outsystems').list('')).toEqual(before.services);
    expect(view.error ?? '').toBe('');
    expect(view.state).toBe('succeeded');
    expect(logsOf(view, 'logins-now')).not.toContain('REFUSED');
    expect(logsOf(view, 'diagnosis')).toContain('Every login works');
  });

  it('a password changed in the database only: the refused login and the services’ Event Log failures, with what to do', async () => {
    const e = engine('db-only');
    await e.sandbox.databaseUrl(e.registry.system('outsystems'));
    const runtime = await sandboxUser(e, 'platformRuntime');
    const client = new pg.Client({
      connectionString: await e.sandbox.databaseUrl(e.registry.system('outsystems')),
    });
    await client.connect();
    await client.query(`ALTER ROLE "${runtime}" PASSWORD 'Changed-In-SSMS-1!'`);
    await client.end();

    const view = await diagnose(e);
    expect(view.state).toBe('failed');
    expect(view.steps.find((step) => step.id === 'diagnosis')?.state).toBe('failed');
    expect(logsOf(view, 'logins-now')).toMatch(new RegExp(`${runtime}: REFUSED \\(login-failed`));
    expect(logsOf(view, 'event-log')).toMatch(
      new RegExp(`OutSystems Deployment Service: .*Login failed for user '${runtime}'`),
    );
    expect(view.error).toContain(`${runtime} cannot log in with the password server.hsconf holds`);
    expect(view.error).toContain(`login failure(s) in the Event Log for ${runtime}`);
  });

  it('after a rotation whose Apply Settings skipped a module: that module, its logged login failures, and Apply Settings to do', async () => {
    const e = engine('skipped-module');
    await e.sandbox.databaseUrl(e.registry.system('outsystems'));
    fs.writeFileSync(
      path.join(e.sandbox.filesRoot('outsystems'), SANDBOX_PRACTICE_FILE),
      JSON.stringify({ applySettingsSkips: ['CustomerPortal'] }),
    );
    const rotation = await e.start(
      await e.plan('outsystems.rotate-db-passwords', { users: ['platformRuntime'] }, 'sandbox'),
      scriptedHooks({ failure: 'continue' }),
    ).done;
    expect(rotation.steps.find((step) => step.id === 'verify-modules')?.state).toBe('skipped');

    const view = await diagnose(e);
    expect(view.state).toBe('failed');
    expect(logsOf(view, 'modules')).toMatch(/CustomerPortal: .*an old password/);
    expect(logsOf(view, 'log-database')).toMatch(/CustomerPortal on SANDBOX-CTRL: .*Login failed for user/);
    expect(view.error).toContain('Modules not on server.hsconf’s passwords: CustomerPortal.');
    expect(view.error).toContain('Apply Settings to those modules');
    expect(logsOf(view, 'logins-now')).not.toContain('REFUSED');
  });
});
