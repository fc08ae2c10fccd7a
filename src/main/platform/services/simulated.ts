import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../files/atomic-write.js';
import { ServiceControlError } from './control-errors.js';
import type { ServiceController, ServiceControlOptions, ServiceStartType, ServiceStatus } from './types.js';

interface SimulatedService {
  displayName?: string;
  startType: Exclude<ServiceStartType, 'unknown'>;
  state: 'running' | 'stopped';
  /** Practice: `stop` fails as sc.exe does when other running services depend on it. */
  refusesToStop?: boolean;
}

/**
 * The practice sandbox's services: declared by each system's sandbox seed, kept in a JSON file so
 * that separate `breakglass` processes (a run, then its resume) see the same states.
 */
export class SimulatedServiceController implements ServiceController {
  constructor(private readonly stateFile: string) {}

  /** Declares a service (running) unless it already exists. */
  async define(
    name: string,
    options: { displayName?: string; startType?: SimulatedService['startType'] } = {},
  ): Promise<void> {
    const services = this.read();
    if (services[name]) return;
    services[name] = {
      displayName: options.displayName,
      startType: options.startType ?? 'auto',
      state: 'running',
    };
    await this.write(services);
  }

  /** Practice: makes the service refuse (or accept again) to stop, to rehearse that failure. */
  async setRefusesToStop(name: string, refuses: boolean): Promise<void> {
    const services = this.read();
    const service = services[name];
    if (!service) throw new Error(`Service "${name}" does not exist in the practice sandbox.`);
    service.refusesToStop = refuses || undefined;
    await this.write(services);
  }

  async list(prefix: string): Promise<ServiceStatus[]> {
    const wanted = prefix.toLowerCase();
    return Object.entries(this.read())
      .filter(([name]) => name.toLowerCase().startsWith(wanted))
      .map(([name, service]) => toStatus(name, service));
  }

  async status(name: string): Promise<ServiceStatus> {
    const service = this.read()[name];
    return service ? toStatus(name, service) : { name, state: 'missing' };
  }

  async stop(name: string, options: ServiceControlOptions = {}): Promise<void> {
    await this.setState(name, 'stopped', options);
  }

  async start(name: string, options: ServiceControlOptions = {}): Promise<void> {
    await this.setState(name, 'running', options);
  }

  private async setState(
    name: string,
    state: SimulatedService['state'],
    options: ServiceControlOptions,
  ): Promise<void> {
    const services = this.read();
    const service = services[name];
    if (!service)
      throw new ServiceControlError(
        name,
        'missing',
        `Service "${name}" does not exist in the practice sandbox. Reset the sandbox to recreate it.`,
      );
    if (service.state === state) return;
    if (state === 'stopped' && service.refusesToStop) {
      throw new ServiceControlError(
        name,
        'failed',
        `Service "${name}" did not stop: [SC] ControlService FAILED 1051: A stop control has been sent to a service that other running services are dependent on.`,
      );
    }
    if (state === 'running' && service.startType === 'disabled') {
      throw new ServiceControlError(
        name,
        'disabled',
        `Service "${name}" is disabled. Set its start type to manual or automatic, then retry.`,
      );
    }
    options.onProgress?.(`${state === 'running' ? 'Starting' : 'Stopping'} "${name}" (simulated)`);
    service.state = state;
    await this.write(services);
  }

  private read(): Record<string, SimulatedService> {
    try {
      return JSON.parse(fs.readFileSync(this.stateFile, 'utf8')) as Record<string, SimulatedService>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new Error(
        `The simulated services file ${this.stateFile} is unreadable (${(error as Error).message}). Reset the sandbox to recreate it.`,
      );
    }
  }

  private async write(services: Record<string, SimulatedService>): Promise<void> {
    fs.mkdirSync(path.dirname(this.stateFile), { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.stateFile, `${JSON.stringify(services, null, 2)}\n`, { mode: 0o600 });
  }
}

function toStatus(name: string, service: SimulatedService): ServiceStatus {
  return { name, displayName: service.displayName, state: service.state, startType: service.startType };
}
