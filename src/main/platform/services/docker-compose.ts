import fs from 'node:fs';
import path from 'node:path';
import type { Exec, ExecResult } from '../exec/types.js';
import { ServiceControlError } from './control-errors.js';
import type { ServiceControlOptions, ServiceController, ServiceState, ServiceStatus } from './types.js';
import { DEFAULT_POLL_INTERVAL_MS, systemClock, waitForServiceState, type Clock } from './wait-for-state.js';

const DOCKER = 'docker';
const DOCKER_TIMEOUT_MS = 5 * 60_000;
/** The names `docker compose` looks for, in its own order of preference. */
const DEFAULT_COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

const STATE_BY_CONTAINER_STATE: Record<string, ServiceState> = {
  running: 'running',
  restarting: 'start-pending',
  created: 'stopped',
  exited: 'stopped',
  dead: 'stopped',
  paused: 'paused',
  removing: 'stop-pending',
};

export interface DockerComposeServiceControllerOptions {
  projectDir: string;
  /** Relative to projectDir; default: the first of compose.yaml, compose.yml, docker-compose.yaml, docker-compose.yml found there. */
  composeFile?: string;
  clock?: Clock;
  pollIntervalMs?: number;
}

interface ComposeContainer {
  Service?: string;
  State?: string;
  Name?: string;
}

/** The services of one compose project, through `docker compose -f <file> ps|stop|start` run in the project folder. */
export class DockerComposeServiceController implements ServiceController {
  private readonly clock: Clock;
  private readonly pollIntervalMs: number;

  constructor(
    private readonly exec: Exec,
    private readonly options: DockerComposeServiceControllerOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  }

  async list(prefix: string): Promise<ServiceStatus[]> {
    const containers = await this.ps();
    const services = [...new Set(containers.map((container) => container.Service ?? ''))].filter(
      (service) => service && service.toLowerCase().startsWith(prefix.toLowerCase()),
    );
    return services.map((service) => statusOf(service, containers));
  }

  async status(name: string): Promise<ServiceStatus> {
    return statusOf(name, await this.ps());
  }

  async stop(name: string, options: ServiceControlOptions = {}): Promise<void> {
    await this.control('stop', name, options);
    await waitForServiceState(name, 'stopped', () => this.status(name), this.waitOptions(options));
  }

  async start(name: string, options: ServiceControlOptions = {}): Promise<void> {
    await this.control('start', name, options);
    await waitForServiceState(name, 'running', () => this.status(name), this.waitOptions(options));
  }

  private async control(verb: 'stop' | 'start', name: string, options: ServiceControlOptions): Promise<void> {
    options.onProgress?.(`docker compose ${verb} ${name}`);
    const result = await this.compose([verb, name], options.timeoutMs);
    if (result.exitCode !== 0) throw this.failure(name, result, verb);
  }

  private async ps(): Promise<ComposeContainer[]> {
    const result = await this.compose(['ps', '--all', '--format', 'json']);
    if (result.exitCode !== 0) throw this.failure('(project)', result, 'list the services of');
    return parseComposePs(result.stdout);
  }

  private compose(args: string[], timeoutMs = DOCKER_TIMEOUT_MS): Promise<ExecResult> {
    return this.exec.run({
      program: DOCKER,
      args: ['compose', '-f', this.composeFile(), ...args],
      cwd: this.options.projectDir,
      timeoutMs,
    });
  }

  private composeFile(): string {
    if (this.options.composeFile) return this.options.composeFile;
    const found = DEFAULT_COMPOSE_FILES.find((name) =>
      fs.existsSync(path.join(this.options.projectDir, name)),
    );
    if (!found) {
      throw new ServiceControlError(
        '(project)',
        'missing',
        `No compose file in ${this.options.projectDir} (looked for ${DEFAULT_COMPOSE_FILES.join(', ')}). Point Breakglass at the folder that holds it.`,
      );
    }
    return found;
  }

  private waitOptions(options: ServiceControlOptions) {
    return { ...options, clock: this.clock, pollIntervalMs: this.pollIntervalMs };
  }

  private failure(name: string, result: ExecResult, action: string): ServiceControlError {
    const message = `${result.stderr}\n${result.stdout}`.trim();
    const first =
      message
        .split(/\r?\n/)
        .find((line) => line.trim())
        ?.trim() ?? '';
    if (result.timedOut)
      return new ServiceControlError(
        name,
        'timeout',
        `docker compose ${action} ${name} did not finish in time.`,
      );
    if (/permission denied/i.test(message)) {
      return new ServiceControlError(
        name,
        'access-denied',
        `Docker refused access (${first}). Run Breakglass as root or as a member of the docker group.`,
      );
    }
    if (/no such service/i.test(message)) {
      return new ServiceControlError(
        name,
        'missing',
        `The compose project has no service named ${name}. Check the names with "docker compose ps --all".`,
      );
    }
    return new ServiceControlError(
      name,
      'failed',
      `docker compose ${action} ${name} failed (exit code ${result.exitCode}): ${first}`,
    );
  }
}

/**
 * `docker compose ps --format json` prints a JSON array (Compose before 2.21) or one JSON object
 * per line (2.21 and later); both are read.
 */
export function parseComposePs(stdout: string): ComposeContainer[] {
  const text = stdout.trim();
  if (!text) return [];
  if (text.startsWith('[')) return JSON.parse(text) as ComposeContainer[];
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as ComposeContainer);
}

function statusOf(service: string, containers: ComposeContainer[]): ServiceStatus {
  const states = containers
    .filter((container) => container.Service === service)
    .map((container) => STATE_BY_CONTAINER_STATE[(container.State ?? '').toLowerCase()] ?? 'unknown');
  if (states.length === 0) return { name: service, state: 'missing' };
  // With replicas, the service is only as far along as its slowest container.
  const state = states.find((candidate) => candidate !== 'running') ?? 'running';
  return { name: service, state, startType: 'unknown' };
}
