/**
 * Issue 17: kill -9 in the middle of the rotation's outage (passwords changed in the database,
 * server.hsconf not yet written), then `breakglass resume`: the run finishes with the passwords it
 * started with, every new credential logs in, and the services are back.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { HsConf } from '../../src/main/systems/outsystems/hsconf.js';
import { dbSettingsFromHsconf } from '../../src/main/systems/outsystems/hsconf-db-settings.js';
import { readHsconfSecret } from '../../src/main/systems/outsystems/hsconf-secrets.js';
import { loadPrivateKey } from '../../src/main/systems/outsystems/private-key.js';
import { rotationUsers } from '../../src/main/systems/outsystems/rotation-users.js';
import { checkpointedCliCommand, runCliProcess } from '../support/cli-process.js';
import { freshDataDir, practiceEngine } from '../support/engine-harness.js';

const PROCEDURE = 'outsystems.rotate-db-passwords';

describe('the rotation killed mid-outage', () => {
  it('kill -9 after the database passwords changed and before server.hsconf is written: resume finishes it', async () => {
    const dataDir = freshDataDir('rotation-kill');
    const input = path.join(dataDir, 'rotate.json');
    fs.writeFileSync(input, JSON.stringify({ users: ['platformAdmin', 'session'] }));
    const marker = path.join(dataDir, 'paused');
    const env = { BREAKGLASS_SANDBOX_PG_URL: inject('pgAdminUrl') };
    const child = spawn(
      process.execPath,
      [
        ...checkpointedCliCommand(),
        '--data-dir',
        dataDir,
        'run',
        PROCEDURE,
        '--input',
        input,
        '--sandbox',
        '--yes',
      ],
      {
        env: {
          ...process.env,
          ...env,
          BREAKGLASS_TEST_PAUSE: 'write-hsconf:before',
          BREAKGLASS_TEST_PAUSE_MARKER: marker,
        },
        stdio: 'ignore',
      },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    for (let waited = 0; !fs.existsSync(marker); waited += 100) {
      if (waited > 90_000) throw new Error('the rotation never reached write-hsconf');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.kill('SIGKILL');
    await exited;

    // Killed where it hurts: the database has the new passwords, server.hsconf still the old ones.
    expect(await hsconfLogins(dataDir)).toEqual({
      platformAdmin: false,
      platformRuntime: true,
      logAdmin: true,
      logRuntime: true,
      session: false,
    });

    const runs = await runCliProcess(['--data-dir', dataDir, 'runs', '--json'], env);
    const killed = (JSON.parse(runs.stdout) as { runs: Array<{ runId: string; state: string }> }).runs[0];
    expect(killed?.state).toBe('interrupted');

    const resumed = await runCliProcess(
      ['--data-dir', dataDir, 'resume', killed!.runId, '--input', input, '--yes', '--json'],
      env,
    );
    expect(resumed.code, resumed.stderr + resumed.stdout.slice(-600)).toBe(0);
    expect((JSON.parse(resumed.stdout) as { state: string }).state).toBe('succeeded');

    const logins = await hsconfLogins(dataDir);
    expect(Object.values(logins).every(Boolean), JSON.stringify(logins)).toBe(true);
    const engine = practiceEngine(dataDir);
    try {
      const services = await engine.sandbox.services('outsystems').list('');
      expect(services.every((service) => service.state === 'running')).toBe(true);
    } finally {
      await engine.close();
    }
  }, 240_000);
});

/** Whether each platform user logs in with the password server.hsconf holds for it, by its key (platformAdmin, session, …). */
async function hsconfLogins(dataDir: string): Promise<Record<string, boolean>> {
  const engine = practiceEngine(dataDir);
  try {
    const installDir = path.join(engine.sandbox.filesRoot('outsystems'), 'Platform Server');
    const doc = await HsConf.load(path.join(installDir, 'server.hsconf'));
    const { key } = await loadPrivateKey(path.join(installDir, 'private.key'));
    const logins: Record<string, boolean> = {};
    for (const user of rotationUsers(doc)) {
      const password = readHsconfSecret(doc, user.definition.section, user.definition.passwordKey, key)
        .value as string;
      const settings = { ...dbSettingsFromHsconf(doc, key, user.role), password };
      logins[user.key] = (await engine.environment('sandbox', 'outsystems').db.test(settings)).ok;
    }
    return logins;
  } finally {
    await engine.close();
  }
}
