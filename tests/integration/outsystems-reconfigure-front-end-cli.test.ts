/**
 * Issue 18, the CLI contract: after a sandbox rotation, `breakglass run
 * outsystems.reconfigure-front-end --input FILE --sandbox --yes` imports the controller's bundle on
 * the simulated front-end: its server.hsconf then decrypts, with its own private.key, to the
 * controller's new database settings (its own Local IP kept), and it is registered in OSSYS_SERVER.
 * A rollback puts its old server.hsconf back byte for byte; a bundle from another signer is refused
 * with nothing changed.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import {
  SANDBOX_FRONT_END,
  sandboxFrontEndInstallDir,
} from '../../src/main/systems/outsystems/front-end-sandbox.js';
import { HsConf } from '../../src/main/systems/outsystems/hsconf.js';
import { readHsconfSecret } from '../../src/main/systems/outsystems/hsconf-secrets.js';
import { loadPrivateKey } from '../../src/main/systems/outsystems/private-key.js';
import { rotationUsers } from '../../src/main/systems/outsystems/rotation-users.js';
import { runCliProcess } from '../support/cli-process.js';
import { freshDataDir, practiceEngine } from '../support/engine-harness.js';

async function passwords(installDir: string): Promise<Record<string, string>> {
  const doc = await HsConf.load(path.join(installDir, 'server.hsconf'));
  const { key } = await loadPrivateKey(path.join(installDir, 'private.key'));
  return Object.fromEntries(
    rotationUsers(doc).map((user) => [
      user.key,
      readHsconfSecret(doc, user.definition.section, user.definition.passwordKey, key).value as string,
    ]),
  );
}

describe('outsystems.reconfigure-front-end through the CLI on the sandbox', () => {
  it('after a rotation: the front-end gets the new settings, keeps its Local IP, registers; rollback restores it; another signer is refused', async () => {
    const dataDir = freshDataDir('front-end-cli');
    const env = { BREAKGLASS_SANDBOX_PG_URL: inject('pgAdminUrl') };
    const bundleDir = path.join(dataDir, 'usb', 'farm-bundle');
    const rotate = path.join(dataDir, 'rotate.json');
    fs.writeFileSync(
      rotate,
      JSON.stringify({ users: ['platformRuntime', 'session'], farmBundleDir: bundleDir }),
    );
    const engine = practiceEngine(dataDir);
    const root = engine.sandbox.filesRoot('outsystems');
    await engine.sandbox.databaseUrl(engine.registry.system('outsystems'));
    await engine.close();
    const frontEnd = sandboxFrontEndInstallDir(root, SANDBOX_FRONT_END.name);
    const controller = path.join(root, 'Platform Server');
    const before = fs.readFileSync(path.join(frontEnd, 'server.hsconf'));

    const rotated = await runCliProcess(
      [
        '--data-dir',
        dataDir,
        'run',
        'outsystems.rotate-db-passwords',
        '--input',
        rotate,
        '--sandbox',
        '--yes',
        '--json',
      ],
      env,
    );
    expect(rotated.code, rotated.stderr.slice(-800)).toBe(0);
    const newSettings = await passwords(controller);
    expect((await passwords(frontEnd)).session).not.toBe(newSettings.session);

    const wrong = path.join(dataDir, 'wrong-signer.json');
    fs.writeFileSync(wrong, JSON.stringify({ bundle: bundleDir, signer: 'SHA256:not-the-controller' }));
    const refused = await runCliProcess(
      [
        '--data-dir',
        dataDir,
        'run',
        'outsystems.reconfigure-front-end',
        '--input',
        wrong,
        '--sandbox',
        '--yes',
      ],
      env,
    );
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(
      /signer: This bundle was signed by .* not by the expected controller SHA256:not-the-controller/,
    );
    expect(fs.readFileSync(path.join(frontEnd, 'server.hsconf'))).toEqual(before);

    const input = path.join(dataDir, 'front-end.json');
    fs.writeFileSync(input, JSON.stringify({ bundle: path.join(bundleDir, 'manifest.json') }));
    const applied = await runCliProcess(
      [
        '--data-dir',
        dataDir,
        'run',
        'outsystems.reconfigure-front-end',
        '--input',
        input,
        '--sandbox',
        '--yes',
        '--json',
      ],
      env,
    );
    expect(applied.code, applied.stderr.slice(-800) + applied.stdout.slice(-800)).toBe(0);
    const run = JSON.parse(applied.stdout) as {
      runId: string;
      state: string;
      steps: Array<{ id: string; state: string }>;
    };
    expect(run.state).toBe('succeeded');
    expect(run.steps.map((step) => step.state)).toEqual(run.steps.map(() => 'done'));
    expect(await passwords(frontEnd)).toEqual(newSettings);
    const doc = await HsConf.load(path.join(frontEnd, 'server.hsconf'));
    expect(doc.get('NetworkConfiguration', 'OutgoingIPAddress')?.value).toBe(SANDBOX_FRONT_END.ipAddress);
    expect(fs.statSync(path.join(frontEnd, 'server.hsconf')).mode & 0o777).toBe(0o600);
    const client = new pg.Client({ connectionString: await urlOf(dataDir) });
    await client.connect();
    try {
      const rows = await client.query('SELECT ip_address, is_active FROM ossys_server WHERE name = $1', [
        SANDBOX_FRONT_END.name,
      ]);
      expect(rows.rows).toEqual([{ ip_address: SANDBOX_FRONT_END.ipAddress, is_active: true }]);
    } finally {
      await client.end();
    }
    const report = await runCliProcess(['--data-dir', dataDir, 'report', run.runId, '--format', 'md'], env);
    expect(report.stdout).toMatch(/SANDBOX-FE01: active in OSSYS_SERVER with 10\.0\.0\.21/);
    expect(report.stdout).not.toContain(newSettings.session);

    const undone = await runCliProcess(
      ['--data-dir', dataDir, 'rollback', run.runId, '--yes', '--json'],
      env,
    );
    expect(undone.code, undone.stderr.slice(-800)).toBe(5); // the exit code of a run rolled back
    expect(fs.readFileSync(path.join(frontEnd, 'server.hsconf'))).toEqual(before);
  }, 240_000);
});

async function urlOf(dataDir: string): Promise<string> {
  const engine = practiceEngine(dataDir);
  try {
    return await engine.sandbox.databaseUrl(engine.registry.system('outsystems'));
  } finally {
    await engine.close();
  }
}
