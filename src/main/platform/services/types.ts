/** Starting and stopping services: Windows (sc.exe, iisreset), systemd, docker compose, or the sandbox's simulation. */
export type ServiceState =
  'running' | 'stopped' | 'start-pending' | 'stop-pending' | 'paused' | 'missing' | 'unknown';
export type ServiceStartType = 'auto' | 'manual' | 'disabled' | 'unknown';

export interface ServiceStatus {
  name: string;
  displayName?: string;
  state: ServiceState;
  startType?: ServiceStartType;
}

export interface ServiceControlOptions {
  /** How long to wait for the service to reach the target state. */
  timeoutMs?: number;
  /** Called with a human-readable line while waiting. */
  onProgress?: (line: string) => void;
}

export interface ServiceController {
  /** Services whose name starts with `prefix` (e.g. "OutSystems"), with their state. */
  list(prefix: string): Promise<ServiceStatus[]>;
  status(name: string): Promise<ServiceStatus>;
  /** Stops and waits until stopped; an already stopped service is success. */
  stop(name: string, options?: ServiceControlOptions): Promise<void>;
  /** Starts and waits until running; an already running service is success. */
  start(name: string, options?: ServiceControlOptions): Promise<void>;
}
