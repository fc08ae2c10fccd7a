import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ConfigToolError,
  ConfigurationToolRun,
  scrubConfigToolLog,
} from '../../src/main/systems/outsystems/config-tool.js';
import { FIXTURES_DIR, ScriptedExec } from '../support/scripted-exec.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'config-tool-test-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
const installDir = path.join(scratch, 'Platform Server');
const program = path.join(installDir, 'ConfigurationTool.com');
const RUNTIME_PASSWORD = 'Runt1me-Pässwörd-€';

function logCopy(name: string): string {
  const target = path.join(fs.mkdtempSync(path.join(scratch, 'log-')), 'ConfigurationTool.log');
  fs.copyFileSync(path.join(FIXTURES_DIR, 'outsystems/config-tool', name), target);
  return target;
}

describe('ConfigurationToolRun', () => {
  it('runs the tool from the install folder with exactly the documented switches', async () => {
    const exec = new ScriptedExec([
      {
        match: { program: 'ConfigurationTool.com', args: ['/UpgradeInstall', '/InstallServiceCenter'] },
        result: { stdoutFile: 'outsystems/config-tool/stdout-success.txt' },
      },
    ]);
    const run = new ConfigurationToolRun({
      installDir,
      switches: [{ name: 'UpgradeInstall' }, { name: 'InstallServiceCenter' }],
      platformVersion: '11.18.1.37828',
    });
    const outcome = await run.run(exec);
    expect(outcome.warnings).toEqual([]);
    expect(exec.requests).toHaveLength(1);
    expect(exec.requests[0]).toMatchObject({
      program,
      args: ['/UpgradeInstall', '/InstallServiceCenter'],
      cwd: installDir,
    });
    expect(run.describe()).toMatchObject({
      command: { program, args: ['/UpgradeInstall', '/InstallServiceCenter'], cwd: installDir },
      warnings: [],
    });
  });

  it('on failure shows the last 40 lines of the log, with passwords masked', async () => {
    const logPath = logCopy('failure-login.log');
    const exec = new ScriptedExec([
      {
        match: { program: 'ConfigurationTool.com', args: ['/UpgradeInstall'] },
        result: { exitCode: 1, stdoutFile: 'outsystems/config-tool/stdout-failure.txt' },
      },
    ]);
    const run = new ConfigurationToolRun({
      installDir,
      switches: [{ name: 'UpgradeInstall' }],
      logPath,
      secrets: [RUNTIME_PASSWORD],
    });
    const error = (await run.run(exec).catch((caught: unknown) => caught)) as ConfigToolError;
    expect(error).toBeInstanceOf(ConfigToolError);
    expect(error.exitCode).toBe(1);
    expect(error.logTail).toHaveLength(40);
    expect(error.logTail.at(-1)).toBe(
      '2024-05-14 10:03:17 [Error] Unable to apply the configuration. Check the database settings and try again.',
    );
    expect(error.message).toMatch(/^The Configuration Tool \(\/UpgradeInstall\) failed with exit code 1\./);
    expect(error.message).toContain("Login failed for user 'OSRUNTIME'.");
    expect(error.message).toContain('Password=********;');
    expect(error.message).not.toContain(RUNTIME_PASSWORD);
    // The password was not on the command line, so Exec was asked to mask it too.
    expect(exec.requests[0]?.request.secrets).toEqual([RUNTIME_PASSWORD]);
  });

  it('says when the tool timed out, and when its log cannot be read', async () => {
    const exec = new ScriptedExec([
      {
        match: { program: 'ConfigurationTool.com', args: ['/ApplySettingsFactory'] },
        result: { exitCode: null, timedOut: true },
      },
    ]);
    const run = new ConfigurationToolRun({
      installDir,
      switches: [{ name: 'ApplySettingsFactory' }],
      logPath: path.join(scratch, 'absent.log'),
    });
    await expect(run.run(exec)).rejects.toThrow(
      /did not finish in time and was stopped\.\n.*absent\.log could not be read\./,
    );
  });

  it('refuses to put a password on the command line unless the caller accepts it, and describes it masked', async () => {
    const exec = new ScriptedExec();
    const run = new ConfigurationToolRun({
      installDir,
      switches: [{ name: 'SetupInstall', platformAdmin: { user: 'OSADMIN', password: 'Adm1n-Secret' } }],
    });
    expect(run.exposesPasswordOnCommandLine).toBe(true);
    const description = run.describe();
    expect(description.command?.args).toEqual(['/SetupInstall', 'OSADMIN', '********']);
    expect(description.warnings?.[0]).toMatch(
      /process list.*Prefer writing the new value into server.hsconf.*\/UpgradeInstall/,
    );
    expect(JSON.stringify(description)).not.toContain('Adm1n-Secret');
    const error = (await run.run(exec).catch((caught: unknown) => caught)) as Error;
    expect(error.message).toMatch(
      /^Refusing to run ConfigurationTool.com \/SetupInstall: .*accept the command-line exposure explicitly/,
    );
    expect(error.message).not.toContain('Adm1n-Secret');
    expect(exec.requests).toHaveLength(0);
    exec.assertNoSecretInArgv(['Adm1n-Secret']);
  });

  it('builds every password-taking switch in its documented position', () => {
    const run = new ConfigurationToolRun({
      installDir,
      switches: [
        {
          name: 'SetupInstall',
          platformAdmin: { user: 'OSADMIN', password: 'p1' + 'xx' },
          logAdmin: { user: 'OSADMIN_LOG', password: 'p2xx' },
        },
        { name: 'RebuildSession', session: { user: 'OSSTATE', password: 'p3xx' } },
        { name: 'SetPlatformServerAdminPassword', password: 'p4xx' },
      ],
      windowsAuthenticationPassword: 'p5xx',
      platformVersion: '11.28.0',
    });
    expect(run.describe().command?.args).toEqual([
      '/SetupInstall',
      'OSADMIN',
      '********',
      'OSADMIN_LOG',
      '********',
      '/RebuildSession',
      'OSSTATE',
      '********',
      '/SetPlatformServerAdminPassword',
      '********',
      '/WithWindowsAuthentication',
      '********',
    ]);
  });

  it('runs a password-taking command only when accepted, masking it in the output', async () => {
    const exec = new ScriptedExec([
      {
        match: { program: 'ConfigurationTool.com', args: ['/RebuildSession', 'OSSTATE', 'Sess1on!State'] },
        result: { stdout: 'Session database for OSSTATE/Sess1on!State created' },
      },
    ]);
    const run = new ConfigurationToolRun({
      installDir,
      switches: [{ name: 'RebuildSession', session: { user: 'OSSTATE', password: 'Sess1on!State' } }],
      acceptPasswordOnCommandLine: true,
    });
    const outcome = await run.run(exec);
    expect(outcome.stdout).toBe('Session database for OSSTATE/******** created');
    expect(outcome.warnings[0]).toMatch(/process list/);
  });

  it('refuses invalid combinations before running anything', () => {
    expect(
      () =>
        new ConfigurationToolRun({
          installDir,
          switches: [{ name: 'ApplySettingsFactory' }, { name: 'UpgradeInstall' }],
        }),
    ).toThrow(/\/ApplySettingsFactory must be alone on its command line/);
    expect(() => new ConfigurationToolRun({ installDir, switches: [] })).toThrow(/at least one/);
    expect(
      () =>
        new ConfigurationToolRun({
          installDir,
          switches: [{ name: 'UpgradeInstall' }],
          windowsAuthenticationPassword: 'x',
          platformVersion: '11.20.1',
        }),
    ).toThrow(/needs Platform Server 11.28 or later/);
  });

  it('before 11.16 warns that the log holds credentials, and the scrub helper masks them in place', async () => {
    const logPath = logCopy('failure-login.log');
    const run = new ConfigurationToolRun({
      installDir,
      switches: [{ name: 'UpgradeInstall' }],
      platformVersion: '11.14.2.1234',
      logPath,
    });
    expect(run.logHoldsCredentials).toBe(true);
    expect(run.describe().warnings).toEqual([
      expect.stringMatching(/before 11.16\) writes credentials to .* in plain text: scrub the log/),
    ]);
    const before = fs.readFileSync(logPath, 'utf8');
    expect(await scrubConfigToolLog(logPath, [RUNTIME_PASSWORD])).toBe(1);
    expect(fs.readFileSync(logPath, 'utf8')).toBe(before.replace(RUNTIME_PASSWORD, '********'));
    expect(await scrubConfigToolLog(logPath, [RUNTIME_PASSWORD])).toBe(0);
  });
});
