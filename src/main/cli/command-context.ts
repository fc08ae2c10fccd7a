import type { RunView } from '../../shared/procedure.js';
import type { CliIo } from './io.js';
import { ExitCode } from './io.js';

/** What every engine-backed command gets from the dispatcher. */
export interface CommandContext {
  io: CliIo;
  dataDir: string;
}

/** A command's documented exit code for the state a run stopped in. */
export function exitCodeFor(run: RunView): number {
  switch (run.state) {
    case 'succeeded':
      return ExitCode.ok;
    case 'rolled-back':
      return ExitCode.rolledBack;
    case 'failed':
      return run.steps.some((step) => step.kind === 'check' && step.state === 'failed')
        ? ExitCode.preflightFailed
        : ExitCode.stepFailed;
    default:
      return ExitCode.stepFailed;
  }
}

export function writeJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
