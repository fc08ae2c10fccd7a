import { spawn } from 'node:child_process';
import { Redactor } from '../../../shared/redact.js';
import { assertNoSecretOnArgv } from './argv-guard.js';
import { childEnvironment } from './child-env.js';
import { waitForExit } from './child-process.js';
import { OUTPUT_CAP_BYTES, OutputCapture } from './output-capture.js';
import { runInTerminal } from './terminal-exec.js';
import type { Exec, ExecRequest, ExecResult } from './types.js';

export interface NodeExecOptions {
  /** Per-stream capture limit; the rest is dropped with a note. */
  outputCapBytes?: number;
}

/**
 * Runs real programs: no shell, no console window, no secret on argv, secrets masked in what comes
 * back, and no secret env var of this process in the child's environment (`child-env.ts`).
 */
export class NodeExec implements Exec {
  private readonly outputCapBytes: number;

  constructor(options: NodeExecOptions = {}) {
    this.outputCapBytes = options.outputCapBytes ?? OUTPUT_CAP_BYTES;
  }

  async run(request: ExecRequest): Promise<ExecResult> {
    if (request.terminal) return runInTerminal(request, this.outputCapBytes);
    assertNoSecretOnArgv(request);
    const redactor = new Redactor(request.secrets ?? []);
    const started = Date.now();
    const child = spawn(request.program, [...request.args], {
      cwd: request.cwd,
      env: childEnvironment({ extra: request.env, secrets: request.secrets }),
      shell: false,
      windowsHide: true,
      // Its own process group on POSIX, so a timeout can kill the whole tree.
      detached: process.platform !== 'win32',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout = new OutputCapture(this.outputCapBytes);
    const stderr = new OutputCapture(this.outputCapBytes);
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    // A child that exits without reading its stdin makes the write fail with EPIPE: not our error.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(request.stdin ?? '');

    const { exitCode, signal, timedOut } = await waitForExit(
      child,
      redactor.redact(request.program),
      request.timeoutMs,
    );
    return {
      exitCode,
      signal,
      stdout: redactor.redact(stdout.text()),
      stderr: redactor.redact(stderr.text()),
      timedOut,
      durationMs: Date.now() - started,
    };
  }
}
