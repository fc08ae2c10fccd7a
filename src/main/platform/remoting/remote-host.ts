/**
 * A front-end reached from the controller through PowerShell remoting, as a HostAccess: each call
 * spawns the controller's powershell.exe with one of the constant scripts (scripts.ts). Windows
 * does authentication and encryption; Breakglass holds no Windows password.
 */
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { Redactor } from '../../../shared/redact.js';
import { classifyConnectionError } from '../db/classify.js';
import type { ConnectionFailureKind, DbSettings } from '../db/types.js';
import { ExecStartError } from '../exec/child-process.js';
import type { Exec, ExecRequest, ExecResult } from '../exec/types.js';
import { readRegularFile, UnreadableFileError } from '../files/read-regular-file.js';
import type { HostAccess } from '../hosts/types.js';
import { ServiceControlError, type ServiceControlFailure } from '../services/control-errors.js';
import type {
  ServiceControlOptions,
  ServiceController,
  ServiceStartType,
  ServiceState,
  ServiceStatus,
} from '../services/types.js';
import { remotingError, remotingErrorOfKind, remotingFailureKind, RemotingError } from './errors.js';
import { runRemoting, type RemotingCall } from './invoke.js';
import type { RemotingOperation } from './scripts.js';

export const REACHED_BY_REMOTING = 'PowerShell remoting from this controller';
const DEFAULT_SERVICE_TIMEOUT_MS = 120_000;
/** Opening a session and copying take their own time on top of the work's. */
const SESSION_MARGIN_MS = 60_000;

export interface PowerShellRemoteHostOptions {
  exec: Exec;
  /** The front-end's computer name (as OSSYS_SERVER has it); Kerberos needs a name, not an IP address. */
  computerName: string;
  /** Default `powershell.exe` (Windows PowerShell 5.1, on every Windows Server). */
  powershell?: string;
}

export interface SessionProbe {
  state: string;
  availability: string;
}

/** A login test refused by the database, tested from the remote machine; `kind` as platform/db/classify.ts has it. */
export class RemoteDatabaseLoginError extends Error {
  constructor(
    readonly kind: ConnectionFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'RemoteDatabaseLoginError';
  }
}

export type PowerShellRemoteHost = HostAccess & {
  /** Opens a session and closes it again: "Opened"/"Available" when remoting works. */
  probe(): Promise<SessionProbe>;
};

export function powershellRemoteHost(options: PowerShellRemoteHostOptions): PowerShellRemoteHost {
  const computerName = checkedComputerName(options.computerName);
  const run = (
    operation: RemotingOperation,
    parameters: Record<string, unknown>,
    call: Omit<RemotingCall, 'computerName' | 'powershell'> = {},
  ): Promise<Record<string, unknown>> =>
    runRemoting(options.exec, operation, parameters, {
      computerName,
      ...(options.powershell !== undefined ? { powershell: options.powershell } : {}),
      ...call,
    });
  const parse = <T>(schema: z.ZodType<T>, record: Record<string, unknown>): T => {
    const parsed = schema.safeParse(record);
    if (parsed.success) return parsed.data;
    throw remotingErrorOfKind('unknown', computerName, JSON.stringify(record).slice(0, 2000));
  };

  return {
    name: computerName,
    reachedBy: REACHED_BY_REMOTING,
    exec: { run: (request) => runRemoteProgram(request, computerName, run, parse) },
    services: remoteServices(computerName, run, parse),
    files: {
      async read(filePath, maxBytes) {
        const remotePath = checkedRemotePath(filePath);
        return withLocalTemp(async (localPath) => {
          const { found } = parse(
            CopyFromResult,
            await run('copy-from', { remotePath, localPath, maxBytes }),
          );
          if (found === 'missing') return undefined;
          if (found !== 'file')
            throw new UnreadableFileError(
              filePath,
              found === 'folder' ? 'folder' : 'too-large',
              found === 'folder'
                ? `${filePath} on ${computerName} is a folder, not a file.`
                : `${filePath} on ${computerName} is larger than ${maxBytes} bytes.`,
            );
          return (await readRegularFile(localPath, maxBytes)).bytes;
        });
      },
      // Windows gives the copy the folder's ACL (a replaced file keeps its own), so `mode` has no remote meaning.
      async write(filePath, bytes) {
        const remotePath = checkedRemotePath(filePath);
        await withLocalTemp(async (localPath) => {
          await fsp.writeFile(localPath, bytes, { mode: 0o600, flag: 'wx' });
          parse(OkResult, await run('copy-to', { localPath, remotePath }));
        });
      },
    },
    async addresses() {
      const { addresses } = parse(AddressesResult, await run('addresses', {}));
      return parseAddressesJson(addresses, computerName);
    },
    testDatabaseLogin: (settings) => testRemoteLogin(settings, computerName, run, parse),
    async probe() {
      return parse(ProbeResult, await run('probe', {}));
    },
  };
}

type Run = (
  operation: RemotingOperation,
  parameters: Record<string, unknown>,
  call?: Omit<RemotingCall, 'computerName' | 'powershell'>,
) => Promise<Record<string, unknown>>;
type Parse = <T>(schema: z.ZodType<T>, record: Record<string, unknown>) => T;

const OkResult = z.object({ ok: z.literal(true) });
const ProbeResult = z.object({ state: z.string(), availability: z.string() });
const CopyFromResult = z.object({ found: z.enum(['missing', 'folder', 'too-large', 'file']) });
const AddressesResult = z.object({ addresses: z.string() });
const RunResult = z.object({
  started: z.boolean(),
  exitCode: z.number().int().nullable().optional(),
  stdout: z.string(),
  stderr: z.string(),
});
const RemoteService = z.object({
  name: z.string(),
  displayName: z.string(),
  status: z.string(),
  startType: z.string(),
});
const ServiceResult = z.object({
  services: z.array(RemoteService).optional(),
  service: RemoteService.optional(),
  failure: z.enum(['missing', 'access-denied', 'timeout', 'disabled', 'failed']).optional(),
  win32Error: z.number().int().nullable().optional(),
  message: z.string().optional(),
  dependents: z.array(z.string()).nullable().optional(),
});
const LoginResult = z.object({
  supported: z.boolean(),
  connected: z.boolean(),
  serverVersion: z.string(),
  number: z.number().int().nullable().optional(),
  message: z.string(),
});

/** A computer name stays data either way; these are refused because they cannot work (Kerberos needs a name). */
function checkedComputerName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > 255 || /\s/.test(trimmed) || hasControlCharacter(trimmed))
    throw new RemotingError(
      'unknown',
      name,
      `${JSON.stringify(name)} is not a computer name.`,
      'Give the front-end by its name as OSSYS_SERVER holds it (e.g. FE01 or fe01.corp.example).',
    );
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(trimmed) || trimmed.includes(':'))
    throw remotingErrorOfKind('kerberos', trimmed);
  return trimmed;
}

function checkedRemotePath(filePath: string): string {
  if (!path.win32.isAbsolute(filePath) && !path.posix.isAbsolute(filePath))
    throw new Error(
      `The remote path ${JSON.stringify(filePath)} is not absolute; give the server's full path.`,
    );
  if (hasControlCharacter(filePath))
    throw new Error(`The remote path ${JSON.stringify(filePath)} holds a control character.`);
  return filePath;
}

function hasControlCharacter(value: string): boolean {
  return [...value].some((character) => character.charCodeAt(0) < 0x20 || character.charCodeAt(0) === 0x7f);
}

/** A private folder (0700) for one copy, removed afterwards whatever happens. */
async function withLocalTemp<T>(work: (localPath: string) => Promise<T>): Promise<T> {
  const folder = await fsp.mkdtemp(path.join(os.tmpdir(), 'breakglass-remoting-'));
  try {
    return await work(path.join(folder, 'copy'));
  } finally {
    await fsp.rm(folder, { recursive: true, force: true });
  }
}

/** 5.1's ConvertTo-Json: one address as a string, several as an array, none as nothing. */
export function parseAddressesJson(json: string, computerName: string): string[] {
  if (json.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw remotingErrorOfKind('unknown', computerName, json.slice(0, 2000));
  }
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((entry): entry is string => typeof entry === 'string'))
    throw remotingErrorOfKind('unknown', computerName, json.slice(0, 2000));
  return list;
}

async function runRemoteProgram(
  request: ExecRequest,
  computerName: string,
  run: Run,
  parse: Parse,
): Promise<ExecResult> {
  if (request.terminal)
    throw new Error(
      `Programs that need a terminal cannot be run on ${computerName} through PowerShell remoting.`,
    );
  // Windows PowerShell 5.1 passes a native argument with a double quote unescaped and drops an empty one.
  const unsafe = request.args.findIndex((arg) => arg === '' || arg.includes('"'));
  if (unsafe >= 0)
    throw new Error(
      `Argument ${unsafe + 1} for ${request.program} on ${computerName} is empty or holds a double quote, which Windows PowerShell 5.1 does not pass on intact.`,
    );
  const started = Date.now();
  let record: Record<string, unknown>;
  try {
    record = await run(
      'run',
      {
        program: request.program,
        args: [...request.args],
        cwd: request.cwd ?? null,
        env: Object.entries(request.env ?? {}).map(([name, value]) => ({ name, value })),
        stdin: request.stdin ?? null,
      },
      {
        ...(request.secrets ? { secrets: request.secrets } : {}),
        ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs + SESSION_MARGIN_MS } : {}),
      },
    );
  } catch (error) {
    if (error instanceof RemotingError && error.kind === 'timeout' && request.timeoutMs !== undefined)
      return {
        exitCode: null,
        signal: null,
        stdout: '',
        stderr: '',
        timedOut: true,
        durationMs: Date.now() - started,
      };
    throw error;
  }
  const result = parse(RunResult, record);
  if (!result.started) throw new ExecStartError(request.program, `not found on ${computerName}`);
  const redactor = new Redactor(request.secrets ?? []);
  return {
    exitCode: result.exitCode ?? null,
    signal: null,
    stdout: redactor.redact(result.stdout),
    stderr: redactor.redact(result.stderr),
    timedOut: false,
    durationMs: Date.now() - started,
  };
}

const STATES: Record<string, ServiceState> = {
  Running: 'running',
  Stopped: 'stopped',
  StartPending: 'start-pending',
  StopPending: 'stop-pending',
  Paused: 'paused',
};
const START_TYPES: Record<string, ServiceStartType> = {
  Automatic: 'auto',
  Manual: 'manual',
  Disabled: 'disabled',
};

function toStatus(service: z.infer<typeof RemoteService>): ServiceStatus {
  return {
    name: service.name,
    ...(service.displayName ? { displayName: service.displayName } : {}),
    state: STATES[service.status] ?? 'unknown',
    startType: START_TYPES[service.startType] ?? 'unknown',
  };
}

function remoteServices(computerName: string, run: Run, parse: Parse): ServiceController {
  const call = async (
    operation: 'status' | 'stop' | 'start',
    name: string,
    options: ServiceControlOptions = {},
  ): Promise<ServiceStatus> => {
    const timeoutMs = options.timeoutMs ?? DEFAULT_SERVICE_TIMEOUT_MS;
    if (operation !== 'status')
      options.onProgress?.(
        `Waiting for ${name} to ${operation === 'stop' ? 'stop' : 'start'} on ${computerName}`,
      );
    const result = parse(
      ServiceResult,
      await run(`service-${operation}`, { name, timeoutMs }, { timeoutMs: timeoutMs + SESSION_MARGIN_MS }),
    );
    if (result.failure === 'missing' && operation === 'status') return { name, state: 'missing' };
    if (result.failure) throw serviceFailure(name, computerName, operation, result);
    if (!result.service) throw remotingErrorOfKind('unknown', computerName, JSON.stringify(result));
    return toStatus(result.service);
  };
  return {
    async list(prefix) {
      const result = parse(ServiceResult, await run('service-list', { name: prefix, timeoutMs: 0 }));
      return (result.services ?? []).map(toStatus);
    },
    status: (name) => call('status', name),
    async stop(name, options) {
      await call('stop', name, options);
    },
    async start(name, options) {
      await call('start', name, options);
    },
  };
}

function serviceFailure(
  name: string,
  computerName: string,
  operation: string,
  result: z.infer<typeof ServiceResult>,
): ServiceControlError {
  const failure = result.failure as ServiceControlFailure;
  const on = `"${name}" on ${computerName}`;
  const messages: Record<ServiceControlFailure, string> = {
    missing: `Service ${on} does not exist. Check the service name on that server.`,
    'access-denied': `Access is denied to ${operation} ${on}. Run Breakglass elevated as an administrator of that server.`,
    timeout: `Service ${on} did not ${operation} in time. Look at it in services.msc on that server, then try again.`,
    disabled: `Service ${on} is disabled. Set its startup type to Automatic on that server, then try again.`,
    failed:
      result.win32Error === 1051
        ? `Service ${on} cannot stop while services that depend on it run (${(result.dependents ?? []).join(', ')}). Stop those first.`
        : `Could not ${operation} ${on}: ${result.message || 'no reason given'}${result.win32Error ? ` (Windows error ${result.win32Error})` : ''}.`,
  };
  return new ServiceControlError(name, failure, messages[failure]);
}

async function testRemoteLogin(
  settings: DbSettings,
  computerName: string,
  run: Run,
  parse: Parse,
): Promise<void> {
  const integrated = settings.authentication === 'windows-ntlm';
  const connection = {
    dialect: settings.dialect,
    host: settings.host,
    port: settings.port ?? null,
    instance: settings.instance ?? null,
    database: settings.database ?? null,
    integratedSecurity: integrated,
    user: integrated ? null : settings.user,
    password: integrated ? null : settings.password,
    encrypt: settings.tls?.enabled ?? false,
    trustServerCertificate: settings.tls?.trustServerCertificate ?? false,
    connectTimeoutSeconds: Math.max(1, Math.ceil((settings.connectTimeoutMs ?? 15_000) / 1000)),
  };
  const result = parse(
    LoginResult,
    await run('database-login', { connection }, integrated ? {} : { secrets: [settings.password] }),
  );
  if (!result.supported)
    throw new Error(
      `Testing a database login from ${computerName} through PowerShell remoting covers SQL Server only; use the farm bundle on that server to test it there.`,
    );
  if (result.connected) return;
  const record = { message: result.message };
  if (remotingFailureKind(record) === 'second-hop')
    throw remotingError(record, computerName, new Redactor([settings.password]));
  const classified = classifyConnectionError(
    { ...record, ...(typeof result.number === 'number' ? { number: result.number } : {}) },
    settings,
  );
  throw new RemoteDatabaseLoginError(classified.kind, `${classified.message} (tested from ${computerName})`);
}
