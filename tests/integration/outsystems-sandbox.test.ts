// The OutSystems practice sandbox: real roles with passwords over three databases, server.hsconf
// pointing at them, module and machine.config connection strings, and a simulated Configuration
// Tool that changes them as the real one does.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { changePasswordDdl } from '../../src/main/platform/db/password-ddl.js';
import {
  checkConnectionStrings,
  expectedCredentials,
  MACHINE_CONNECTION_KEYS,
  MODULE_CONNECTION_KEYS,
} from '../../src/main/systems/outsystems/connection-strings.js';
import {
  dbSettingsFromHsconf,
  OUTSYSTEMS_DB_ROLES,
} from '../../src/main/systems/outsystems/hsconf-db-settings.js';
import { HsConf } from '../../src/main/systems/outsystems/hsconf.js';
import { setHsconfSecret } from '../../src/main/systems/outsystems/hsconf-secrets.js';
import {
  APP_SETTINGS_FILE,
  liveModules,
  machineConfigPaths,
  readAppSettingsFile,
} from '../../src/main/systems/outsystems/module-configs.js';
import { loadPrivateKey } from '../../src/main/systems/outsystems/private-key.js';
import { practiceEngines } from '../support/engine-harness.js';

const { fresh: engine } = practiceEngines('os-sandbox-');

async function install(e: ReturnType<typeof engine>) {
  const env = e.environment('sandbox', 'outsystems');
  await e.sandbox.databaseUrl(e.registry.system('outsystems'));
  const installDir = path.join(env.sandboxRoot as string, 'Platform Server');
  const hsconfPath = path.join(installDir, 'server.hsconf');
  const { key } = await loadPrivateKey(path.join(installDir, 'private.key'));
  return { env, installDir, hsconfPath, key, doc: await HsConf.load(hsconfPath) };
}

async function logErrors(e: ReturnType<typeof engine>) {
  const objects = await e.sandbox.objects(e.registry.system('outsystems'));
  const url = new URL(await e.sandbox.databaseUrl(e.registry.system('outsystems')));
  url.pathname = `/${objects.databases.get('outsystems_log')}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return (
      await client.query<{ id: string; espace_name: string; message: string }>(
        'SELECT id, espace_name, message FROM oslog_error UNION ALL SELECT id, espace_name, message FROM oslog_error_previous',
      )
    ).rows;
  } finally {
    await client.end();
  }
}

describe('OutSystems practice sandbox', () => {
  it('the five users are real roles (suffixed on the shared server) that log in with the passwords server.hsconf holds, to three databases', async () => {
    const e = engine('roles');
    const { env, doc, key } = await install(e);
    const objects = await e.sandbox.objects(e.registry.system('outsystems'));
    expect([...objects.databases.keys()].sort()).toEqual(['osSession', 'outsystems_log']);
    const databases = new Set<string>();
    for (const { role } of OUTSYSTEMS_DB_ROLES) {
      const settings = dbSettingsFromHsconf(doc, key, role);
      expect(settings.user).toMatch(/^OS[A-Z_]+_[0-9a-f]{10}$/);
      expect(objects.roles.has(settings.user)).toBe(true);
      const session = await env.db.connect(settings);
      try {
        const [row] = await session.query<{ who: string; db: string }>({
          text: 'SELECT current_user AS who, current_database() AS db',
          params: [],
          display: '',
        });
        expect(row?.who).toBe(settings.user);
        databases.add(String(row?.db));
      } finally {
        await session.close();
      }
      expect(await env.db.test({ ...settings, password: `${settings.password}-wrong` })).toMatchObject({
        ok: false,
        kind: 'login-failed',
      });
    }
    expect(databases.size).toBe(3);
  });

  it('modules and machine.config hold the current connection strings; the stale folder and the cache file are not modules', async () => {
    const e = engine('modules');
    const { installDir, doc, key, env } = await install(e);
    const modules = await liveModules(installDir);
    expect(modules.map((module) => module.module)).toEqual(['CustomerPortal', 'ServiceCenter', 'Users']);
    expect(modules.find((module) => module.module === 'CustomerPortal')?.staleFolders).toHaveLength(1);
    const expected = expectedCredentials(doc, key);
    for (const module of modules) {
      const checks = checkConnectionStrings(
        await readAppSettingsFile(path.join(module.folder, APP_SETTINGS_FILE)),
        MODULE_CONNECTION_KEYS,
        expected,
        key,
      );
      expect(checks.map((check) => check.status)).toEqual(['current', 'current', 'current']);
    }
    const stale = modules.find((module) => module.module === 'CustomerPortal')?.staleFolders[0] as string;
    const staleChecks = checkConnectionStrings(
      await readAppSettingsFile(path.join(stale, APP_SETTINGS_FILE)),
      MODULE_CONNECTION_KEYS,
      expected,
      key,
    );
    expect(staleChecks.map((check) => check.status)).toEqual(['stale', 'missing', 'missing']);
    for (const file of machineConfigPaths(env)) {
      const checks = checkConnectionStrings(
        await readAppSettingsFile(file),
        MACHINE_CONNECTION_KEYS,
        expected,
        key,
      );
      expect(checks).toHaveLength(10);
      expect(new Set(checks.map((check) => check.status))).toEqual(new Set(['current']));
    }
  });

  it('the simulated Configuration Tool: Apply rewrites machine.config, Apply Settings the modules; a module left out fails its login into oslog_Error', async () => {
    const e = engine('tool');
    const { env, installDir, hsconfPath, key, doc } = await install(e);
    const runtime = dbSettingsFromHsconf(doc, key, 'platform-runtime');
    const newPassword = `N3w-"pw"]]>-é-${Date.now()}`;
    const session = await env.db.connect(runtime);
    try {
      await session.ddl(changePasswordDdl('postgres', { user: runtime.user, newPassword }));
    } finally {
      await session.close();
    }
    fs.writeFileSync(
      hsconfPath,
      setHsconfSecret(doc, 'PlatformDatabaseConfiguration', 'RuntimePassword', newPassword, {
        privateKey: key,
      }).toBuffer(),
    );
    fs.writeFileSync(
      path.join(env.sandboxRoot as string, 'practice.json'),
      JSON.stringify({ applySettingsSkips: ['Users'] }),
    );
    const tool = path.join(installDir, 'ConfigurationTool.com');
    const run = (args: string[]) => env.exec.run({ program: tool, args, cwd: installDir });
    expect((await run(['/UpgradeInstall'])).exitCode).toBe(0);
    const current = expectedCredentials(await HsConf.load(hsconfPath), key);
    for (const file of machineConfigPaths(env)) {
      const checks = checkConnectionStrings(
        await readAppSettingsFile(file),
        MACHINE_CONNECTION_KEYS,
        current,
        key,
      );
      expect(checks.every((check) => check.status === 'current')).toBe(true);
    }
    // Apply restarted the services: every module failed its login once. Apply Settings fixes all but the one left out.
    const errorsBefore = await logErrors(e);
    expect(errorsBefore.map((row) => row.espace_name).sort()).toEqual([
      'CustomerPortal',
      'ServiceCenter',
      'Users',
    ]);
    expect((await run(['/ApplySettingsFactory'])).exitCode).toBe(0);
    const stale: string[] = [];
    for (const module of await liveModules(installDir)) {
      const checks = checkConnectionStrings(
        await readAppSettingsFile(path.join(module.folder, APP_SETTINGS_FILE)),
        MODULE_CONNECTION_KEYS,
        current,
        key,
      );
      if (checks.some((check) => check.status !== 'current')) stale.push(module.module);
    }
    expect(stale).toEqual(['Users']);
    const newErrors = (await logErrors(e)).filter((row) => !errorsBefore.some((old) => old.id === row.id));
    expect(newErrors.map((row) => row.espace_name)).toEqual(['Users']);
    expect(newErrors[0]?.message).toContain(`Login failed for user '${runtime.user}'`);
  });

  it('reset drops the extra databases and the roles', async () => {
    const e = engine('reset');
    await install(e);
    const objects = await e.sandbox.objects(e.registry.system('outsystems'));
    await e.sandbox.reset('outsystems');
    const client = new pg.Client({
      connectionString: await e.sandbox.databaseUrl(e.registry.system('practice')),
    });
    await client.connect();
    try {
      const roles = await client.query('SELECT rolname FROM pg_roles WHERE rolname = ANY($1)', [
        [...objects.roles],
      ]);
      const dbs = await client.query('SELECT datname FROM pg_database WHERE datname = ANY($1)', [
        [...objects.databases.values()],
      ]);
      expect(roles.rowCount).toBe(0);
      expect(dbs.rowCount).toBe(0);
    } finally {
      await client.end();
    }
  });
});
