import { ServiceControlError } from './control-errors.js';
import type { ServiceControlOptions, ServiceState, ServiceStatus } from './types.js';

/** Time, injectable so tests drive polling without sleeping. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export const DEFAULT_SERVICE_TIMEOUT_MS = 120_000;
export const DEFAULT_POLL_INTERVAL_MS = 1_000;

export interface WaitForStateOptions extends ServiceControlOptions {
  clock: Clock;
  pollIntervalMs: number;
}

/**
 * Polls `readStatus` until the service reaches `target`, reporting progress while it waits;
 * throws a timeout ServiceControlError naming the state it was stuck in.
 */
export async function waitForServiceState(
  name: string,
  target: Extract<ServiceState, 'running' | 'stopped'>,
  readStatus: () => Promise<ServiceStatus>,
  options: WaitForStateOptions,
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_SERVICE_TIMEOUT_MS;
  const started = options.clock.now();
  for (;;) {
    const status = await readStatus();
    if (status.state === target) return;
    if (status.state === 'missing') {
      throw new ServiceControlError(
        name,
        'missing',
        `Service "${name}" disappeared while waiting for it to be ${target}.`,
      );
    }
    if (target === 'running' && status.state === 'stopped') {
      // Called after the start was accepted: back at STOPPED means the service failed; waiting will not help.
      throw new ServiceControlError(
        name,
        'failed',
        `Service "${name}" stopped again right after starting. Check the Windows Event Log (or the service's own log) for why it failed.`,
      );
    }
    const elapsed = options.clock.now() - started;
    if (elapsed >= timeoutMs) {
      throw new ServiceControlError(
        name,
        'timeout',
        `Service "${name}" did not become ${target} within ${Math.round(timeoutMs / 1000)} s (still ${status.state}). ` +
          'Check it in the Services console, then retry.',
      );
    }
    options.onProgress?.(
      `Waiting for "${name}" to be ${target}: ${status.state} after ${Math.round(elapsed / 1000)} s`,
    );
    await options.clock.sleep(options.pollIntervalMs);
  }
}
