import type { Exec, ExecResult } from '../exec/types.js';
import { ServiceControlError } from './control-errors.js';
import type {
  ServiceControlOptions,
  ServiceController,
  ServiceStartType,
  ServiceState,
  ServiceStatus,
} from './types.js';
import { DEFAULT_POLL_INTERVAL_MS, systemClock, waitForServiceState, type Clock } from './wait-for-state.js';

const SYSTEMCTL = 'systemctl';
const SYSTEMCTL_TIMEOUT_MS = 5 * 60_000;
/** systemctl's LSB exit code for "unit not loaded / no such unit". */
const EXIT_UNIT_NOT_FOUND = 5;

const STATE_BY_ACTIVE_STATE: Record<string, ServiceState> = {
  active: 'running',
  reloading: 'running',
  inactive: 'stopped',
  failed: 'stopped',
  activating: 'start-pending',
  deactivating: 'stop-pending',
};

const START_TYPE_BY_UNIT_FILE_STATE: Record<string, ServiceStartType> = {
  enabled: 'auto',
  'enabled-runtime': 'auto',
  linked: 'manual',
  static: 'manual',
  indirect: 'manual',
  disabled: 'manual',
  generated: 'auto',
  masked: 'disabled',
  'masked-runtime': 'disabled',
};

export interface SystemdServiceControllerOptions {
  clock?: Clock;
  pollIntervalMs?: number;
}

/** systemd units through systemctl (`stop`/`start` wait for their job; the state is then polled to be sure). */
export class SystemdServiceController implements ServiceController {
  private readonly clock: Clock;
  private readonly pollIntervalMs: number;

  constructor(
    private readonly exec: Exec,
    options: SystemdServiceControllerOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  }

  async list(prefix: string): Promise<ServiceStatus[]> {
    const result = await this.systemctl([
      'list-units',
      '--type=service',
      '--all',
      '--no-legend',
      '--plain',
      '--no-pager',
      `${prefix}*`,
    ]);
    if (result.exitCode !== 0) throw this.failure(`${prefix}*`, result, 'list');
    const units = result.stdout
      .split(/\r?\n/)
      .map((line) => line.trim().split(/\s+/))
      .filter((columns) => columns.length >= 4 && columns[1] !== 'not-found')
      .map((columns) => columns[0] as string);
    const statuses: ServiceStatus[] = [];
    for (const unit of units) statuses.push(await this.status(unit));
    return statuses;
  }

  async status(name: string): Promise<ServiceStatus> {
    const result = await this.systemctl([
      'show',
      '--property=LoadState,ActiveState,UnitFileState,Description',
      '--no-pager',
      name,
    ]);
    if (result.exitCode !== 0) throw this.failure(name, result, 'query');
    const properties = new Map<string, string>();
    for (const line of result.stdout.split(/\r?\n/)) {
      const separator = line.indexOf('=');
      if (separator > 0) properties.set(line.slice(0, separator), line.slice(separator + 1).trim());
    }
    if (properties.get('LoadState') === 'not-found') return { name, state: 'missing' };
    return {
      name,
      displayName: properties.get('Description') || undefined,
      state: STATE_BY_ACTIVE_STATE[properties.get('ActiveState') ?? ''] ?? 'unknown',
      startType: START_TYPE_BY_UNIT_FILE_STATE[properties.get('UnitFileState') ?? ''] ?? 'unknown',
    };
  }

  async stop(name: string, options: ServiceControlOptions = {}): Promise<void> {
    await this.control('stop', name, options);
    await waitForServiceState(name, 'stopped', () => this.activeState(name), this.waitOptions(options));
  }

  async start(name: string, options: ServiceControlOptions = {}): Promise<void> {
    await this.control('start', name, options);
    await waitForServiceState(name, 'running', () => this.activeState(name), this.waitOptions(options));
  }

  private async control(verb: 'stop' | 'start', name: string, options: ServiceControlOptions): Promise<void> {
    options.onProgress?.(`systemctl ${verb} ${name}`);
    const result = await this.systemctl([verb, name], options.timeoutMs);
    if (result.exitCode !== 0) throw this.failure(name, result, verb);
  }

  private async activeState(name: string): Promise<ServiceStatus> {
    // is-active exits non-zero for every state but "active"; its stdout is the state either way.
    const result = await this.systemctl(['is-active', name]);
    const word = result.stdout.trim();
    return { name, state: STATE_BY_ACTIVE_STATE[word] ?? 'unknown' };
  }

  private systemctl(args: string[], timeoutMs = SYSTEMCTL_TIMEOUT_MS): Promise<ExecResult> {
    return this.exec.run({ program: SYSTEMCTL, args, timeoutMs });
  }

  private waitOptions(options: ServiceControlOptions) {
    return { ...options, clock: this.clock, pollIntervalMs: this.pollIntervalMs };
  }

  private failure(name: string, result: ExecResult, action: string): ServiceControlError {
    const message = `${result.stderr}\n${result.stdout}`.trim();
    if (result.timedOut)
      return new ServiceControlError(name, 'timeout', `systemctl ${action} ${name} did not finish in time.`);
    if (/access denied|interactive authentication required|permission denied/i.test(message)) {
      return new ServiceControlError(
        name,
        'access-denied',
        `Not allowed to ${action} ${name}: ${firstLine(message)} Run Breakglass as root (sudo).`,
      );
    }
    if (result.exitCode === EXIT_UNIT_NOT_FOUND || /not loaded|not found|does not exist/i.test(message)) {
      return new ServiceControlError(
        name,
        'missing',
        `There is no systemd unit named ${name}. Check the name with "systemctl list-units --type=service --all".`,
      );
    }
    return new ServiceControlError(
      name,
      'failed',
      `systemctl ${action} ${name} failed (exit code ${result.exitCode}): ${firstLine(message)} See "journalctl -u ${name}" for why.`,
    );
  }
}

function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .find((line) => line.trim())
      ?.trim() ?? ''
  );
}
