import { spawn } from 'node:child_process';
import path from 'node:path';

/** The built CLI (the global setup rebuilds out/ when the sources are newer: fresh-build.ts). */
export function cliCommand(): string[] {
  return [path.resolve('out/main/cli.js')];
}

/** The CLI from the sources with the crash-test hook (checkpointed-cli.ts): BREAKGLASS_TEST_PAUSE stops it at a point. */
export function checkpointedCliCommand(): string[] {
  return ['--import', 'tsx', path.resolve('tests/support/checkpointed-cli.ts')];
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `breakglass ...` as a child process with stdin closed (no TTY). */
export function runCliProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { cwd?: string; stdin?: string; command?: string[] } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.command ?? cliCommand()), ...args], {
      env: { ...process.env, ...env },
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}
