import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { WindowsServiceController } from '../../src/main/platform/services/windows.js';
import { discoverCommand } from '../../src/main/cli/commands/discover.js';
import {
  discoverOutSystems,
  type DiscoveryEnvironment,
} from '../../src/main/systems/outsystems/discovery.js';
import { buildOutSystemsDiscoveryReport } from '../../src/main/systems/outsystems/discovery-report.js';
import { FIXTURES_DIR, readFixture, ScriptedExec, type ScriptedAnswer } from '../support/scripted-exec.js';

const HSCONF_DIR = path.join(FIXTURES_DIR, 'outsystems/hsconf');
const PASSWORDS = [
  'Adm1n&<Platform>"pw"',
  'Runt1me-Pässwörd-€',
  'LogAdmin#2024',
  'LogRuntime#2024',
  'Sess1on!State',
  'rabbit-secret',
];
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'discovery-test-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
const KEY = 'HKLM\\SOFTWARE\\OutSystems\\Installer\\Server';
const interfaces = () =>
  ({
    lo: [
      {
        address: '127.0.0.1',
        internal: true,
        family: 'IPv4',
        netmask: '255.0.0.0',
        mac: '00:00:00:00:00:00',
        cidr: '127.0.0.1/8',
      },
    ],
    Ethernet0: [
      {
        address: '10.20.30.41',
        internal: false,
        family: 'IPv4',
        netmask: '255.255.255.0',
        mac: '00:50:56:00:00:01',
        cidr: '10.20.30.41/24',
      },
    ],
  }) as ReturnType<typeof os.networkInterfaces>;

/** A Platform Server folder in a temp dir: server.hsconf and private.key from the fixtures. */
function installTree(hsconf = 'sqlserver.hsconf', privateKey: string | null = 'private.key'): string {
  const installDir = path.join(fs.mkdtempSync(path.join(scratch, 'machine-')), 'Platform Server');
  fs.mkdirSync(installDir);
  fs.copyFileSync(path.join(HSCONF_DIR, hsconf), path.join(installDir, 'server.hsconf'));
  if (privateKey) fs.copyFileSync(path.join(HSCONF_DIR, privateKey), path.join(installDir, 'private.key'));
  return installDir;
}

function windowsMachine(
  installDir: string | undefined,
  options: { frontEnd?: boolean; elevated?: boolean } = {},
): ScriptedExec {
  const sc = (args: string[], file: string): ScriptedAnswer => ({
    match: { program: 'sc.exe', args },
    result: { stdoutFile: `outsystems/sc/${file}` },
  });
  const registry: ScriptedAnswer[] = installDir
    ? [
        {
          match: { program: 'reg.exe', args: ['query', KEY, '/ve'] },
          result: {
            stdout: readFixture('outsystems/reg/installer-default.txt').replace(
              'C:\\Program Files\\OutSystems\\Platform Server\\',
              `${installDir}\\`,
            ),
          },
        },
        {
          match: { program: 'reg.exe', args: ['query', KEY, '/v', 'Server'] },
          result: { stdoutFile: 'outsystems/reg/installer-version.txt' },
        },
      ]
    : [
        {
          match: { program: 'reg.exe', args: ['query', KEY, '/ve'] },
          result: { exitCode: 1, stderrFile: 'outsystems/reg/key-missing.txt' },
        },
      ];
  return new ScriptedExec([
    ...registry,
    sc(
      ['query', 'type=', 'service', 'state=', 'all'],
      options.frontEnd ? 'query-all-front-end.txt' : 'query-all-controller.txt',
    ),
    sc(
      ['qc', 'OutSystems Deployment Controller Service'],
      options.frontEnd ? 'qc-deployment-controller-disabled.txt' : 'qc-deployment-controller-auto.txt',
    ),
    sc(['qc', 'OutSystems Deployment Service'], 'qc-deployment-auto.txt'),
    sc(['qc', 'OutSystems Log Service'], 'qc-log-auto.txt'),
    sc(['qc', 'OutSystems Scheduler Service'], 'qc-scheduler-auto.txt'),
    {
      match: { program: 'whoami.exe', args: ['/groups'] },
      result: {
        stdoutFile: `outsystems/whoami/${options.elevated === false ? 'groups-not-elevated.txt' : 'groups-elevated.txt'}`,
      },
    },
  ]);
}

const envFor = (exec: ScriptedExec): DiscoveryEnvironment => ({
  kind: 'real',
  exec,
  services: new WindowsServiceController(exec),
});
const windows = { platform: 'win32' as const, networkInterfaces: interfaces };

describe('discoverOutSystems on a fake Windows install', () => {
  it('finds the install through the registry and reports a controller on SQL Server', async () => {
    const installDir = installTree();
    const exec = windowsMachine(installDir);
    const discovery = await discoverOutSystems(windows, envFor(exec));
    expect(discovery).toMatchObject({
      installDir,
      installDirSource: 'registry',
      platformVersion: '11.18.1.37828',
      hsconf: { state: 'ok' },
      privateKey: { state: 'ok' },
      hosting: 'self-managed',
      role: 'controller',
      provider: 'SqlServer',
      outgoingIpAddress: '10.20.30.41',
      machineAddresses: ['10.20.30.41'],
      outgoingIpOnThisMachine: true,
      elevated: true,
    });
    expect(
      discovery.databases.map((database) => [
        database.role,
        database.user,
        database.server,
        database.catalog,
        database.authentication,
        database.password,
      ]),
    ).toEqual([
      ['platform-admin', 'OSADMIN', 'SQLPROD01\\OUTSYSTEMS,1533', 'outsystems', 'sql', 'decrypted'],
      ['platform-runtime', 'OSRUNTIME', 'SQLPROD01\\OUTSYSTEMS,1533', 'outsystems', 'sql', 'decrypted'],
      ['log-admin', 'OSADMIN_LOG', 'SQLPROD01\\OUTSYSTEMS,1533', 'outsystems_log', 'sql', 'decrypted'],
      ['log-runtime', 'OSRUNTIME_LOG', 'SQLPROD01\\OUTSYSTEMS,1533', 'outsystems_log', 'sql', 'decrypted'],
      ['session', 'OSSTATE', 'tcp:sqlsession.corp.example,1433', 'osSession', 'sql', 'decrypted'],
    ]);
    expect(exec.commandLines()).toEqual([
      ['reg.exe', 'query', KEY, '/ve'],
      ['reg.exe', 'query', KEY, '/v', 'Server'],
      ['sc.exe', 'query', 'type=', 'service', 'state=', 'all'],
      ['sc.exe', 'qc', 'OutSystems Deployment Controller Service'],
      ['sc.exe', 'qc', 'OutSystems Deployment Service'],
      ['sc.exe', 'qc', 'OutSystems Log Service'],
      ['sc.exe', 'qc', 'OutSystems Scheduler Service'],
      ['whoami.exe', '/groups'],
    ]);
    const report = JSON.stringify(buildOutSystemsDiscoveryReport(discovery));
    for (const password of PASSWORDS) expect(report).not.toContain(password);
    exec.assertNoSecretInArgv(PASSWORDS);
  });

  it("reports a front-end whose private.key differs from the controller's, an address not on this machine, and no elevation", async () => {
    const installDir = installTree('sqlserver.hsconf', 'other-private.key');
    const discovery = await discoverOutSystems(
      {
        ...windows,
        networkInterfaces: () => ({ eth0: [{ ...interfaces().Ethernet0![0]!, address: '10.20.30.99' }] }),
      },
      envFor(windowsMachine(installDir, { frontEnd: true, elevated: false })),
    );
    expect(discovery.role).toBe('front-end');
    expect(discovery.elevated).toBe(false);
    expect(discovery.outgoingIpOnThisMachine).toBe(false);
    expect(new Set(discovery.databases.map((database) => database.password))).toEqual(new Set(['wrong-key']));
    const facts = buildOutSystemsDiscoveryReport(discovery).sections.flatMap((section) => section.facts);
    expect(facts).toContainEqual({
      label: 'Platform admin password',
      value: expect.stringMatching(/does NOT decrypt with this private.key/),
      status: 'error',
    });
    expect(facts).toContainEqual({
      label: 'OutgoingIPAddress (front-end Local IP Address)',
      value: expect.stringMatching(/NOT an address of this machine/),
      status: 'error',
    });
    expect(facts).toContainEqual({
      label: 'Elevated (administrator)',
      value: expect.stringMatching(/run Breakglass as administrator/),
      status: 'error',
    });
  });

  it('falls back to the default folder when the registry key is missing, and says what it could not read', async () => {
    const discovery = await discoverOutSystems(windows, envFor(windowsMachine(undefined)));
    expect(discovery.installDir).toBe('C:\\Program Files\\OutSystems\\Platform Server');
    expect(discovery.installDirSource).toBe('default');
    expect(discovery.registryProblem).toMatch(/unable to find the specified registry key/);
    expect(discovery.hsconf.state).toBe('missing');
    expect(discovery.hosting).toBe('unknown');
    expect(discovery.databases).toEqual([]);
  });

  it('on a machine that is not Windows: Windows paths keep their separators, services are not looked for (no raw systemctl error), an unread Local IP is not ticked', async () => {
    const services = {
      list: () => Promise.reject(new Error('systemctl list OutSystems* failed (exit code 1)')),
    } as unknown as DiscoveryEnvironment['services'];
    const discovery = await discoverOutSystems(
      { platform: 'linux', networkInterfaces: interfaces },
      { kind: 'real', exec: new ScriptedExec([]), services },
    );
    expect(discovery.hsconf.path).toBe('C:\\Program Files\\OutSystems\\Platform Server\\server.hsconf');
    expect(discovery.privateKey.path).toBe('C:\\Program Files\\OutSystems\\Platform Server\\private.key');
    expect(discovery.servicesProblem).toBe(
      'not looked for: OutSystems services are Windows services, and this machine runs linux',
    );
    expect(discovery.registryProblem).toMatch(/choose the Platform Server folder/);
    const facts = buildOutSystemsDiscoveryReport(discovery).sections.flatMap((section) => section.facts);
    expect(JSON.stringify(facts)).not.toMatch(/systemctl|Platform Server\//);
    expect(facts.find((fact) => fact.label.startsWith('OutgoingIPAddress'))?.status).toBe('warn');
  });

  it('reports a malformed server.hsconf and a missing private.key without failing the discovery', async () => {
    const installDir = installTree('oracle.hsconf', null);
    fs.appendFileSync(path.join(installDir, 'server.hsconf'), '<oops');
    const discovery = await discoverOutSystems(
      { ...windows, installDir },
      envFor(windowsMachine(installDir)),
    );
    expect(discovery.installDirSource).toBe('option');
    expect(discovery.hsconf).toMatchObject({
      state: 'invalid',
      problem: expect.stringMatching(/not well-formed XML/),
    });
    expect(discovery.privateKey).toMatchObject({
      state: 'missing',
      problem: expect.stringMatching(/Copy private.key from the deployment controller/),
    });
  });

  it('reads Oracle settings: TNS names, plaintext values and automatic OutgoingIPAddress', async () => {
    const installDir = installTree('oracle.hsconf');
    const discovery = await discoverOutSystems(
      { ...windows, installDir },
      envFor(windowsMachine(installDir)),
    );
    expect(discovery.provider).toBe('Oracle');
    expect(discovery.outgoingIpOnThisMachine).toBe('automatic');
    expect(discovery.databases.find((database) => database.role === 'log-admin')).toMatchObject({
      server: 'OSLOG_TNS',
      password: 'decrypted',
    });
    expect(discovery.databases.find((database) => database.role === 'platform-admin')).toMatchObject({
      server: 'orascan.corp.example:1521:OSPROD',
    });
    expect(discovery.databases.find((database) => database.role === 'session')).toMatchObject({
      password: 'plaintext',
    });
  });
});

describe('breakglass discover outsystems', () => {
  async function run(args: string[], exec: ScriptedExec) {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (chunk) => (out += chunk));
    stderr.on('data', (chunk) => (err += chunk));
    const io = { stdin: new PassThrough(), stdout, stderr, env: {}, cwd: scratch };
    const code = await discoverCommand(args, io, async (_system, options) =>
      buildOutSystemsDiscoveryReport(await discoverOutSystems({ ...windows, ...options }, envFor(exec))),
    );
    return { code, out, err };
  }

  it('prints the report as text or JSON, with no password in it', async () => {
    const installDir = installTree();
    const text = await run(['outsystems', '--install-dir', installDir], windowsMachine(installDir));
    expect(text.code).toBe(0);
    expect(text.out).toContain('OutSystems Platform Server');
    expect(text.out).toMatch(/ok {4}Server role: deployment controller/);
    const json = await run(
      ['outsystems', `--install-dir=${installDir}`, '--json'],
      windowsMachine(installDir),
    );
    expect(JSON.parse(json.out)).toMatchObject({
      system: 'outsystems',
      sections: expect.arrayContaining([expect.objectContaining({ title: 'Databases' })]),
    });
    for (const password of PASSWORDS) {
      expect(text.out).not.toContain(password);
      expect(json.out).not.toContain(password);
    }
  });

  it('refuses a missing system and unknown options with usage', async () => {
    const result = await run([], new ScriptedExec());
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/name the system to discover/);
    expect((await run(['outsystems', '--password', 'x'], new ScriptedExec())).err).toMatch(
      /unknown option --password/,
    );
  });
});
