import type { Readable, Writable } from 'node:stream';

/** The streams a CLI command talks through; tests pass their own. */
export interface CliIo {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Documented exit codes of `breakglass`. */
export const ExitCode = {
  ok: 0,
  mismatch: 1,
  badInput: 2,
  preflightFailed: 3,
  stepFailed: 4,
  rolledBack: 5,
} as const;
