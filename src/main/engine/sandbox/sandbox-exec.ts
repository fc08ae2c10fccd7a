import path from 'node:path';
import { assertNoSecretOnArgv } from '../../platform/exec/argv-guard.js';
import type { Exec, ExecRequest, ExecResult } from '../../platform/exec/types.js';
import type { SandboxSeedContext, SimulatedProgram } from '../types.js';

/**
 * The sandbox's Exec: runs a system's simulated programs (by file name) and refuses anything else,
 * so a practice run can never touch the real machine. Every request is recorded (argv, env keys,
 * whether stdin was used) for the leak tests.
 */
export class SandboxExec implements Exec {
  readonly requests: Array<{ program: string; args: string[]; envKeys: string[]; stdin: boolean }> = [];

  constructor(
    private readonly programs: Readonly<Record<string, SimulatedProgram>>,
    private readonly context: () => Promise<SandboxSeedContext>,
  ) {}

  async run(request: ExecRequest): Promise<ExecResult> {
    this.requests.push({
      program: request.program,
      args: [...request.args],
      envKeys: Object.keys(request.env ?? {}),
      stdin: request.stdin !== undefined,
    });
    assertNoSecretOnArgv(request);
    const name = path.win32.basename(path.posix.basename(request.program));
    const program = this.programs[name];
    if (!program) {
      const known = Object.keys(this.programs);
      throw new Error(
        `The practice sandbox does not run real programs: "${name}" is not simulated here` +
          (known.length > 0 ? ` (simulated: ${known.join(', ')}).` : '.') +
          ' Use the real environment for this procedure.',
      );
    }
    return program(request, await this.context());
  }
}
