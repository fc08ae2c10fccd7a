import type { Exec } from '../exec/types.js';
import { ServiceControlError } from './control-errors.js';

const IISRESET_TIMEOUT_MS = 5 * 60_000;

/** Stops or starts IIS with `iisreset /stop` or `iisreset /start` (waits until iisreset reports the result). */
export async function iisReset(exec: Exec, action: 'stop' | 'start'): Promise<void> {
  const result = await exec.run({
    program: 'iisreset.exe',
    args: [`/${action}`],
    timeoutMs: IISRESET_TIMEOUT_MS,
  });
  if (result.exitCode === 0) return;
  const output = `${result.stdout}\n${result.stderr}`
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  if (result.timedOut) {
    throw new ServiceControlError(
      'IIS',
      'timeout',
      `iisreset /${action} did not finish within ${IISRESET_TIMEOUT_MS / 60_000} minutes.`,
    );
  }
  if (output.some((line) => /access denied/i.test(line))) {
    throw new ServiceControlError(
      'IIS',
      'access-denied',
      `iisreset /${action} was refused: access denied. Run Breakglass as administrator.`,
    );
  }
  throw new ServiceControlError(
    'IIS',
    'failed',
    `iisreset /${action} failed (exit code ${result.exitCode}): ${output.slice(-5).join(' ')}`,
  );
}
