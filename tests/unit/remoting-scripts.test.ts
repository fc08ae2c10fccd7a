import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertNoSecretOnArgv } from '../../src/main/platform/exec/argv-guard.js';
import type { ExecResult } from '../../src/main/platform/exec/types.js';
import { remotingFailureKind, RemotingError } from '../../src/main/platform/remoting/errors.js';
import {
  decodeCommand,
  decodeParameters,
  encodeCommand,
  POWERSHELL_ARGS,
  powershellRequest,
  readResult,
} from '../../src/main/platform/remoting/invoke.js';
import { parseAddressesJson } from '../../src/main/platform/remoting/remote-host.js';
import {
  ADDRESSES_SCRIPT,
  COPY_FROM_SCRIPT,
  COPY_TO_SCRIPT,
  DATABASE_LOGIN_SCRIPT,
  PROBE_SCRIPT,
  REMOTING_SCRIPTS,
  RUN_SCRIPT,
  SERVICE_SCRIPTS,
  type RemotingOperation,
} from '../../src/main/platform/remoting/scripts.js';
import { MASK, Redactor } from '../../src/shared/redact.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/powershell');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
const output = (stdout: string, stderr = '', exitCode = 0): ExecResult => ({
  exitCode,
  signal: null,
  stdout,
  stderr,
  timedOut: false,
  durationMs: 5,
});

function failure(stdout: string, stderr = '', secrets: string[] = []): RemotingError {
  try {
    readResult(output(stdout, stderr), 'fe01', new Redactor(secrets));
  } catch (error) {
    if (error instanceof RemotingError) return error;
    throw error;
  }
  throw new Error('expected a RemotingError');
}

const PASSWORD = `Pa'ss"w0rd; $(Remove-Item C:\\ -Recurse) \`é`;
const HOSTILE_NAME = `fe01';$(Stop-Computer)#`;
const HOSTILE_PATH = `C:\\Program Files\\OutSystems\\Platform Server\\x'; Remove-Item -Recurse C:\\ ;'.hsconf`;

describe('remoting scripts and their command lines', () => {
  it('spawns powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand <the constant script>', () => {
    for (const [operation, script] of Object.entries(REMOTING_SCRIPTS)) {
      const request = powershellRequest(operation as RemotingOperation, {}, { computerName: 'fe01' });
      expect(request.program).toBe('powershell.exe');
      expect(request.args).toEqual([
        '-NoProfile',
        '-NonInteractive',
        '-ExecutionPolicy',
        'Bypass',
        '-EncodedCommand',
        encodeCommand(script),
      ]);
      // UTF-16LE, as -EncodedCommand requires.
      expect(Buffer.from(request.args[5] ?? '', 'base64').subarray(0, 4)).toEqual(
        Buffer.from('$E', 'utf16le'),
      );
      expect(decodeCommand(request.args[5] ?? '')).toBe(script);
    }
  });

  it('keeps hostile names, paths and the password out of argv and script: they travel as data on stdin', () => {
    const benign = powershellRequest(
      'database-login',
      { connection: { password: 'x' } },
      { computerName: 'fe01' },
    );
    const hostile = powershellRequest(
      'database-login',
      { connection: { password: PASSWORD, host: HOSTILE_NAME } },
      { computerName: HOSTILE_NAME, secrets: [PASSWORD] },
    );
    expect(hostile.args).toEqual(benign.args);
    expect(hostile.secrets).toEqual([PASSWORD]);
    expect(() => assertNoSecretOnArgv(hostile)).not.toThrow();
    for (const arg of hostile.args) {
      expect(arg).not.toContain(PASSWORD);
      expect(decodeCommand(arg)).not.toContain(PASSWORD);
    }
    expect(DATABASE_LOGIN_SCRIPT).not.toContain(PASSWORD);
    // stdin is ASCII (base64), whatever the console code page; decoded, it is the data as given.
    expect(hostile.stdin).toMatch(/^[A-Za-z0-9+/=]+\n$/);
    expect(decodeParameters(hostile.stdin ?? '')).toEqual({
      computerName: HOSTILE_NAME,
      connection: { password: PASSWORD, host: HOSTILE_NAME },
    });
    const copy = powershellRequest(
      'copy-to',
      { localPath: '/tmp/x', remotePath: HOSTILE_PATH },
      { computerName: 'fe01' },
    );
    expect(copy.args).toEqual(powershellRequest('copy-to', {}, { computerName: 'fe01' }).args);
  });

  it('opens sessions by computer name with Windows doing authentication, never weakening WinRM', () => {
    for (const script of Object.values(REMOTING_SCRIPTS)) {
      expect(script).toContain('$s = New-PSSession -ComputerName $p.computerName\n');
      expect(script).toContain('Remove-PSSession -Session $s');
      expect(script).toContain(
        'Write-Result @{ ok = $false; error = @{ fullyQualifiedErrorId = [string]$_.FullyQualifiedErrorId; message = [string]$_.Exception.Message } }',
      );
      for (const forbidden of [
        'TrustedHosts',
        'AllowUnencrypted',
        '-Credential',
        '-Authentication',
        'Set-Item WSMan',
        'Invoke-Expression',
        'ConvertTo-SecureString',
      ])
        expect(script).not.toContain(forbidden);
      // Parameters only through $p (from stdin), never spliced into the text.
      expect(script).toContain('[Console]::In.ReadToEnd()');
    }
  });

  it('has the documented operations in their exact form', () => {
    expect(PROBE_SCRIPT).toContain(
      'Write-Result @{ ok = $true; state = [string]$s.State; availability = [string]$s.Availability }',
    );
    expect(COPY_TO_SCRIPT).toContain(
      'Copy-Item -LiteralPath $p.localPath -Destination $partial -ToSession $s',
    );
    expect(COPY_TO_SCRIPT).toContain('New-Item -ItemType Directory -Path $parent -Force');
    expect(COPY_TO_SCRIPT.indexOf('New-Item -ItemType Directory')).toBeLessThan(
      COPY_TO_SCRIPT.indexOf('Copy-Item'),
    );
    expect(COPY_FROM_SCRIPT).toContain(
      'Copy-Item -FromSession $s -LiteralPath $p.remotePath -Destination $p.localPath',
    );
    expect(RUN_SCRIPT).toContain('exitCode = $LASTEXITCODE');
    expect(RUN_SCRIPT).toContain(
      'Invoke-Command -Session $s -ArgumentList $p.program, @($p.args), $p.cwd, @($p.env), $p.stdin',
    );
    expect(ADDRESSES_SCRIPT).toContain(
      "@(Get-NetIPAddress -AddressFamily IPv4 | Where-Object AddressState -eq 'Preferred' | ForEach-Object { $_.IPAddress }) | ConvertTo-Json -Compress",
    );
    expect(DATABASE_LOGIN_SCRIPT).toContain('New-Object System.Data.SqlClient.SqlConnectionStringBuilder');
    expect(DATABASE_LOGIN_SCRIPT).toContain("$builder['Password'] = [string]$Connection.password");
    for (const [operation, script] of Object.entries(SERVICE_SCRIPTS)) {
      expect(script).toContain(`-ArgumentList '${operation}', $p.name, $p.timeoutMs`);
      expect(script).toContain('WaitForStatus');
    }
    expect(new Set(Object.values(REMOTING_SCRIPTS)).size).toBe(Object.keys(REMOTING_SCRIPTS).length);
    expect(POWERSHELL_ARGS).toHaveLength(5);
  });
});

describe('reading what powershell.exe printed', () => {
  const cases: Array<[string, RemotingError['kind']]> = [
    ['access-denied.stdout.txt', 'access-denied'],
    ['access-denied-stop-preference.stdout.txt', 'access-denied'],
    ['ip-address.stdout.txt', 'kerberos'],
    ['kerberos-logon-session.stdout.txt', 'kerberos'],
    ['trusted-hosts.stdout.txt', 'kerberos'],
    ['refused.stdout.txt', 'refused'],
    ['client-cannot-connect.stdout.txt', 'unreachable'],
    ['unreachable-winrm.stdout.txt', 'unreachable'],
    ['operation-timeout.stdout.txt', 'timeout'],
    ['remote-directory-not-found.stdout.txt', 'remote-folder-missing'],
  ];
  it.each(cases)('%s is %s, with a fix an admin can act on', (file, kind) => {
    const error = failure(fixture(file));
    expect(error.kind).toBe(kind);
    expect(error.computerName).toBe('fe01');
    expect(error.fix.length).toBeGreaterThan(20);
    expect(error.message).toContain(error.fix);
  });

  it('classifies the real console error block (wrapped at the console width) by its FullyQualifiedErrorId', () => {
    const error = failure('', fixture('access-denied-console.stderr.txt'));
    expect(error.kind).toBe('access-denied');
    expect(error.raw).toContain('(AccessDenied,PSSessionOpenFailed)');
    expect(error.raw).toContain(
      'Access is denied. For more information, see the about_Remote_Troubleshooting Help topic.',
    );
  });

  it('sends the admin of an unreachable front-end or a second hop to the farm bundle', () => {
    expect(failure(fixture('unreachable-winrm.stdout.txt')).fix).toMatch(
      /use the farm bundle on that server/,
    );
    const secondHop = fixture('second-hop-login.stdout.txt');
    const record = readResult(output(secondHop), 'fe01');
    expect(record.message).toBe("Login failed for user 'NT AUTHORITY\\ANONYMOUS LOGON'.");
    expect(remotingFailureKind({ message: String(record.message) })).toBe('second-hop');
  });

  it('fails loudly on any other shape, with the raw text redacted', () => {
    const error = failure(`Something else entirely ${PASSWORD}\r\n`, 'and a stderr line', [PASSWORD]);
    expect(error.kind).toBe('unknown');
    expect(error.raw).toContain('Something else entirely');
    expect(error.raw).toContain(MASK);
    expect(error.message).not.toContain(PASSWORD);
    const record = failure(
      'BREAKGLASS-RESULT {"ok":false,"error":{"message":"The term \'x\' is not recognized"}}',
    );
    expect(record.kind).toBe('unknown');
    expect(record.message).toContain("The term 'x' is not recognized");
    expect(failure('BREAKGLASS-RESULT not json').kind).toBe('unknown');
  });

  it('turns a killed powershell.exe into a timeout', () => {
    expect(() => readResult({ ...output(''), timedOut: true }, 'fe01')).toThrow(
      expect.objectContaining({ kind: 'timeout' }),
    );
  });

  it('reads 5.1 ConvertTo-Json addresses: a string for one, an array for several, nothing for none', () => {
    const addresses = (file: string): string[] =>
      parseAddressesJson(String(readResult(output(fixture(file)), 'fe01').addresses), 'fe01');
    expect(addresses('addresses-one.stdout.txt')).toEqual(['10.0.0.21']);
    expect(addresses('addresses-several.stdout.txt')).toEqual(['10.0.0.21', '192.168.7.4']);
    expect(addresses('addresses-none.stdout.txt')).toEqual([]);
    expect(() => parseAddressesJson('{"IPAddress":"10.0.0.21"}', 'fe01')).toThrow(
      expect.objectContaining({ kind: 'unknown' }),
    );
    expect(readResult(output(fixture('probe-opened.stdout.txt')), 'fe01')).toEqual({
      ok: true,
      state: 'Opened',
      availability: 'Available',
    });
  });
});
