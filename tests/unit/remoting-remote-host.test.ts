/**
 * powershellRemoteHost over the sandbox's simulated PowerShell, which carries the scripts out
 * against a real local HostAccess (real files in temp folders, real child processes, the sandbox's
 * service states): files really copied both ways through 0600 temp files that are removed after.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DbConnector, DbSettings } from '../../src/main/platform/db/types.js';
import { assertNoSecretOnArgv } from '../../src/main/platform/exec/argv-guard.js';
import { NodeExec } from '../../src/main/platform/exec/node-exec.js';
import type { Exec, ExecRequest } from '../../src/main/platform/exec/types.js';
import { UnreadableFileError } from '../../src/main/platform/files/read-regular-file.js';
import { localHost } from '../../src/main/platform/hosts/local-host.js';
import type { HostAccess } from '../../src/main/platform/hosts/types.js';
import { RemotingError } from '../../src/main/platform/remoting/errors.js';
import { decodeCommand, decodeParameters, encodeCommand } from '../../src/main/platform/remoting/invoke.js';
import {
  powershellRemoteHost,
  REACHED_BY_REMOTING,
  RemoteDatabaseLoginError,
} from '../../src/main/platform/remoting/remote-host.js';
import { COPY_TO_SCRIPT, REMOTING_SCRIPTS } from '../../src/main/platform/remoting/scripts.js';
import { simulatedPowerShell } from '../../src/main/platform/remoting/simulated-powershell.js';
import { ServiceControlError } from '../../src/main/platform/services/control-errors.js';
import { SimulatedServiceController } from '../../src/main/platform/services/simulated.js';

const PASSWORD = `S3cr'et"; $(Stop-Computer) é`;
const SETTINGS: DbSettings = {
  dialect: 'mssql',
  host: 'sql01.corp.example',
  port: 1433,
  database: 'outsystems',
  authentication: 'sql',
  user: 'OSRUNTIME',
  password: PASSWORD,
};

/** The front-end's own database logins: this password only (the driver's 18456 text otherwise). */
const scriptedDb: DbConnector = {
  async connect(settings) {
    if (settings.password !== PASSWORD)
      throw Object.assign(new Error(`Login failed for user '${settings.user}'.`), { number: 18456 });
    return { close: async () => undefined } as never;
  },
  test: () => Promise.reject(new Error('not used')),
};

let root: string;
let tmp: string;
let savedTmp: string | undefined;
let requests: ExecRequest[];
let localCopies: Array<{ fileMode: number; folderMode: number }>;
let frontEnd: HostAccess;
let faults: Record<string, { unreachable?: boolean; secondHop?: boolean }>;

beforeEach(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'remoting-host-'));
  // os.tmpdir() follows TMPDIR: the remote host's temp folders land here, where the test sees them.
  tmp = path.join(root, 'tmp');
  fs.mkdirSync(tmp);
  savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  fs.mkdirSync(path.join(root, 'fe01', 'Platform Server'), { recursive: true });
  const services = new SimulatedServiceController(path.join(root, 'services.json'));
  await services.define('OutSystems Deployment Service');
  await services.define('OutSystems Scheduler Service');
  await services.define('W3SVC');
  frontEnd = localHost({
    name: 'FE01',
    exec: new NodeExec(),
    services,
    db: scriptedDb,
    networkInterfaces: () => ({
      eth0: [{ address: '10.0.0.21', family: 'IPv4', internal: false } as os.NetworkInterfaceInfo],
    }),
  });
  requests = [];
  localCopies = [];
  faults = {};
});

afterEach(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  fs.rmSync(root, { recursive: true, force: true });
});

function controllerExec(): Exec {
  const powershell = simulatedPowerShell({
    resolveHost: (name) => (name === 'FE01' ? frontEnd : undefined),
    faults: (name) => faults[name],
  });
  return {
    async run(request) {
      assertNoSecretOnArgv(request);
      requests.push(request);
      if (decodeCommand(request.args.at(-1) ?? '') === COPY_TO_SCRIPT) {
        const { localPath } = decodeParameters(request.stdin ?? '') as { localPath: string };
        localCopies.push({
          fileMode: fs.statSync(localPath).mode & 0o777,
          folderMode: fs.statSync(path.dirname(localPath)).mode & 0o777,
        });
      }
      return powershell(request);
    },
  };
}

const remote = (computerName = 'FE01') => powershellRemoteHost({ exec: controllerExec(), computerName });
const hsconf = () => path.join(root, 'fe01', 'Platform Server', 'server.hsconf');

describe('powershellRemoteHost over the simulated PowerShell', () => {
  it('opens a session: Opened and Available', async () => {
    const host = remote();
    expect(host.name).toBe('FE01');
    expect(host.reachedBy).toBe(REACHED_BY_REMOTING);
    await expect(host.probe()).resolves.toEqual({ state: 'Opened', availability: 'Available' });
    expect(requests[0]?.program).toBe('powershell.exe');
  });

  it('copies a file to the front-end and back through 0600 temp files that are removed afterwards', async () => {
    const host = remote();
    const bytes = Buffer.from('<EnvironmentConfiguration>é</EnvironmentConfiguration>\n');
    await host.files.write(hsconf(), bytes, { mode: 0o600 });
    expect(fs.readFileSync(hsconf())).toEqual(bytes);
    expect(fs.statSync(hsconf()).mode & 0o777).toBe(0o600);
    expect(localCopies).toEqual([{ fileMode: 0o600, folderMode: 0o700 }]);
    await expect(host.files.read(hsconf(), 1024)).resolves.toEqual(bytes);
    expect(fs.readdirSync(tmp)).toEqual([]);

    await expect(host.files.read(path.join(root, 'fe01', 'missing.hsconf'), 1024)).resolves.toBeUndefined();
    await expect(host.files.read(path.join(root, 'fe01'), 1024)).rejects.toMatchObject({
      name: 'UnreadableFileError',
      reason: 'folder',
    });
    await expect(host.files.read(hsconf(), 4)).rejects.toBeInstanceOf(UnreadableFileError);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it('copies to and from a path full of PowerShell syntax as plain data', async () => {
    const host = remote();
    const hostile = path.join(root, 'fe01', "it's $(Stop-Computer) [a]; `b` & c.hsconf");
    await host.files.write(hostile, Buffer.from('data'));
    expect(fs.readFileSync(hostile, 'utf8')).toBe('data');
    await expect(host.files.read(hostile, 100)).resolves.toEqual(Buffer.from('data'));
    expect(new Set(requests.map((request) => request.args.join(' '))).size).toBe(2);
  });

  it('reports a missing remote folder as remote-folder-missing, with nothing left behind', async () => {
    const error = await remote()
      .files.write(path.join(root, 'nowhere', 'server.hsconf'), Buffer.from('x'))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RemotingError);
    expect((error as RemotingError).kind).toBe('remote-folder-missing');
    expect(fs.existsSync(path.join(root, 'nowhere'))).toBe(false);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it('runs a remote program and brings back its exit code, stdout and stderr apart', async () => {
    const result = await remote().exec.run({
      program: process.execPath,
      args: [
        '-e',
        "process.stdin.pipe(process.stdout); process.stderr.write('warned'); process.stdin.on('end', () => process.exit(3))",
      ],
      stdin: 'from the controller',
    });
    expect(result).toMatchObject({
      exitCode: 3,
      stdout: 'from the controller',
      stderr: 'warned',
      timedOut: false,
    });
    await expect(remote().exec.run({ program: 'x', args: ['say "hi"'] })).rejects.toThrow(/double quote/);
    await expect(remote().exec.run({ program: 'x', args: [''] })).rejects.toThrow(/empty/);
  });

  it('lists, stops and starts services, waiting for the state', async () => {
    const host = remote();
    expect((await host.services.list('outsystems')).map((service) => [service.name, service.state])).toEqual([
      ['OutSystems Deployment Service', 'running'],
      ['OutSystems Scheduler Service', 'running'],
    ]);
    const progress: string[] = [];
    await host.services.stop('OutSystems Deployment Service', { onProgress: (line) => progress.push(line) });
    expect(progress).toEqual(['Waiting for OutSystems Deployment Service to stop on FE01']);
    await expect(host.services.status('OutSystems Deployment Service')).resolves.toMatchObject({
      state: 'stopped',
      startType: 'auto',
    });
    await host.services.start('OutSystems Deployment Service');
    await expect(frontEnd.services.status('OutSystems Deployment Service')).resolves.toMatchObject({
      state: 'running',
    });
    await expect(host.services.status('No Such Service')).resolves.toEqual({
      name: 'No Such Service',
      state: 'missing',
    });
    await expect(host.services.stop('No Such Service')).rejects.toBeInstanceOf(ServiceControlError);
  });

  it("gives the front-end's IPv4 addresses (one as 5.1 writes it: a plain string)", async () => {
    await expect(remote().addresses()).resolves.toEqual(['10.0.0.21']);
  });

  it('tests a database login on the front-end, with the password only in the data on stdin', async () => {
    await expect(remote().testDatabaseLogin(SETTINGS)).resolves.toBeUndefined();
    const login = requests.find(
      (request) => decodeCommand(request.args.at(-1) ?? '') === REMOTING_SCRIPTS['database-login'],
    );
    expect(login?.secrets).toEqual([PASSWORD]);
    expect(login?.args.join(' ')).not.toContain(PASSWORD);
    expect(login?.args.at(-1)).toBe(encodeCommand(REMOTING_SCRIPTS['database-login']));

    const refused = await remote()
      .testDatabaseLogin({ ...SETTINGS, password: 'wrong-password' })
      .catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(RemoteDatabaseLoginError);
    expect((refused as RemoteDatabaseLoginError).kind).toBe('login-failed');
    expect((refused as Error).message).toContain('(tested from FE01)');
    expect((refused as Error).message).not.toContain('wrong-password');
  });

  it('detects the second hop and sends the admin to the farm bundle', async () => {
    faults.FE01 = { secondHop: true };
    const error = await remote()
      .testDatabaseLogin(SETTINGS)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RemotingError);
    expect((error as RemotingError).kind).toBe('second-hop');
    expect((error as RemotingError).fix).toMatch(/^Use the farm bundle on that server/);
    expect((error as Error).message).toContain('NT AUTHORITY\\ANONYMOUS LOGON');
    expect((error as Error).message).not.toContain(PASSWORD);
  });

  it('fails New-PSSession with the WinRM text for an unreachable or unknown front-end', async () => {
    faults.FE01 = { unreachable: true };
    for (const name of ['FE01', 'FE09']) {
      const error = await remote(name)
        .probe()
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ name: 'RemotingError', kind: 'unreachable', computerName: name });
      expect((error as RemotingError).fix).toMatch(/use the farm bundle on that server/);
    }
  });

  it('keeps a hostile computer name as data, and refuses an IP address (Kerberos needs a name)', async () => {
    const hostile = `FE01';$(Stop-Computer)#`;
    const error = await remote(hostile)
      .probe()
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'unreachable', computerName: hostile });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.args).toEqual(powershellRequestArgs('probe'));
    expect((decodeParameters(requests.at(-1)?.stdin ?? '') as { computerName: string }).computerName).toBe(
      hostile,
    );
    expect(() => remote('10.0.0.21')).toThrow(expect.objectContaining({ kind: 'kerberos' }));
    expect(() => remote('fe01 -Credential x')).toThrow(RemotingError);
  });

  it('waits the simulated per-call delay', async () => {
    const powershell = simulatedPowerShell({ resolveHost: () => frontEnd, delayMs: 60 });
    const host = powershellRemoteHost({ exec: { run: powershell }, computerName: 'FE01' });
    const started = Date.now();
    await host.probe();
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('refuses any script that is not one of its own', async () => {
    const powershell = simulatedPowerShell({ resolveHost: () => frontEnd });
    const result = await powershell({
      program: 'powershell.exe',
      args: [
        '-NoProfile',
        '-NonInteractive',
        '-ExecutionPolicy',
        'Bypass',
        '-EncodedCommand',
        encodeCommand('Remove-Item C:\\ -Recurse'),
      ],
      stdin: '',
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/runs only Breakglass's remoting scripts/);
    const ownScriptOtherwise = await powershell({
      program: 'powershell.exe',
      args: ['-NoProfile', '-Command', REMOTING_SCRIPTS.probe],
      stdin: '',
    });
    expect(ownScriptOtherwise.exitCode).toBe(1);
  });
});

function powershellRequestArgs(operation: keyof typeof REMOTING_SCRIPTS): string[] {
  return [
    '-NoProfile',
    '-NonInteractive',
    '-ExecutionPolicy',
    'Bypass',
    '-EncodedCommand',
    encodeCommand(REMOTING_SCRIPTS[operation]),
  ];
}
