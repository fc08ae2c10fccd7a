import type { Exec, ExecResult } from '../exec/types.js';
import { ServiceControlError } from './control-errors.js';
import { parseScQuery, parseScQueryConfig, scFailureMessage } from './sc-output.js';
import type { ServiceControlOptions, ServiceController, ServiceStatus } from './types.js';
import { DEFAULT_POLL_INTERVAL_MS, systemClock, waitForServiceState, type Clock } from './wait-for-state.js';

const SC = 'sc.exe';
/** sc.exe exits with the Win32 error code of the call that failed. */
const ERROR_ACCESS_DENIED = 5;
const ERROR_DEPENDENT_SERVICES_RUNNING = 1051;
const ERROR_SERVICE_ALREADY_RUNNING = 1056;
const ERROR_SERVICE_DISABLED = 1058;
const ERROR_SERVICE_DOES_NOT_EXIST = 1060;
const ERROR_SERVICE_CANNOT_ACCEPT_CTRL = 1061;
const ERROR_SERVICE_NOT_ACTIVE = 1062;
const SC_TIMEOUT_MS = 30_000;

export interface WindowsServiceControllerOptions {
  clock?: Clock;
  pollIntervalMs?: number;
}

/** Windows services through sc.exe: query, qc, stop, start, then polling until the state is reached. */
export class WindowsServiceController implements ServiceController {
  private readonly clock: Clock;
  private readonly pollIntervalMs: number;

  constructor(
    private readonly exec: Exec,
    options: WindowsServiceControllerOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  }

  async list(prefix: string): Promise<ServiceStatus[]> {
    const result = await this.sc(['query', 'type=', 'service', 'state=', 'all']);
    if (result.exitCode !== 0) throw this.failure('(all services)', result, 'list services');
    const wanted = prefix.toLowerCase();
    const found = parseScQuery(result.stdout).filter((entry) => entry.name.toLowerCase().startsWith(wanted));
    const statuses: ServiceStatus[] = [];
    for (const entry of found) {
      const config = await this.queryConfig(entry.name);
      statuses.push({
        ...entry,
        displayName: entry.displayName ?? config.displayName,
        startType: config.startType,
      });
    }
    return statuses;
  }

  async status(name: string): Promise<ServiceStatus> {
    const status = await this.queryState(name);
    if (status.state === 'missing') return status;
    const config = await this.queryConfig(name);
    return { ...status, displayName: status.displayName ?? config.displayName, startType: config.startType };
  }

  async stop(name: string, options: ServiceControlOptions = {}): Promise<void> {
    const result = await this.sc(['stop', name]);
    if (result.exitCode === ERROR_SERVICE_NOT_ACTIVE) {
      options.onProgress?.(`"${name}" was already stopped`);
      return;
    }
    if (result.exitCode !== 0 && result.exitCode !== ERROR_SERVICE_CANNOT_ACCEPT_CTRL) {
      throw this.failure(name, result, 'stop');
    }
    options.onProgress?.(`Stopping "${name}"`);
    await waitForServiceState(name, 'stopped', () => this.queryState(name), this.waitOptions(options));
  }

  async start(name: string, options: ServiceControlOptions = {}): Promise<void> {
    const result = await this.sc(['start', name]);
    if (result.exitCode === ERROR_SERVICE_ALREADY_RUNNING) {
      options.onProgress?.(`"${name}" was already running`);
      return;
    }
    if (result.exitCode !== 0) throw this.failure(name, result, 'start');
    options.onProgress?.(`Starting "${name}"`);
    await waitForServiceState(name, 'running', () => this.queryState(name), this.waitOptions(options));
  }

  private async queryState(name: string): Promise<ServiceStatus> {
    const result = await this.sc(['query', name]);
    if (result.exitCode === ERROR_SERVICE_DOES_NOT_EXIST) return { name, state: 'missing' };
    if (result.exitCode !== 0) throw this.failure(name, result, 'query');
    const entry = parseScQuery(result.stdout)[0];
    if (!entry)
      throw new ServiceControlError(name, 'failed', `sc.exe query "${name}" printed no service status.`);
    return { name: entry.name, state: entry.state, displayName: entry.displayName };
  }

  private async queryConfig(name: string): Promise<ReturnType<typeof parseScQueryConfig>> {
    const result = await this.sc(['qc', name]);
    if (result.exitCode !== 0) throw this.failure(name, result, 'read the configuration of');
    return parseScQueryConfig(result.stdout);
  }

  private sc(args: string[]): Promise<ExecResult> {
    return this.exec.run({ program: SC, args, timeoutMs: SC_TIMEOUT_MS });
  }

  private waitOptions(options: ServiceControlOptions) {
    return { ...options, clock: this.clock, pollIntervalMs: this.pollIntervalMs };
  }

  private failure(name: string, result: ExecResult, action: string): ServiceControlError {
    if (result.timedOut) {
      return new ServiceControlError(
        name,
        'timeout',
        `sc.exe did not answer within ${SC_TIMEOUT_MS / 1000} s when asked to ${action} "${name}".`,
      );
    }
    switch (result.exitCode) {
      case ERROR_ACCESS_DENIED:
        return new ServiceControlError(
          name,
          'access-denied',
          `Access denied when trying to ${action} "${name}" (sc.exe error 5). Run Breakglass as administrator.`,
        );
      case ERROR_SERVICE_DOES_NOT_EXIST:
        return new ServiceControlError(
          name,
          'missing',
          `There is no service named "${name}" on this machine (sc.exe error 1060). Check the name in the Services console.`,
        );
      case ERROR_SERVICE_DISABLED:
        return new ServiceControlError(
          name,
          'disabled',
          `"${name}" is disabled (sc.exe error 1058). Set its start type to Automatic in the Services console if it should run on this server.`,
        );
      case ERROR_DEPENDENT_SERVICES_RUNNING:
        return new ServiceControlError(
          name,
          'failed',
          `"${name}" cannot stop while services that depend on it are running (sc.exe error 1051). Stop those first.`,
        );
      default:
        return new ServiceControlError(
          name,
          'failed',
          `Could not ${action} "${name}": sc.exe exited with ${result.exitCode}: ${scFailureMessage(result.stdout + result.stderr)}`,
        );
    }
  }
}
