import { spawn, type ChildProcess } from 'node:child_process';
import { Redactor } from '../../../shared/redact.js';
import { assertNoSecretOnArgv } from './argv-guard.js';
import { childEnvironment } from './child-env.js';
import { OUTPUT_CAP_BYTES, OutputCapture } from './output-capture.js';
import { runInTerminal } from './terminal-exec.js';
import type { Exec, ExecRequest, ExecResult } from './types.js';

/** Thrown when the program could not be started at all (not found, not executable). */
export class ExecStartError extends Error {
  constructor(program: string, reason: string) {
    super(`Could not start ${program}: ${reason}. Check that it is installed and on PATH.`);
    this.name = 'ExecStartError';
  }
}

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

    let timedOut = false;
    const timer =
      request.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            killTree(child);
          }, request.timeoutMs)
        : undefined;

    try {
      const { exitCode, signal } = await new Promise<{ exitCode: number | null; signal: string | null }>(
        (resolve, reject) => {
          child.once('error', (error: NodeJS.ErrnoException) =>
            reject(new ExecStartError(redactor.redact(request.program), error.code ?? error.message)),
          );
          child.once('close', (code, sig) => resolve({ exitCode: code, signal: sig }));
        },
      );
      return {
        exitCode,
        signal,
        stdout: redactor.redact(stdout.text()),
        stderr: redactor.redact(stderr.text()),
        timedOut,
        durationMs: Date.now() - started,
      };
    } finally {
      if (timer) clearTimeout(timer);
    }
  }
}

/**
 * Kills the child and everything it started. On Windows `taskkill /T /F` ends the tree (run
 * directly, not through this class, so a timeout never recurses); elsewhere the child leads its
 * own process group and the group gets SIGKILL.
 */
export function killTree(child: ChildProcess): void {
  if (child.pid === undefined) return;
  if (process.platform === 'win32') {
    spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], { windowsHide: true, stdio: 'ignore' }).on(
      'error',
      () => child.kill('SIGKILL'),
    );
    return;
  }
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}
