import { PassThrough, Readable } from 'node:stream';
import type { CliIo } from '../../src/main/cli/io.js';

/** In-memory streams for runCli: stdin from a string (not a TTY), stdout/stderr captured. */
export function memoryIo(options: { stdin?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const io: CliIo = {
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    stdout,
    stderr,
    env: { ...process.env, ...options.env },
    cwd: options.cwd ?? process.cwd(),
  };
  return { io, stdout: () => out, stderr: () => err };
}
