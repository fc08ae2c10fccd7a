import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A spawned child's end, shared by `NodeExec` and its pseudo-terminal runs: the exit code or
 * signal, a timeout that kills the whole tree, and a start failure as `ExecStartError`.
 */

/** Thrown when the program could not be started at all (not found, not executable). */
export class ExecStartError extends Error {
  constructor(program: string, reason: string) {
    super(`Could not start ${program}: ${reason}. Check that it is installed and on PATH.`);
    this.name = 'ExecStartError';
  }
}

/**
 * Waits for the child to close; after `timeoutMs` kills its tree and says so (`timedOut`). A child
 * that cannot start rejects with `ExecStartError` naming `program` (already redacted).
 */
export async function waitForExit(
  child: ChildProcess,
  program: string,
  timeoutMs: number | undefined,
): Promise<{ exitCode: number | null; signal: string | null; timedOut: boolean }> {
  let timedOut = false;
  const timer =
    timeoutMs !== undefined
      ? setTimeout(() => {
          timedOut = true;
          killTree(child);
        }, timeoutMs)
      : undefined;
  try {
    const { exitCode, signal } = await new Promise<{ exitCode: number | null; signal: string | null }>(
      (resolve, reject) => {
        child.once('error', (error: NodeJS.ErrnoException) =>
          reject(new ExecStartError(program, error.code ?? error.message)),
        );
        child.once('close', (code, sig) => resolve({ exitCode: code, signal: sig }));
      },
    );
    return { exitCode, signal, timedOut };
  } finally {
    if (timer) clearTimeout(timer);
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
