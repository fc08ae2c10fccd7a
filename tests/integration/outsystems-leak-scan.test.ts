import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/main/engine/engine.js';
import type { SandboxExec } from '../../src/main/engine/sandbox/sandbox-exec.js';
import { HsConf } from '../../src/main/systems/outsystems/hsconf.js';
import { requireHsconfSecret } from '../../src/main/systems/outsystems/hsconf-secrets.js';
import { loadPrivateKey } from '../../src/main/systems/outsystems/private-key.js';
import { runCliProcess } from '../support/cli-process.js';
import { freshDataDir, practiceEngine, scriptedHooks } from '../support/engine-harness.js';
import { filesUnder, findSecret } from '../support/leak-scan.js';

const SECRET = `OsCanary-3c1'"<&>é-LEAK`;
const engines: Engine[] = [];
afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
});

/** The Platform database password the sandbox's server.hsconf holds: a secret the run reads, never one it may write. */
async function sandboxDatabasePassword(engine: Engine): Promise<string> {
  const installDir = path.join(engine.sandbox.filesRoot('outsystems'), 'Platform Server');
  const key = await loadPrivateKey(path.join(installDir, 'private.key'));
  return requireHsconfSecret(
    await HsConf.load(path.join(installDir, 'server.hsconf')),
    'PlatformDatabaseConfiguration',
    'AdminPassword',
    key.key,
  );
}

describe('OutSystems procedures leak no secret', () => {
  it('CLI reset (secret from the environment), reports in every format: nowhere in files or output, nor the database password from server.hsconf', async () => {
    const dataDir = freshDataDir('os-leak-cli');
    const inputDir = fs.mkdtempSync(path.join(path.dirname(dataDir), 'os-leak-input-'));
    const input = path.join(inputDir, 'reset.yaml');
    fs.writeFileSync(input, 'tenants: both\nnewPassword:\n  env: OS_NEW_PASSWORD\n');
    const env = { OS_NEW_PASSWORD: SECRET, BREAKGLASS_SANDBOX_PG_URL: process.env.BREAKGLASS_SANDBOX_PG_URL };
    const plan = await runCliProcess(
      [
        '--data-dir',
        dataDir,
        'plan',
        'outsystems.reset-admin-password',
        '--input',
        input,
        '--sandbox',
        '--json',
      ],
      env,
    );
    expect(plan.code).toBe(0);
    const run = await runCliProcess(
      [
        '--data-dir',
        dataDir,
        'run',
        'outsystems.reset-admin-password',
        '--input',
        input,
        '--sandbox',
        '--yes',
      ],
      env,
    );
    expect(run.code).toBe(0);
    const runId = fs.readdirSync(path.join(dataDir, 'runs'))[0] as string;
    const reports = await Promise.all(
      (['md', 'html', 'json'] as const).map((format) =>
        runCliProcess(['--data-dir', dataDir, 'report', runId, '--format', format], env),
      ),
    );
    const outputs = Object.fromEntries(
      [plan, run, ...reports].flatMap((result, index) => [
        [`stdout ${index}`, result.stdout],
        [`stderr ${index}`, result.stderr],
      ]),
    );
    expect(filesUnder(path.join(dataDir, 'runs')).some((file) => file.endsWith('backup-values.json'))).toBe(
      true,
    );
    expect(findSecret(SECRET, { dirs: [path.join(dataDir, 'runs')], texts: outputs })).toEqual([]);

    const engine = practiceEngine(dataDir);
    engines.push(engine);
    const databasePassword = await sandboxDatabasePassword(engine);
    expect(findSecret(databasePassword, { dirs: [path.join(dataDir, 'runs')], texts: outputs })).toEqual([]);
  });

  it('AD workaround with a new admin password through the Configuration Tool: not in files, events, prompts or any child argv', async () => {
    const dataDir = freshDataDir('os-leak-ad');
    const engine = practiceEngine(dataDir);
    engines.push(engine);
    const hooks = scriptedHooks();
    const view = await engine.start(
      await engine.plan(
        'outsystems.ad-workaround',
        { configurationTool: 'run', adminPassword: SECRET },
        'sandbox',
      ),
      hooks,
    ).done;
    expect(view.state).toBe('succeeded');
    const exec = engine.environment('sandbox', 'outsystems').exec as SandboxExec;
    expect(exec.requests.length).toBe(2);
    const texts = {
      events: JSON.stringify(hooks.events),
      prompts: JSON.stringify(hooks.prompts),
      argv: JSON.stringify(exec.requests),
      reports: (['md', 'html', 'json'] as const)
        .map((format) => engine.report(view.runId, format).content)
        .join('\n'),
    };
    expect(findSecret(SECRET, { dirs: [path.join(dataDir, 'runs')], texts })).toEqual([]);
    expect(
      findSecret(await sandboxDatabasePassword(engine), { dirs: [path.join(dataDir, 'runs')], texts }),
    ).toEqual([]);
  });
});
