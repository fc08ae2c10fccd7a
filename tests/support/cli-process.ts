import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The built CLI (`npm run build`), else the sources through tsx. */
export function cliCommand(): string[] {
  const built = path.resolve('out/main/cli.js');
  return fs.existsSync(built) ? [built] : ['--import', 'tsx', path.resolve('src/main/cli/main.ts')];
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
