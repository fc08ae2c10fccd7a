/**
 * The practice sandbox's powershell.exe: it runs exactly the remoting scripts of scripts.ts (the
 * -EncodedCommand decoded and compared with them; anything else is refused), carries each out
 * against the simulated machine it names, and answers with the result line the real script prints,
 * so the same parser reads both. Failures use the documented texts (outsystems-farm-formats.md §5).
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { classifyConnectionError } from '../db/classify.js';
import type { DbSettings, Dialect } from '../db/types.js';
import type { ExecRequest, ExecResult } from '../exec/types.js';
import { UnreadableFileError } from '../files/read-regular-file.js';
import type { HostAccess } from '../hosts/types.js';
import { ServiceControlError } from '../services/control-errors.js';
import type { ServiceStatus } from '../services/types.js';
import type { PowerShellErrorRecord } from './errors.js';
import { decodeCommand, decodeParameters, formatResultLine, POWERSHELL_ARGS } from './invoke.js';
import { REMOTING_SCRIPTS, type RemotingOperation } from './scripts.js';

export interface SimulatedPowerShellOptions {
  resolveHost: (computerName: string) => HostAccess | undefined;
  faults?: (computerName: string) => { unreachable?: boolean; secondHop?: boolean } | undefined;
  /** A realistic per-call delay (session setup), for the fan-out measurements. */
  delayMs?: number;
}

/** The WinRM text for a machine that does not answer, in New-PSSession's shape (REAL, §5 "Unreachable"). */
export function unreachableMessage(computerName: string): string {
  return (
    `[${computerName}] Connecting to remote server ${computerName} failed with the following error message : ` +
    'WinRM cannot complete the operation. Verify that the specified computer name is valid, that the computer is accessible over the network, ' +
    'and that a firewall exception for the WinRM service is enabled and allows access from this computer. ' +
    'By default, the WinRM firewall exception for public profiles limits access to remote computers within the same local subnet. ' +
    'For more information, see the about_Remote_Troubleshooting Help topic.'
  );
}

/** What SqlClient says for Windows authentication from a remote session (§5 "Second hop"). */
export const SECOND_HOP_LOGIN_MESSAGE = "Login failed for user 'NT AUTHORITY\\ANONYMOUS LOGON'.";

const OPERATIONS = new Map<string, RemotingOperation>(
  Object.entries(REMOTING_SCRIPTS).map(([operation, script]) => [script, operation as RemotingOperation]),
);

export function simulatedPowerShell(
  options: SimulatedPowerShellOptions,
): (request: ExecRequest) => Promise<ExecResult> {
  return async (request) => {
    const started = Date.now();
    const answer = (stdout: string, exitCode = 0, stderr = ''): ExecResult => ({
      exitCode,
      signal: null,
      stdout,
      stderr,
      timedOut: false,
      durationMs: Date.now() - started,
    });
    const operation = recognise(request);
    if (operation === undefined)
      return answer(
        '',
        1,
        "The practice sandbox's PowerShell runs only Breakglass's remoting scripts (platform/remoting/scripts.ts); it refused this command.\r\n",
      );
    const parameters = readParameters(request.stdin);
    if (!parameters) return answer('', 1, 'The script could not read its parameters from stdin.\r\n');
    if (options.delayMs) await sleep(options.delayMs);
    const computerName = parameters.computerName;
    const host = options.resolveHost(computerName);
    const faults = options.faults?.(computerName) ?? {};
    if (!host || faults.unreachable)
      return answer(
        `${formatResultLine({ ok: false, error: { message: unreachableMessage(computerName) } })}\r\n`,
      );
    try {
      const record = await carryOut(operation, parameters, host, faults.secondHop === true, request);
      return answer(`${formatResultLine({ ok: true, ...record })}\r\n`);
    } catch (error) {
      const record = errorRecord(error);
      return answer(`${formatResultLine({ ok: false, error: record })}\r\n`);
    }
  };
}

function recognise(request: ExecRequest): RemotingOperation | undefined {
  const prefix = request.args.slice(0, POWERSHELL_ARGS.length);
  if (request.args.length !== POWERSHELL_ARGS.length + 1) return undefined;
  if (prefix.some((arg, index) => arg !== POWERSHELL_ARGS[index])) return undefined;
  return OPERATIONS.get(decodeCommand(request.args[POWERSHELL_ARGS.length] ?? ''));
}

type Parameters = Record<string, unknown> & { computerName: string };

function readParameters(stdin: string | undefined): Parameters | undefined {
  try {
    const value = decodeParameters(stdin ?? '');
    if (value && typeof value === 'object' && typeof (value as Parameters).computerName === 'string')
      return value as Parameters;
  } catch {
    // Not base64 JSON: the real script would fail the same way, before any session.
  }
  return undefined;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

async function carryOut(
  operation: RemotingOperation,
  parameters: Parameters,
  host: HostAccess,
  secondHopFails: boolean,
  request: ExecRequest,
): Promise<Record<string, unknown>> {
  switch (operation) {
    case 'probe':
      return { state: 'Opened', availability: 'Available' };
    case 'copy-to': {
      const bytes = await fsp.readFile(text(parameters.localPath));
      const remotePath = text(parameters.remotePath);
      try {
        await host.files.write(remotePath, bytes, { mode: 0o600 });
      } catch (error) {
        // The simulated machine's HostAccess creates no folders: a missing one fails as Copy-Item does.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT')
          throw new ErrorRecordThrown({
            fullyQualifiedErrorId: 'RemoteDirectoryNotFound,Microsoft.PowerShell.Commands.CopyItemCommand',
            message: `Destination folder '${path.win32.dirname(remotePath)}' does not exist.`,
          });
        throw error;
      }
      return {};
    }
    case 'copy-from':
      return copyFrom(
        host,
        text(parameters.remotePath),
        text(parameters.localPath),
        Number(parameters.maxBytes),
      );
    case 'run': {
      const env = Array.isArray(parameters.env)
        ? (parameters.env as Array<{ name: string; value: string }>)
        : [];
      const result = await host.exec.run({
        program: text(parameters.program),
        args: Array.isArray(parameters.args) ? parameters.args.map(String) : [],
        ...(typeof parameters.cwd === 'string' ? { cwd: parameters.cwd } : {}),
        ...(env.length > 0 ? { env: Object.fromEntries(env.map((entry) => [entry.name, entry.value])) } : {}),
        ...(typeof parameters.stdin === 'string' ? { stdin: parameters.stdin } : {}),
        ...(request.secrets ? { secrets: request.secrets } : {}),
      });
      return { started: true, exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
    }
    case 'service-list':
      return { services: (await host.services.list(text(parameters.name))).map(serviceRecord) };
    case 'service-status':
    case 'service-stop':
    case 'service-start':
      return serviceOperation(host, operation, text(parameters.name), Number(parameters.timeoutMs));
    case 'addresses':
      return { addresses: convertToJson51(await host.addresses()) };
    case 'database-login':
      return databaseLogin(host, parameters.connection as Record<string, unknown>, secondHopFails);
  }
}

async function copyFrom(
  host: HostAccess,
  remotePath: string,
  localPath: string,
  maxBytes: number,
): Promise<Record<string, unknown>> {
  try {
    const bytes = await host.files.read(remotePath, maxBytes);
    if (bytes === undefined) return { found: 'missing' };
    await fsp.writeFile(localPath, bytes, { mode: 0o600, flag: 'wx' });
    return { found: 'file' };
  } catch (error) {
    if (error instanceof UnreadableFileError && (error.reason === 'folder' || error.reason === 'too-large'))
      return { found: error.reason };
    throw error;
  }
}

const STATUS_NAMES = {
  running: 'Running',
  stopped: 'Stopped',
  'start-pending': 'StartPending',
  'stop-pending': 'StopPending',
  paused: 'Paused',
} as const;
const START_TYPE_NAMES = { auto: 'Automatic', manual: 'Manual', disabled: 'Disabled' } as const;

function serviceRecord(status: ServiceStatus): Record<string, string> {
  return {
    name: status.name,
    displayName: status.displayName ?? '',
    status: status.state in STATUS_NAMES ? STATUS_NAMES[status.state as keyof typeof STATUS_NAMES] : '',
    startType:
      status.startType && status.startType in START_TYPE_NAMES
        ? START_TYPE_NAMES[status.startType as keyof typeof START_TYPE_NAMES]
        : '',
  };
}

async function serviceOperation(
  host: HostAccess,
  operation: 'service-status' | 'service-stop' | 'service-start',
  name: string,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  try {
    if (operation === 'service-stop') await host.services.stop(name, { timeoutMs });
    if (operation === 'service-start') await host.services.start(name, { timeoutMs });
    const status = await host.services.status(name);
    if (status.state === 'missing') return { failure: 'missing' };
    return { service: serviceRecord(status) };
  } catch (error) {
    if (error instanceof ServiceControlError) return { failure: error.failure, message: error.message };
    throw error;
  }
}

/** `@(...) | ConvertTo-Json -Compress` in 5.1: nothing for none, a string for one, an array for more. */
function convertToJson51(addresses: string[]): string {
  if (addresses.length === 0) return '';
  return JSON.stringify(addresses.length === 1 ? addresses[0] : addresses);
}

async function databaseLogin(
  host: HostAccess,
  connection: Record<string, unknown>,
  secondHopFails: boolean,
): Promise<Record<string, unknown>> {
  if (connection.dialect !== 'mssql')
    return { supported: false, connected: false, serverVersion: '', message: '' };
  if (secondHopFails)
    return {
      supported: true,
      connected: false,
      serverVersion: '',
      number: 18456,
      message: SECOND_HOP_LOGIN_MESSAGE,
    };
  const integrated = connection.integratedSecurity === true;
  const settings: DbSettings = {
    dialect: connection.dialect as Dialect,
    host: text(connection.host),
    ...(typeof connection.port === 'number' ? { port: connection.port } : {}),
    ...(typeof connection.instance === 'string' ? { instance: connection.instance } : {}),
    ...(typeof connection.database === 'string' ? { database: connection.database } : {}),
    authentication: integrated ? 'windows-ntlm' : 'sql',
    user: text(connection.user),
    password: text(connection.password),
    tls: {
      enabled: connection.encrypt === true,
      trustServerCertificate: connection.trustServerCertificate === true,
    },
    connectTimeoutMs: Number(connection.connectTimeoutSeconds) * 1000,
  };
  try {
    await host.testDatabaseLogin(settings);
    return { supported: true, connected: true, serverVersion: '', message: '' };
  } catch (error) {
    const classified = classifyConnectionError(error, settings);
    // SqlClient's own text for a refused login (what the real script passes back), else the classified words.
    return classified.kind === 'login-failed'
      ? {
          supported: true,
          connected: false,
          serverVersion: '',
          number: 18456,
          message: `Login failed for user '${settings.user}'.`,
        }
      : { supported: true, connected: false, serverVersion: '', message: classified.message };
  }
}

class ErrorRecordThrown extends Error {
  constructor(readonly record: PowerShellErrorRecord) {
    super(record.message);
  }
}

function errorRecord(error: unknown): PowerShellErrorRecord {
  if (error instanceof ErrorRecordThrown) return error.record;
  return { message: error instanceof Error ? error.message : String(error) };
}
